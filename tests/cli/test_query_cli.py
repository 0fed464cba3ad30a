"""``synthwatch query``: list, run by name, formats, -o, exit codes and bound parameters."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.answers.queries import list_queries, load_query
from pipeline.cli import main
from pipeline.cli.query import markdown_table
from pipeline.detect.model import STANCES
from tests.answers.known_corpus import PAPERS, build


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return str(build(tmp_path_factory.mktemp("query-cli") / "known.duckdb"))


def run(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_list_shows_every_query_with_title_and_params():
    result = run("list", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == [q.name for q in list_queries()]
    by_name = {r["name"]: r for r in rows}
    assert by_name["prevalence_by_year"]["title"] == "Prevalence by year"
    assert "year_from=0" in by_name["prevalence_by_year"]["params"]
    assert "id (required)" in by_name["paper"]["params"]
    table = run("list")
    assert table.exit_code == 0 and "prevalence_by_year" in table.stdout


def test_list_json_and_one_query_in_full():
    data = json.loads(run("list", "--format", "json").stdout)
    search = next(q for q in data if q["name"] == "search")
    assert search["params"][0] == {
        "name": "phrase",
        "type": "str",
        "default": None,
        "required": True,
        "description": search["params"][0]["description"],
        "values": None,
        "comma_separated": False,
    }
    stance = next(p for p in search["params"] if p["name"] == "stance")
    assert stance["values"] == list(STANCES)
    one = run("list", "prevalence_by_year")
    assert one.exit_code == 0
    assert "Rogan-Gladen" in one.stdout and "year_to=0" in one.stdout and "columns:" in one.stdout
    assert run("list", "nope").exit_code == 2


def test_query_by_name_with_params_gives_csv(db):
    result = run("prevalence_by_year", "-p", "field=medicine", "--db", db, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["year"] for r in rows] == ["2022", "2023"]
    assert rows[0]["n"] == "3" and rows[0]["count"] == "2" and rows[0]["n_failed"] == "1"
    assert rows[1]["n_not_assessed"] == "1"
    explicit = run(
        "run", "prevalence_by_year", "-p", "field=medicine", "--db", db, "--format", "csv"
    )
    assert explicit.stdout == result.stdout


def test_table_for_people_puts_intervals_in_one_column_and_calibration_below(db):
    result = CliRunner(env={"COLUMNS": "140"}).invoke(main, ["query", "prevalence", "--db", db])
    assert result.exit_code == 0
    assert "Prevalence" in result.stdout and "share of 11 assessed (95% CI)" in result.stdout
    assert "0.636 (" in result.stdout  # 7 of 11
    assert "calibration: eval " in result.stdout and "sensitivity 0.875" in result.stdout


def test_markdown_shows_the_compact_columns_and_json_every_one(db):
    md = run("high_concern", "--db", db, "--format", "markdown")
    assert md.exit_code == 0
    lines = md.stdout.splitlines()
    assert lines[0] == "## High-concern papers"
    assert (
        lines[2] == "| title | year | section | page | evidence |"
        and lines[3] == "|---|---|---|---|---|"
    )
    assert len(lines) == 4 + 3
    data = json.loads(run("high_concern", "--db", db, "--format", "json").stdout)
    assert {r["title"] for r in data} == {"Paper p01", "Paper p04", "Paper p05"}
    assert all(isinstance(r["reasons"], list) for r in data)
    assert list(data[0]) == list(load_query("high_concern").columns)


def test_markdown_cells_cannot_break_the_table():
    table = markdown_table(["a", "b"], [("x|y", ["p", "q"]), (None, "line\nbreak")])
    assert table.splitlines() == ["| a | b |", "|---|---|", "| x\\|y | p; q |", "|  | line break |"]


def test_output_file_and_nothing_on_stdout(db, tmp_path):
    out = tmp_path / "years.csv"
    result = run("prevalence_by_year", "--db", db, "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert "row(s) written to" in result.stderr
    assert out.read_text().startswith("year,n,count,proportion,wilson_low")


def test_parquet_needs_an_output_file_and_keeps_types(db, tmp_path):
    result = run("by_category", "--db", db, "--format", "parquet")
    assert result.exit_code == 2 and "-o FILE" in result.stderr
    out = tmp_path / "gens.parquet"
    result = run("top_generators", "--db", db, "--format", "parquet", "-o", str(out))
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    described = con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": str(out)})
    types = {row[0]: row[1] for row in described.fetchall()}
    assert types["categories"] == "VARCHAR[]" and types["papers"] == "BIGINT"
    top = con.execute("SELECT generator, papers FROM read_parquet($p) LIMIT 1", {"p": str(out)})
    assert top.fetchall() == [("GPT-4", 2)]


def test_unknown_query_exits_2_with_the_list(db):
    result = run("nope", "--db", db)
    assert result.exit_code == 2
    assert "no canned query 'nope'" in result.stderr and "prevalence_by_year" in result.stderr


@pytest.mark.parametrize(
    "params,message",
    [
        (["-p", "phrase"], "is not key=value"),
        (["-p", "=x"], "is not key=value"),
        (["-p", "phrase=a", "-p", "phrase=b"], "phrase given twice"),
    ],
)
def test_bad_param_syntax_is_a_usage_error(db, params, message):
    result = run("search", *params, "--db", db)
    assert result.exit_code == 2 and message in result.stderr


def test_unknown_or_mistyped_param_is_a_usage_error_naming_the_allowed_ones(db):
    result = run("search", "-p", "colour=red", "--db", db)
    assert result.exit_code == 2 and "its parameters: phrase, stance, category" in result.stderr
    result = run("prevalence_by_year", "-p", "year_from=last", "--db", db)
    assert result.exit_code == 2 and "must be an integer" in result.stderr
    result = run("paper", "--db", db)
    assert result.exit_code == 2 and "needs a value for parameter id" in result.stderr


def test_sql_in_a_parameter_is_only_a_value(db):
    result = run("search", "-p", "phrase=x'; DROP TABLE papers; --", "--db", db, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "no findings match (filters: phrase=x'; DROP TABLE papers; --)" in result.stderr
    quoted = run("search", "-p", "phrase=model's 50%", "--db", db, "--format", "json")
    assert [r["page"] for r in json.loads(quoted.stdout)] == [6]
    count = CliRunner().invoke(
        main, ["sql", "SELECT count(*) AS n FROM papers", "--db", db, "--format", "csv"]
    )
    assert count.stdout == f"n\n{len(PAPERS)}\n"


def test_missing_database_says_how_to_make_one(tmp_path):
    result = run("prevalence", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 2 and "synthwatch scan" in result.stderr


def people(*args: str):
    """The query command on a wide, plain terminal (no colours)."""
    return CliRunner(env={"COLUMNS": "160"}).invoke(main, ["query", *args])


def test_a_value_outside_a_parameters_list_exits_2_with_the_valid_ones(db):
    result = run("prevalence", "-p", "category=llm", "--db", db)
    assert result.exit_code == 2 and result.stdout == ""
    assert "'llm' is not a category (did you mean llm_text?)" in result.stderr
    assert "valid: llm_text, model_labels, generated_media" in result.stderr
    result = run("prevalence", "-p", "exclude=simulation,nope", "--db", db)
    assert result.exit_code == 2 and "'nope' is not a category" in result.stderr
    result = run("failures", "-p", "status=ok", "--db", db)
    assert result.exit_code == 2 and "valid: failed, no_text, timeout, skipped" in result.stderr


def test_list_shows_the_valid_values_of_a_parameter():
    result = run("list", "prevalence")
    assert result.exit_code == 0
    assert "values, comma-separated: llm_text, model_labels" in result.stdout
    assert "shown on a terminal" not in result.stdout  # prevalence has no paper columns
    assert "shown on a terminal: title, year, section, page" in run("list", "high_concern").stdout


def test_exclude_simulation_is_the_headline_without_simulation_studies(db):
    [everything] = json.loads(run("prevalence", "--db", db, "--format", "json").stdout)
    [without] = json.loads(
        run("prevalence", "-p", "exclude=simulation", "--db", db, "--format", "json").stdout
    )
    assert (everything["count"], without["count"]) == (7, 6)
    table = people("prevalence", "-p", "exclude=simulation", "--db", db)
    assert table.exit_code == 0
    assert "use, excluding simulation" in table.stdout and "0.545 (" in table.stdout
    assert "counted: papers with a use of a category other than simulation" in table.stdout
    assert "shipped default, measured cross-source" in table.stdout


def test_blank_groups_are_labelled_for_people_and_null_for_machines(db):
    table = people("prevalence_by_year", "--db", db)
    assert table.exit_code == 0
    rows = [line for line in table.stdout.splitlines() if line.startswith("│")]
    assert rows[-1].startswith("│ (no year)")
    md = run("prevalence_by_venue", "--db", db, "--format", "markdown")
    assert "| (no venue) |" in md.stdout
    data = json.loads(run("prevalence_by_year", "--db", db, "--format", "json").stdout)
    assert data[-1]["year"] is None
    rows = list(
        csv.DictReader(
            io.StringIO(run("prevalence_by_field", "--db", db, "--format", "csv").stdout)
        )
    )
    assert rows[-1]["field"] == ""
    assert "(no field)" not in run("prevalence_by_field", "--db", db, "--format", "csv").stdout


def test_every_share_says_of_what_and_calibration_is_said_once(db):
    result = people("by_category", "--db", db)
    assert result.exit_code == 0
    out = result.stdout
    md = run("by_category", "--db", db, "--format", "markdown").stdout
    assert "| share of 11 assessed (95% CI) |" in md
    assert out.count("only 2 labelled positive papers (need 5)") == 1  # a footnote, not a column
    # categories without an eval row in the database: the shipped rates, each said once
    notes = [line for line in out.splitlines() if line.startswith("[")]
    assert len(notes) == len(set(notes))
    assert any("calibration: shipped default, measured cross-source" in n for n in notes)
    assert "[1]" in out and "[1] calibration: " in out
    assert "sensitivity and specificity per row: --format csv or json" in out
    assert "| category | papers with a use | share of 11 assessed (95% CI) |" in md
    by_year = run("prevalence_by_year", "--db", db, "--format", "markdown").stdout
    assert "| year | assessed | use synthetic data | share of assessed (95% CI) |" in by_year


def test_paper_lists_show_a_few_columns_and_machines_get_every_one(db):
    result = people("high_concern", "--db", db)
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if "title" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == [
        "title",
        "year",
        "section",
        "page",
        "evidence",
    ]
    assert "paper_id" not in result.stdout and "We trained on 5,000 discharge" in result.stdout
    every = run("high_concern", "--db", db, "--columns", "all", "--format", "markdown")
    assert f"| {' | '.join(load_query('high_concern').columns)} |" in every.stdout
    chosen = run("high_concern", "--db", db, "--columns", "title,reasons", "--format", "csv")
    assert chosen.stdout.splitlines()[0] == "title,reasons"
    full = run("high_concern", "--db", db, "--format", "csv").stdout.splitlines()[0]
    assert full.split(",") == list(load_query("high_concern").columns)


def test_unknown_column_exits_2_with_the_columns_there_are(db):
    result = run("high_concern", "--db", db, "--columns", "title,colour")
    assert result.exit_code == 2
    assert "no column colour" in result.stderr and "paper_id" in result.stderr


def test_an_empty_result_is_one_line_naming_the_filters(db):
    result = people("high_concern", "-p", "year_from=2030", "--db", db)
    assert result.exit_code == 0
    assert result.stdout == "no papers match (filters: year_from=2030)\n"
    machine = run("high_concern", "-p", "year_from=2030", "--db", db, "--format", "json")
    assert json.loads(machine.stdout) == [] and "no papers match" in machine.stderr
    typo = people("prevalence", "-p", "field=medecine", "--db", db)
    assert typo.stdout.startswith("no papers match (filters: field=medecine); fields in this")
    assert "Medicine" in typo.stdout or "medicine" in typo.stdout


def test_one_paper_is_said_once_above_its_findings(db):
    result = people("paper", "-p", "id=10.1000/p01", "--db", db)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "title: Paper p01" in lines and "doi: 10.1000/P01" in lines
    assert "Prior work trained on GPT-4 notes [3]." in result.stdout
    assert result.stdout.count("Paper p01") == 1


def test_html_is_a_standalone_escaped_page_with_title_description_and_parameters(db, tmp_path):
    out = tmp_path / "search.html"
    result = run(
        "search",
        "-p",
        'phrase="synthetic minority" OR <b>x</b>',
        "--db",
        db,
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert result.exit_code == 0 and result.stdout == ""
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<title>Search evidence sentences" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page  # the parameter, escaped
    assert "<mark>synthetic minority</mark>" in page
    assert "&#34;<mark>synthetic minority</mark>&#34; rows" in page  # the paper's quotes, escaped
    assert "Finding sentences that hold every word" in page  # the description
    assert "<script" not in page and "http" not in page  # nothing to load
    prevalence = run("prevalence_by_year", "-p", "field=medicine", "--db", db, "--format", "html")
    assert (
        "field=medicine" in prevalence.stdout and '<th scope="col">year</th>' in prevalence.stdout
    )
    empty = run("high_concern", "-p", "year_from=2030", "--db", db, "--format", "html").stdout
    assert "no papers match (filters: year_from=2030)" in empty and "<table>" not in empty
    again = run(
        "search", "-p", 'phrase="synthetic minority" OR <b>x</b>', "--db", db, "--format", "html"
    )
    assert again.stdout == page  # deterministic
