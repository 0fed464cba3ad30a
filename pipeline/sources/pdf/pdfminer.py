"""The pdfminer.six back end: page text as positioned lines, like the pypdfium2 one.

A module of its own so that pdfminer is imported only when it is used (``--extractor
pdfminer``, or as the fallback when PDFium fails on a file).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator

import pdfminer.layout
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import (
    LAParams,
    LTChar,
    LTContainer,
    LTFigure,
    LTPage,
    LTTextBox,
    LTTextLine,
)
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import Matrix, decode_text

from pipeline.errors import EncryptedPDF, MalformedInput
from pipeline.sources.pdf.lines import PASSWORD_HINT, Line, Page, RawPDF, describe, is_bold_font

# pdfminer writes a glyph it cannot map to Unicode as "(cid:13)"; that is noise in a sentence.
_CID = re.compile(r"\(cid:\d+\)")


class _StableIds:
    """A stand-in for ``id()`` inside ``pdfminer.layout``, numbering objects in the order the
    layout analysis first asks for them.

    pdfminer groups text boxes by distance and breaks ties between equal distances (table
    cells of one size) by ``id()``, a memory address: the reading order of such cells then
    changes from run to run. Numbers given in a fixed order make the same file give the same
    text every time. Each number is kept on the object, so it is never reused.
    """

    _ATTRIBUTE = "_synthwatch_order"

    def __init__(self) -> None:
        self._next = itertools.count()

    def __call__(self, obj: object) -> int:
        number = getattr(obj, self._ATTRIBUTE, None)
        if number is None:
            number = next(self._next)
            setattr(obj, self._ATTRIBUTE, number)
        return number


# pdfminer.layout calls id() only as that tie-breaker (group_textboxes)
pdfminer.layout.id = _StableIds()  # type: ignore[attr-defined]


def extract(data: bytes, max_pages: int) -> RawPDF:
    """Extract with pdfminer.six. A page that fails is left empty with ``error`` set."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        all_pages = list(PDFPage.create_pages(document))
        info = _pdfminer_info(document)
    except PDFPasswordIncorrect:
        raise EncryptedPDF(PASSWORD_HINT) from None
    except PDFEncryptionError as exc:
        raise EncryptedPDF(
            f"encrypted PDF that pdfminer cannot decrypt ({exc}); decrypt it first "
            "(e.g. qpdf --decrypt)"
        ) from None
    except Exception as exc:  # pdfminer raises KeyError, TypeError, ... on broken files
        raise MalformedInput(f"pdfminer cannot open the PDF: {describe(exc)}") from exc
    if not all_pages:
        raise MalformedInput("pdfminer found no pages in the PDF")
    manager = PDFResourceManager(caching=True)
    # all_texts: lay out text inside Form XObjects too (some publishers wrap whole pages in one).
    device = _FontRecordingAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for number, pdf_page in enumerate(all_pages[:max_pages], start=1):
        try:
            interpreter.process_page(pdf_page)
            pages.append(_pdfminer_page(number, device.get_result(), device.weights))
        except Exception as exc:  # one bad page should not cost the others
            pages.append(Page(number, 0.0, 0.0, error=f"pdfminer failed: {describe(exc)}"))
    return RawPDF("pdfminer", pages, len(all_pages), info)


def _pdfminer_info(document: PDFDocument) -> dict[str, str]:
    info: dict[str, str] = {}
    for entry in document.info:
        for key, value in entry.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            elif isinstance(value, PSLiteral):
                value = str(value.name)
            if isinstance(value, str) and value.strip():
                info[str(key)] = value.strip()
    return info


class _FontRecordingAggregator(PDFPageAggregator):
    """A page aggregator that also remembers each font's weight (LTChar keeps only the name)."""

    def __init__(self, manager: PDFResourceManager, laparams: LAParams) -> None:
        super().__init__(manager, laparams=laparams)
        self.weights: dict[str, int] = {}

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: PDFColorSpace,
        graphicstate: PDFGraphicState,
    ) -> float:
        if font.fontname not in self.weights:
            self.weights[font.fontname] = _font_weight(getattr(font, "descriptor", {}) or {})
        return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)


def _font_weight(descriptor: dict) -> int:
    # As PDFium does: /FontWeight when given, else 5 x /StemV (regular ~80, bold ~130), else -1.
    weight = resolve1(descriptor.get("FontWeight"))
    if isinstance(weight, int | float):
        return int(weight)
    stem = resolve1(descriptor.get("StemV"))
    return int(stem * 5) if isinstance(stem, int | float) and 0 < stem < 200 else -1


def _text_boxes(container: LTContainer) -> Iterator[LTTextBox]:
    for item in container:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _text_boxes(item)


def _pdfminer_page(number: int, layout: LTPage, weights: dict[str, int]) -> Page:
    page = Page(number, layout.width, layout.height)
    for box in _text_boxes(layout):
        for line in box:
            if not isinstance(line, LTTextLine):
                continue
            text = _CID.sub("", line.get_text()).strip()
            chars = [c for c in line if isinstance(c, LTChar)]
            if not text or not chars:
                continue
            first, last = chars[0], chars[-1]
            page.lines.append(
                Line(
                    text,
                    line.x0 - layout.x0,
                    line.x1 - layout.x0,
                    layout.y1 - line.y1,
                    layout.y1 - line.y0,
                    round(sorted((first.size, chars[len(chars) // 2].size, last.size))[1], 2),
                    is_bold_font(first.fontname, weights.get(first.fontname, -1))
                    and is_bold_font(last.fontname, weights.get(last.fontname, -1)),
                )
            )
    return page
