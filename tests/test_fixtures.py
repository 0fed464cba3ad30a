"""The redistributable papers of tests/fixtures, end to end: readers, detector, store, CLI.

These run from a clone alone (no shared corpus), so that every reader and the detector are
exercised on real papers everywhere. The expected verdicts are the hand labels of the shared
corpus (``labels-dev.csv``) for the same files; tests/fixtures/ATTRIBUTION.md says where each
paper comes from and under which licence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.sources import read
from pipeline.store import connect_readonly
from tests.conftest import FIXTURES, scan_into

# file -> (format, uses synthetic data, a category it must carry), from labels-dev.csv
EXPECTED = {
    "plos__journal.pone.0119074.xml": ("jats", True, "simulation"),
    "elife__elife02935.xml": ("jats", True, "simulation"),
    "plos__journal.pone.0050698.xml": ("jats", True, "synthetic_other"),
    "docling__pone.0234687.nxml": ("jats", False, None),  # trap: synthetic N fertilization
    "synthpop__synthpop.pdf": ("pdf", True, "synthetic_records"),
    "s2d__N18-3011.pdf": ("pdf", False, None),
    "s2orc-simulated-arrivals.json": ("s2orc", True, "simulation"),  # written for the tests
}
PAPERS = sorted(EXPECTED)


@pytest.fixture(scope="module")
def fixtures_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The papers of tests/fixtures (not ATTRIBUTION.md) scanned once into a real DuckDB file."""
    db = tmp_path_factory.mktemp("fixtures") / "fixtures.duckdb"
    scan_into(db, [FIXTURES / name for name in PAPERS])
    return db


def _papers(db: Path) -> dict[str, dict]:
    con = connect_readonly(db)
    try:
        cur = con.execute("SELECT * FROM papers")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    return {Path(r["source_path"]).name: r for r in rows}


def _findings(db: Path, name: str) -> list[dict]:
    con = connect_readonly(db)
    try:
        cur = con.execute(
            "SELECT f.* FROM findings f JOIN papers p USING (paper_id) "
            "WHERE p.source_path LIKE ? ORDER BY f.ordinal",
            ["%/" + name],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def test_the_fixtures_are_attributed_and_small() -> None:
    attribution = (FIXTURES / "ATTRIBUTION.md").read_text(encoding="utf-8")
    papers = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in {".xml", ".nxml", ".pdf"})
    assert papers == sorted(n for n in EXPECTED if not n.startswith("s2orc-"))
    for name in papers:
        row = next(line for line in attribution.splitlines() if f"`{name}`" in line)
        assert "CC BY" in row or "CC0" in row, name
        assert "doi.org/10." in row, name
    assert sum(p.stat().st_size for p in FIXTURES.iterdir()) < 2_000_000


def test_jats_reader_reads_metadata_and_sections() -> None:
    doc = read(FIXTURES / "plos__journal.pone.0119074.xml")
    assert (doc.format, doc.extractor) == ("jats", "jats")
    assert doc.metadata.title == (
        "The Effect of Cluster Size Variability on Statistical Power in Cluster-Randomized Trials"
    )
    assert doc.metadata.doi == "10.1371/journal.pone.0119074" and doc.metadata.year == 2015
    assert doc.metadata.authors == ("Stephen A. Lauer", "Ken P. Kleinman", "Nicholas G. Reich")
    kinds = [s.kind for s in doc.sections]
    assert kinds[:2] == ["abstract", "introduction"]
    assert {"methods", "results", "discussion"} <= set(kinds)
    assert doc.pages == ()  # JATS has no pages


def test_pdf_reader_reads_pages_and_sections() -> None:
    doc = read(FIXTURES / "synthpop__synthpop.pdf")
    assert (doc.format, doc.extractor) == ("pdf", "pypdfium2")
    assert doc.n_pages == 26 and len(doc.pages) == 26
    assert doc.metadata.title == "synthpop: Bespoke Creation of Synthetic Data in R"
    assert doc.metadata.doi == "10.18637/jss.v074.i11"
    assert doc.sections[0].kind == "abstract"
    headings = [s.heading for s in doc.sections]
    assert "1. Introduction and background" in headings
    first_page = doc.text[doc.pages[0][0] : doc.pages[0][1]]
    assert "Beata Nowok" in first_page


def test_scan_reads_every_fixture_and_gives_the_labelled_verdict(fixtures_db: Path) -> None:
    papers = _papers(fixtures_db)
    assert sorted(papers) == PAPERS
    for name, (fmt, uses, category) in EXPECTED.items():
        row = papers[name]
        assert (row["format"], row["status"], row["assessed"]) == (fmt, "ok", True), name
        assert row["uses_synthetic"] is uses, name
        if uses:
            assert category in row["categories"], (name, row["categories"])
            assert row["concern"] in {"high", "medium", "low"}, name
        else:
            assert row["concern"] == "none" and not row["categories"], name


def test_the_trap_is_read_but_not_counted(fixtures_db: Path) -> None:
    """'synthetic N fertilization' is in the text; it is fertiliser, not synthetic data."""
    assert "synthetic N fertilization" in read(FIXTURES / "docling__pone.0234687.nxml").text
    assert not any(
        f["stance"] == "use" for f in _findings(fixtures_db, "docling__pone.0234687.nxml")
    )


def test_findings_carry_sections_and_pdf_pages(fixtures_db: Path) -> None:
    pdf = [f for f in _findings(fixtures_db, "synthpop__synthpop.pdf") if f["stance"] == "use"]
    assert pdf and all(1 <= f["page"] <= 26 for f in pdf)
    assert {"abstract", "methods"} <= {f["section"] for f in pdf}
    jats = _findings(fixtures_db, "plos__journal.pone.0119074.xml")
    assert all(f["page"] is None for f in jats)  # no pages in JATS
    assert "methods" in {f["section"] for f in jats if f["stance"] == "use"}
    s2orc = _findings(fixtures_db, "s2orc-simulated-arrivals.json")
    by_section = {f["section"]: f for f in s2orc}
    assert by_section["methods"]["stance"] == "use"
    assert by_section["methods"]["sentence"].startswith("We simulated 500 years")
    # someone else's GANs, cited in the discussion: found, but not the authors' use
    assert by_section["discussion"]["stance"] != "use"


def test_medical_paper_with_synthetic_evaluation_is_flagged_medical(fixtures_db: Path) -> None:
    row = _papers(fixtures_db)["plos__journal.pone.0050698.xml"]
    assert row["medical"] is True and row["uses_synthetic"] is True


def test_cli_scan_and_screen_of_the_fixtures(tmp_path: Path) -> None:
    db = str(tmp_path / "f.duckdb")
    runner = CliRunner()
    files = [str(FIXTURES / n) for n in PAPERS]
    result = runner.invoke(main, ["scan", *files, "--db", db, "--workers", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["papers"] == len(EXPECTED) and report["status"] == {"ok": len(EXPECTED)}
    pdf = str(FIXTURES / "synthpop__synthpop.pdf")
    first = runner.invoke(main, ["screen", pdf, "--format", "json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["verdict"]["uses_synthetic"] is True
    assert any(f["page"] == 1 and f["stance"] == "use" for f in data["findings"])
    again = runner.invoke(main, ["screen", pdf, "--format", "json"])
    assert again.stdout == first.stdout  # same input, byte-identical output
