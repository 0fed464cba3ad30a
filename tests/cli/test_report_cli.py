"""``synthwatch screen --format html|markdown`` and ``synthwatch report`` on real papers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]

REMOTE = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import""")
CHECKLIST = (
    "synthetic data used",
    "kind",
    "role",
    "generator named",
    "validated on real data",
    "medical context",
    "human participants replaced",
    "disclosed in abstract",
)


def assert_offline_page(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not REMOTE.search(html) and "<script" not in html.lower()


def test_screen_html_of_demo_sepsis_paper_to_a_file(demo, tmp_path):
    out = tmp_path / "sub" / "screening.html"
    out.parent.mkdir()
    result = CliRunner().invoke(
        main,
        ["screen", str(demo / "pdf" / "sepsis-synthea.pdf"), "--format", "html", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "written to" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert_offline_page(html)
    assert 'class="verdict light-red"' in html and ">HIGH<" in html
    for question in CHECKLIST:
        assert f'<th scope="row">{question}</th>' in html, question
    assert "dot-red" in html and "dot-amber" in html and "dot-green" in html
    assert "instead of real electronic health records" in html
    assert "methods, p. 1" in html and "abstract, p. 1" in html
    assert "@media print" in html and "break-inside: avoid" in html


def test_screen_html_of_a_real_pdf_shows_pages_and_the_real_data_check(corpus):
    path = corpus / "pdf" / "qwen3__Qwen3_Technical_Report.pdf"
    result = CliRunner().invoke(main, ["screen", str(path), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert_offline_page(html)
    assert "Qwen3 Technical Report" in html
    assert re.search(r"[a-z_]+, p\. \d+", html), "evidence without a page"
    row = html.split('<th scope="row">validated on real data</th>', 1)[1].split("</tr>", 1)[0]
    assert "dot-green" in html.split('<th scope="row">validated on real data</th>')[0][-400:]
    assert re.search(r"p\. \d+", row), "the real-data check sentence is placed on its page"


def test_screen_html_of_a_jats_paper_has_sections_without_pages():
    path = FIXTURES / "elife__elife02935.xml"
    result = CliRunner().invoke(main, ["screen", str(path), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert_offline_page(html)
    assert "10.7554/elife.02935" in html and "evolutionary simulations" in html
    assert "method_check" in html and "results</b>" in html


def test_screen_markdown_has_the_checklist_and_evidence(demo):
    result = CliRunner().invoke(
        main, ["screen", str(demo / "jats" / "silicon-sample-survey.xml"), "--format", "markdown"]
    )
    assert result.exit_code == 0
    md = result.stdout
    assert md.startswith("# Screening: ") and "## Checklist" in md
    assert "| 🔴 red | human participants replaced | **yes**" in md
    assert "## All findings, by stance" in md and "### use (" in md


def test_screen_html_of_an_unreadable_file_exits_1_with_the_reason(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    result = CliRunner().invoke(main, ["screen", str(bad), "--format", "html"])
    assert result.exit_code == 1
    assert "could not be screened" in result.stdout and "Checklist" not in result.stdout


def test_report_html_of_demo_database(demo_db, tmp_path):
    out = tmp_path / "out" / "corpus.html"
    result = CliRunner().invoke(main, ["report", "--db", str(demo_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "written to" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert_offline_page(html)
    assert html.count("<svg") >= 3 and "High-concern papers" in html


def test_report_markdown_writes_png_charts_beside_it(demo_db, tmp_path):
    out = tmp_path / "corpus.md"
    result = CliRunner().invoke(
        main, ["report", "--db", str(demo_db), "--format", "markdown", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    linked = re.findall(r"\]\((corpus-[a-z-]+\.png)\)", md)
    assert len(linked) >= 3
    for name in linked:
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_report_default_output_is_reports_out(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["report", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "out" / "corpus.html").is_file()


def test_report_without_matplotlib_exits_1_with_the_install_hint(demo_db, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the extra were not installed
    result = CliRunner().invoke(
        main, ["report", "--db", str(demo_db), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 1
    # the clone's own path: `pip install 'synthwatch[report]'` fails, synthwatch is on no registry
    assert f"-m pip install -e '{ROOT}[report]'" in result.stderr
    assert "'synthwatch[report]'" not in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_on_a_missing_database_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "synthwatch scan" in result.stderr


@pytest.mark.parametrize("fmt", ["html", "markdown", "json", "text"])
def test_screen_output_option_writes_every_format(demo, tmp_path, fmt):
    out = tmp_path / f"s.{fmt}"
    path = demo / "markdown" / "log-anomaly-benchmark.md"
    result = CliRunner().invoke(main, ["screen", str(path), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_screen_hides_pattern_ids_unless_explain(demo, fmt):
    path = str(demo / "pdf" / "sepsis-synthea.pdf")
    plain = CliRunner().invoke(main, ["screen", path, "--format", fmt])
    explained = CliRunner().invoke(main, ["screen", path, "--format", fmt, "--explain"])
    assert plain.exit_code == 0 and explained.exit_code == 0
    for pattern_id in ("stance.we_action", "generator.synthea"):
        assert pattern_id not in plain.stdout
        assert pattern_id in explained.stdout


def test_screen_text_wraps_at_100_columns_in_a_pipe(corpus):
    path = corpus / "pdf" / "qwen3__Qwen3_Technical_Report.pdf"
    result = CliRunner().invoke(main, ["screen", str(path)])
    assert result.exit_code == 0
    long = [line for line in result.stdout.splitlines() if len(line) > 100]
    assert all(len(line.split()) <= 2 for line in long), long
