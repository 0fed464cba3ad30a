"""PDF reader: real papers from the shared corpus, plus broken and odd PDFs built here."""

from __future__ import annotations

import ctypes
import functools
import io
import random
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.errors import EncryptedPDF, MalformedInput, NoText, ReadError, UsageError
from pipeline.sources import read_bytes
from pipeline.sources.pdf import layout
from pipeline.sources.pdf import reader as pdf
from pipeline.sources.pdf.lines import Line, Page

DATA = Path(__file__).parent / "data"
# Real papers: an ACM-style arXiv ML paper, an ACL paper, a Nature Communications article and a
# bioRxiv preprint with margin line numbers.
ARXIV = "hw__1802.06739.pdf"
ACL = "sp__P07-1088.pdf"
NATURE = "pqa__10.1038%2Fs41467-022-30570-7.pdf"
BIORXIV = "pqa__10.1101%2F2024.05.13.593833.pdf"
SHORT = "grobid__two_pages.pdf"


@functools.cache
def _paper(corpus: Path, name: str) -> Document:
    """A real paper read with the default extractor, once per test run."""
    return pdf.read((corpus / "pdf" / name).read_bytes())


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def _pdf_with_text(text: str, n_pages: int) -> bytes:
    """A PDF of ``n_pages`` copies of one page holding one line of Helvetica text."""
    one = pdfium.PdfDocument.new()
    page = one.new_page(612, 792)
    obj = pdfium_raw.FPDFPageObj_NewTextObj(one.raw, b"Helvetica", ctypes.c_float(11))
    wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    pdfium_raw.FPDFText_SetText(obj, ctypes.cast(wide, pdfium_raw.FPDF_WIDESTRING))
    pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 400)
    pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()
    many = pdfium.PdfDocument.new()
    many.import_pages(one, [0] * n_pages)
    out = io.BytesIO()
    many.save(out)
    return out.getvalue()


