"""Page text from a PDF with pypdfium2 or pdfminer.six, as positioned lines.

Both back ends return the same thing, a ``RawPDF`` of ``Page``s of ``Line``s (text, box, font
size, bold), so that everything after extraction (headers, paragraphs, headings) is one code path
in ``pdf_layout``. Coordinates are PDF points measured from the top-left corner of the page.
Every failure of a library is turned into a ``ReadError`` here: nothing raw escapes.
"""

from __future__ import annotations

import bisect
import ctypes
import os
import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from pipeline.errors import EncryptedPDF, MalformedInput
from pipeline.sources.pdf.lines import (
    ASCENT,
    DESCENT,
    PASSWORD_HINT,
    Line,
    Page,
    RawPDF,
    describe,
    is_bold_font,
)

# pdfium marks a hyphen it found at a line end with U+FFFE (get_text_range) or U+0002
# (get_text_bounded) and does not break the line there; we turn it back into "-" + line break
# so that both back ends hand the same hyphenation to the layout step.
_PDFIUM_HYPHEN = "[\ufffe\x02]"
_PDFIUM_SEGMENT = re.compile(rf"[^\r\n\ufffe\x02]+{_PDFIUM_HYPHEN}?")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_FONT_NAME_BYTES = 128


# --- pypdfium2 ---------------------------------------------------------------------------------


def extract_pypdfium2(data: bytes, max_pages: int, *, accelerated: bool | None = None) -> RawPDF:
    """Extract with pypdfium2 (PDFium). Raises EncryptedPDF, or MalformedInput on any failure.

    ``accelerated``: whether to use the C per-line queries (default: when they are built).
    """
    if accelerated is None:
        accelerated = ACCELERATED
    elif accelerated and _page_lines is None:
        raise RuntimeError("the C speed-up (pipeline.sources.pdf._pdfium_lines) is not built")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
            raise EncryptedPDF(PASSWORD_HINT) from None
        raise MalformedInput(f"pypdfium2 cannot open the PDF: {exc}") from None
    try:
        n_pages = len(pdf)
        info = {k: v.strip() for k, v in pdf.get_metadata_dict().items() if v and v.strip()}
        pages = [_pdfium_page(pdf, i, accelerated) for i in range(min(n_pages, max_pages))]
    except Exception as exc:  # any failure inside PDFium's wrappers: the caller may fall back
        raise MalformedInput(f"pypdfium2 failed on the PDF: {describe(exc)}") from exc
    finally:
        pdf.close()
    return RawPDF("pypdfium2", pages, n_pages, info)


def _returning_address(function: object, *argtypes: type) -> object:
    """The PDFium function ``function`` called with plain addresses and returning one (an int,
    or None for NULL): pypdfium2's typed pointers cannot be compared or hashed by address, and
    turning them into one (``ctypes.cast``) costs more than the call itself."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(ctypes.c_void_p, *argtypes)(address)


_text_object_at = _returning_address(
    pdfium_raw.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_int
)
_font_of = _returning_address(pdfium_raw.FPDFTextObj_GetFont, ctypes.c_void_p)

try:  # the per-line queries in C, built at install when a C compiler is there
    from pipeline.sources.pdf._pdfium_lines import page_lines as _page_lines
except ImportError:
    _page_lines = None
# Whether pages are read with the C speed-up; the pure Python code gives the same lines.
# SYNTHWATCH_PDF_LINES=python turns it off (to rule it out when a PDF reads oddly).
ACCELERATED = _page_lines is not None and os.environ.get("SYNTHWATCH_PDF_LINES") != "python"


def line_queries() -> str:
    """Which code asks PDFium for each line's position and font, in words (``--version``)."""
    if ACCELERATED:
        return "C"
    if _page_lines is not None:
        return "Python (SYNTHWATCH_PDF_LINES=python)"
    return "Python (the C speed-up was not built: no C compiler at install?)"


_C_FUNCTIONS = tuple(
    ctypes.cast(function, ctypes.c_void_p).value
    for function in (
        pdfium_raw.FPDFText_GetCharBox,
        pdfium_raw.FPDFText_GetCharOrigin,
        pdfium_raw.FPDFText_GetFontSize,
        pdfium_raw.FPDFText_GetMatrix,
        pdfium_raw.FPDFText_GetTextObject,
        pdfium_raw.FPDFTextObj_GetFont,
        pdfium_raw.FPDFText_GetCharIndexFromTextIndex,
    )
)


