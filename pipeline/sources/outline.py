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
# With ``own_content``: a top-level section of one of these kinds opens the paper's own content,
# one of the closing kinds ends it (see ``Outline``).
OWN_CONTENT_OPENS = frozenset({"introduction", "related_work"})
OWN_CONTENT_CLOSES = frozenset(
    {"discussion", "limitations", "conclusion", "acknowledgements", "references", "appendix"}
)
# "Summary" heads an abstract before the body and a conclusion after it.
_SUMMARY = re.compile(r"^(summary|synopsis)$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?P<n>(?:\d+|[A-Z])(?:\.\d+)*)(?P<dot>\.?)\s+(?P<rest>\S.*)$")
_ROMAN = re.compile(r"^\s*(?P<n>[IVX]+)\.\s+(?P<rest>\S.*)$")
_PAREN = re.compile(r"^\s*(?P<n>\d+|[a-z])\)\s+(?P<rest>\S.*)$")


class Outline:
    """Kinds for a flat sequence of headings whose nesting is known only from numbering.

    A heading keeps the kind ``section_kind`` gives it. A generic one ("2.3 Participants")
    takes the kind of its numbered parent ("2 Methods"; IEEE "A." and "1)" under "IV."), and so
    does a numbered subsection that only names an introduction ("3.1 Overview", "3.2
    Background" under "3 Methods"); an unnumbered generic one takes the kind of the section
    before it when that is methods, results, discussion or appendix. After the reference list,
    lettered and generic headings are appendices. "Summary" after the body has begun is a
    conclusion, not an abstract.

    ``own_content``: a numbered top-level heading that names no kind ("3 SynthGen: a tabular
    generator", "IV. Protocol operation") and stands between the introduction (or related
    work) and the first discussion, limitations, conclusion, back matter or reference list is
    the paper's own technical content: ``methods``, or ``results`` once a top-level results
    section has come before it. Its subsections inherit that kind. Readers turn this on where
    numbered headings are reliable enough to bear it (PDF).
    """

    def __init__(
        self, *, own_content: bool = False, inherit_from: frozenset[str] = INHERITING_KINDS
    ) -> None:
        self._by_number: dict[str, str] = {}
        self._inherit_from = inherit_from
        # Per parent number, the kind of its latest child: "4.3 Ablations" after "4.2 Results"
        # under "4 Experiments" is a result too.
        self._last_child: dict[str, str] = {}
        self._roman_kind: str | None = None
        self._last = "other"
        self._after_references = False
        self._own_content = own_content
        self._body = False  # an introduction or a later section has been seen
        self._own_open = False  # between the introduction and the closing sections
        self._own_closed = False
        self._results_seen = False

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
        if own == "abstract" and self._body and _SUMMARY.match(_title(heading, n)):
            own = "conclusion"
        parent = None
        parent_number = None
        if n:
            parts = n.split(".")
            for i in range(len(parts) - 1, 0, -1):
                parent_number = ".".join(parts[:i])
                parent = self._by_number.get(parent_number)
                if parent:
                    break
            if parent is None and style in ("letter", "paren") and len(parts) == 1:
                parent = self._roman_kind
        top = _is_top_level(n, style, parent)
        if self._after_references and own not in ("acknowledgements", "references"):
            kind = "appendix" if style == "letter" or own == "other" else own
        elif own == "introduction" and parent and not top:
            kind = parent  # "3.1 Overview" of a method
        elif own != "other":
            kind = own
        elif parent:
            sibling = self._last_child.get(parent_number or "")
            kind = "results" if parent == "methods" and sibling == "results" else parent
        elif not n and self._last in self._inherit_from:
            kind = self._last
        elif self._own_content and n and (top or style == "decimal") and self._own_open:
            # a top-level heading, or a subsection whose parent heading was missed
            kind = "results" if self._results_seen else "methods"
        else:
            kind = "other"
        self._note(kind, top)
        if n and style != "paren":
            self._by_number[n] = kind
        if parent and parent_number:
            self._last_child[parent_number] = kind
        if style == "roman":
            self._roman_kind = kind
        self._last = kind
        return kind

    def _note(self, kind: str, top: bool) -> None:
        """Keep track of where the paper is: body begun, own content open, results seen."""
        if kind == "references":
            self._after_references = True
        if kind not in ("abstract", "other"):
            self._body = True
        if not top:
            return
        if kind in OWN_CONTENT_CLOSES:
            self._own_open, self._own_closed = False, True
        elif kind in OWN_CONTENT_OPENS and not self._own_closed:
            self._own_open = True
        elif kind == "results":
            self._results_seen = True


def _is_top_level(n: str | None, style: str | None, parent: str | None) -> bool:
    """Whether a heading numbered ``n`` (None: unnumbered) starts a top-level section."""
    if n is None:
        return True  # as far as can be told
    if style == "roman" or (style == "decimal" and "." not in n):
        return True
    return style == "letter" and "." not in n and parent is None


def _title(heading: str, n: str | None) -> str:
    """The words of a heading after its number."""
    text = heading.strip()
    if n and text.startswith(n):
        text = text[len(n) :].lstrip(".) ")
    return text.rstrip(" :.")


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
