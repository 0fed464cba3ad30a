"""The validated queries, the sample command and reviewer agreement, through the real CLI."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import duckdb
import pytest

from pipeline import Corpus
from pipeline.review.reviews import Review, ReviewStore
from tests.review.conftest import TRUTH
from tests.review.helpers import draw_sheet, fill, invoke, read_rows, write_rows

REQUIRED = (
    "estimate",
    "ci_low",
    "ci_high",
    "n_reviewed",
    "precision",
    "precision_low",
    "precision_high",
    "recall",
    "recall_low",
    "recall_high",
)


def reviewed(db, tmp_path, *extra, n="20"):
    sheet, reviews = draw_sheet(db, tmp_path, *extra, n=n)
    rows = fill(read_rows(sheet))
    result = invoke(
        "review",
        "import",
        str(write_rows(tmp_path / "filled.csv", rows)),
        "--db",
        str(db),
        "--reviews",
        str(reviews),
    )
    assert result.exit_code == 0, result.output
    return rows, reviews


def query(db, reviews, name, *extra):
    result = invoke(
        "query", name, "--db", str(db), "--reviews", str(reviews), "--format", "json", *extra
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_validated_prevalence_is_the_stratified_ppv_npv_estimate(review_db, tmp_path):
    rows, reviews = reviewed(review_db, tmp_path)
    [row] = query(review_db, reviews, "prevalence_validated")
    assert set(REQUIRED) <= set(row)
    share = {}
    for stratum in ("detected", "undetected"):
        answers = [TRUTH[r["paper_id"]][0] for r in rows if r["stratum"] == stratum]
        share[stratum] = sum(answers) / len(answers)
    expected = (18 * share["detected"] + 42 * share["undetected"]) / 60
    assert row["estimate"] == pytest.approx(expected)
    assert row["ci_low"] < row["estimate"] < row["ci_high"] or share["undetected"] == 0
    assert row["n_reviewed"] == 20 and row["n"] == 60 and row["n_detected"] == 18
    assert row["precision"] == pytest.approx(share["detected"])
    assert row["apparent"] == pytest.approx(18 / 60)


def test_a_census_gives_the_true_figures_with_no_sampling_error(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path, n="60")
    [row] = query(review_db, reviews, "prevalence_validated")
    # 18 true users: 15 detected of 18 detected papers, 3 missed
    assert row["estimate"] == pytest.approx(18 / 60)
    assert row["ci_low"] == row["ci_high"] == row["estimate"]
    assert row["precision"] == pytest.approx(15 / 18)
    assert row["recall"] == pytest.approx(15 / 18)


def test_by_year_by_field_and_by_category_rows(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path, n="60")
    years = query(review_db, reviews, "prevalence_validated_by_year")
    assert [r["year"] for r in years] == [2020, 2021, 2022]
    assert sum(r["n"] for r in years) == 60
    fields = query(review_db, reviews, "prevalence_validated_by_field")
    assert [r["field"] for r in fields] == ["medicine", "physics"]
    categories = {
        r["category"]: r for r in query(review_db, reviews, "prevalence_validated_by_category")
    }
    # llm_text: even papers; true users among them: 0..14 even (8) and 18, 20 -> 10 of 60
    assert categories["llm_text"]["estimate"] == pytest.approx(10 / 60)
    assert categories["simulation"]["estimate"] == 0


def test_filters_apply_to_the_validated_query(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path, n="60")
    [row] = query(review_db, reviews, "prevalence_validated", "-p", "year_from=2022")
    assert row["n"] == 20


def test_csv_and_the_query_list_see_the_validated_queries(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path)
    csv = invoke(
        "query",
        "prevalence_validated",
        "--db",
        str(review_db),
        "--reviews",
        str(reviews),
        "--format",
        "csv",
    )
    assert csv.output.splitlines()[0].startswith("estimate,ci_low,ci_high,se,n,")
    listed = json.loads(invoke("query", "list", "--format", "json").output)
    names = {q["name"] for q in listed}
    assert {
        "prevalence_validated",
        "prevalence_validated_by_year",
        "prevalence_validated_by_category",
        "prevalence_validated_by_field",
    } <= names


def test_the_python_api_runs_validated_queries(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path, n="60")
    frame = Corpus(review_db, reviews=reviews).query("prevalence_validated")
    assert frame.loc[0, "estimate"] == pytest.approx(0.3)


def test_the_default_reviews_file_is_beside_the_database(review_db, tmp_path):
    sheet = tmp_path / "s.csv"
    assert invoke("sample", "--db", str(review_db), "--n", "60", "-o", str(sheet)).exit_code == 0
    assert (review_db.parent / "reviews.duckdb").is_file()
    rows = fill(read_rows(sheet))
    invoke("review", "import", str(write_rows(tmp_path / "f.csv", rows)), "--db", str(review_db))
    result = invoke("query", "prevalence_validated", "--db", str(review_db), "--format", "json")
    assert json.loads(result.output)[0]["estimate"] == pytest.approx(0.3)


def test_without_a_reviews_file_the_query_says_how_to_make_one(review_db, tmp_path):
    result = invoke(
        "query",
        "prevalence_validated",
        "--db",
        str(review_db),
        "--reviews",
        str(tmp_path / "none.duckdb"),
    )
    assert result.exit_code == 2
    assert "no reviews file at" in result.output and "synthwatch sample" in result.output


def test_reviews_for_a_query_that_reads_none_is_a_usage_error(review_db, tmp_path):
    result = invoke("query", "prevalence", "--db", str(review_db), "--reviews", "r.duckdb")
    assert result.exit_code == 2
    assert "reads no reviews file" in result.output


def test_reviews_are_never_written_into_the_scanned_database(review_db, tmp_path):
    same = invoke("sample", "--db", str(review_db), "--n", "5", "--reviews", str(review_db))
    assert same.exit_code == 1
    assert "is the scanned database itself" in same.output
    other = tmp_path / "other.duckdb"
    other.write_bytes(review_db.read_bytes())
    scanned = invoke("sample", "--db", str(review_db), "--n", "5", "--reviews", str(other))
    assert scanned.exit_code == 1
    assert "is a scanned synthwatch database, not a reviews file" in scanned.output


def test_another_sample_cannot_replace_one_with_reviews(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path)
    again = invoke(
        "sample",
        "--db",
        str(review_db),
        "--n",
        "20",
        "--reviews",
        str(reviews),
        "-o",
        str(tmp_path / "again.csv"),
    )
    assert again.exit_code == 0 and "already in" in again.output
    other = invoke(
        "sample",
        "--db",
        str(review_db),
        "--n",
        "20",
        "--seed",
        "5",
        "--reviews",
        str(reviews),
        "-o",
        str(tmp_path / "other.csv"),
    )
    assert other.exit_code == 1
    assert "already holds another sample of 20 papers with 20 review(s)" in other.output


def test_plan_gives_the_reviews_needed_for_a_width(review_db):
    result = invoke(
        "sample", "--db", str(review_db), "--plan", "--width", "0.2", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert 4 <= plan["n"] < 60 and plan["expected_width"] <= 0.2
    wider = json.loads(
        invoke(
            "sample", "--db", str(review_db), "--plan", "--width", "0.3", "--format", "json"
        ).output
    )
    assert wider["n"] < plan["n"]


def test_sample_refuses_unknown_strata_and_bad_rates(review_db):
    strata = invoke("sample", "--db", str(review_db), "--n", "5", "--strata", "verdict,colour")
    assert strata.exit_code == 2 and "unknown stratum colour" in strata.output
    rates = invoke("sample", "--db", str(review_db), "--rates", "detected=2,undetected=0.1")
    assert rates.exit_code == 2 and "detected must be a fraction in (0, 1]" in rates.output


def test_rates_sample_those_shares_of_each_stratum(review_db, tmp_path):
    sheet = tmp_path / "s.csv"
    result = invoke(
        "sample",
        "--db",
        str(review_db),
        "--rates",
        "detected=0.5,undetected=0.1",
        "--reviews",
        str(tmp_path / "r.duckdb"),
        "-o",
        str(sheet),
    )
    assert result.exit_code == 0, result.output
    rows = read_rows(sheet)
    assert sum(r["stratum"] == "detected" for r in rows) == 9
    assert sum(r["stratum"] == "undetected" for r in rows) == 5  # ceil(4.2)


def test_two_reviewers_give_kappa_and_a_list_to_adjudicate(review_db, tmp_path):
    rows, reviews = reviewed(review_db, tmp_path)
    second = fill(rows, reviewer="bea")
    flipped = second[0]
    flipped["review_uses_synthetic"] = "no" if flipped["review_uses_synthetic"] == "yes" else "yes"
    invoke(
        "review",
        "import",
        str(write_rows(tmp_path / "bea.csv", second)),
        "--db",
        str(review_db),
        "--reviews",
        str(reviews),
    )
    result = invoke(
        "review", "agreement", "--db", str(review_db), "--reviews", str(reviews), "--format", "json"
    )
    report = json.loads(result.output)
    [pair] = report["pairs"]
    assert (pair["reviewer_a"], pair["reviewer_b"], pair["n_papers"]) == ("bea", "oracle", 20)
    assert pair["agreement"] == pytest.approx(19 / 20) and 0 < pair["kappa"] < 1
    assert [p["paper_id"] for p in report["to_adjudicate"]] == [flipped["paper_id"]]
    [row] = query(review_db, reviews, "prevalence_validated")
    assert row["n_disagree"] == 1 and row["n_reviewed"] == 19
    truth = "yes" if TRUTH[flipped["paper_id"]][0] else "no"
    with ReviewStore(reviews) as store:
        store.add_review(Review(flipped["paper_id"], "adjudicator", truth, source="web"))
    settled = invoke("review", "agreement", "--db", str(review_db), "--reviews", str(reviews))
    assert "nothing to adjudicate" in settled.output
    assert query(review_db, reviews, "prevalence_validated")[0]["n_reviewed"] == 20


def test_export_has_one_row_per_review_with_the_answer_that_counts(review_db, tmp_path):
    _, reviews = reviewed(review_db, tmp_path)
    result = invoke("review", "export", "--db", str(review_db), "--reviews", str(reviews))
    lines = result.output.splitlines()
    assert lines[0].startswith("paper_id,stratum,inclusion_probability,stratum_size,detected")
    assert len(lines) == 21


def test_the_corpus_report_shows_validated_figures_or_says_there_are_none(review_db, tmp_path):
    out = tmp_path / "r.md"
    none = invoke(
        "report",
        "--db",
        str(review_db),
        "--format",
        "markdown",
        "-o",
        str(out),
        "--reviews",
        str(tmp_path / "absent.duckdb"),
    )
    assert none.exit_code == 0, none.output
    assert "not validated on this corpus" in out.read_text(encoding="utf-8")
    _, reviews = reviewed(review_db, tmp_path, n="60")
    invoke(
        "report",
        "--db",
        str(review_db),
        "--format",
        "markdown",
        "-o",
        str(out),
        "--reviews",
        str(reviews),
    )
    text = out.read_text(encoding="utf-8")
    assert "**Validated on this corpus** (60 reviewed papers" in text
    assert "prevalence 30.0% (95% CI 30.0–30.0%)" in text


def test_a_sample_of_another_database_is_refused(review_db, tmp_path):
    rows, reviews = reviewed(review_db, tmp_path)
    other = tmp_path / "other.duckdb"
    other.write_bytes(review_db.read_bytes())
    con = duckdb.connect(str(other))
    con.execute("DELETE FROM papers WHERE paper_id = ?", [rows[0]["paper_id"]])
    con.close()
    result = invoke("query", "prevalence_validated", "--db", str(other), "--reviews", str(reviews))
    assert result.exit_code == 1
    assert "1 of the 20 sampled papers" in result.output
    assert "draw a new sample into a new --reviews file" in result.output


def test_the_review_templates_are_shipped():
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    globs = config["setuptools"]["package-data"]["pipeline.review"]
    templates = sorted((root / "pipeline" / "review" / "templates").iterdir())
    assert len(templates) >= 6
    for path in templates:
        assert any(path.relative_to(root / "pipeline" / "review").match(g) for g in globs), path
