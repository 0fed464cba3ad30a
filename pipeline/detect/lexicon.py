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
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress

WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Words as spaCy's tokenizer cuts them at an apostrophe: "GPT-4's" is "GPT-4" and "'s", so a
# phrase ends before a clitic ("gpt 4" in "gpt 4 s"). The candidate pre-filter uses these.
BARE_WORD = re.compile(r"[A-Za-z0-9]+")
KELVIN_SIGN = "\u212a"
_APOSTROPHE = re.compile("['’]")
_SPLIT = {WORD: re.compile(f"({WORD.pattern})"), BARE_WORD: re.compile(f"({BARE_WORD.pattern})")}


def words(text: str, word: re.Pattern[str] = WORD) -> list[str]:
    return word.findall(text)


class Tokens:
    """The words of one text, lower-cased, with their character offsets."""

    __slots__ = ("_bare", "_bounds", "_in_place", "lowered", "text", "word")

    def __init__(self, text: str, word: re.Pattern[str] = WORD) -> None:
        """``word``: what a word is, WORD or BARE_WORD."""
        self.text = text
        self.word = word
        self._bare: Tokens | None = None
        split = _SPLIT[word]
        lowered = text.lower()
        # split into [gap, word, gap, word, ..., gap]: the running lengths are where each
        # piece ends
        # lower-casing kept every character in its place and in (or out of) a word: only
        # "İ" (two characters in lower case) and the Kelvin sign ("k") do not
        self._in_place = len(lowered) == len(text) and KELVIN_SIGN not in text
        if self._in_place:
            parts = split.split(lowered)
            self.lowered: list[str] = parts[1::2]
        else:
            parts = split.split(text)
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

    def in_words(self, word: re.Pattern[str]) -> Tokens:
        """The same text cut into ``word``s: these Tokens, or (for BARE_WORD) these with each
        clitic a word of its own, made from these (the same as ``Tokens(text, BARE_WORD)``)."""
        if word is self.word:
            return self
        if word is not BARE_WORD or self.word is not WORD:
            return Tokens(self.text, word)
        if self._bare is None:
            self._bare = self._split_clitics()
        return self._bare

    def _split_clitics(self) -> Tokens:
        """A WORD with an apostrophe ("model’s") is two BARE_WORDs ("model", "s"): only those
        change, so the others are copied (slices), not found again."""
        text, lowered, bounds = self.text, self.lowered, self._bounds
        cuts: list[tuple[int, int]] = []  # (word index, apostrophe offset)
        for m in _APOSTROPHE.finditer(text):
            at = m.start()
            k = bisect_right(bounds, at)  # bounds[2j] <= at < bounds[2j + 1]: inside word j
            if k % 2 == 0:
                continue  # between words
            end = bounds[k]
            if not self._in_place or BARE_WORD.match(text, end):
                # "x's2" is WORD "x's" + "2" but BARE_WORD "x" + "s2"; or lower case moved
                # letters: cut the text again
                return Tokens(text, BARE_WORD)
            cuts.append((k // 2, at))
        if not cuts:
            return _retyped(self, BARE_WORD, lowered, bounds)
        new_lowered: list[str] = []
        new_bounds: list[int] = []
        word_from = bound_from = 0
        for j, at in cuts:
            w = lowered[j]
            cut = at - bounds[2 * j]
            new_lowered += lowered[word_from:j]
            new_lowered += (w[:cut], w[cut + 1 :])
            new_bounds += bounds[bound_from : 2 * j + 1]
            new_bounds += (at, at + 1)
            word_from, bound_from = j + 1, 2 * j + 1
        new_lowered += lowered[word_from:]
        new_bounds += bounds[bound_from:]
        return _retyped(self, BARE_WORD, new_lowered, new_bounds)


def _retyped(
    tokens: Tokens, word: re.Pattern[str], lowered: list[str], bounds: list[int]
) -> Tokens:
    """Tokens of the same text cut into ``word``s, given their words and bounds."""
    out = Tokens.__new__(Tokens)
    out.text, out.word, out._bare, out._in_place = tokens.text, word, None, tokens._in_place
    out.lowered, out._bounds = lowered, bounds
    return out


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

    def __init__(
        self, phrases: Iterable[str], *, fold_case: bool = False, word: re.Pattern[str] = WORD
    ) -> None:
        """``word``: what a word is, in the phrases and in the texts (WORD or BARE_WORD)."""
        self.word = word
        lower: dict[str, set[tuple[str, ...]]] = {}
        exact: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            ws = tuple(words(phrase, word))
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
        tokens = (text if isinstance(text, Tokens) else tokenize(text)).in_words(self.word)
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
