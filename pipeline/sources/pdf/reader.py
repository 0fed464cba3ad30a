"""PDF reader: bytes -> Document, with one page span per PDF page.

Text comes from pypdfium2 (default; falls back to pdfminer.six when PDFium fails on the file) or
pdfminer.six (``pdf_backends``); paragraphs and headings are rebuilt from line geometry
(``pdf_layout``). Headings are found conservatively, except the reference list, which is always
marked: findings in it never count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from difflib import SequenceMatcher

from pipeline.document import SECTION_KINDS, Document, Metadata, section_kind
from pipeline.errors import MalformedInput, UsageError
from pipeline.sources import meta
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.meta import clean_doi
from pipeline.sources.outline import Outline
from pipeline.sources.pdf import layout
from pipeline.sources.pdf.backends import extract_pdfminer, extract_pypdfium2
from pipeline.sources.pdf.front import ABSTRACT_MAX_CHARS, mark_front_matter
from pipeline.sources.pdf.headings import heading_level, is_references_heading
from pipeline.sources.pdf.lines import Line, RawPDF

EXTRACTORS: dict[str, Callable[[bytes, int], RawPDF]] = {
    "pypdfium2": extract_pypdfium2,
    "pdfminer": extract_pdfminer,
}
DEFAULT_MAX_PAGES = 500
LETTER_WIDTH = 612.0  # points; for a page whose back end reported no size
# Sections that may end a reference list (it runs on to the end otherwise).
AFTER_REFERENCES = ("appendix", "acknowledgements")
# A title is set in the upper part of page 1, bigger than the body text, on a few lines.
TITLE_ZONE = 0.6
TITLE_MIN_RATIO = 1.1
TITLE_MAX_LINES = 5
# In font sizes, from one title line's top to the next one's: at most, and when single-spaced.
TITLE_LINE_GAP = 2.4
TITLE_LINE_PITCH = 1.6
# Page and info titles this alike (letters and digits compared) are one title.
TITLE_SAME_RATIO = 0.85
# An unnumbered heading that names no kind continues the section before it when that is one of
# these. A PDF's unnumbered headings are few and certain (bold or large capitals, see
# ``pdf_headings.is_heading``), and mostly subsections: "ACCEPTABLE HISTORICAL CONTROLS".
INHERIT_FROM = frozenset(SECTION_KINDS) - {"abstract", "references", "other"}

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
_DOI_CUE = re.compile(r"(doi\s*[:.]?\s*|doi\.org/)$", re.IGNORECASE)
# Cues for the year, most telling first: "Published: 12 May 2022", "© 2021", "Received 2020".
_YEAR_CUES = tuple(
    re.compile(
        rf"(?:{cue})\s*(?:\d{{1,2}}\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:\d{{1,2}},?\s+)?((?:19|20)\d\d)\b",
        re.IGNORECASE,
    )
    for cue in (r"published(?: online)?:?", r"©|\(c\)|copyright", r"accepted:?", r"received:?")
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Less telling, after the cues above: a line that is a date ("June 2, 2025", "January 2007,
# Volume 18", "Current version September 2017") or a venue with its date ("Proceedings of
# ACL, pages 696-703, Prague, June 2007"). A date inside a sentence of the text is neither.
_DATE_LINES = (
    re.compile(
        rf"^\W*(?:(?:current|this) version:?\s+|date:?\s+)?{_MONTH}\s+(?:\d{{1,2}},?\s+)?"
        r"((?:19|20)\d\d)\s*(?:$|[,;.]\s*(?:vol|volume|issue|no\.|pp\.|pages)\b)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:proceedings|conference|workshop|symposium|meeting)\b.{{0,120}}?\b{_MONTH}\s+"
        r"(?:\d{1,2}(?:[-–]\d{1,2})?,?\s+)?((?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_LINE_NUMBER = re.compile(r"^(\d{1,4})\s+(?=\S)")
_RUN_IN = re.compile(
    r"^(?P<name>abstract|acknowledge?ments?)\s*(?:[—–:.]|-{1,2}\s)\s*(?=\S)", re.IGNORECASE
)
# Paragraphs that follow an abstract and end it when no heading does.
_AFTER_ABSTRACT = re.compile(
    r"^(key\s?words|index terms|jel(?: classification)?(?: codes?)?|subjects?|msc|ccs concepts|"
    r"general terms|significance statement|contents|table of contents)\b\s*[:.—–-]?",
    re.IGNORECASE,
)
_REVIEW_TITLE = re.compile(r"\b(review|survey|overview)\b", re.IGNORECASE)
_BAD_TITLE = re.compile(
    r"(^microsoft (word|powerpoint)\b|\.(pdf|docx?|tex|dvi|ps|rtf|indd|qxd)$|^untitled|"
    r"^(paper|article|manuscript|document|title|slide \d+)$|^doi:|^10\.\d{4,9}/|^\w+$|"
    r"^[\w\-.]*\d[\w\-.]*$|use style|^template|^(proceedings|journal|transactions|in:|arxiv)\b)",
    re.IGNORECASE,
)


def read(data: bytes, extractor: str = "pypdfium2", max_pages: int = DEFAULT_MAX_PAGES) -> Document:
    """Read a PDF; raise EncryptedPDF or MalformedInput when it cannot be read.

    A PDF without a text layer gives a Document with empty text: the caller decides that this
    is ``NoText``.
    """
    if extractor not in EXTRACTORS:
        raise UsageError(f"unknown PDF extractor {extractor!r}; choose one of {sorted(EXTRACTORS)}")
    if max_pages < 1:
        raise UsageError(f"max_pages must be at least 1, not {max_pages}")
    notes: list[str] = []
    try:
        raw = EXTRACTORS[extractor](data, max_pages)
    except MalformedInput as exc:
        if extractor != "pypdfium2":
            raise _damaged(exc.reason) from None
        try:
            raw = extract_pdfminer(data, max_pages)
        except MalformedInput as second:
            raise _damaged(f"{exc.reason}; {second.reason}") from None
        notes.append(f"pypdfium2 failed: {exc.reason}; fell back to pdfminer")
    return _build(raw, notes)


def _damaged(reason: str) -> MalformedInput:
    return MalformedInput(
        f"truncated or damaged PDF ({reason}); get a fresh copy or repair it "
        "(e.g. qpdf in.pdf repaired.pdf)"
    )


def _build(raw: RawPDF, notes: list[str]) -> Document:
    pages = raw.pages
    if raw.n_pages > len(pages):
        notes.append(f"read first {len(pages)} of {raw.n_pages} pages")
    notes.extend(f"page {p.number}: {p.error}; page left empty" for p in pages if p.error)
    for page in pages:
        page.lines = layout.merge_fragments(page.lines)
    first_lines = [list(p.lines) for p in pages[:2]]  # before headers go: DOIs hide there
    numbered = sum(layout.strip_line_numbers(p) for p in pages)
    if numbered:
        notes.append(f"removed margin line numbers on {numbered} page(s)")
    dropped = layout.drop_running_lines(pages)
    if dropped:
        notes.append(f"dropped {dropped} running header/footer line(s) and page numbers")
    empty = sum(1 for p in pages if not p.lines and not p.error)
    if empty:
        notes.append(f"no text on {empty} of {len(pages)} page(s)")

    body = layout.measure_body(pages)
    blocks = [layout.page_blocks(p.lines, body, p.width or LETTER_WIDTH) for p in pages]
    demoted = layout.confirm_reference_headings(blocks)
    if demoted:
        notes.append(f"ignored {demoted} 'References' line(s) that no reference list follows")
    metadata = _metadata(raw.info, first_lines, pages[0].height if pages else 0.0, body)
    # A review's unnamed sections summarise others' work: they are not taken for its own.
    own_content = not _REVIEW_TITLE.search(metadata.title or "")
    assembler = _Assembler(layout.count_words(pages), body, own_content)
    for page_blocks in blocks:
        assembler.add_page(page_blocks)
    doc_notes = [*notes, *assembler.notes()]
    doc = assembler.builder_done(raw.extractor, metadata, raw.n_pages, tuple(doc_notes))
    return mark_front_matter(doc)


class _Assembler:
    """Feeds blocks to a DocumentBuilder, keeping track of the section a heading opens."""

    def __init__(
        self, vocabulary: layout.Vocabulary, body: layout.Body, own_content: bool = True
    ) -> None:
        self.builder = DocumentBuilder()
        self.vocabulary = vocabulary
        self.body = body
        self.kind: str | None = None  # kind of the open section; None before the first heading
        self.outline = Outline(own_content=own_content, inherit_from=INHERIT_FROM)
        self.section_start = 0
        # The last body paragraph of a page may go on overleaf; footnotes below it wait with it.
        self.pending: list[str] | None = None
        self.footnotes: list[layout.Block] = []
        self.hyphens = 0
        self.abstract_cut = False

    def add_page(self, blocks: list[layout.Block]) -> None:
        first = blocks[0] if blocks else None
        if (
            self.pending is not None
            and first is not None
            and first.kind == "paragraph"
            and layout.continues(self.pending[-1], first.lines[0].text)
        ):
            self.pending.extend(ln.text for ln in first.lines)
            blocks = blocks[1:]
        self._flush()
        self.builder.start_page()
        last = len(blocks) - 1
        while last > 0 and self._is_footnote(blocks[last]) and blocks[last - 1].kind == "paragraph":
            last -= 1
        if last < 0 or blocks[last].kind == "heading":
            last = len(blocks)
        for block in blocks[:last]:
            self._block(block)
        if last < len(blocks):
            self.pending = [ln.text for ln in blocks[last].lines]
            self.footnotes = blocks[last + 1 :]

    def _is_footnote(self, block: layout.Block) -> bool:
        return block.kind == "paragraph" and all(
            ln.size < 0.92 * self.body.size for ln in block.lines
        )

    def _block(self, block: layout.Block) -> None:
        if block.kind == "heading":
            self._heading(block.lines[0])
        else:
            self._paragraph([ln.text for ln in block.lines])

    def _flush(self) -> None:
        if self.pending is not None:
            self._paragraph(self.pending)
            self.pending = None
        for block in self.footnotes:
            self._block(block)
        self.footnotes = []

    def _heading(self, line: Line) -> None:
        text = flatten(line.text)
        kind = self._heading_kind(text)
        if kind is None:
            self._paragraph([text])
            return
        self.builder.heading(text, kind)
        self.kind = kind
        self.section_start = self.builder.length

    def _heading_kind(self, text: str) -> str | None:
        """The kind of section a heading opens here, or None when it opens none."""
        if is_references_heading(text):
            self.outline.kind(text)
            return "references"
        if self.kind == "references":
            # The list runs on to the end unless an appendix or acknowledgements follow.
            return self.outline.kind(text) if section_kind(text) in AFTER_REFERENCES else None
        if self.kind is None and not heading_level(text) and section_kind(text) == "other":
            return None  # a title set in capitals, "ARTICLE", a journal name
        return self.outline.kind(text)

    def _paragraph(self, lines: list[str]) -> None:
        text, repaired = layout.join_lines(lines, self.vocabulary)
        self.hyphens += repaired
        flat = flatten(text)
        m = _RUN_IN.match(flat) if self.kind != "references" else None
        if m:
            name = m.group("name")
            kind = "abstract" if name.lower() == "abstract" else "acknowledgements"
            self.builder.heading(name, kind, include=False)
            self.kind = kind
            self.section_start = self.builder.length
        if self.kind == "abstract":
            too_long = self.builder.length - self.section_start > ABSTRACT_MAX_CHARS
            if too_long or _AFTER_ABSTRACT.match(text):
                self.builder.heading("", "other", include=False)
                self.kind = "other"
                self.abstract_cut = too_long
        self.builder.paragraph(flat, flat=True)

    def notes(self) -> list[str]:
        out = []
        if self.hyphens:
            out.append(f"joined {self.hyphens} word(s) hyphenated at line breaks")
        if self.abstract_cut:
            out.append(f"abstract cut after {ABSTRACT_MAX_CHARS} characters: no heading ended it")
        return out

    def builder_done(
        self, extractor: str, metadata: Metadata, n_pages: int, notes: tuple[str, ...]
    ) -> Document:
        self._flush()
        return self.builder.build(
            format="pdf", extractor=extractor, metadata=metadata, n_pages=n_pages, notes=notes
        )


# --- metadata ------------------------------------------------------------------------------------


def _metadata(
    info: dict[str, str], first_lines: list[list[Line]], height: float, body: layout.Body
) -> Metadata:
    """Title, DOI and year from page 1 (and 2) and the document info.

    The title printed on page 1 comes first: info titles are often a file name, a job number
    or the journal's name; a sane one is the fallback.
    """
    texts = [flatten(ln.text) for page in first_lines for ln in page]
    doi = find_doi([info.get("Subject", ""), info.get("Keywords", ""), *texts])
    printed = _page_title(first_lines[0] if first_lines else [], height, body)
    typed = _info_title(info.get("Title", ""), info.get("Subject", ""))
    # The same title in both: the info's is typed, without the page's broken ligatures and
    # lost spaces ("Con ̄ ict", "TABLIB:ADATASET").
    same = printed and typed and SequenceMatcher(None, _letters(printed), _letters(typed)).ratio()
    return Metadata(
        title=typed if same and same >= TITLE_SAME_RATIO else printed or typed,
        doi=doi,
        year=find_year(texts, doi),
    )


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def find_doi(lines: list[str]) -> str | None:
    """The paper's DOI: one introduced by "doi"/"doi.org" first, else the first one shown."""
    found: list[tuple[bool, str]] = []
    for text in lines:
        if "10." not in text:
            continue  # no DOI without its "10." prefix, and this test is cheaper than _DOI
        for m in _DOI.finditer(text):
            doi = clean_doi(m.group(1).rstrip(".,;:)]}'\"’”"))
            if doi and "/" in doi and not doi.endswith("/"):
                found.append((bool(_DOI_CUE.search(text[: m.start()])), doi))
    # "10.1371/journal." at a line end and "10.1371/journal.pone.0197919" later: the cut one goes.
    found = [(cue, d) for cue, d in found if not any(o != d and o.startswith(d) for _, o in found)]
    cued = [doi for cue, doi in found if cue]
    return (cued or [doi for _, doi in found] or [None])[0]


