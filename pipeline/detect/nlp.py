"""The spaCy pipeline: ``spacy.blank("en")`` plus matchers built from the pattern data.

Built once per process (``get_matcher``); no model is downloaded or loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from pipeline.detect.lexicon import Lexicon
from pipeline.detect.patterns import PatternSet, load_patterns

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
    """

    def __init__(self, pattern: str) -> None:
        fast = _LEADING_LOOKBEHIND.sub("", pattern, count=1)
        self._fast = re.compile(fast)
        self._exact = re.compile(pattern) if fast != pattern else None
        self._fast_folded = re.compile(fast, re.IGNORECASE)
        self._exact_folded = re.compile(pattern, re.IGNORECASE)

    def found(self, text: str) -> bool:
        """Whether the pattern matches anywhere in (lower-cased) ``text``."""
        return next(self.starts(text), None) is not None

    def starts(self, text: str, *, folded: bool = False) -> Iterator[int]:
        """Every offset where the pattern matches (overlapping ones too)."""
        fast = self._fast_folded if folded else self._fast
        exact = self._exact_folded if folded else self._exact
        pos = 0
        while (m := fast.search(text, pos)) is not None:
            start = m.start()
            if exact is None or exact.match(text, start):
                yield start
            pos = start + 1


def _has_upper(phrase: str) -> bool:
    return any(c.isupper() for c in phrase)


class SentenceMatcher:
    """Runs every pattern of a PatternSet over one sentence at a time."""

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.nlp: Language = spacy.blank("en")
        vocab = self.nlp.vocab
        # Phrases written with capitals ("GAN", "CARLA") match case-sensitively: "Gan et al."
        # is a surname, "Carla" a first name.
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        # Token patterns are the costly ones, so a pattern with an anchor runs only on a
        # sentence where its anchor is found; the others run on every sentence.
        self._tokens = Matcher(vocab)
        self._anchored: list[tuple[Anchor, Matcher]] = []
        anchors: dict[str, Anchor] = {}
        candidates: list[str] = []
        for p in patterns.patterns:
            if p.pattern is not None and p.anchor:
                matcher = Matcher(vocab)
                matcher.add(p.id, [list(p.pattern)])
                anchor = anchors.get(p.anchor) or Anchor(p.anchor)
                self._anchored.append((anchor, matcher))
                if p.kind == "cues":
                    anchors[p.anchor] = anchor
            elif p.pattern is not None:
                self._tokens.add(p.id, [list(p.pattern)])
            for phrase in p.phrases:
                self._add_phrase(p.id, phrase)
                if p.kind == "cues":
                    candidates.append(phrase)
        for g in patterns.generators:
            for alias in g.aliases:
                self._add_phrase(GENERATOR_PREFIX + g.name, alias)
                candidates.append(alias)
        # The pre-filter must find a superset of the sentences that can give a finding: those
        # with a cue or a generator (a trap only removes cues). So: every cue phrase and
        # generator alias (case folded), plus the anchors of cue token patterns, which are
        # written for lower-cased text.
        self._candidates = Lexicon(candidates, fold_case=True)
        self._anchors = [anchors[a] for a in sorted(anchors)]

    def _add_phrase(self, key: str, phrase: str) -> None:
        matcher = self._exact if _has_upper(phrase) else self._lower
        matcher.add(key, [self.nlp.make_doc(phrase)])

    def candidate_offsets(self, text: str) -> list[int]:
        """Sorted start offsets of every pre-filter hit in ``text``.

        A sentence that could match holds at least one hit start (a hit never spans a sentence
        boundary that matters: cue phrases have no full stops).
        """
        starts = {start for start, _ in self._candidates.finditer(text)}
        lowered = text.lower()
        # offsets in the lower-cased text are the text's, unless a letter's lower case is
        # longer ("İ"): then the regex folds case instead
        folded = len(lowered) != len(text)
        for anchor in self._anchors:
            starts.update(anchor.starts(text if folded else lowered, folded=folded))
        return sorted(starts)

    def match(self, sentence: str) -> tuple[Doc, list[Match]]:
        doc = self.nlp.make_doc(sentence)
        found = []
        strings = self.nlp.vocab.strings
        lowered = sentence.lower()
        matchers = [self._lower, self._exact, self._tokens]
        matchers += [m for anchor, m in self._anchored if anchor.found(lowered)]
        for matcher in matchers:
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                found.append(Match(strings[match_id], start, end, span.start_char, span.end_char))
        found.sort(key=lambda m: (m.start, -m.end, m.key))
        return doc, found


@cache
def get_matcher() -> SentenceMatcher:
    """The process-wide SentenceMatcher over the shipped patterns."""
    return SentenceMatcher(load_patterns())
