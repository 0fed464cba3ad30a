"""``synthwatch eval``: paper and sentence labels, leave-one-source-out, and the user's
database left alone. Real demo papers under two source tags, real DuckDB files, CliRunner."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import DEMO, scan_into

# (file in the demo corpus, source tag it gets here, uses synthetic data)
PAPERS = [
    ("pdf/sepsis-synthea.pdf", "alpha", True),
    ("text/fraud-smote.txt", "alpha", True),
    ("pdf/polyester-microfibres.pdf", "alpha", False),
    ("jats/agri-instructions-gpt4.xml", "beta", True),
    ("tei/flood-mapping-sar.tei.xml", "beta", False),
    ("jats/parp-synthetic-lethality.xml", "beta", False),
]
SENTENCE_COLUMNS = [
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


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    """A folder of labelled papers under two source tags, with paper and sentence labels."""
    root = tmp_path_factory.mktemp("labelled")
    rows = []
    for rel, source, uses in PAPERS:
        name = f"{source}__{Path(rel).name}"
        shutil.copy(DEMO / rel, root / name)
        rows.append(
            {
                "file": name,
                "uses_synthetic": int(uses),
                "certainty": "clear",
                "categories": "",
                "roles": "",
                "medical": 0,
                "participants_replaced": 0,
                "real_data_check": "na",
                "evidence": "",
                "note": "",
            }
        )
    with (root / "labels.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    sentences = [
        (
            "alpha__sepsis-synthea.pdf",
            "We used these synthetic records instead of real electronic health records, which "
            "could not be released to the study team.",
            "1",
            "use",
            "synthetic_records",
        ),
        (
            "alpha__sepsis-synthea.pdf",
            "Synthetic health records can mitigate privacy risks when real patient data cannot "
            "be shared.",
            "1",
            "background",
            "synthetic_records",
        ),
        (
            "beta__parp-synthetic-lethality.xml",
            "PARP inhibitors exploit synthetic lethality in tumours with BRCA mutations.",
            "0",
            "",
            "",
        ),
    ]
    with (root / "sentences.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=SENTENCE_COLUMNS)
        w.writeheader()
        for i, (file, sentence, about, stance, category) in enumerate(sentences):
            w.writerow(
                {
                    "sid": f"{file}#{i}",
                    "file": file,
                    "sentence": sentence,
                    "about": about,
                    "stance": stance,
                    "category": category,
                    "certainty": "clear",
                }
            )
    return root


def run(*args: str):
    return CliRunner().invoke(main, ["eval", *args], catch_exceptions=False)


def test_eval_without_labels_is_a_usage_error():
    result = run()
    assert result.exit_code == 2
    assert "--labels" in result.output and "--sentences" in result.output


def test_eval_prints_paper_and_sentence_figures_together(labelled, tmp_path):
    db = tmp_path / "eval.duckdb"
    result = run(
        "--labels",
        str(labelled / "labels.csv"),
        "--sentences",
        str(labelled / "sentences.csv"),
        "--db",
        str(db),
        "--workers",
        "1",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["uses_synthetic"]["n"] == len(PAPERS)
    assert out["sentences"]["n_clear"] == 3
    assert out["sentences"]["stance_use"]["tp"] == 1
    assert set(out["sentences"]["confusion"]) >= {"use", "background", "none"}


def test_cross_source_reports_each_source_and_the_gap(labelled):
    result = run(
        "--labels",
        str(labelled / "labels.csv"),
        "--sentences",
        str(labelled / "sentences.csv"),
        "--cross-source",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["sources"] == ["alpha", "beta"]
    assert out["per_source"]["alpha"]["n_papers"] == 3
    for mode in ("in_source", "cross_source"):
        assert out["papers"][mode]["uses_synthetic"]["n"] == len(PAPERS)
    assert isinstance(out["paper_f1_gap"], float)


def test_cross_source_text_report_names_both_columns(labelled):
    result = run("--labels", str(labelled / "labels.csv"), "--cross-source")
    assert result.exit_code == 0, result.output
    assert "in-source" in result.output and "cross-source" in result.output
    assert "in-source minus cross-source F1" in result.output


def test_eval_refuses_a_database_that_holds_other_papers(labelled, tmp_path):
    corpus = tmp_path / "corpus.duckdb"
    scan_into(corpus, [DEMO / "text" / "exam-timetabling-annealing.txt"], workers=1)
    result = run("--labels", str(labelled / "labels.csv"), "--db", str(corpus))
    assert result.exit_code == 2
    assert "not labelled" in result.output and "--calibrate" in result.output
    con = duckdb.connect(str(corpus), read_only=True)
    assert con.execute("SELECT count(*) FROM papers").fetchall() == [(1,)]
    con.close()


def test_calibrate_copies_the_rates_but_no_paper(labelled, tmp_path):
    corpus = tmp_path / "corpus.duckdb"
    scan_into(corpus, [DEMO / "text" / "exam-timetabling-annealing.txt"], workers=1)
    result = run(
        "--labels",
        str(labelled / "labels.csv"),
        "--db",
        str(tmp_path / "e.duckdb"),
        "--calibrate",
        str(corpus),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(corpus), read_only=True)
    assert con.execute("SELECT count(*) FROM papers").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM calibration WHERE category = 'any'").fetchall() == [
        (1,)
    ]
    con.close()
