"""The spaCy pipeline: ``spacy.blank("en")`` plus matchers built from the pattern data.

Built once per process (``get_matcher``); no model is downloaded or loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex
from spacy.vocab import Vocab

from pipeline.detect.lexicon import BARE_WORD, Lexicon
from pipeline.detect.literals import literal_prefixes, literal_starts
from pipeline.detect.patterns import Pattern, PatternSet, load_patterns

GENERATOR_PREFIX = "gen:"


@dataclass(frozen=True)
class Match:
    """One pattern hit in a sentence: ``key`` is a pattern id or ``gen:<name>``."""

    key: str
    start: int  # token index
    end: int
    char_start: int
    char_end: int


_LEADING_LOOKBEHIND = re.compile(r"^\(\?<[!=](?:[^()\\]|\\.)*\)")


class Anchor:
    """An anchor regex, found fast: where it starts with a lookbehind ("(?<![a-z])generat"),
    Python's ``re`` tries it at every character; without it, the literal that follows lets
    ``re`` skip ahead. So the pattern without its leading lookbehind (which matches wherever
    the whole one does) finds the candidates, and the whole pattern confirms each of them.
    Where that pattern starts with one of a few literals ("(generat|sampled|simulat)"), ``re``
    still tries it at every "g" and "s": ``str.find`` of each literal finds the candidates
    much faster, and the pattern is tried only there.
    """

    def __init__(self, pattern: str) -> None:
        fast = _LEADING_LOOKBEHIND.sub("", pattern, count=1)
        self._fast = re.compile(fast)
        self._exact = re.compile(pattern) if fast != pattern else None
        self._fast_folded = re.compile(fast, re.IGNORECASE)
        self._exact_folded = re.compile(pattern, re.IGNORECASE)
        self._literals = literal_prefixes(fast)
        self._last: tuple[str | None, bool] = (None, False)

    def found(self, text: str) -> bool:
        """Whether the pattern matches anywhere in (lower-cased) ``text``. A sentence is asked
        once for each token pattern with this anchor, before and after it is tokenized: the
        last answer is kept."""
        last = self._last  # one attribute, read and written whole: safe across threads
        if text == last[0]:
            return last[1]
        if self._literals is None:
            answer = next(self.starts(text), None) is not None
        else:
            answer = self._found_at_literal(text)
        self._last = (text, answer)
        return answer

    def _found_at_literal(self, text: str) -> bool:
        fast, exact = self._fast.match, self._exact
        for literal in self._literals or ():
            at = text.find(literal)
            while at != -1:
                if fast(text, at) and (exact is None or exact.match(text, at)):
                    return True
                at = text.find(literal, at + 1)
        return False

    def starts(self, text: str, *, folded: bool = False) -> Iterator[int]:
        """Every offset where the pattern matches (overlapping ones too), in order."""
        if not folded and self._literals is not None:
            yield from self._literal_starts(text)
            return
        fast = self._fast_folded if folded else self._fast
        exact = self._exact_folded if folded else self._exact
        pos = 0
        while (m := fast.search(text, pos)) is not None:
            start = m.start()
            if exact is None or exact.match(text, start):
                yield start
            pos = start + 1

    def _literal_starts(self, text: str) -> Iterator[int]:
        """``starts`` where every match begins with one of ``self._literals``."""
        fast, exact = self._fast.match, self._exact
        for start in literal_starts(text, self._literals or ()):
            if fast(text, start) and (exact is None or exact.match(text, start)):
                yield start


def _required_texts(pattern: tuple[dict[str, Any], ...]) -> tuple[tuple[str, ...], ...]:
    """For each token of ``pattern`` that must be one of a list of words ({"LOWER": {"IN":
    [...]}} or {"LOWER": "word"}, no "OP"), those words. A sentence can match only if it has a
    token from each list."""
    required = []
    for token in pattern:
        lower = token.get("LOWER")
        if "OP" in token or lower is None:
            continue
        if isinstance(lower, str):
            required.append((lower,))
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            required.append(tuple(lower["IN"]))
    return tuple(required)


class _GatedMatcher:
    """A Matcher for one token pattern, with cheap tests of whether it can match a sentence.

    A Matcher call costs a Python object per token, so it pays to skip it: the pattern's anchor
    (if any) must be found in the lower-cased sentence, and every word-list token of the pattern
    must be among the sentence's tokens (checked on their LOWER ids, read in one array).
    """

    def __init__(self, vocab: Vocab, pattern: Pattern, anchor: Anchor | None) -> None:
        assert pattern.pattern is not None
        self.matcher = Matcher(vocab)
        self.matcher.add(pattern.id, [list(pattern.pattern)])
        self.anchor = anchor
        self._required_text = _required_texts(pattern.pattern)
        # the same, as the ids the Matcher compares (``get_string_id``)
        self.required = tuple(frozenset(get_string_id(w) for w in ws) for ws in self._required_text)

    def may_match(self, lowered: str, words: Callable[[], set[int]]) -> bool:
        if self.anchor is not None and not self.anchor.found(lowered):
            return False
        return all(not ids.isdisjoint(words()) for ids in self.required)

    def may_match_text(self, lowered: str) -> bool:
        """``may_match`` before the sentence is tokenized: a required word must be in the
        lower-cased sentence (a token's lower case is part of it), anywhere."""
        if self.anchor is not None and not self.anchor.found(lowered):
            return False
        return all(any(w in lowered for w in ws) for ws in self._required_text)


def _has_upper(phrase: str) -> bool:
    return any(c.isupper() for c in phrase)


# A full stop after a model name that ends in a size or a capital letter ends the sentence; spaCy
# keeps it in the word as in an initial ("J."), so that "generated with Mixtral-8x7B." or "with
# DALL-E." never matched the name
MODEL_NAME_STOPS = (r"(?<=[0-9][A-Z])\.", r"(?<=-[A-Z])\.")


class SentenceMatcher:
    """Runs every pattern of a PatternSet over one sentence at a time."""

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.nlp: Language = spacy.blank("en")
        self.nlp.tokenizer.suffix_search = compile_suffix_regex(
            [*self.nlp.Defaults.suffixes, *MODEL_NAME_STOPS]
        ).search
        vocab = self.nlp.vocab
        # Phrases written with capitals ("GAN", "CARLA") match case-sensitively: "Gan et al."
        # is a surname, "Carla" a first name.
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        # Token patterns are the costly ones, so each runs only on sentences that pass its
        # gate; those of cues run first, the others only once a cue is found.
        self._cue_tokens: list[_GatedMatcher] = []
        self._other_tokens: list[_GatedMatcher] = []
        # keys of the matches that can make a finding: cues and generators
        cue_keys: set[str] = set()
        anchors: dict[str, Anchor] = {}
        candidates: list[str] = []
        for p in patterns.patterns:
            if p.kind == "cues":
                cue_keys.add(p.id)
            if p.pattern is not None:
                anchor = None
                if p.anchor:
                    anchor = anchors.get(p.anchor) or Anchor(p.anchor)
                    if p.kind == "cues":
                        anchors[p.anchor] = anchor
                gated = _GatedMatcher(vocab, p, anchor)
                (self._cue_tokens if p.kind == "cues" else self._other_tokens).append(gated)
            for phrase in p.phrases:
                self._add_phrase(p.id, phrase)
                if p.kind == "cues":
                    candidates.append(phrase)
        for g in patterns.generators:
            cue_keys.add(GENERATOR_PREFIX + g.name)
            for alias in g.aliases:
                self._add_phrase(GENERATOR_PREFIX + g.name, alias)
                candidates.append(alias)
        # The pre-filter must find a superset of the sentences that can give a finding: those
        # with a cue or a generator (a trap only removes cues). So: every cue phrase and
        # generator alias (case folded), plus the anchors of cue token patterns, which are
        # written for lower-cased text.
        self._candidates = Lexicon(candidates, fold_case=True, word=BARE_WORD)
        self._anchors = [anchors[a] for a in sorted(anchors)]
        # the matchers report a key by the id the vocabulary gave it
        self._cue_ids = frozenset(vocab.strings.add(key) for key in cue_keys)

    def _add_phrase(self, key: str, phrase: str) -> None:
        matcher = self._exact if _has_upper(phrase) else self._lower
        matcher.add(key, [self.nlp.make_doc(phrase)])

    def candidate_offsets(self, text: str) -> tuple[list[int], list[int]]:
        """Sorted start offsets in ``text`` of the pre-filter's hits: of cue phrases and
        generator names, and of the anchors of cue token patterns.

        A sentence that could match holds at least one hit start (a hit never spans a sentence
        boundary that matters: cue phrases have no full stops). One with anchor hits only can
        match a cue token pattern only: ``may_match_anchored`` tells cheaply whether it can.
        """
        phrases = sorted({start for start, _ in self._candidates.finditer(text)})
        lowered = text.lower()
        # offsets in the lower-cased text are the text's, unless a letter's lower case is
        # longer ("İ"): then the regex folds case instead
        folded = len(lowered) != len(text)
        anchors: set[int] = set()
        for anchor in self._anchors:
            anchors.update(anchor.starts(text if folded else lowered, folded=folded))
        return phrases, sorted(anchors)

    def may_match_anchored(self, sentence: str) -> bool:
        """Whether ``sentence``, with no cue phrase or generator name in it, can have a cue (a
        token pattern's): False only when none can match, judged on the text, untokenized."""
        lowered = sentence.lower()
        return any(gated.may_match_text(lowered) for gated in self._cue_tokens)

    def match(self, sentence: str) -> tuple[Doc, list[Match]] | None:
        """Every pattern hit in ``sentence``, ordered by start (longest first) and key; None
        when it has no cue or generator hit, as such a sentence gives no finding."""
        doc = self.nlp.make_doc(sentence)
        lowered = sentence.lower()
        token_words: set[int] | None = None

        def words() -> set[int]:
            nonlocal token_words
            if token_words is None:
                token_words = set(doc.to_array(LOWER).tolist())
            return token_words

        # (match id, start token, end token) of the matchers that can find a cue or generator
        hits = self._lower(doc) + self._exact(doc)
        for gated in self._cue_tokens:
            if gated.may_match(lowered, words):
                hits += gated.matcher(doc)
        if self._cue_ids.isdisjoint(match_id for match_id, _, _ in hits):
            return None  # so the other token patterns need not run
        for gated in self._other_tokens:
            if gated.may_match(lowered, words):
                hits += gated.matcher(doc)
        strings = self.nlp.vocab.strings
        found = []
        for match_id, start, end in hits:
            span = doc[start:end]
            found.append(Match(strings[match_id], start, end, span.start_char, span.end_char))
        found.sort(key=lambda m: (m.start, -m.end, m.key))
        return doc, found


@cache
def get_matcher() -> SentenceMatcher:
    """The process-wide SentenceMatcher over the shipped patterns."""
    return SentenceMatcher(load_patterns())
