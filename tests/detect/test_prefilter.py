"""The candidate pre-filter: only the sentences it flags reach spaCy, so it must flag every
sentence spaCy's matchers could make a finding of. Checked against the detector run on every
sentence, on sentences written for it and on real papers it once missed findings in."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import detect, sources
from pipeline.detect.confidence import shipped_calibration
from pipeline.detect.context import refine
from pipeline.detect.finder import Finder
from pipeline.detect.nlp import get_matcher
from pipeline.document import Document
from tests.detect.sentences import NEUTRAL_INTRODUCTION, build_document

# Papers of the shared corpus in which the pre-filter once missed findings: a generator name
# or a cue phrase before a clitic ("Gpt-4o's", "DeepSeek-V3’s", "reward model’s").
MISSED_BEFORE = [
    "pdf/dsproverv2__DeepSeek_Prover_V2.pdf",
    "pdf/kimik15__Kimi_k1.5.pdf",
    "pdf/o1journey__report-part2.pdf",
    "other/hortonagents__general_social_agents.tex",
    "other/researchmat__2402.04559_agent_trust.md",
]


def _without_prefilter(document: Document, monkeypatch: pytest.MonkeyPatch) -> list:
    """The findings when every sentence goes through spaCy (each offset a phrase hit)."""
    finder = Finder()
    with monkeypatch.context() as m:
        m.setattr(finder.matcher, "candidate_offsets", lambda text: (list(range(len(text))), []))
        return shipped_calibration().apply(refine(document, finder.find(document))[0])


def test_names_and_cues_before_a_clitic_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    document = build_document(
        ("Introduction", NEUTRAL_INTRODUCTION),
        (
            "Methods",
            [
                "As a baseline, we elicit Gpt-4o's responses to these games 150 times each.",
                "The reward model’s scores served as the labels of the preference data.",
            ],
        ),
    )
    findings = detect.find(document)
    assert [f.generators for f in findings][:1] == [("GPT-4o",)]
    assert findings == _without_prefilter(document, monkeypatch)


@pytest.mark.parametrize("name", MISSED_BEFORE)
def test_the_prefilter_loses_no_finding_on_real_papers(
    corpus: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = corpus / name
    document = sources.read_bytes(path.read_bytes(), name=path.name)
    findings = detect.find(document)
    assert findings  # these papers have findings to lose
    assert findings == _without_prefilter(document, monkeypatch)


def test_sentences_with_only_an_anchor_are_sent_on_only_when_a_pattern_can_match() -> None:
    matcher = get_matcher()
    # "simulat" is an anchor; no cue pattern's required words follow it
    assert not matcher.may_match_anchored("Simulation of floods ran for two days.")
    assert matcher.may_match_anchored("We simulated data for the two basins.")
    assert matcher.match("We simulated data for the two basins.") is not None
