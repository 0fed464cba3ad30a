"""The whole shared corpus: every file stored, screen contract, and the accuracy targets."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from pipeline.answers.evaluate import evaluate, read_labels
from pipeline.cli import main
from pipeline.results import STATUSES
from pipeline.store import connect_readonly
from tests.conftest import scan_into

# issue #3 targets, on labels-dev.csv certainty=clear rows
TARGETS = {
    "precision": 0.90,
    "recall": 0.90,
    "category_micro_f1": 0.80,
    "medical": 0.90,
    "evidence_recall": 0.80,
    "high_confidence_correct": 0.90,
}


def _corpus_files(corpus):
    out = []
    for folder in ("pdf", "jats", "other"):
        out += [str(corpus / folder / n) for n in sorted(os.listdir(corpus / folder))]
    return out


def test_every_corpus_file_is_stored_with_a_status(corpus_db, corpus):
    con = connect_readonly(corpus_db)
    files = dict(con.execute("SELECT path, paper_id FROM files").fetchall())
    papers = con.execute("SELECT paper_id, status, error FROM papers").fetchall()
    con.close()
    assert sorted(files) == sorted(_corpus_files(corpus))
    assert {p[0] for p in papers} == set(files.values())
    for _, status, error in papers:
        assert status in STATUSES
        assert (status == "ok") == (error is None)


def test_findings_never_come_from_references(corpus_db):
    con = connect_readonly(corpus_db)
    sections = {r[0] for r in con.execute("SELECT DISTINCT section FROM findings").fetchall()}
    con.close()
    assert "references" not in sections


@pytest.mark.parametrize(
    "rel",
    [
        "pdf/qwen3__Qwen3_Technical_Report.pdf",
        "jats/elife__elife02935.xml",
        "other/oastm__S0167739X12001525.txt",
        "other/s2d__10002293.json",
        "other/researchmat__2402.04559_agent_trust.md",
        "other/homosilicus__llm_ask.tex",
    ],
)
def test_screen_json_contract_on_every_format(corpus, rel):
    result = CliRunner().invoke(main, ["screen", str(corpus / rel), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "ok" and data["paper_id"] and data["file"].endswith(rel)
    assert {"uses_synthetic", "concern", "reasons", "real_data_check"} <= set(data["verdict"])
    for f in data["findings"]:
        assert f["section"] != "references"
        assert data["findings"] and isinstance(f["pattern_ids"], list)


@pytest.fixture(scope="module")
def pdfminer_db(tmp_path_factory, corpus):
    """The labelled files scanned with pdfminer.six as the PDF extractor."""
    labels, _ = read_labels(corpus / "labels-dev.csv")
    db = tmp_path_factory.mktemp("pdfminer") / "pdfminer.duckdb"
    scan_into(db, [corpus / lab.file for lab in labels], extractor="pdfminer")
    return db


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfminer"])
def test_detector_meets_the_accuracy_targets_on_the_dev_labels(request, corpus, extractor):
    db = request.getfixturevalue("corpus_db" if extractor == "pypdfium2" else "pdfminer_db")
    labels, sha = read_labels(corpus / "labels-dev.csv")
    con = connect_readonly(db)
    pdf_extractors = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT extractor FROM papers WHERE format = 'pdf'"
        ).fetchall()
    }
    assert pdf_extractors == {extractor}
    ev = evaluate(con, labels, corpus, sha)
    con.close()
    u = ev.uses_synthetic
    got = {
        "precision": u.precision,
        "recall": u.recall,
        "category_micro_f1": ev.category_micro.f1,
        "medical": ev.medical.value,
        "evidence_recall": ev.evidence.value,
        "high_confidence_correct": ev.calibration.value,
    }
    assert not ev.not_scanned
    missed = {k: round(v, 3) for k, v in got.items() if v is None or v < TARGETS[k]}
    assert not missed, f"below target: {missed}; all: {got}"


# Issue 13's targets, measured leaving each labelled source out of the confidence counts
CROSS_SOURCE_TARGETS = {
    "sentence about F1": 0.92,
    "sentence use F1": 0.85,
    "category agreement": 0.85,
    "paper precision": 0.93,
    "paper recall": 0.93,
    "confidence >= 0.8 right": 0.90,
}


def test_detector_meets_the_cross_source_targets(corpus):
    from pipeline.answers.cross_source import evaluate_cross_source
    from pipeline.answers.sentence_eval import read_sentence_labels

    labels, _ = read_labels(corpus / "labels-dev.csv")
    gold = read_sentence_labels(corpus / "sentences-dev.csv")
    cs = evaluate_cross_source(labels, gold, corpus)
    papers, sentences = cs.papers["cross_source"], cs.sentences["cross_source"]
    high = [(r, n) for lo, (r, n) in sentences.reliability.items() if lo >= 0.8]
    got = {
        "sentence about F1": sentences.about.f1,
        "sentence use F1": sentences.use.f1,
        "category agreement": sentences.category.value,
        "paper precision": papers.uses_synthetic.precision,
        "paper recall": papers.uses_synthetic.recall,
        "confidence >= 0.8 right": sum(r for r, _ in high) / sum(n for _, n in high),
    }
    missed = {k: round(v or 0, 3) for k, v in got.items() if (v or 0) < CROSS_SOURCE_TARGETS[k]}
    assert not missed, f"below target: {missed}; all: {got}"
    assert cs.gap() is not None and cs.gap() <= 0.03
    # the calibration the package ships is this measurement (retrain: python -m
    # pipeline.answers.cross_source --labels ...)
    from pipeline.answers.cross_source import SHIPPED_CALIBRATION, shipped_calibration_rows

    shipped = json.loads(SHIPPED_CALIBRATION.read_text(encoding="utf-8"))
    assert shipped["categories"] == shipped_calibration_rows(cs)["categories"]
