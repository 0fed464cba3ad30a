"""HTML article pages (arXiv HTML, PMC / Europe PMC, bioRxiv / medRxiv) -> Document.

``tree`` parses (standard library, bounded), ``meta`` reads the page's metadata,
``body`` finds the article and leaves the page's chrome and reference list out.
"""

from __future__ import annotations

import re

from pipeline.document import Document
from pipeline.errors import NoText
from pipeline.sources.build import DocumentBuilder, decode_text
from pipeline.sources.html.body import BodyWriter, content_root
from pipeline.sources.html.meta import page_metadata
from pipeline.sources.html.tree import parse

FORMAT = "html"
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """UTF-8 (the web's default and what these services send), or the page's declared charset."""
    m = _CHARSET.search(data[:4096])
    charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    if charset in ("utf-8", "utf8"):
        return decode_text(data)
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return decode_text(data)


def read(data: bytes) -> Document:
    root = parse(decode_html(data))
    metadata, notes = page_metadata(root)
    builder = DocumentBuilder()
    writer = BodyWriter(builder, metadata.title)
    writer.walk(content_root(root))
    writer.flush()
    if writer.dropped_references:
        notes += ("reference list left out of the text",)
    doc = builder.build(format=FORMAT, extractor="html.parser", metadata=metadata, notes=notes)
    if not doc.text.strip():
        raise NoText("the HTML page holds no article text (a landing or login page?)")
    return doc
