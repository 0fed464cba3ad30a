"""Calibrated confidence (confidence.py): counts per kind of finding and labelled source."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.answers.confidence_fit import fit, read_labelled
from pipeline.answers.sentence_eval import read_sentence_labels
from pipeline.detect.confidence import (
    PRIOR_WEIGHT,
    UNINFORMED,
    Calibration,
    count_kinds,
    kind_of,
    shipped_calibration,
)
from pipeline.detect.model import Finding

FINDING = Finding(
    ordinal=0,
    section="methods",
    page=None,
    char_start=0,
    char_end=10,
    sentence="We generated synthetic records with Synthea.",
    stance="use",
    category="synthetic_records",
    roles=(),
    generators=("Synthea",),
    pattern_ids=("generator.synthea", "stance.we_action"),
    confidence=0.0,
)


def test_kind_is_stance_rule_section_group_and_cue_strength():
    assert kind_of(FINDING) == ("use", "we_action", "own", "strong")
    weak = replace(FINDING, pattern_ids=("synth.generate_verb", "stance.we_action"))
    assert kind_of(replace(weak, section="introduction")) == ("use", "we_action", "citing", "weak")


def test_confidence_is_the_smoothed_share_right():
    rows = [(FINDING, "a", True)] * 36 + [(FINDING, "a", False)] * 4
    cal = Calibration(count_kinds(rows))
    # 36 of 40 right at every level of the kind: one smoothing towards 0.5, close to 0.9
    assert cal.confidence(FINDING) == round(
        (36 + PRIOR_WEIGHT * UNINFORMED) / (40 + PRIOR_WEIGHT), 2
    )


def test_an_unseen_kind_falls_back_to_its_stance_then_to_uninformed():
    cal = Calibration(count_kinds([(FINDING, "a", True)] * 20))
    cited = replace(FINDING, stance="cited", pattern_ids=("stance.citation",))
    assert cal.confidence(cited) == UNINFORMED
    other_rule = replace(FINDING, pattern_ids=("generator.synthea", "stance.passive_action"))
    assert cal.confidence(other_rule) > 0.8  # the stance's rate, 20 of 20


def test_leaving_a_source_out_counts_only_the_others():
    rows = [(FINDING, "a", True)] * 30 + [(FINDING, "b", False)] * 30
    cal = Calibration(count_kinds(rows))
    assert cal.confidence(FINDING, leave_out="b") > 0.9
    assert cal.confidence(FINDING, leave_out="a") < 0.1
    assert 0.4 < cal.confidence(FINDING) < 0.6


def test_few_counts_stay_near_the_broader_rate():
    rows = [(FINDING, "a", True)] * 50
    rows += [(replace(FINDING, section="discussion"), "a", False)] * 1
    cal = Calibration(count_kinds(rows))
    one_wrong = cal.confidence(replace(FINDING, section="discussion"))
    stance_rate = (50 + PRIOR_WEIGHT * UNINFORMED) / (51 + PRIOR_WEIGHT)
    # one wrong finding pulls its kind down once, not once per level of the kind
    assert one_wrong == round(PRIOR_WEIGHT * stance_rate / (1 + PRIOR_WEIGHT), 2)


@pytest.mark.slow
def test_shipped_counts_are_those_of_the_current_detector(corpus: Path):
    """The shipped confidence.json was counted with the detector as it is: retrain it
    (python -m pipeline.answers.confidence_fit --sentences ...) after any rule change."""
    gold = read_sentence_labels(corpus / "sentences-dev.csv")
    read = read_labelled(gold, corpus)
    counted = fit(gold, {f: fs for f, (_, fs) in read.items()})
    shipped = shipped_calibration()
    assert {k: dict(v) for k, v in counted.counts.items()} == {
        k: {s: tuple(c) for s, c in v.items()} for k, v in shipped.counts.items()
    }


def test_findings_of_one_kind_share_a_confidence_and_other_kinds_keep_theirs():
    cal = Calibration({"use": {"a": (9, 10)}, "use|we_action": {"a": (1, 10)}})
    other_sentence = replace(FINDING, sentence="We used Synthea.", char_start=50, char_end=66)
    other_kind = replace(FINDING, pattern_ids=("generator.synthea", "stance.passive"))
    first = cal.confidence(FINDING)
    assert cal.confidence(other_kind) != first
    assert cal.confidence(other_sentence) == first == cal.confidence(FINDING)
