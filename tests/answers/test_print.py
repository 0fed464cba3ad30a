"""The editor's page printed by a real Chromium to A4: the verdict and the checklist on page 1.

Chromium's print-to-PDF (what an editor gets from File > Print > Save as PDF) through Playwright,
with the system's browser. The test skips only when no Chromium is installed, and says so.
"""

from __future__ import annotations

import io
import shutil
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from pypdf import PdfReader

from pipeline.answers.report import render_screening
from pipeline.scan.work import screen_file

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent
DEMO = HERE.parent.parent / "corpora" / "demo"
# Eight rows of long use sentences in six categories with six generators: the page that spilled
# its last checklist row onto an otherwise blank page 2.
CROWDED = HERE / "checklist-spills-onto-page-2.txt"
# A real paper whose checklist spilled: a real-data check quoted from a 400-character table row.
SPILLED = "pdf/dscoder__paper.pdf"
# What comes after page 1: removed to print only the verdict and the checklist.
AFTER_PAGE_1 = "() => document.querySelectorAll('#findings, footer').forEach(e => e.remove())"
WINDOWS = {"desktop": 1280, "narrow": 800}  # the window the editor prints from

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) to test printing",
)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


def print_pdf(page: Page, html: Path, page_1_only: bool) -> PdfReader:
    page.goto(html.as_uri())
    if page_1_only:
        page.evaluate(AFTER_PAGE_1)
    return PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))


@pytest.fixture(scope="module")
def pages(corpus, tmp_path_factory) -> list[Path]:
    """The screening page of every assessed demo paper, a real paper that spilled, and the
    crowded regression paper, rendered once."""
    folder = tmp_path_factory.mktemp("pages")
    paths = [p for p in sorted(DEMO.rglob("*")) if p.is_file() and p.parent.name != "broken"]
    paths = [p for p in paths if p.suffix in {".pdf", ".xml", ".tex", ".md", ".txt"}]
    out = []
    for path in [*paths, corpus / SPILLED, CROWDED]:
        result = screen_file(path)
        if result.status != "ok" or result.verdict is None or not result.verdict.assessed:
            continue
        html = folder / f"{path.name}.html"
        html.write_text(render_screening(result, "html"), encoding="utf-8")
        out.append(html)
    assert len(out) >= 20
    return out


@pytest.mark.parametrize("window", WINDOWS)
def test_verdict_and_checklist_print_on_a4_page_1(browser, pages, window):
    page = browser.new_page(viewport={"width": WINDOWS[window], "height": 900})
    spilled = []
    for html in pages:
        n = len(print_pdf(page, html, page_1_only=True).pages)
        if n != 1:
            spilled.append(f"{html.name}: {n} pages")
    page.close()
    assert not spilled, spilled


def test_findings_start_on_page_2_and_the_checklist_stays_on_page_1(browser, tmp_path):
    html = tmp_path / "crowded.html"
    html.write_text(render_screening(screen_file(CROWDED), "html"), encoding="utf-8")
    page = browser.new_page(viewport={"width": WINDOWS["desktop"], "height": 900})
    pdf = print_pdf(page, html, page_1_only=False)
    page.close()
    text = [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in pdf.pages]
    assert len(text) >= 2
    assert "Checklist" in text[0] and "disclosed in abstract" in text[0]
    assert text[1].startswith("All findings, by stance")
    # the checklist's header repeats on every page the table reaches: only on page 1
    assert [i for i, t in enumerate(text) if "EVIDENCE (SECTION, PAGE)" in t] == [0]