class _PdfiumChars:
    """Per-character queries on one PDFium text page, reusing ctypes buffers.

    Boldness is a property of the font, so it is looked up once per font of the page (keyed by
    the address of PDFium's font object, which stays put while the page is loaded).
    """

    __slots__ = (
        "_b",
        "_flags",
        "_l",
        "_matrix",
        "_name",
        "_r",
        "_raw",
        "_t",
        "_x",
        "_y",
        "address",
        "bold_fonts",
        "identity",
    )

    def __init__(self, textpage: pdfium.PdfTextPage, utf16_units: int) -> None:
        self._raw = textpage.raw
        self.address: int = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        self._l, self._r = ctypes.c_double(), ctypes.c_double()
        self._b, self._t = ctypes.c_double(), ctypes.c_double()
        self._x, self._y = ctypes.c_double(), ctypes.c_double()
        self._matrix = pdfium_raw.FS_MATRIX()
        self._name = ctypes.create_string_buffer(_FONT_NAME_BYTES)
        self._flags = ctypes.c_int()
        self.bold_fonts: dict[int, bool] = {}  # font address -> bold
        # Each character of the page gives at most one UTF-16 unit of the text, in order; when
        # the counts agree, none was left out, a text index is the character index, and PDFium
        # need not be asked to map it (93% of the corpus's pages).
        self.identity = utf16_units == pdfium_raw.FPDFText_CountChars(self._raw)

    def char_index(self, text_index: int) -> int:
        if self.identity:
            return text_index
        return pdfium_raw.FPDFText_GetCharIndexFromTextIndex(self._raw, text_index)

    def edges(self, first: int, last: int) -> tuple[float, float]:
        """The left edge of character ``first``'s tight box and the right edge of ``last``'s."""
        box = pdfium_raw.FPDFText_GetCharBox
        raw, x0, x1, y0, y1 = self._raw, self._l, self._r, self._b, self._t
        if not box(raw, first, x0, x1, y0, y1):  # yes, left-right-bottom-top
            raise pdfium.PdfiumError("Failed to get charbox.")
        left = x0.value
        if not box(raw, last, x0, x1, y0, y1):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return left, x1.value

    def baseline(self, index: int) -> float:
        # A failed query leaves the buffers as they were: read it as 0, as fresh ones would be.
        if not pdfium_raw.FPDFText_GetCharOrigin(self._raw, index, self._x, self._y):
            return 0.0
        return self._y.value

    def text_object(self, index: int) -> int | None:
        return _text_object_at(self.address, index)

    def bold(self, index: int, text_object: int | None) -> bool:
        """Whether character ``index``, drawn by ``text_object``, is set in a bold face."""
        return self.font_bold(index, _font_of(text_object) if text_object is not None else None)

    def font_bold(self, index: int, font: int | None) -> bool:
        """Whether character ``index``, set in ``font`` (None: unknown), is bold."""
        if font is None:
            return self.query_bold(index)
        bold = self.bold_fonts.get(font)
        if bold is None:
            bold = self.bold_fonts[font] = self.query_bold(index)
        return bold

    def size(self, index: int) -> float:
        # GetFontSize is the size set by Tf; the text matrix can scale it (bioRxiv stamps: 1 pt
        # x 8).
        matrix = self._matrix
        size = pdfium_raw.FPDFText_GetFontSize(self._raw, index)
        if pdfium_raw.FPDFText_GetMatrix(self._raw, index, matrix):
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        return size

    def query_bold(self, index: int) -> bool:
        """Whether character ``index`` is set in a bold face, asked of PDFium."""
        n = pdfium_raw.FPDFText_GetFontInfo(
            self._raw, index, self._name, _FONT_NAME_BYTES, self._flags
        )
        # A name longer than the buffer is not copied at all (n is then the length it needs).
        name = self._name.value.decode("utf-8", "replace") if 0 < n <= _FONT_NAME_BYTES else ""
        return is_bold_font(name, pdfium_raw.FPDFText_GetFontWeight(self._raw, index))


