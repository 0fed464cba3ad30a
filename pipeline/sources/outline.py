"""Section kinds for a flat run of headings whose nesting shows only in their numbers.

Plain text, Markdown, GROBID TEI and S2ORC give headings one after another ("2 Methods",
"2.3 Participants", IEEE "IV." / "A." / "1)"); ``Outline`` works out which section each one
belongs to.
"""

from __future__ import annotations

import re

from pipeline.document import section_kind

# Kinds whose generic, unnumbered subsections ("Participants") inherit the kind. After an
# introduction a generic heading is more often a new top-level section ("Study area").
INHERITING_KINDS = frozenset({"methods", "results", "discussion", "appendix"})
# Front-matter summaries that section_kind does not know; they count as abstract.
FRONT_MATTER = re.compile(
    r"^(highlights|research highlights|graphical abstract|key points|significance"
    r"( statement)?|in brief|summary)$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\s*(?P<n>(?:\d+|[A-Z])(?:\.\d+)*)(?P<dot>\.?)\s+(?P<rest>\S.*)$")
_ROMAN = re.compile(r"^\s*(?P<n>[IVX]+)\.\s+(?P<rest>\S.*)$")
_PAREN = re.compile(r"^\s*(?P<n>\d+|[a-z])\)\s+(?P<rest>\S.*)$")


class Outline:
    """Kinds for a flat sequence of headings whose nesting is known only from numbering.

    A heading keeps the kind ``section_kind`` gives it. A generic one ("2.3 Participants")
    takes the kind of its numbered parent ("2 Methods"; IEEE "A." and "1)" under "IV."); an
    unnumbered generic one takes the kind of the section before it when that is methods,
    results, discussion or appendix. After the reference list, lettered and generic headings
    are appendices.
    """

    def __init__(self) -> None:
        self._by_number: dict[str, str] = {}
        self._roman_kind: str | None = None
        self._last = "other"
        self._after_references = False

    def kind(self, heading: str, number: str | None = None) -> str:
        """The kind of ``heading``; ``number`` is its section number when given apart."""
        own = section_kind(heading)
        if FRONT_MATTER.match(heading.strip()):
            own = "abstract"
        given = (number or "").strip().rstrip(".")
        if given:
            style = "decimal" if given.replace(".", "").isdigit() else "letter"
            n: str | None = given
        else:
            n, style = _heading_number(heading, self._after_references)
        parent = None
        if n:
            parts = n.split(".")
            for i in range(len(parts) - 1, 0, -1):
                parent = self._by_number.get(".".join(parts[:i]))
                if parent:
                    break
            if parent is None and style in ("letter", "paren") and len(parts) == 1:
                parent = self._roman_kind
        if self._after_references and own not in ("acknowledgements", "references"):
            kind = "appendix" if style == "letter" or own == "other" else own
        elif own != "other":
            kind = own
        elif parent:
            kind = parent
        elif not n and self._last in INHERITING_KINDS:
            kind = self._last
        else:
            kind = "other"
        if kind == "references":
            self._after_references = True
        if n and style != "paren":
            self._by_number[n] = kind
        if style == "roman":
            self._roman_kind = kind
        self._last = kind
        return kind


def _heading_number(heading: str, lettered_bare: bool) -> tuple[str | None, str | None]:
    """The section number a heading starts with and its style: ("2.3", "decimal"),
    ("IV", "roman"), ("A.1", "letter"), ("1", "paren") for "1)". A bare letter ("A Data") counts
    only when ``lettered_bare`` (after the references, where appendices are lettered)."""
    m = _ROMAN.match(heading)
    if m:
        return m.group("n"), "roman"
    m = _NUMBER.match(heading)
    if m:
        n = m.group("n")
        if n[0].isdigit():
            return n, "decimal"
        if "." in n or m.group("dot") or lettered_bare:
            return n, "letter"
        return None, None
    m = _PAREN.match(heading)
    if m:
        return m.group("n"), "paren"
    return None, None


def is_numbered_heading(heading: str) -> bool:
    """True when ``heading`` opens with a section number ("3.2", "IV.") and a capital letter."""
    m = _NUMBER.match(heading) or _ROMAN.match(heading)
    return bool(m and m.group("rest")[:1].isupper() and _heading_number(heading, False)[0])
