"""Reports: the screening report's HTML and Markdown, the corpus report, the shipped templates."""

from __future__ import annotations

import re
import sys
import tomllib
from itertools import pairwise
from pathlib import Path

import pytest
from markupsafe import escape

from pipeline.answers.corpus import MAX_SAMPLE
from pipeline.answers.queries import run_query
from pipeline.answers.report import (
    gather_corpus,
    md_escape,
    render_corpus,
    render_screening,
    year_periods,
)
from pipeline.detect.evidence import EVIDENCE_SECTIONS
from pipeline.errors import SynthwatchError
from pipeline.install import install_hint
from pipeline.scan.work import screen_file
from pipeline.store import connect_readonly
from tests.conftest import scan_into

ROOT = Path(__file__).resolve().parents[2]
# A resource the page would fetch: src=, href=, url(), @import pointing off the page.
REMOTE = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import""")
CORPUS_SECTIONS = (
    'id="summary"',
    "Why papers could not be read",
    'id="time"',
    'id="category"',
    'id="field"',
    'id="venue"',
    'id="concern"',
    'id="generators"',
    'id="high"',
    'id="methods"',
    "Calibration used",
    "Detector versions",
    "What counts as use",
)
# Plain text: the Markdown reader would drop the tags before they reach a report.
HOSTILE = """Synthetic <script>alert('title')</script> study

Abstract