def _pdfium_page(pdf: pdfium.PdfDocument, index: int, accelerated: bool) -> Page:
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        left, bottom, right, top = page.get_bbox()
        out = Page(index + 1, right - left, top - bottom)
        text = textpage.get_text_range()
        # PDFium counts text in UTF-16 units: a character beyond the BMP (math italic 𝑍) is two.
        astral = [m.start() for m in _ASTRAL.finditer(text)]
        chars = _PdfiumChars(textpage, len(text) + len(astral))
        if accelerated:
            _c_lines(out, chars, text, left, top)
            return out
        for m in _PDFIUM_SEGMENT.finditer(text):
            start = m.start()
            pos = start + bisect.bisect_left(astral, start) if astral else start
            _add_line(out, chars, m.group(0), pos, left, top, bool(astral))
        return out
    finally:
        textpage.close()
        page.close()


def _c_lines(out: Page, chars: _PdfiumChars, text: str, left: float, top: float) -> None:
    """``_pdfium_page``'s loop with the per-line queries done in C (``_pdfium_lines.c``)."""
    items, n_slow = _page_lines(
        text,
        chars.address,
        chars.identity,
        _C_FUNCTIONS,
        chars.bold_fonts,
        chars.query_bold,
        Line,
        round,
        left,
        top,
        ASCENT,
        DESCENT,
    )
    if not n_slow:
        out.lines = items
        return
    for item in items:
        if isinstance(item, tuple):  # a line the C code leaves to this one
            _add_line(out, chars, *item, left, top)
        else:
            out.lines.append(item)


def _add_line(
    out: Page,
    chars: _PdfiumChars,
    segment: str,
    pos: int,
    left: float,
    top: float,
    astral: bool = True,
) -> None:
    line = _pdfium_line(chars, segment, pos, left, top, astral)
    if line is None and (words := re.sub(_PDFIUM_HYPHEN, "-", segment).strip()):
        # No position for this text (never seen in the corpus): keep the words, placed after
        # the line before so that they are not taken for a header.
        mid = out.height / 2
        prev = out.lines[-1] if out.lines else Line("", 0, 0, mid, mid, 0)
        line = Line(words, prev.x1, prev.x1, prev.top, prev.bottom, prev.size)
    if line is not None:
        out.lines.append(line)


def _pdfium_line(
    chars: _PdfiumChars,
    segment: str,
    pos: int,
    left: float,
    top: float,
    astral: bool = True,
) -> Line | None:
    hyphen = segment[-1] in "\ufffe\x02"
    body = segment[:-1] if hyphen else segment
    rest = body.lstrip()
    stripped = rest.rstrip()
    if not stripped:
        return None
    lead = len(body) - len(rest)
    if astral:
        first = pos + _utf16_len(body[:lead])
        last = first + _utf16_len(stripped) - 1
    else:  # no character beyond the BMP on the page: UTF-16 units are characters
        first = pos + lead
        last = first + len(stripped) - 1
    i = chars.char_index(first)
    j = chars.char_index(last)
    if i < 0 or j < 0:
        return None
    x0, x1 = chars.edges(i, j)
    # Size and font are those of the text object that drew a character: when the first and
    # the last character of the line share one, the last need not be asked again.
    object_i = chars.text_object(i)
    object_j = object_i if j == i else chars.text_object(j)
    size = chars.size(i)
    bold = chars.bold(i, object_i)
    if object_j != object_i or object_i is None:
        size_j = chars.size(j)
        bold = bold and chars.bold(j, object_j)
        # Median of first, middle and last: a drop capital or a trailing footnote mark is
        # outvoted. When first and last agree, the middle cannot change the median.
        if size != size_j:
            size = sorted((size, chars.size((i + j) // 2), size_j))[1]
    # Tight glyph boxes jump with the letters' shapes; the baseline does not. The line box is
    # the font's usual ascent and descent around the baseline of its first character.
    baseline = chars.baseline(i)
    line_top = top - baseline - ASCENT * size
    line_bottom = top - baseline + DESCENT * size
    text = stripped + ("-" if hyphen else "")
    return Line(text, x0 - left, x1 - left, line_top, line_bottom, round(size, 2), bold)


def _utf16_len(text: str) -> int:
    return len(text) + len(_ASTRAL.findall(text))


# --- pdfminer.six ------------------------------------------------------------------------------


def extract_pdfminer(data: bytes, max_pages: int) -> RawPDF:
    """Extract with pdfminer.six (``pdf_pdfminer``, imported only when it is used: as the
    fallback or by choice). A page that fails is left empty with ``error`` set."""
    from pipeline.sources.pdf.pdfminer import extract

    return extract(data, max_pages)
