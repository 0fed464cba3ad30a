"""Decide a file's format from its bytes (magic numbers, XML root element), not its name."""

from __future__ import annotations

import json
import re

from pipeline.errors import MalformedInput, UnsupportedFormat

FORMATS = ("pdf", "jats", "tei", "s2orc", "html", "latex", "markdown", "text")

S2ORC_KEYS = ("body_text", "pdf_parse", "grobid_parse", "latex_parse")
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_BINARY_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (docx, epub, ...)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"{\\rtf", "an RTF file"),
)
_LATEX_CUES = re.compile(rb"\\(documentclass|begin\{document\}|section\*?\{|usepackage|title\{)")
_MARKDOWN_HEADING = re.compile(rb"^#{1,6} \S", re.MULTILINE)


def _xml_root(head: bytes) -> str | None:
    # Skip comments and DOCTYPE; the first element tag is the root.
    body = re.sub(rb"<!--.*?-->", b"", head, flags=re.DOTALL)
    body = re.sub(rb"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", b"", body, flags=re.DOTALL)
    m = _XML_ROOT.search(body)
    return m.group(2).decode("ascii", "replace") if m else None


def sniff(data: bytes, name: str = "") -> str:
    """Return one of FORMATS for ``data``; raise UnsupportedFormat when it is none of them.

    ``name`` (the file name) only breaks ties between plain text and Markdown.
    """
    if not data.strip():
        raise MalformedInput("empty file (0 bytes of content)")
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(f"not a paper format synthwatch reads: looks like {what}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        root = _xml_root(head)
        if root in ("article", "pmc-articleset", "PubmedArticleSet", "PubmedArticle"):
            return "jats"
        if root in ("TEI", "teiCorpus"):
            return "tei"
        if root and root.lower() in ("html", "head", "body"):
            return "html"
        if root:
            raise UnsupportedFormat(
                f"XML with root element <{root}>: expected JATS <article> or TEI <TEI>"
            )
        # no element at all: Markdown or text that opens with an HTML comment
    if stripped.startswith(b"{"):
        try:
            obj = json.loads(data)
        except ValueError as exc:
            raise MalformedInput(f"malformed JSON: {exc}") from None
        if isinstance(obj, dict) and any(k in obj for k in S2ORC_KEYS):
            return "s2orc"
        raise UnsupportedFormat("JSON that is not an S2ORC paper (no 'body_text')")
    if b"\x00" in head:
        raise UnsupportedFormat("binary data (NUL bytes): not a text, XML or PDF paper")
    if _LATEX_CUES.search(head) or name.lower().endswith(".tex"):
        return "latex"
    if name.lower().endswith((".md", ".markdown")) or len(_MARKDOWN_HEADING.findall(head)) >= 2:
        return "markdown"
    return "text"