We trained a classifier on 5,000 synthetic patient records generated with Synthea
<script>alert('evidence')</script> and | pipes | [links](http://evil.example) *stars*.

Methods

We generated synthetic patient records with Synthea <img src=x onerror=alert(1)> for training.
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    result = screen_file(path)
    assert result.status == "ok" and result.verdict.uses_synthetic
    return result


@pytest.fixture(scope="module")
def demo_report(demo_db):
    con = connect_readonly(demo_db)
    try:
        return gather_corpus(con, str(demo_db))
    finally:
        con.close()


def test_screening_html_escapes_text_from_the_paper(hostile):
    html = render_screening(hostile, "html")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;evidence&#39;)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert not REMOTE.search(html)


def test_screening_markdown_escapes_text_from_the_paper(hostile):
    md = render_screening(hostile, "markdown")
    assert not re.search(r"(?<!\\)<(script|img)", md)
    assert r"\<script>" in md and r"\| pipes \|" in md and r"\[links\]" in md


def test_md_escape_keeps_snake_case_and_flattens_lines():
    assert md_escape("synthetic_records\n| _x_ <b>") == r"synthetic_records \| \_x\_ \<b>"


def test_screening_report_needs_no_matplotlib(demo, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # any import of it now fails
    html = render_screening(screen_file(demo / "pdf" / "sepsis-synthea.pdf"), "html")
    assert "Checklist" in html and "HIGH" in html


def test_corpus_report_without_matplotlib_says_what_to_install(demo_report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    hint = f"install the report extra with {install_hint('report')}"
    with pytest.raises(SynthwatchError, match=re.escape(hint)):
        render_corpus(demo_report, "html")


def test_corpus_report_of_demo_has_every_section_and_inline_svg(demo_report):
    html = render_corpus(demo_report, "html").text
    for section in CORPUS_SECTIONS:
        assert section in html, section
    assert html.count("<svg") >= 3 and "<?xml" not in html
    assert not REMOTE.search(html) and "<script" not in html
    # the three broken demo files, grouped by reason, and the Portuguese paper
    assert "malformed XML" in html and "truncated or damaged PDF" in html
    assert "language not supported: pt" in html
    # the high-concern sepsis paper with its evidence sentence and page
    assert "Predicting sepsis onset" in html and "p. 1" in html


def test_corpus_report_is_the_same_bytes_twice(demo_report):
    first = render_corpus(demo_report, "html")
    assert render_corpus(demo_report, "html").text == first.text
    assert "Date" not in first.text.split("<svg", 1)[1][:2000]


def test_corpus_markdown_names_png_files_it_returns(demo_report):
    rendered = render_corpus(demo_report, "markdown", stem="demo")
    assert rendered.files and all(name.startswith("demo-") for name in rendered.files)
    for name, data in rendered.files.items():
        assert data.startswith(b"\x89PNG") and f"]({name})" in rendered.text
    assert "## High-concern papers" in rendered.text and "<svg" not in rendered.text


def test_corpus_report_of_the_shared_corpus(corpus_db):
    con = connect_readonly(corpus_db)
    try:
        report = gather_corpus(con, str(corpus_db))
    finally:
        con.close()
    assert report.n_papers > 400 and report.n_files >= report.n_papers
    html = render_corpus(report, "html").text
    for section in CORPUS_SECTIONS:
        assert section in html, section
    assert not REMOTE.search(html)
    assert ("No calibration for this pattern version" in html) == (not report.calibration)
    for paper in report.high_concern:
        assert paper["evidence"] and paper["section"]


def test_periods_pool_sparse_years_and_match_the_canned_query(known_db):
    con = connect_readonly(known_db)
    try:
        report = gather_corpus(con, str(known_db))
        by_year = run_query(con, "prevalence_by_year")
        for row in report.by_period:
            canned = run_query(
                con, "prevalence", {"year_from": row["year_from"], "year_to": row["year_to"]}
            ).iloc[0]
            assert (row["n"], row["count"]) == (canned["n"], canned["count"])
            assert row["wilson_low"] == pytest.approx(canned["wilson_low"])
            if row["corrected"] is not None:
                assert row["corrected"] == pytest.approx(canned["corrected"])
    finally:
        con.close()
    periods = year_periods(by_year, min_papers=2)
    years = sorted(int(y) for y in by_year["year"].dropna())
    assert periods[0][0] == years[0] and periods[-1][1] == years[-1]
    assert all(a[1] < b[0] for a, b in pairwise(periods))
    assert report.calibration and report.failures
    assert {g.status for g in report.failures} == {"failed", "timeout", "no_text"}


def test_every_subpackage_is_listed_and_every_template_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(config["setuptools"]["packages"])
    mapped = config["setuptools"]["package-dir"]
    found = {
        ".".join(p.relative_to(ROOT).parent.parts)
        for p in (ROOT / "pipeline").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"
    assert mapped["pipeline.templates"] == "reports"
    globs = config["setuptools"]["package-data"]["pipeline.templates"]
    templates = [p for p in (ROOT / "reports").iterdir() if p.is_file() and p.suffix != ".py"]
    assert templates
    for path in templates:
        assert any(path.match(g) for g in globs), f"{path.name} is not shipped"


def test_model_generated_headline_leaves_out_simulation_only_papers(demo_db, demo_report):
    con = connect_readonly(demo_db)
    try:
        positives = con.execute(
            "SELECT categories FROM papers WHERE assessed AND uses_synthetic"
        ).fetchall()
    finally:
        con.close()
    simulation_only = sum(set(cats) == {"simulation"} for (cats,) in positives)
    assert simulation_only >= 2  # the CARLA and the bootstrap-simulation demo papers
    m, o = demo_report.model_generated, demo_report.overall
    assert (m["n"], m["count"]) == (o["n"], o["count"] - simulation_only)
    assert (
        sum(r["count"] for r in demo_report.model_by_period)
        + (demo_report.model_undated["count"] if demo_report.model_undated else 0)
        == m["count"]
    )
    share = f"{m['proportion'] * 100:.1f}%"
    html = render_corpus(demo_report, "html").text
    assert f"model-generated data (excluding simulation): {share}" in html
    assert f"any synthetic data: {o['proportion'] * 100:.1f}%" in html
    markdown = render_corpus(demo_report, "markdown").text
    assert f"**{m['count']}** use model-generated data (excluding simulation): {share}" in markdown


def test_evidence_sample_is_each_papers_best_use_sentence_per_concern(demo_db, demo_report):
    con = connect_readonly(demo_db)
    try:
        for concern, papers, rows in demo_report.samples:
            ids = [r["paper_id"] for r in rows]
            assert ids == sorted(ids) and len(rows) == min(papers, MAX_SAMPLE)
            for row in rows:
                uses = con.execute(
                    "SELECT section, confidence, ordinal, sentence FROM findings "
                    "WHERE paper_id = ? AND stance = 'use' AND confidence >= 0.6",
                    [row["paper_id"]],
                ).fetchall()
                # the order the verdict quotes by: section, then confidence, then text order
                rank = {s: i for i, s in enumerate(EVIDENCE_SECTIONS)}
                best = min(uses, key=lambda u: (rank.get(u[0], 99), -u[1], u[2]))
                assert (row["section"], row["evidence"]) == (best[0], best[3])
                assert row["concern"] == concern
    finally:
        con.close()
    assert [c for c, _, _ in demo_report.samples] == ["high", "medium", "low"]


def test_corpus_report_quotes_evidence_when_no_paper_is_high_concern(demo, tmp_path):
    db = tmp_path / "no-high.duckdb"
    scan_into(
        db,
        [demo / "pdf" / "chest-xray-stylegan2.pdf", demo / "latex" / "pedestrian-carla.tex"],
        workers=1,
    )
    con = connect_readonly(db)
    try:
        report = gather_corpus(con, str(db))
    finally:
        con.close()
    assert report.n_high == 0 and not report.high_concern
    quoted = [row for _, _, rows in report.samples for row in rows]
    assert {Path(r["source_path"]).name for r in quoted} == {
        "chest-xray-stylegan2.pdf",  # medium
        "pedestrian-carla.tex",  # low
    }
    pdf = next(r for r in quoted if r["source_path"].endswith(".pdf"))
    assert pdf["page"] == 1 and pdf["section"]
    html = render_corpus(report, "html").text
    markdown = render_corpus(report, "markdown").text
    for text in (html, markdown):
        assert "Evidence to spot-check" in text and "No paper has concern high." in text
        assert f"{pdf['section']}, p. 1" in text  # the quote's section and page
    for row in quoted:
        assert f"“{escape(row['evidence'])}”" in html
        assert f"“{md_escape(row['evidence'])}”" in markdown


def test_a_long_high_concern_list_is_cut_with_the_command_for_all(known_db, monkeypatch):
    # at 1M papers the report listed 27,922 papers (16.7 MB); past MAX_LISTED it says how
    # many more there are and how to get them all
    from pipeline.answers import report as report_module

    con = connect_readonly(known_db)
    try:
        report = gather_corpus(con, str(known_db))
    finally:
        con.close()
    assert report.n_high == 3
    whole = render_corpus(report, "html").text
    assert "newest are listed here" not in whole
    monkeypatch.setattr(report_module, "MAX_LISTED", 2)
    html = render_corpus(report, "html").text
    high = html[html.index('<section id="high">') : html.index('<section id="methods">')]
    assert high.count('<article class="paper">') == 2
    assert "High-concern papers (3)" in high
    assert "The 2 newest are listed here; the other 1" in high
    assert f"synthwatch query high_concern --db {known_db} --format csv" in high
    md = render_corpus(report, "markdown").text
    start = md.index("## High-concern papers (3)")
    section = md[start : md.index("\n## ", start + 1)]
    assert "The 2 newest are listed here; the other 1" in section
    assert section.count("\n### ") == 2
