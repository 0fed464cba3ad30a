"""The command line: exit codes, messages, the screen JSON contract, read-only sql."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.sources.pdf import backends as pdf_backends
from pipeline.version import __version__
from tests.conftest import FIXTURES

JATS = "plos__journal.pone.0119074.xml"  # in tests/fixtures (CC BY)
SCREEN_KEYS = {"file", "paper_id", "status", "error", "title", "doi", "year", "verdict", "findings"}
VERDICT_KEYS = {
    "uses_synthetic",
    "categories",
    "roles",
    "generators",
    "medical",
    "participants_replaced",
    "real_data_check",
    "in_abstract",
    "concern",
    "reasons",
}
FINDING_KEYS = {
    "ordinal",
    "section",
    "page",
    "char_start",
    "char_end",
    "sentence",
    "stance",
    "category",
    "roles",
    "generator",
    "generators",
    "pattern_ids",
    "confidence",
}


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the top-level group imports commands lazily
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
    return out


@pytest.mark.parametrize("name,command", _commands(main))
def test_every_command_has_help_with_an_example(name, command):
    assert command.help and "Example:" in command.help, f"{name} --help has no Example"
    result = CliRunner().invoke(main, [*name.split(), "-h"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_every_command_is_listed_and_loads():
    names = [name for name, _ in _commands(main)]
    expected = {"scan", "screen", "sql", "eval", "query", "query list", "report", "export", "paper"}
    assert expected <= set(names)


def test_the_command_line_module_loads_no_database_or_console_library():
    # A scan's worker processes re-import the script that started the scan, and with it this
    # package: DuckDB and rich would add a tenth of a second to every worker's start.
    code = "import sys, pipeline.cli; print(*sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert {"duckdb", "rich", "pandas"}.isdisjoint(out.stdout.split())


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    # which code reads PDF lines, in words: C where the optional extension built, else Python
    assert f"PDF line queries: {pdf_backends.line_queries()}" in result.output


@pytest.mark.c_lines
def test_version_says_c_where_the_extension_built():
    result = CliRunner().invoke(main, ["--version"])
    assert "PDF line queries: C" in result.output  # the C speed-up is built and loads


def test_version_says_python_without_the_extension(monkeypatch):
    monkeypatch.setattr(pdf_backends, "_page_lines", None)
    monkeypatch.setattr(pdf_backends, "ACCELERATED", False)
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "PDF line queries: Python (the C speed-up was not built" in result.output


def test_scan_then_sql(tmp_path):
    shutil.copy(FIXTURES / JATS, tmp_path / "p.xml")
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    result = runner.invoke(
        main, ["scan", str(tmp_path / "p.xml"), "--db", db, "--workers", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == {"ok": 1} and report["papers"] == 1
    result = runner.invoke(
        main, ["sql", "SELECT format, status FROM papers", "--db", db, "--format", "csv"]
    )
    assert result.exit_code == 0 and result.stdout == "format,status\njats,ok\n"


def test_scan_of_only_bad_files_exits_1_but_records_them(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"")
    db = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--db", db, "--workers", "1"])
    assert result.exit_code == 1
    assert "empty file" in result.stderr
    out = CliRunner().invoke(
        main, ["sql", "SELECT status FROM papers", "--db", db, "--format", "csv"]
    )
    assert out.stdout == "status\nfailed\n"


def test_scan_missing_path_is_usage_error(tmp_path):
    result = CliRunner().invoke(
        main, ["scan", str(tmp_path / "nope"), "--db", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_scan_without_paths_is_usage_error():
    result = CliRunner().invoke(main, ["scan"])
    assert result.exit_code == 2 and "at least one PATH" in result.stderr


def test_screen_json_follows_the_contract():
    result = CliRunner().invoke(main, ["screen", str(FIXTURES / JATS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert SCREEN_KEYS <= set(data)
    assert data["status"] == "ok" and data["error"] is None
    assert VERDICT_KEYS <= set(data["verdict"])
    assert data["findings"], "this paper reports a simulation study"
    for f in data["findings"]:
        assert FINDING_KEYS <= set(f)
        assert 0 <= f["confidence"] <= 1


def test_screen_of_unreadable_file_reports_status_and_exits_1(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    result = CliRunner().invoke(main, ["screen", str(bad), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "failed" and data["error"]
    assert data["findings"] == []


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_screen_human_formats_show_verdict_and_evidence(fmt):
    result = CliRunner().invoke(main, ["screen", str(FIXTURES / JATS), "--format", fmt])
    assert result.exit_code == 0
    assert "concern" in result.stdout and "simulation" in result.stdout


def test_sql_refuses_writes_and_file_access(tmp_path):
    db = str(tmp_path / "s.duckdb")
    shutil.copy(FIXTURES / JATS, tmp_path / "p.xml")
    CliRunner().invoke(main, ["scan", str(tmp_path / "p.xml"), "--db", db, "--workers", "1"])
    for stmt in (
        "DELETE FROM papers",
        "SELECT * FROM read_csv('/etc/passwd')",
        f"COPY papers TO '{tmp_path}/out.csv'",
        "INSTALL httpfs",
    ):
        result = CliRunner().invoke(main, ["sql", stmt, "--db", db])
        assert result.exit_code == 1, stmt
        assert "query failed" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_sql_on_missing_database_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["sql", "SELECT 1", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "synthwatch scan" in result.stderr
