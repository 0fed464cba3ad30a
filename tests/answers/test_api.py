"""The notebook API: Corpus queries and filters, screen(), the package's exports."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import pipeline
from pipeline import Corpus, screen
from pipeline.answers.queries import list_queries, run_query
from pipeline.cli import main
from pipeline.errors import QueryError, StoreError, UsageError
from pipeline.results import PaperResult
from pipeline.store import Store, connect_readonly
from tests.answers.known_corpus import PAPERS

KEYS = {p.paper_id: p.key for p in PAPERS}


def keys(frame: pd.DataFrame) -> set[str]:
    return {KEYS[i] for i in frame["paper_id"]}


@pytest.fixture
def corpus(known_db) -> Corpus:
    return Corpus(known_db)


def test_package_exports_the_api_and_keeps_its_version():
    assert pipeline.__version__ == "0.2.0"
    assert {"Corpus", "screen", "__version__"} <= set(pipeline.__all__)
    assert pipeline.Corpus is Corpus and pipeline.screen is screen
    with pytest.raises(AttributeError):
        _ = pipeline.nothing_here


def test_query_is_the_same_as_the_library_and_the_cli(corpus, known_db):
    frame = corpus.query("prevalence_by_year", field="medicine")
    con = connect_readonly(known_db)
    try:
        pd.testing.assert_frame_equal(
            frame, run_query(con, "prevalence_by_year", {"field": "medicine"})
        )
    finally:
        con.close()
    out = CliRunner().invoke(
        main,
        [
            "query",
            "prevalence_by_year",
            "-p",
            "field=medicine",
            "--db",
            str(known_db),
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    assert [r["n"] for r in cli] == frame["n"].tolist()
    assert [r["corrected"] for r in cli] == pytest.approx(frame["corrected"].tolist())


def test_queries_lists_every_canned_query_with_params(corpus):
    listed = corpus.queries()
    assert listed["name"].tolist() == [q.name for q in list_queries()]
    assert list(listed.columns) == ["name", "title", "params", "description"]
    row = listed.set_index("name").loc["search"]
    assert "phrase (required)" in row["params"] and "stance=''" in row["params"]


def test_a_value_outside_a_parameters_list_is_a_usage_error(corpus):
    with pytest.raises(UsageError, match=r"'llm' is not a category \(did you mean llm_text\?\)"):
        corpus.query("prevalence", category="llm")
    with pytest.raises(UsageError, match="'simulaton' is not a category"):
        corpus.query("by_category", exclude=["simulation", "simulaton"])
    assert corpus.query("prevalence", exclude=["simulation"])["count"].tolist() == [6]


def test_search_returns_a_ranked_page_and_the_total(corpus):
    result = corpus.search("synthetic", stance="use", limit=2)
    assert result.total == 4 and len(result.rows) == 2 and result.more
    assert (
        result.rows["sentence"].tolist()[0] == "The classifier was trained on the synthetic X-rays."
    )
    with pytest.raises(UsageError, match="quote is not closed"):
        corpus.search('"open')


def test_query_errors_are_query_errors(corpus):
    with pytest.raises(QueryError, match="known queries"):
        corpus.query("nope")
    with pytest.raises(QueryError, match="its parameters: category, exclude, field, venue"):
        corpus.query("prevalence_by_year", colour="red")


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"concern": "high"}, {"p01", "p04", "p05"}),
        ({"uses_synthetic": True, "year": 2024}, {"p07", "p08"}),
        ({"categories": "llm_text"}, {"p01", "p05", "p07"}),  # list column: contains
        ({"generators": ["Llama 3", "GPT-4"]}, {"p07"}),  # list column, list: contains all
        (
            {"year": [2022, 2023], "status": "ok", "assessed": True},
            {"p01", "p02", "p03", "p04", "p05", "p06"},
        ),
        ({"venue": None, "status": "ok"}, {"p09", "p10"}),
        ({"field": "medicine", "medical": False}, {"p03"}),
        ({"status": "x' OR '1'='1"}, set()),
    ],
)
def test_papers_filters(corpus, filters, expected):
    assert keys(corpus.papers(**filters)) == expected


def test_papers_without_filters_is_every_paper_in_path_order(corpus):
    frame = corpus.papers()
    assert len(frame) == len(PAPERS)
    assert frame["source_path"].tolist() == sorted(p.path for p in PAPERS)


def test_findings_filters_on_finding_and_paper_columns(corpus):
    llm = corpus.findings(category="llm_text", stance="use")
    want = [
        (p.key, f.sentence)
        for p in PAPERS
        for f in p.findings
        if f.category == "llm_text" and f.stance == "use"
    ]
    assert sorted(zip(llm["paper_id"].map(KEYS), llm["sentence"], strict=True)) == sorted(want)
    assert {"title", "doi", "year", "source_path", "finding_id"} <= set(llm.columns)
    in_2024 = corpus.findings(year=2024, generators="GPT-4")
    assert set(in_2024["paper_id"].map(KEYS)) == {"p07"} and len(in_2024) == 2
    assert corpus.findings(roles=["training", "augmentation"]).empty


def test_unknown_filter_names_the_columns(corpus):
    with pytest.raises(QueryError, match=r"cannot filter on 'category'.*categories.*concern"):
        corpus.papers(category="llm_text")
    with pytest.raises(QueryError, match="cannot filter on 'colour'"):
        corpus.findings(colour="red")


def test_missing_database_fails_when_the_corpus_is_opened(tmp_path):
    with pytest.raises(StoreError, match="synthwatch scan"):
        Corpus(tmp_path / "nope.duckdb")


def test_corpus_does_not_hold_the_database_between_calls(corpus, known_db):
    corpus.papers()
    Store(known_db).close()  # a writer can open it: no connection was left open


def test_screen_returns_the_typed_result_of_the_screen_contract(demo):
    path = demo / "pdf" / "sepsis-synthea.pdf"
    result = screen(path)
    assert isinstance(result, PaperResult) and result.status == "ok"
    assert result.verdict.uses_synthetic and "Synthea" in result.verdict.generators
    out = CliRunner().invoke(main, ["screen", str(path), "--format", "json"])
    assert json.loads(out.stdout) == json.loads(json.dumps(result.to_dict()))


def test_screen_of_unreadable_file_is_a_failed_result(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    result = screen(bad)
    assert result.status == "failed" and result.error and result.findings == ()