def _image_only_pdf() -> bytes:
    """One page holding a grey image and no text, like a scan without OCR."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(612, 792)
    image = pdfium.PdfImage.new(doc)
    bitmap = pdfium.PdfBitmap.new_native(200, 100, pdfium_raw.FPDFBitmap_BGR)
    bitmap.fill_rect((120, 120, 120, 255), 0, 0, 200, 100)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(400, 200).translate(100, 400))
    page.insert_obj(image)
    page.gen_content()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- pages -----------------------------------------------------------------------------------


def test_pdf_has_one_contiguous_page_span_per_page(corpus: Path) -> None:
    doc = _paper(corpus, ARXIV)
    assert doc.n_pages == len(doc.pages) == 9
    assert doc.pages[0][0] == 0 and doc.pages[-1][1] == len(doc.text)
    for (_, end), (start, _) in zip(doc.pages, doc.pages[1:], strict=False):
        assert end == start


def test_page_numbers_follow_the_pdf_pages(corpus: Path) -> None:
    doc = _paper(corpus, ARXIV)
    assert doc.page_at(doc.text.index("2 RELATED WORK")) == 2
    assert doc.page_at(doc.text.index("REFERENCES")) == 9


def test_max_pages_reads_the_first_pages_and_notes_the_rest() -> None:
    data = _pdf_with_text("A page of a long report on synthetic survey respondents.", 600)
    doc = pdf.read(data, max_pages=500)
    assert len(doc.pages) == 500
    assert doc.n_pages == 600
    assert "read first 500 of 600 pages" in doc.notes
    assert doc.text.count("synthetic survey respondents") == 500


# --- extractors ------------------------------------------------------------------------------


def test_both_extractors_give_similar_text_and_sections(corpus: Path) -> None:
    data = (corpus / "pdf" / ACL).read_bytes()
    pdfium_doc = pdf.read(data, extractor="pypdfium2")
    miner_doc = pdf.read(data, extractor="pdfminer")
    assert (pdfium_doc.extractor, miner_doc.extractor) == ("pypdfium2", "pdfminer")
    a, b = _words(pdfium_doc.text), _words(miner_doc.text)
    shared = sum((a & b).values())
    assert shared / sum(a.values()) > 0.97 and shared / sum(b.values()) > 0.97
    assert [s.kind for s in pdfium_doc.sections] == [s.kind for s in miner_doc.sections]
    assert len(pdfium_doc.pages) == len(miner_doc.pages) == 8


def test_pypdfium2_failure_falls_back_to_pdfminer(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, max_pages: int) -> pdf.RawPDF:
        raise MalformedInput("pypdfium2 cannot open the PDF: simulated failure")

    monkeypatch.setitem(pdf.EXTRACTORS, "pypdfium2", broken)
    doc = pdf.read((corpus / "pdf" / SHORT).read_bytes(), extractor="pypdfium2")
    assert doc.extractor == "pdfminer"
    assert doc.notes[0] == (
        "pypdfium2 failed: pypdfium2 cannot open the PDF: simulated failure; fell back to pdfminer"
    )
    assert len(doc.text) > 1000


def test_unknown_extractor_is_refused() -> None:
    with pytest.raises(UsageError, match="unknown PDF extractor"):
        pdf.read(b"%PDF-1.4", extractor="tesseract")


# --- sections --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "heading", "page", "inside"),
    [
        (ARXIV, "REFERENCES", 9, "Wasserstein gan"),
        (ACL, "References", 8, "Open information extraction from the web"),
        (NATURE, "References", 13, "Trends in GPCR drug discovery"),
        (BIORXIV, "References", 30, "Biosimilar, biobetter"),
    ],
)
def test_reference_list_is_found_on_real_papers(
    corpus: Path, name: str, heading: str, page: int, inside: str
) -> None:
    doc = _paper(corpus, name)
    refs = [s for s in doc.sections if s.kind == "references"]
    assert [s.heading for s in refs] == [heading]
    assert doc.page_at(refs[0].start) == page
    hit = doc.text.index(inside, refs[0].start)
    assert doc.section_at(hit).kind == "references"


@pytest.mark.parametrize("name", [ARXIV, ACL, NATURE, BIORXIV])
def test_no_text_after_the_references_heading_lands_in_methods(corpus: Path, name: str) -> None:
    doc = _paper(corpus, name)
    start = next(s.start for s in doc.sections if s.kind == "references")
    after = {s.kind for s in doc.sections if s.start >= start}
    assert after <= {"references", "acknowledgements", "appendix"}


def test_a_reference_label_in_a_diagram_does_not_start_the_reference_list(corpus: Path) -> None:
    # Kimi k1.5 has a box labelled "Reference" in its RL-infrastructure figure on page 8.
    doc = pdf.read((corpus / "pdf" / "kimik15__Kimi_k1.5.pdf").read_bytes())
    refs = [s for s in doc.sections if s.kind == "references"]
    assert [(s.heading, doc.page_at(s.start)) for s in refs] == [("References", 16)]
    assert doc.section_at(doc.text.index("2.6 RL Infrastructure")).kind == "methods"
    assert "ignored 1 'References' line(s) that no reference list follows" in doc.notes


def test_biomedical_methods_come_before_the_references(corpus: Path) -> None:
    kinds = [s.kind for s in _paper(corpus, NATURE).sections if s.heading]
    assert kinds[:4] == ["results", "discussion", "methods", "acknowledgements"]
    assert kinds.index("methods") < kinds.index("references")


def test_abstract_runs_from_its_heading_to_the_next_heading(corpus: Path) -> None:
    doc = _paper(corpus, ARXIV)
    abstract = next(s for s in doc.sections if s.kind == "abstract")
    text = doc.text[abstract.start : abstract.end]
    assert text.startswith("ABSTRACT\n\nGenerative Adversarial Network (GAN)")
    assert "differentially private GAN (DPGAN) model" in text
    assert doc.section_at(doc.text.index("Liyang Xie")) is None  # title block: kind other
    assert [s.kind for s in doc.sections[:4]] == ["abstract", "other", "other", "introduction"]


def test_numbered_subsections_inherit_the_kind_of_their_section(corpus: Path) -> None:
    kinds = {s.heading: s.kind for s in _paper(corpus, ARXIV).sections}
    assert kinds["3 METHODOLOGY"] == "methods"
    assert kinds["3.3 DPGAN framework"] == "methods"


# --- repairs ---------------------------------------------------------------------------------


def test_line_break_hyphens_are_joined_and_real_hyphens_kept(corpus: Path) -> None:
    text = _paper(corpus, ARXIV).text
    # "re-" / "cently" and "gen-" / "erative" are split across lines in the abstract.
    assert "have recently attracted intensive research" in text
    assert "performance as generative models" in text
    assert "re- cently" not in text and "re-cently" not in text
    assert "high-quality data points" in text
    assert any(n.startswith("joined ") and "hyphenated" in n for n in _paper(corpus, ARXIV).notes)


def test_running_headers_and_footers_are_dropped(corpus: Path) -> None:
    nature = _paper(corpus, NATURE).text
    assert "www.nature.com/naturecommunications" not in nature
    assert "NATURE COMMUNICATIONS |" not in nature
    # The ACM running header repeats on every page; only the copyright block on page 1 keeps it.
    arxiv = _paper(corpus, ARXIV)
    hits = [m.start() for m in re.finditer("Conference’18, Aug 2018, London, UK", arxiv.text)]
    assert [arxiv.page_at(h) for h in hits] == [1]


def test_margin_line_numbers_are_removed(corpus: Path) -> None:
    doc = _paper(corpus, BIORXIV)
    assert "of RBD and after mutation of Ser57 to Asp57" in doc.text
    assert "348 of RBD" not in doc.text
    assert any(n.startswith("removed margin line numbers") for n in doc.notes)


# --- metadata --------------------------------------------------------------------------------


def test_doi_and_year_come_from_the_first_pages(corpus: Path) -> None:
    assert _paper(corpus, NATURE).metadata.doi == "10.1038/s41467-022-30570-7"
    assert _paper(corpus, NATURE).metadata.year == 2022
    assert _paper(corpus, BIORXIV).metadata.doi == "10.1101/2024.05.13.593833"
    assert _paper(corpus, BIORXIV).metadata.year == 2024


def test_paper_without_a_doi_has_none_rather_than_a_guess(corpus: Path) -> None:
    # The ACM template prints the fake DOI "10.475/123_4"; it is not a DOI (4+ digit prefix).
    assert _paper(corpus, ARXIV).metadata.doi is None


def test_title_comes_from_the_info_dict_or_the_first_page(corpus: Path) -> None:
    assert (
        _paper(corpus, ARXIV).metadata.title
        == "Differentially Private Generative Adversarial Network"
    )
    # ACL's info title is the proceedings' name; the big line on page 1 is the paper's.
    assert _paper(corpus, ACL).metadata.title == (
        "Sparse Information Extraction: Unsupervised Language Models to the Rescue"
    )


def _pdf_with_lines(lines: list[tuple[str, float, float]], title: str = "") -> bytes:
    """A one-page PDF of Helvetica lines given as (text, font size, height from the top)."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(612, 792)
    for text, size, top in lines:
        obj = pdfium_raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(size))
        wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_raw.FPDFText_SetText(obj, ctypes.cast(wide, pdfium_raw.FPDF_WIDESTRING))
        pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 792 - top - size)
        pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
    page.gen_content()
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    if title:  # an info dictionary with a Title, appended as an incremental update
        data = _with_info_title(data, title)
    return data


