"""`synthwatch serve`: help, the lean default import, the missing extra, a missing database."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from pipeline.cli import main


def test_serve_help_has_an_example():
    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0
    assert "Example:" in r.output and "--allow-upload" in r.output and "127.0.0.1" in r.output


def test_importing_the_cli_does_not_import_the_web_stack():
    code = (
        "import sys, pipeline.cli; "
        "print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_without_the_web_extra_exits_2_with_the_install_hint():
    # the extra's packages made unimportable in a child, as in an install without [web]
    code = (
        "import sys\n"
        "for m in ('starlette', 'uvicorn', 'multipart'): sys.modules[m] = None\n"
        "from pipeline.cli import main\n"
        "main(['serve', '--db', 'whatever.duckdb'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 2
    assert "serve needs the web extra" in out.stderr and "[web]" in out.stderr
    assert "pip install" in out.stderr


def test_serve_with_a_missing_database_exits_2(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2
    assert "no database at" in r.output
