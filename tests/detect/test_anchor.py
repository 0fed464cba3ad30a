"""Anchor: the cheap regex pre-filter of cue token patterns, found by its literal prefixes."""

from __future__ import annotations

import re

import pytest

from pipeline.detect.literals import LiteralFinder
from pipeline.detect.nlp import Anchor, get_matcher, literal_prefixes

TEXT = (
    "we generated 500 synthetic and real images; the data were simulated. regenerate it? "
    "simulations, simulation-based runs and a simulationist. records annotated by "
    "labelled by labeled by humans. this is generated. synthesised cohorts were "
    "synthesized\\nand ate. degenerate sampled simulated."
)


@pytest.mark.parametrize(
    ("pattern", "prefixes"),
    [
        ("(generat|sampled|simulat)", ("generat", "sampled", "simulat")),
        ("synthesi[sz]", ("synthesi",)),
        ("simulations?(?![a-z])", ("simulation",)),
        ("(written|label+ed) by ", ("written", "labe")),
        ("(are|is) (\\w+ )?generated", ("are", "is")),
        ("[a-z]+ data", None),  # starts with a class
        ("(x|[ab])y", None),  # an alternative without a literal
        ("(?i)gan", None),  # case folded: the literal is not the text's
        ("(?:fake)?images", None),  # an optional group
    ],
)
def test_literal_prefixes_are_what_every_match_starts_with(pattern, prefixes):
    assert literal_prefixes(pattern) == prefixes


def _regex_starts(pattern: str, text: str) -> list[int]:
    """Every offset where ``pattern`` matches, tried at every character."""
    compiled = re.compile(pattern)
    return [i for i in range(len(text) + 1) if compiled.match(text, i)]


@pytest.mark.parametrize(
    "pattern", sorted({p.anchor for p in get_matcher().patterns.patterns if p.anchor})
)
def test_shipped_anchors_start_where_their_regex_matches(pattern):
    assert list(Anchor(pattern).starts(TEXT)) == _regex_starts(pattern, TEXT)
    assert list(Anchor(pattern).starts(TEXT.upper(), folded=True)) == _regex_starts(
        pattern, TEXT.lower()
    )


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (re.compile(r"\bsynthetic[ -]control", re.I), "A Synthetic-Control, synthetic control"),
        # not written in lower case, or not case-blind: the plain regex answers
        (re.compile(r"\bGAN\b", re.IGNORECASE), "a gan, a GAN"),
        (re.compile(r"real\S*"), "Real real-world"),
    ],
)
def test_literal_finder_finds_what_finditer_finds(pattern: re.Pattern[str], text: str) -> None:
    assert LiteralFinder(pattern).starts(text) == [m.start() for m in pattern.finditer(text)]