def find_year(lines: list[str], doi: str | None) -> int | None:
    """Year of publication when the first pages say it plainly, checked against the year the
    paper's arXiv id or DOI encodes (``meta.check_year``); None rather than a guess."""
    this_year = date.today().year
    stated: int | None = None
    candidates = [int(y) for cue in _YEAR_CUES for text in lines for y in cue.findall(text)]
    if doi:
        for text in lines:
            if doi in text.lower():
                candidates.extend(int(y) for y in _YEAR.findall(text))
    candidates += [int(y) for cue in _DATE_LINES for text in lines for y in cue.findall(text)]
    stated = next((year for year in candidates if 1900 <= year <= this_year + 1), None)
    encoded = meta.doi_year(doi)
    if encoded is None:
        encoded = next((y for text in lines if (y := meta.arxiv_year(text)) is not None), None)
    return meta.check_year(stated, encoded).year


def _info_title(title: str, subject: str = "") -> str | None:
    title = flatten(title)
    if len(title) < 8 or len(title.split()) < 2 or _BAD_TITLE.search(title):
        return None
    if subject and flatten(subject).lower().startswith(title.lower()):
        return None  # "AI Magazine" beside the subject "AI Magazine, Volume 31 Number 3"
    return meta.clean_title(title)


def _page_title(lines: list[Line], height: float, body: layout.Body) -> str | None:
    """The title printed on page 1: the block of the biggest text in its upper part that is not
    page furniture, when it stands out from the body text.

    A block is a run of lines of one size, each right below the one before; a block ending in
    ":" goes on into the smaller line below it (a subtitle). Blocks of three words or more come
    before shorter ones, which are more often a logo or a figure's lettering than a title.
    """
    candidates = [
        (i, ln)
        for i, ln in enumerate(lines)
        if ln.top < TITLE_ZONE * height
        and ln.size >= TITLE_MIN_RATIO * body.size
        and not meta.is_furniture(flatten(ln.text))
    ]
    blocks: list[tuple[int, list[Line]]] = []  # (index of the block's last line, its lines)
    for i, ln in candidates:
        if blocks and blocks[-1][0] == i - 1 and len(blocks[-1][1]) < TITLE_MAX_LINES:
            last = blocks[-1][1][-1]
            # the next line of the title, not the author line set a little apart below it
            gap = (ln.top - last.top) / last.size
            # a bold title, a gap, a regular line: the author's name set in the title's size
            author = last.bold and not ln.bold and gap > TITLE_LINE_PITCH
            below = 0 < gap <= TITLE_LINE_GAP
            same_font = abs(ln.size - last.size) <= 0.05 * last.size and not author
            subtitle = last.text.rstrip().endswith(":") and ln.size >= 0.7 * last.size
            if below and (same_font or subtitle):
                blocks[-1] = (i, [*blocks[-1][1], ln])
                continue
        blocks.append((i, [ln]))
    titles = []
    for end, block in blocks:
        text, _ = layout.join_lines(_without_line_numbers([ln.text for ln in block]), Counter())
        title = meta.clean_title(flatten(text))
        heading = len(title.split()) <= 3 and section_kind(title) != "other" if title else False
        if title and sum(c.isalpha() for c in title) >= 4 and not heading:
            start = end - len(block) + 1
            titles.append((len(title.split()) >= 3, block[0].size, -start, title))
    return max(titles)[3] if titles else None


def _without_line_numbers(texts: list[str]) -> list[str]:
    """A title's lines without the margin line numbers of a preprint ("1 Residues ...",
    "2 Motif ..."): page 1 is read before they are removed from the body."""
    numbers = [m.group(1) if (m := _LINE_NUMBER.match(t)) else None for t in texts]
    if None in numbers or len(texts) < 2:
        return texts
    first = int(numbers[0] or 0)
    if [int(n or 0) for n in numbers] != list(range(first, first + len(texts))):
        return texts
    return [_LINE_NUMBER.sub("", t, count=1) for t in texts]


__all__ = ["DEFAULT_MAX_PAGES", "EXTRACTORS", "RawPDF", "find_doi", "find_year", "read"]
