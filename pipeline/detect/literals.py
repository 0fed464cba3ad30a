"""Regular expressions found fast: the literals every match starts with, looked for with
``str.find``, and the expression tried only there.

Python's ``re`` tries a pattern such as ``\\b(real|actual)\\b`` or a case-blind alternation of
thirty words at every character of a text; ``str.find`` of a few literals skips through it
many times faster. No spaCy here: the verdict uses it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]


def literal_prefixes(pattern: str) -> tuple[str, ...] | None:
    """Literals one of which every match of ``pattern`` starts with ("(generat|sampled)" gives
    "generat" and "sampled", "synthesi[sz]" gives "synthesi"), or None when it has none."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None  # "(?i)gan": its literals are not the text's
    return _prefixes(list(parsed))


def _prefixes(items: Sequence[tuple[object, object]]) -> tuple[str, ...] | None:
    if not items:
        return None
    op, av = items[0]
    if op is sre_constants.AT:  # "\\b", "^": an assertion consumes nothing
        return _prefixes(items[1:])
    if op is sre_constants.LITERAL:
        run = []
        for op_, av_ in items:
            if op_ is not sre_constants.LITERAL:
                break
            run.append(chr(av_))  # type: ignore[arg-type]
        return ("".join(run),)
    if op is sre_constants.SUBPATTERN:  # a group: (number, flags added, flags removed, items)
        _, added, removed, sub = av  # type: ignore[misc]
        return None if added or removed else _prefixes(list(sub))
    if op is sre_constants.BRANCH:  # alternatives: (None, [items, ...])
        out: list[str] = []
        for alternative in av[1]:  # type: ignore[index]
            found = _prefixes(list(alternative))
            if found is None:
                return None
            out.extend(found)
        return tuple(out)
    return None  # a class, a repeat, an assertion: no literal to look for


def literal_starts(text: str, literals: Sequence[str]) -> list[int]:
    """Every offset in ``text`` where one of ``literals`` starts (overlapping ones too), in
    order: where a pattern whose matches start with them can match."""
    found: set[int] = set()
    for literal in literals:
        at = text.find(literal)
        while at != -1:
            found.add(at)
            at = text.find(literal, at + 1)
    return sorted(found)


# Letters a case-blind regex takes for an ASCII letter that lower() leaves alone: the long s
# ("ſ" matches "s") and the dotless i ("ı" matches "i")
ODD_FOLDS = ("\u017f", "\u0131")


class LiteralFinder:
    """``pattern.finditer`` of a case-blind pattern, as start offsets, found fast.

    ``pattern`` is written in lower case and compiled with ``re.IGNORECASE``; the text is
    lower-cased once and the pattern (without the flag) tried only where one of its literal
    prefixes starts. Matches do not overlap, as with ``finditer``. Where lower-casing moves
    offsets ("İ" becomes two characters) or no literal prefix exists, ``finditer`` runs.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._lower = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
        # only a case-blind pattern written in lower case ("\\S" or "GAN" in it would mean
        # something else in lower-cased text) is looked up this way
        written_lower = pattern.pattern == pattern.pattern.lower()
        case_blind = bool(pattern.flags & re.IGNORECASE)
        self._literals = literal_prefixes(pattern.pattern) if written_lower and case_blind else None

    def starts(self, text: str) -> list[int]:
        lowered = text.lower()
        if self._literals is None or len(lowered) != len(text) or any(c in text for c in ODD_FOLDS):
            return [m.start() for m in self.pattern.finditer(text)]
        out: list[int] = []
        end = 0
        match = self._lower.match
        for at in literal_starts(lowered, self._literals):
            if at >= end and (m := match(lowered, at)) is not None:
                out.append(at)
                end = max(m.end(), at + 1)
        return out
