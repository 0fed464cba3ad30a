"""Sentence segmentation fit for scientific text (no model needed).

A boundary is a ``.``, ``!`` or ``?`` (optionally followed by closing quotes/brackets or a
numeric citation) and whitespace, then something that can start a sentence. The boundary is
refused after abbreviations ("et al.", "Fig.", "e.g.", "i.e.", "Eq.", "vs."), single initials
("J. Smith") and inside decimals ("3.5"), because the next character would be a digit or
lower-case, or the token before the stop is in ``ABBREVIATIONS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREVIATIONS = frozenset(
    "al fig figs eq eqs eqn ref refs sec secs tab tabs e.g eg i.e ie cf vs viz approx "
    "resp no nos vol vols pp p ed eds dr mr mrs ms prof st jr sr inc ltd co corp dept "
    "univ suppl supp ch chap art para ca est min max avg std var lit op cit ibid al., "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft nr incl excl".split()
)
MAX_SENTENCE_CHARS = 1500

# The stop is matched rather than looked behind for: ``re`` then skips ahead to the next stop
# instead of trying the pattern at every character. The boundary itself is the group ``gap``.
_BOUNDARY = re.compile(
    r"""[.!?]                   # a sentence-final stop
        (?P<gap>
        ["'”’)\]]*              # closing quotes or brackets
        (?:\s*\[[\d,\s–-]+\])?  # a numeric citation after the stop: "... data. [12] We"
        (?:(?<=[a-z)\]][.!?])\d{1,3}(?:[,–-]\d{1,3})*(?=\s+[A-Z]))?  # superscript: "data).4 We"
        \s+)
        (?=["'“‘(\[]?[A-Z0-9])  # the next sentence starts upper-case or with a number
    """,
    re.VERBOSE,
)
_INITIAL = re.compile(r"^(?:[A-Z]|[A-Z][a-z]?\.[A-Z])\.$")


def _is_abbreviation(before: str) -> bool:
    # the last run of non-space characters (what ``re.search(r"(\S+)\s*$", before)`` finds),
    # read from the end instead of trying the regex at every position of a long chunk
    last = before.rsplit(None, 1)
    if not last:
        return False
    token = last[-1].rstrip("\"'”’)]")
    if _INITIAL.match(token):
        return True
    word = token.lstrip("(\"'“‘[").rstrip(".")
    if len(word) > 1 and word.isupper():  # "ED.", "GAN." end sentences; "Fig." does not
        return False
    return word.lower() in ABBREVIATIONS


def split_sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Yield (start, end) spans of the sentences of ``text``, shifted by ``offset``.

    Spans exclude surrounding whitespace. Very long runs without a boundary (tables, formula
    dumps) are cut at ``MAX_SENTENCE_CHARS`` on whitespace so one sentence never swallows a page.
    """
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start("gap") + len(m.group("gap").rstrip())
        # the abbreviation test reads up to the stop ("Fig." before a superscript-like "4")
        stop = m.start("gap")
        if _is_abbreviation(_strip_citation(text[start:stop].rstrip("\"'”’)]"))):
            continue
        yield from _emit(text, start, end, offset)
        start = m.end()
    yield from _emit(text, start, len(text), offset)


def _strip_citation(chunk: str) -> str:
    # the pattern ends in "]" at the very end (``$`` allows one newline after it); this test
    # spares the regex, which tries every position of the chunk
    if not chunk.endswith(("]", "]\n")):
        return chunk
    return re.sub(r"\s*\[[\d,\s–-]+\]$", "", chunk)


def _emit(text: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        yield offset + start, offset + cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield offset + start, offset + end