def _with_info_title(data: bytes, title: str) -> bytes:
    pdf_doc = pdfium.PdfDocument(data)
    n_objects = int(re.findall(rb"/Size (\d+)", data)[-1])
    root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    pdf_doc.close()
    offset = len(data)
    obj = f"{n_objects} 0 obj\n<< /Title ({title}) >>\nendobj\n".encode()
    xref = f"xref\n{n_objects} 1\n{offset:010d} 00000 n \n".encode()
    trailer = (
        f"trailer\n<< /Size {n_objects + 1} /Root {root.decode()} /Info {n_objects} 0 R "
        f"/Prev {startxref} >>\nstartxref\n{offset + len(obj)}\n%%EOF\n"
    ).encode()
    return data + obj + xref + trailer


BODY_LINES = [
    (
        f"Body text line {i} of a paper about synthetic records and how they were made.",
        10,
        400 + 12 * i,
    )
    for i in range(20)
]


def test_title_is_the_big_block_of_words_not_a_bigger_logo_below_it() -> None:
    data = _pdf_with_lines(
        [
            ("PaSa: An LLM Agent for Comprehensive", 14.3, 70),
            ("Academic Paper Search", 14.3, 88),
            ("Yichen He and Guanhua Huang", 10, 110),
            ("Paper Search", 20, 300),  # the lettering of a figure
            *BODY_LINES,
        ]
    )
    assert pdf.read(data).metadata.title == (
        "PaSa: An LLM Agent for Comprehensive Academic Paper Search"
    )


