"""The benchmark scripts still run against the package as it is now (figures are not checked:
they are for people to read, see benchmarks/README.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
PDFS = ("s2d__N18-3011.pdf", "synthpop__synthpop.pdf")


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "pdf").mkdir()
    for name in PDFS:
        shutil.copy(FIXTURES / name, tmp_path / "pdf" / name)
    return tmp_path


def test_extract_benchmark_reads_the_pdfs_as_a_scan_does(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/extract.py", "--corpus", str(_corpus(tmp_path))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "synthwatch pdf.read (pypdfium2" in done.stdout
    assert f"{len(PDFS)} PDFs" in done.stdout


def test_scan_benchmark_copies_are_distinct_papers_that_still_read(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import scan
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    (tmp_path / "in").mkdir()
    pdfs = sorted(_corpus(tmp_path / "in").glob("pdf/*.pdf"))
    (tmp_path / "out").mkdir()
    out = scan.copy_pdfs(pdfs, tmp_path / "out", 2)
    copies = sorted(out.glob("*.pdf"))
    assert len(copies) == 2 * len(PDFS)
    assert len({p.read_bytes() for p in copies}) == len(copies)  # each copy its own paper
    for path in copies:
        doc = pdfium.PdfDocument(path.read_bytes())
        try:
            assert len(doc) > 0
        finally:
            doc.close()
