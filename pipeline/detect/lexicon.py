"""Fast phrase lookup over long texts by word n-grams (no regex alternations, no spaCy).

A 600-phrase regex alternation costs Python's ``re`` about a second per paper; looking word
n-grams up in a dict costs a few milliseconds. Used for the candidate pre-filter and for the
paper-level context counts (medical terms, real-data mentions).

A text is split into words once (``tokenize``): one ``re.split`` gives the words and the gaps
between them, whose running lengths are the words' character offsets, and the words are
lower-cased in one call. Every lexicon then looks up only the words that can start one of its
phrases, so three lexicons over the same paper cost little more than one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SPLIT = re.compile(f"({WORD.pattern})")


def words(text: str) -> list[str]:
    return WORD.findall(text)


class Tokens:
    """The words of one text, as written and lower-cased, with their character offsets."""

    __slots__ = ("_bounds", "lowered", "text", "words")

    def __init__(self, text: str) -> None:
        # [gap, word, gap, word, ..., gap]: the running lengths are where each piece ends
        parts = _SPLIT.split(text)
        self.text = text
        self.words: list[str] = parts[1::2]
        self._bounds = list(accumulate(map(len, parts)))
        # words are ASCII letters, digits and an apostrophe: lower-casing the joined string
        # lower-cases each word and keeps the count (no word holds a NUL)
        self.lowered: list[str] = (
            "\x00".join(self.words).lower().split("\x00") if self.words else []
        )

    def span(self, first: int, n: int) -> tuple[int, int]:
        """Character (start, end) of the ``n`` words from word ``first``."""
        return self._bounds[2 * first], self._bounds[2 * (first + n) - 1]


_last: Tokens | None = None


def tokenize(text: str) -> Tokens:
    """The Tokens of ``text``; the last text's are kept, so the lexicons of one paper share
    them (only one text is held: a worker never keeps an earlier paper)."""
    global _last
    tokens = _last
    if tokens is None or tokens.text is not text:
        tokens = _last = Tokens(text)
    return tokens


class Lexicon:
    """A set of phrases matched word by word; phrases with capitals match case-sensitively."""

    def __init__(self, phrases: Iterable[str], *, fold_case: bool = False) -> None:
        lower: dict[str, set[tuple[str, ...]]] = {}
        exact: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            ws = tuple(words(phrase))
            if not ws:
                continue
            is_exact = not fold_case and any(c.isupper() for c in phrase)
            key = ws if is_exact else tuple(w.lower() for w in ws)
            (exact if is_exact else lower).setdefault(key[0], set()).add(key)
        # phrases sharing a first word, in a fixed order
        self._lower = {w: sorted(keys) for w, keys in lower.items()}
        self._exact = {w: sorted(keys) for w, keys in exact.items()}

    def finditer(self, text: str | Tokens) -> Iterator[tuple[int, int]]:
        """(start, end) character spans of every phrase occurrence, in text order."""
        tokens = text if isinstance(text, Tokens) else tokenize(text)
        hits: list[tuple[int, int]] = []
        for table, seq in ((self._lower, tokens.lowered), (self._exact, tokens.words)):
            if not table:
                continue
            for i in compress(range(len(seq)), map(table.__contains__, seq)):
                for key in table[seq[i]]:
                    n = len(key)
                    if tuple(seq[i : i + n]) == key:
                        hits.append(tokens.span(i, n))
        hits.sort()
        return iter(hits)

    def count(self, text: str | Tokens) -> int:
        return sum(1 for _ in self.finditer(text))
