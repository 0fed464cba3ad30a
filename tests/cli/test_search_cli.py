"""``synthwatch search``: a list for people, JSON and CSV for machines, pages, refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pipeline.answers.queries import load_query
from pipeline.cli import main
from tests.answers.known_corpus import build


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(build(tmp_path_factory.mktemp("search-cli") / "known.duckdb"))


def run(*args: str, columns: int = 100):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(main, ["search", *args])


def test_words_in_any_order_list_title_place_and_sentence(db):
    result = run("patients", "synthetic", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "1 hit(s) for patients synthetic; 1-1 shown, best first",
        "  1. Paper p02 (2022)",
        "     methods, p. 4 · use · synthetic_records · confidence 0.85",
        "     Synthetic patients were generated with Synthea for training.",
    ]


def test_pages_say_what_is_shown_and_how_to_see_more(db):
    first = run("synthetic", "--limit", "3", "--db", db).stdout.splitlines()
    assert first[0] == "7 hit(s) for synthetic; 1-3 shown, best first"
    assert first[-1] == "more: --page 2"
    assert first[1] == "  1. Paper p04 (2023)"  # own use, highest confidence
    second = run("synthetic", "--limit", "3", "--page", "3", "--db", db).stdout.splitlines()
    assert second[0] == "7 hit(s) for synthetic; 7-7 shown, best first"
    assert "more:" not in second[-1] and second[1] == "  7. Paper p03 (2022)"
    past = run("synthetic", "--limit", "3", "--page", "9", "--db", db).stdout
    assert past == "7 hit(s) for synthetic; page 9 is past the last one\n"


def test_a_title_match_is_said(db):
    out = run("p07", "--db", db).stdout
    assert "abstract, p. 1 · use · llm_text · confidence 0.90 · the title matches" in out


def test_no_hit_is_one_line_with_the_filters(db):
    result = run("nowhere", "--stance", "use", "--db", db)
    assert result.exit_code == 0
    assert result.stdout == "no findings match nowhere (filters: stance=use)\n"


def test_json_has_the_total_and_every_column_csv_every_column(db):
    data = json.loads(run("synthetic", "--limit", "2", "--format", "json", "--db", db).stdout)
    assert (data["total"], data["page"], data["limit"]) == (7, 1, 2)
    assert data["understood_as"] == "synthetic" and len(data["hits"]) == 2
    assert list(data["hits"][0]) == list(load_query("search").columns)
    rows = list(csv.DictReader(io.StringIO(run("gan", "--format", "csv", "--db", db).stdout)))
    assert [r["sentence"] for r in rows] == [
        "A GAN produced synthetic scans in earlier studies [7]."
    ]
    assert rows[0]["matched"] == "sentence" and rows[0]["stance"] == "cited"
    chosen = run("gan", "--format", "csv", "--columns", "title,page", "--db", db).stdout
    assert chosen.splitlines() == ["title,page", "Paper p03,2"]


def test_markdown_and_html_mark_the_matches(db):
    md = run('"synthetic minority"', "--format", "markdown", "--db", db).stdout
    assert md.startswith('## Search: "synthetic minority"')
    assert "| title | year | section | page | stance | category | sentence |" in md
    page = run("smote", "--format", "html", "--db", db).stdout
    assert page.startswith("<!DOCTYPE html>") and "<mark>SMOTE</mark>" in page
    assert "&#34;synthetic minority&#34;" in page


@pytest.mark.parametrize(
    "args,message",
    [
        (['"silicon sample'], "quote is not closed"),
        (["OR"], "OR needs a word on each side"),
        (["x", "--stance", "usee"], "'usee' is not a stance (did you mean use?)"),
        (["x", "--category", "llm"], "'llm' is not a category"),
        (["x", "--page", "0"], "0 is not in the range x>=1"),
    ],
)
def test_what_cannot_be_searched_exits_2_saying_why(db, args, message):
    result = run(*args, "--db", db)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_search_needs_text_and_a_database(tmp_path):
    assert run().exit_code == 2
    missing = run("x", "--db", str(tmp_path / "none.duckdb"))
    assert missing.exit_code == 2 and "synthwatch scan" in missing.stderr
