"""Every command follows the README's exit-code table: 0 ran, 1 nothing could be done (the
database cannot be opened, the paper cannot be read), 2 usage error or a path that does not
exist."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

TEXT_PAPER = "text/fraud-smote.txt"

# (command, case, arguments built from the paths of the `paths` fixture, exit code, text that
# the message must hold: on stdout for success, on stderr otherwise)
Args = Callable[[dict[str, Path]], list[str]]
CASES: list[tuple[str, str, Args, int, str]] = [
    ("scan", "success", lambda p: ["scan", str(p["paper"]), "--db", str(p["new_db"]),
                                   "--workers", "1"], 0, "synthwatch scan"),
    ("scan", "usage", lambda p: ["scan", str(p["paper"]), "--workers", "0"], 2, "--workers"),
    ("scan", "missing path", lambda p: ["scan", str(p["none"]), "--db", str(p["new_db"])], 2,
     "no such file or folder"),
    ("scan", "unreadable database", lambda p: ["scan", str(p["paper"]), "--db", str(p["bad_db"]),
                                               "--workers", "1"], 1, "cannot open database"),
    ("screen", "success", lambda p: ["screen", str(p["paper"])], 0, "concern"),
    ("screen", "usage", lambda p: ["screen"], 2, "Missing argument"),
    ("screen", "missing path", lambda p: ["screen", str(p["none"])], 2, "does not exist"),
    # screen reads no database: its "cannot be opened" case is a paper it cannot read
    ("screen", "unreadable paper", lambda p: ["screen", str(p["bad_pdf"])], 1, ""),
    ("query", "success", lambda p: ["query", "prevalence", "--db", str(p["db"])], 0, "n"),
    ("query", "usage", lambda p: ["query", "prevalence", "--db", str(p["db"]), "--format",
                                  "xml"], 2, "--format"),
    ("query", "missing path", lambda p: ["query", "prevalence", "--db", str(p["none"])], 2,
     "no database at"),
    ("query", "unreadable database", lambda p: ["query", "prevalence", "--db", str(p["bad_db"])],
     1, "cannot open database"),
    ("sql", "success", lambda p: ["sql", "SELECT 1 AS one", "--db", str(p["db"]), "--format",
                                  "csv"], 0, "one"),
    ("sql", "usage", lambda p: ["sql", "--db", str(p["db"])], 2, "Missing argument"),
    ("sql", "missing path", lambda p: ["sql", "SELECT 1", "--db", str(p["none"])], 2,
     "no database at"),
    ("sql", "unreadable database", lambda p: ["sql", "SELECT 1", "--db", str(p["bad_db"])], 1,
     "cannot open database"),
    ("report", "success", lambda p: ["report", "--db", str(p["db"]), "-o", str(p["out_html"])],
     0, ""),
    ("report", "usage", lambda p: ["report", "--db", str(p["db"]), "--format", "pdf"], 2,
     "--format"),
    ("report", "missing path", lambda p: ["report", "--db", str(p["none"])], 2, "no database at"),
    ("report", "unreadable database", lambda p: ["report", "--db", str(p["bad_db"]), "-o",
                                                 str(p["out_html"])], 1, "cannot open database"),
    ("export", "success", lambda p: ["export", "--table", "papers", "--format", "csv", "-o",
                                     str(p["out_csv"]), "--db", str(p["db"])], 0, ""),
    ("export", "usage", lambda p: ["export", "--format", "csv", "-o", str(p["out_csv"]), "--db",
                                   str(p["db"])], 2, "--table"),
    ("export", "missing path", lambda p: ["export", "--table", "papers", "--format", "csv", "-o",
                                          str(p["out_csv"]), "--db", str(p["none"])], 2,
     "no database at"),
    ("export", "unreadable database", lambda p: ["export", "--table", "papers", "--format", "csv",
                                                 "-o", str(p["out_csv"]), "--db",
                                                 str(p["bad_db"])], 1, "cannot open database"),
    ("paper", "success", lambda p: ["paper", str(p["paper"]), "--db", str(p["db"])], 0,
     "concern"),
    ("paper", "usage", lambda p: ["paper", "--db", str(p["db"])], 2, "Missing argument"),
    ("paper", "missing path", lambda p: ["paper", "abcd", "--db", str(p["none"])], 2,
     "no database at"),
    ("paper", "unreadable database", lambda p: ["paper", "abcd", "--db", str(p["bad_db"])], 1,
     "cannot open database"),
    ("search", "success", lambda p: ["search", "synthetic", "--db", str(p["db"])], 0, "hit"),
    ("search", "usage", lambda p: ["search", '"open quote', "--db", str(p["db"])], 2, "quote"),
    ("search", "missing path", lambda p: ["search", "x", "--db", str(p["none"])], 2,
     "no database at"),
    ("search", "unreadable database", lambda p: ["search", "x", "--db", str(p["bad_db"])], 1,
     "cannot open database"),
    ("query", "unknown query", lambda p: ["query", "nope", "--db", str(p["db"])], 2,
     "no canned query 'nope'"),
    ("eval", "missing path", lambda p: ["eval", "--labels", str(p["none"])], 2, "does not exist"),
    ("eval", "usage", lambda p: ["eval"], 2, "--sentences"),
]  # fmt: skip


@pytest.fixture
def paths(tmp_path, demo, demo_db) -> dict[str, Path]:
    bad_db = tmp_path / "bad.duckdb"
    bad_db.write_bytes(b"this is not a DuckDB database\n" * 100)
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.7\n garbage")
    return {
        "paper": demo / TEXT_PAPER,
        "db": demo_db,
        "new_db": tmp_path / "new.duckdb",
        "bad_db": bad_db,
        "bad_pdf": bad_pdf,
        "none": tmp_path / "does-not-exist.pdf",
        "out_html": tmp_path / "out.html",
        "out_csv": tmp_path / "out.csv",
    }


@pytest.mark.parametrize(
    "command,case,args,code,text", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_exit_code_follows_the_readme(paths, command, case, args, code, text):
    result = CliRunner().invoke(main, args(paths))
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert text in (result.stdout if code == 0 else result.stderr)
    if code == 2:
        assert "Usage:" in result.stderr  # a usage error shows how to call the command


def test_every_command_has_its_exit_codes_tested():
    tested = {command for command, *_ in CASES}
    assert {
        "scan", "screen", "query", "search", "sql", "report", "export", "paper", "eval"
    } <= tested  # fmt: skip
    for command in tested - {"eval"}:
        cases = {case for c, case, *_ in CASES if c == command}
        assert {"success", "usage", "missing path"} <= cases, command
        assert cases & {"unreadable database", "unreadable paper"}, command
