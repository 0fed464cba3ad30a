"""Fast phrase lookup over long texts by word n-grams (no regex alternations, no spaCy).

A 600-phrase regex alternation costs Python's ``re`` about a second per paper; looking word
n-grams up in a dict costs a few milliseconds. Used for the candidate pre-filter and for the
paper-level context counts (medical terms, real-data mentions).

A text is split into words once (``tokenize``): one ``re.split`` of its lower-cased copy gives
the words and the gaps between them, whose running lengths are the words' character offsets.
Every lexicon then makes one pass over the words for those that can start one of its phrases
(phrases with capitals compare the words as written there), so three lexicons over the same
paper cost little more than one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
KELVIN_SIGN = "\u212a"
_SPLIT = re.compile(f"({WORD.pattern})")


def words(text: str) -> list[str]:
    return WORD.findall(text)


class Tokens:
    """The words of one text, lower-cased, with their character offsets."""

    __slots__ = ("_bounds", "lowered", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        lowered = text.lower()
        # split into [gap, word, gap, word, ..., gap]: the running lengths are where each
        # piece ends
        if len(lowered) == len(text) and KELVIN_SIGN not in text:
            # lower-casing kept every character in its place and in (or out of) a word: only
            # "İ" (two characters in lower case) and the Kelvin sign ("k") do not
            parts = _SPLIT.split(lowered)
            self.lowered: list[str] = parts[1::2]
        else:
            parts = _SPLIT.split(text)
            self.lowered = [w.lower() for w in parts[1::2]]  # each word on its own
        self._bounds = list(accumulate(map(len, parts)))

    def written(self, first: int, n: int) -> tuple[str, ...]:
        """The ``n`` words from word ``first`` (fewer at the end) as the text writes them."""
        bounds = self._bounds
        last = min(first + n, len(self.lowered))
        return tuple(self.text[bounds[2 * k] : bounds[2 * k + 1]] for k in range(first, last))

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


def _by_length(
    phrases: dict[str, set[tuple[str, ...]]],
) -> dict[str, list[tuple[int, frozenset[tuple[str, ...]]]]]:
    """First word -> [(n, the phrases of n words)], by n."""
    out: dict[str, list[tuple[int, frozenset[tuple[str, ...]]]]] = {}
    for first, keys in phrases.items():
        lengths = sorted({len(k) for k in keys})
        out[first] = [(n, frozenset(k for k in keys if len(k) == n)) for n in lengths]
    return out


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
        # phrases by first word, then by length: at a word that starts phrases, one look-up per
        # length ("synthetic" starts ~90 phrases of 2 to 7 words)
        self._lower = _by_length(lower)
        self._exact = _by_length(exact)
        # the lower-cased words where a phrase can start: a phrase with capitals starts at a
        # word whose lower case is in here too, so one pass over the words finds both kinds
        self._exact_starts = frozenset(w.lower() for w in exact)
        self._starts = frozenset(lower) | self._exact_starts

    def finditer(self, text: str | Tokens) -> Iterator[tuple[int, int]]:
        """(start, end) character spans of every phrase occurrence, in text order."""
        tokens = text if isinstance(text, Tokens) else tokenize(text)
        hits: list[tuple[int, int]] = []
        lowered = tokens.lowered
        for i in compress(range(len(lowered)), map(self._starts.__contains__, lowered)):
            for n, keys in self._lower.get(lowered[i], ()):
                if tuple(lowered[i : i + n]) in keys:
                    hits.append(tokens.span(i, n))
            if lowered[i] in self._exact_starts:
                (first,) = tokens.written(i, 1)
                for n, keys in self._exact.get(first, ()):
                    if tokens.written(i, n) in keys:
                        hits.append(tokens.span(i, n))
        hits.sort()
        return iter(hits)

    def count(self, text: str | Tokens) -> int:
        return sum(1 for _ in self.finditer(text))
