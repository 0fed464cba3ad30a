"""Sentence-level scoring against a gold file (sentence_eval.py), with written gold rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.answers.sentence_eval import (
    match_finding,
    read_sentence_labels,
    score_sentences,
    source_of,
)
from pipeline.errors import UsageError

COLUMNS = [
    "sid",
    "file",
    "section",
    "page",
    "prev",
    "sentence",
    "next",
    "about",
    "stance",
    "category",
    "roles",
    "certainty",
    "note",
]


def write_gold(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})
    return path


def finding(sentence, stance="use", category="llm_text", confidence=0.9):
    return {
        "sentence": sentence,
        "stance": stance,
        "category": category,
        "confidence": confidence,
        "section": "methods",
    }


def test_source_is_the_tag_before_the_double_underscore():
    assert source_of("pdf/hw__1709.07616.pdf") == "hw"
    assert source_of("plain.pdf") == ""


def test_matching_ignores_case_hyphens_and_spaces():
    f = finding("We used GPT-4 to generate  synthetic reviews.")
    assert match_finding("we used gpt4 to generate synthetic reviews.", [f]) is f


def test_a_heading_glued_to_a_sentence_is_not_the_heading_alone():
    f = finding("Simulations Next we apply the multi-phase fluid flow simulations of Lengler.")
    assert match_finding("Simulations", [f]) is None


def test_a_sentence_cut_slightly_differently_still_matches():
    f = finding("We generated 20,000 synthetic reviews with GPT-4 and trained a classifier on")
    gold = "We generated 20,000 synthetic reviews with GPT-4 and trained a classifier on them."
    assert match_finding(gold, [f]) is f


def test_scores_count_about_stance_and_category(tmp_path):
    gold = read_sentence_labels(
        write_gold(
            tmp_path / "g.csv",
            [
                {
                    "file": "a__x.txt",
                    "sentence": "We used GPT-4 to write reviews.",
                    "about": "1",
                    "stance": "use",
                    "category": "llm_text",
                    "certainty": "clear",
                },
                {
                    "file": "a__x.txt",
                    "sentence": "Prior work used GPT-3 for labels [3].",
                    "about": "1",
                    "stance": "cited",
                    "category": "model_labels",
                    "certainty": "clear",
                },
                {
                    "file": "a__x.txt",
                    "sentence": "Synthetic fibres were woven.",
                    "about": "0",
                    "certainty": "clear",
                },
                {
                    "file": "a__x.txt",
                    "sentence": "A hard case.",
                    "about": "1",
                    "stance": "use",
                    "category": "llm_text",
                    "certainty": "borderline",
                },
                {
                    "file": "b__y.txt",
                    "sentence": "Not scanned.",
                    "about": "0",
                    "certainty": "clear",
                },
            ],
        )
    )
    ev = score_sentences(
        gold,
        {
            "a__x.txt": [
                finding("We used GPT-4 to write reviews.", category="model_labels"),
                finding("Synthetic fibres were woven.", stance="background", confidence=0.4),
            ]
        },
    )
    assert ev.n_clear == 3 and ev.not_scanned == ["b__y.txt"]
    assert (ev.about.tp, ev.about.fp, ev.about.fn) == (1, 1, 1)
    assert (ev.use.tp, ev.use.fp, ev.use.fn) == (1, 0, 0)
    assert ev.confusion["cited"]["none"] == 1 and ev.confusion["none"]["background"] == 1
    assert (ev.category.right, ev.category.n) == (0, 1)
    assert ev.reliability[0.9] == [1, 1] and ev.reliability[0.0] == [0, 1]
    assert len(ev.disagreements) == 3


def test_a_file_without_the_columns_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("file,text\na,b\n", encoding="utf-8")
    with pytest.raises(UsageError, match="missing column"):
        read_sentence_labels(bad)