def test_title_skips_banners_and_article_type_labels() -> None:
    data = _pdf_with_lines(
        [
            ("M P RA", 26, 40),
            ("Munich Personal RePEc Archive", 18, 75),
            ("Research Article", 18, 120),
            ("Territorial Rural Development in Latin America", 16, 160),
            *BODY_LINES,
        ]
    )
    assert pdf.read(data).metadata.title == "Territorial Rural Development in Latin America"


def test_title_with_a_colon_goes_on_into_its_smaller_subtitle() -> None:
    data = _pdf_with_lines(
        [
            ("KIMI K1.5:", 17.2, 100),
            ("SCALING REINFORCEMENT LEARNING WITH LLMS", 13.8, 122),
            *BODY_LINES,
        ]
    )
    assert pdf.read(data).metadata.title == "KIMI K1.5: SCALING REINFORCEMENT LEARNING WITH LLMS"


def test_title_printed_on_page_one_wins_over_a_job_name_in_the_info() -> None:
    data = _pdf_with_lines(
        [("Understanding the barriers to quality improvement", 20, 100), *BODY_LINES],
        title="6489122611071476 1..10",
    )
    assert pdf.read(data).metadata.title == "Understanding the barriers to quality improvement"


def test_sane_info_title_is_the_fallback_when_page_one_shows_none() -> None:
    data = _pdf_with_lines(BODY_LINES, title="Differentially Private Synthetic Tables")
    assert pdf.read(data).metadata.title == "Differentially Private Synthetic Tables"


def test_corpus_titles_skip_furniture_and_figure_lettering(corpus: Path) -> None:
    # The info dict holds the journal's name; a figure below the title has bigger letters.
    assert _paper(corpus, "sp__aimag10.pdf").metadata.title == (
        "Adapting Open Information Extraction to Domain-Specific Relations"
    )
    assert _paper(corpus, "pqa__pasa.pdf").metadata.title == (
        "PaSa: An LLM Agent for Comprehensive Academic Paper Search"
    )


def test_corpus_year_follows_the_dated_doi_over_an_older_year_in_the_text(corpus: Path) -> None:
    doc = _paper(corpus, "synctrials__Tudor-DigitalTwin.pdf")
    assert doc.metadata.doi == "10.1038/s41746-025-01910-w"
    assert doc.metadata.year == 2025


@pytest.mark.parametrize(
    ("lines", "doi"),
    [
        (["Published online doi: 10.1000/XYZ.123."], "10.1000/xyz.123"),
        (["see 10.5555/cited.2 for data", "https://doi.org/10.1234/paper.1"], "10.1234/paper.1"),
        (["(https://doi.org/10.1126/science.abc1234)"], "10.1126/science.abc1234"),
        (["no identifier here", "version 10.2"], None),
    ],
)
def test_find_doi_prefers_a_marked_doi_and_strips_punctuation(
    lines: list[str], doi: str | None
) -> None:
    assert pdf.find_doi(lines) == doi


@pytest.mark.parametrize(
    ("lines", "doi", "year"),
    [
        (["Received: 3 March 2021", "Published: 12 May 2022"], None, 2022),
        (["arXiv:1802.06739v1 [cs.LG] 20 Feb 2018"], None, 2018),
        (["bioRxiv preprint"], "10.1101/2023.08.22.554289", 2023),
        (["Table 3: results for 2019 and 2020"], None, None),
        # a stated year the DOI or the arXiv stamp contradicts gives way to theirs
        (["© 2017 The Authors"], "10.1038/s41746-025-01910-w", 2025),
        (["arXiv:2305.01234v1 [cs.CL] 2 May 2023", "Copyright 2019"], None, 2023),
        # a line that is a date, or a venue with its date; not a date inside a sentence
        (["January 2007, Volume 18, Issue 3. http://www.jstatsoft.org/"], None, 2007),
        (["Proceedings of ACL, pages 696-703, Prague, Czech Republic, June 2007"], None, 2007),
        (["June 2, 2025", "(v1.0)"], None, 2025),
        (["August 2004 and dried. A voucher specimen for this"], None, None),
        # the journal's version, the year after the preprint: kept
        (["arXiv:2305.01234v3 [cs.CL]", "Published: 4 March 2024"], None, 2024),
    ],
)
def test_find_year_takes_only_plainly_stated_years(
    lines: list[str], doi: str | None, year: int | None
) -> None:
    assert pdf.find_year(lines, doi) == year


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfminer"])
def test_pdf_that_needs_a_password_raises_encrypted_pdf(extractor: str) -> None:
    data = (DATA / "encrypted-needs-password.pdf").read_bytes()
    with pytest.raises(EncryptedPDF, match=r"password is required.*qpdf --decrypt"):
        pdf.read(data, extractor=extractor)


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfminer"])
def test_pdf_with_empty_user_password_is_read(extractor: str) -> None:
    doc = pdf.read((DATA / "encrypted-empty-user-password.pdf").read_bytes(), extractor=extractor)
    assert "synthetic patient records with Synthea" in doc.text
    assert doc.extractor == extractor


