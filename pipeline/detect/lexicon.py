"""Fast phrase lookup over long texts by word n-grams (no regex alternations, no spaCy).

A 600-phrase regex alternation costs Python's ``re`` about a second per paper; looking word
n-grams up in a dict costs a few milliseconds. Used for the candidate pre-filter and for the
paper-level context counts (medical terms, real-data mentions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def words(text: str) -> list[str]:
    return WORD.findall(text)


class Lexicon:
    """A set of phrases matched word by word; phrases with capitals match case-sensitively."""

    def __init__(self, phrases: Iterable[str], *, fold_case: bool = False) -> None:
        self._lower: dict[str, set[tuple[str, ...]]] = {}
        self._exact: dict[str, set[tuple[str, ...]]] = {}
        self.max_words = 1
        for phrase in phrases:
            ws = tuple(words(phrase))
            if not ws:
                continue
            exact = not fold_case and any(c.isupper() for c in phrase)
            key = ws if exact else tuple(w.lower() for w in ws)
            table = self._exact if exact else self._lower
            table.setdefault(key[0], set()).add(key)
            self.max_words = max(self.max_words, len(ws))

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) character spans of every phrase occurrence, in text order."""
        tokens = list(WORD.finditer(text))
        lowered = [m.group(0).lower() for m in tokens]
        for i, m in enumerate(tokens):
            for table, seq in ((self._lower, lowered), (self._exact, None)):
                first = lowered[i] if seq is not None else m.group(0)
                keys = table.get(first)
                if not keys:
                    continue
                for key in keys:
                    n = len(key)
                    got = (
                        tuple(lowered[i : i + n])
                        if seq is not None
                        else tuple(t.group(0) for t in tokens[i : i + n])
                    )
                    if got == key:
                        yield m.start(), tokens[i + n - 1].end()

    def count(self, text: str) -> int:
        return sum(1 for _ in self.finditer(text))

    def search(self, text: str) -> bool:
        return next(self.finditer(text), None) is not None
