"""Readers: bytes -> Document. One module per format; ``read`` picks one by content."""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document
from pipeline.errors import NoText, ReadError
from pipeline.sources.meta_check import check_metadata
from pipeline.sources.sniff import FORMATS, sniff

EXTRACTORS = ("pypdfium2", "pdfminer")
DEFAULT_EXTRACTOR = "pypdfium2"
DEFAULT_MAX_PAGES = 500
MIN_TEXT_CHARS = 200

__all__ = ["DEFAULT_EXTRACTOR", "EXTRACTORS", "FORMATS", "read", "read_bytes", "sniff"]


def read_bytes(
    data: bytes,
    *,
    name: str = "",
    extractor: str = DEFAULT_EXTRACTOR,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Document:
    """Turn the bytes of one paper into a Document, or raise a ReadError saying why not."""
    fmt = sniff(data, name)
    if fmt == "pdf":
        from pipeline.sources.pdf import reader as pdf

        doc = pdf.read(data, extractor=extractor, max_pages=max_pages)
    elif fmt == "jats":
        from pipeline.sources.jats import reader as jats

        doc = jats.read(data)
    elif fmt == "tei":
        from pipeline.sources import tei

        doc = tei.read(data)
    elif fmt == "s2orc":
        from pipeline.sources import s2orc

        doc = s2orc.read(data)
    elif fmt == "html":
        from pipeline.sources import html

        doc = html.read(data)
    elif fmt == "latex":
        from pipeline.sources.latex import reader as latex

        doc = latex.read(data)
    else:
        from pipeline.sources import text

        doc = text.read(data, markdown=fmt == "markdown")
    if len(doc.text.strip()) < MIN_TEXT_CHARS and fmt == "pdf":
        raise NoText(
            f"no extractable text ({len(doc.text.strip())} characters from "
            f"{doc.n_pages} page(s)): probably scanned images; run OCR first (e.g. ocrmypdf)"
        )
    if not doc.text.strip():
        raise NoText(f"the {fmt} file holds no text")
    return check_metadata(doc)


def read(
    path: str | Path,
    *,
    extractor: str = DEFAULT_EXTRACTOR,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Document:
    """Read one file from disk; see ``read_bytes``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return read_bytes(data, name=path.name, extractor=extractor, max_pages=max_pages)
