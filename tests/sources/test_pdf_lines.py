"""The per-line PDFium queries in C (``_pdfium_lines.c``) against the Python code they replace.

The Python code in ``pdf_backends`` is the reference: on every PDF, both must give the same
pages, line for line and float for float. The tests marked ``c_lines`` need the C speed-up
built, which ``pip install -e .`` does when a C compiler is there; without one they are
deselected (tests/conftest.py says so in the summary), unless SYNTHWATCH_REQUIRE_C is set, as
.ci/run does: there they run and fail if the extension is missing.
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from pipeline.sources.pdf import backends as pdf_backends
from pipeline.sources.pdf.backends import extract_pypdfium2

ROOT = Path(__file__).resolve().parents[2]
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _both(data: bytes) -> tuple[str, str]:
    """repr() of what each path extracts (repr tells -0.0 from 0.0), or of the error raised."""
    out = []
    for accelerated in (True, False):
        try:
            out.append(repr(extract_pypdfium2(data, 500, accelerated=accelerated)))
        except Exception as exc:
            out.append(f"{type(exc).__name__}: {exc}")
    return out[0], out[1]


@pytest.mark.c_lines
def test_the_c_speed_up_is_built_and_on_unless_turned_off() -> None:
    assert pdf_backends.ACCELERATED, (
        "pipeline/sources/pdf/_pdfium_lines.c was not compiled: install a C compiler and run "
        "`pip install -e .` again"
    )


@pytest.mark.slow
@pytest.mark.c_lines
def test_c_and_python_read_every_corpus_pdf_alike(corpus: Path) -> None:
    paths = sorted((corpus / "pdf").glob("*.pdf")) + sorted((ROOT / "corpora").rglob("*.pdf"))
    assert len(paths) > 100
    differ = []
    astral = 0  # characters beyond the BMP: the corpus's math italics, two UTF-16 units each
    for path in paths:
        fast, reference = _both(path.read_bytes())
        if fast != reference:
            differ.append(path.name)
        astral += len(_ASTRAL.findall(fast))
    assert differ == []
    assert astral > 100  # the UTF-16 offsets were put to the test


def _text_object(doc: pdfium.PdfDocument, text: str, size: float, x: float, y: float) -> object:
    obj = pdfium_raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(size))
    wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    pdfium_raw.FPDFText_SetText(obj, ctypes.cast(wide, pdfium_raw.FPDF_WIDESTRING))
    pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    return obj


def _odd_page_pdf() -> bytes:
    """Lines that take the less common paths: a line drawn by several text objects of
    different sizes (the median of three), a hyphen at a line's end (PDFium's mark), a text
    matrix that scales the font, spaces around words. (Helvetica cannot draw characters beyond
    the BMP; the corpus test has those.)"""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(612, 792)
    pieces = [
        ("Big", 20, 72, 650),
        ("small words after it", 9, 120, 650),
        ("and a tail", 6, 260, 650),
        ("A word at the end is syn-", 11, 72, 600),
        ("thetic and goes on here", 11, 72, 586),
        ("   padded words   ", 11, 72, 550),
        ("x", 11, 72, 500),
    ]
    for text, size, x, y in pieces:
        pdfium_raw.FPDFPage_InsertObject(page.raw, _text_object(doc, text, size, x, y))
    scaled = _text_object(doc, "stretched by its matrix", 1, 0, 0)
    pdfium_raw.FPDFPageObj_Transform(scaled, 8, 0, 0, 8, 72, 450)
    pdfium_raw.FPDFPage_InsertObject(page.raw, scaled)
    page.gen_content()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.c_lines
def test_c_and_python_agree_on_odd_lines() -> None:
    data = _odd_page_pdf()
    fast, reference = _both(data)
    assert fast == reference
    page = extract_pypdfium2(data, 500, accelerated=True).pages[0]
    texts = [line.text for line in page.lines]
    assert texts[:3] == [
        "Big small words after it and a tail",
        "A word at the end is syn-",
        "thetic and goes on here",
    ]
    assert page.lines[0].size == 9  # the median of 20 (first), 9 (middle) and 6 (last)
    assert "padded words" in texts  # spaces stripped
    stretched = next(line for line in page.lines if line.text.startswith("stretched"))
    assert stretched.size == pytest.approx(8)  # 1 pt text scaled 8 times by its matrix


def test_asking_for_the_c_path_without_it_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_backends, "ACCELERATED", False)
    monkeypatch.setattr(pdf_backends, "_page_lines", None)
    with pytest.raises(RuntimeError, match="not built"):
        extract_pypdfium2(_odd_page_pdf(), 500, accelerated=True)
    # and by default, the Python code reads the page
    assert extract_pypdfium2(_odd_page_pdf(), 500).pages[0].lines


def test_the_environment_can_turn_the_c_path_off() -> None:
    code = "from pipeline.sources.pdf import backends as b; print(b.ACCELERATED)"
    env = {**os.environ, "SYNTHWATCH_PDF_LINES": "python"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