@pytest.mark.parametrize("extractor", ["pypdfium2", "pdfminer"])
def test_truncated_pdf_raises_malformed_input_with_the_back_end_message(
    corpus: Path, extractor: str
) -> None:
    data = (corpus / "pdf" / ARXIV).read_bytes()
    with pytest.raises(MalformedInput, match="truncated or damaged") as caught:
        pdf.read(data[: len(data) // 2], extractor=extractor)
    assert "pdfminer" in caught.value.reason
    if extractor == "pypdfium2":
        assert "PDFium" in caught.value.reason


def test_random_bytes_raise_a_read_error_not_a_library_exception() -> None:
    noise = random.Random(7).randbytes(50_000)
    with pytest.raises(MalformedInput):
        pdf.read(noise)
    with pytest.raises(MalformedInput):
        read_bytes(b"%PDF-1.7\n" + noise, name="paper.pdf")
    with pytest.raises(ReadError):
        read_bytes(noise, name="paper.pdf")


def test_image_only_pdf_gives_empty_text_and_the_dispatcher_says_no_text() -> None:
    data = _image_only_pdf()
    doc = pdf.read(data)
    assert doc.text == ""
    assert doc.n_pages == 1 and len(doc.pages) == 1
    assert "no text on 1 of 1 page(s)" in doc.notes
    with pytest.raises(NoText, match="OCR"):
        read_bytes(data, name="scan.pdf")


def test_pdfminer_gives_the_same_text_every_time(corpus):
    """pdfminer breaks ties between equally distant text boxes (table cells of one size) by
    id(), a memory address; synthwatch numbers them in a fixed order instead. The file has such
    tables: read three times, with the allocator moved along in between, it must give one text
    (before the fix it gave three)."""
    data = (corpus / "pdf" / "cermine__test5.pdf").read_bytes()
    texts = set()
    ballast = []
    for i in range(3):
        ballast.append([object() for _ in range(1000 * (i + 1))])  # other addresses next time
        texts.add(pdf.read(data, extractor="pdfminer").text)
    assert len(texts) == 1


# --- word counts for line-break hyphens ------------------------------------------------------

WORD_TEXTS = [
    "State-of-the-art models. The the THE; self-supervised, selfsupervised -- a---b",
    "Σίσυφος ΟΔΟΣ’s İstanbul \u212aelvin naïve café ﬁne-tuned “quoted” x-ray X-Ray",
    "-lead trail- 12-fold 3D e.g. don't model’s",
]


def _reference_counts(lines: list[str]) -> Counter[str]:
    """The plain way: every word of the whole text, each lower-cased alone."""
    return Counter(w.lower() for w in layout._WORD.findall("\n".join(lines)))


def _page_of(lines: list[str]) -> list[Page]:
    return [
        Page(1, 600, 800, [Line(t, 0, 100, 10 * i, 10 * i + 8, 10) for i, t in enumerate(lines)])
    ]


@pytest.mark.parametrize("text", WORD_TEXTS)
def test_word_counts_equal_the_words_of_the_whole_text(text: str) -> None:
    lines = text.split(". ")
    vocabulary = layout.count_words(_page_of(lines))
    reference = _reference_counts(lines)
    assert reference  # the texts have words
    for word, n in reference.items():
        assert vocabulary[word] == n, word
    for absent in ("absent", "self-supervise", "ΟΔΟΣ", "ab"):
        assert vocabulary[absent] == reference.get(absent, 0)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("aBz -–'’.İΣσé\u212a1")), max_size=25), max_size=4))
def test_word_counts_equal_the_words_of_the_whole_text_on_any_lines(lines: list[str]) -> None:
    vocabulary = layout.count_words(_page_of(lines))
    for word, n in _reference_counts(lines).items():
        assert vocabulary[word] == n, word
