"""The sentence a verdict quotes first (evidence.py)."""

from __future__ import annotations

from pipeline import detect
from pipeline.detect.evidence import headline_uses
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from tests.detect.sentences import NEUTRAL_INTRODUCTION, build_document


def test_the_results_statement_is_quoted_before_an_introduction_sentence():
    document = build_document(
        (
            "Introduction",
            [
                NEUTRAL_INTRODUCTION,
                "In this paper, we generate synthetic flood maps with a GAN to train the "
                "segmenter.",
            ],
        ),
        (
            "Results",
            "The segmenter trained on 8,000 synthetic flood images reached an IoU of 0.71.",
        ),
    )
    findings = detect.find(document)
    ranked = headline_uses(findings, MIN_USE_CONFIDENCE)
    assert [f.section for f in ranked][:1] == ["results"]
    assert {f.section for f in ranked} == {"introduction", "results"}


def test_only_counted_use_sentences_are_quoted():
    document = build_document(
        ("Introduction", NEUTRAL_INTRODUCTION),
        ("Discussion", "Future work could train the segmenter on synthetic flood images."),
    )
    assert headline_uses(detect.find(document), MIN_USE_CONFIDENCE) == []
