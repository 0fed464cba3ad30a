"""Plain text and Markdown -> Document, with headings found by their words and numbers.

Plain text comes in two layouts: hard-wrapped (lines of ~70 characters, paragraphs separated by
blank lines) and one sentence or paragraph per line with blank lines only between the major
parts (Elsevier OA-STM: title, blank, abstract and highlights, blank, body). Headings are short
lines that ``section_kind`` recognises or that carry a section number ("3.2 Sampling").
"""

from __future__ import annotations

import html
import re

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import NoText
from pipeline.sources.build import DocumentBuilder, decode_text, flatten
from pipeline.sources.outline import FRONT_MATTER, Outline, is_numbered_heading

MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 10
MAX_TITLE_CHARS = 300
# Share of lines longer than LONG_LINE_CHARS above which a file is one sentence/paragraph per
# line rather than hard-wrapped.
LONG_LINE_CHARS = 120
LINE_LAYOUT_SHARE = 0.05
# First heading of a structured abstract ("Background", then Methods, Results, Conclusions).
STRUCTURED_ABSTRACT_START = re.compile(
    r"^(background|objectives?|purpose|aims?|context|importance)$", re.IGNORECASE
)
# A wrapped line ends mid-phrase; a heading does not end on these words.
_OPEN_ENDING = re.compile(
    r"\b(a|an|the|of|in|on|and|or|to|for|with|by|from|at|as|that|which|is|are|was|were)$",
    re.IGNORECASE,
)


def _heading_line(line: str) -> bool:
    """True when a line looks like a heading: short, capitalised, no sentence ending, and a
    known heading word or a section number."""
    s = line.strip()
    if not s or len(s) > MAX_HEADING_CHARS or len(s.split()) > MAX_HEADING_WORDS:
        return False
    known = section_kind(s) != "other" or bool(FRONT_MATTER.match(s))
    if s[-1] in ",;" or _OPEN_ENDING.search(s):
        return False
    if s[-1] == "." and not (known and len(s.split()) <= 3):
        return False
    first = s.lstrip("#§ ")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if known:
        return True
    return is_numbered_heading(s)


def _is_line_layout(lines: list[str]) -> bool:
    nonempty = [ln for ln in lines if ln.strip()]
    if not nonempty:
        return False
    long_lines = sum(len(ln) > LONG_LINE_CHARS for ln in nonempty)
    return long_lines / len(nonempty) >= LINE_LAYOUT_SHARE


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _read_plain(text: str) -> Document:
    lines = text.splitlines()
    line_layout = _is_line_layout(lines)
    blocks = _blocks(lines)
    if not blocks:
        raise NoText("the text file holds no text")
    b = DocumentBuilder()
    outline = Outline()
    title = None
    if (
        len(blocks) > 1
        and len(blocks[0]) <= 3
        and len(" ".join(blocks[0])) <= MAX_TITLE_CHARS
        and (not _heading_line(blocks[0][0]) or len(blocks[0][0].split()) > 4)
    ):
        title = flatten(" ".join(blocks[0]))
        b.paragraph(title)
        blocks = blocks[1:]
    # One-line-per-sentence files keep their abstract, highlights and graphical abstract in
    # the first block after the title; headings there are all front matter.
    opener = blocks[0][0].strip() if blocks else ""
    front = (
        line_layout
        and len(blocks) > 1
        and _heading_line(opener)
        and bool(
            _kind_is(opener, "abstract")
            or FRONT_MATTER.match(opener)
            or STRUCTURED_ABSTRACT_START.match(opener)
        )
        and not any(_heading_line(ln) and ln.strip().lower() == "introduction" for ln in blocks[0])
    )
    kind = "other"
    any_abstract = front
    para: list[str] = []

    def flush() -> None:
        nonlocal kind
        if para:
            if kind != "abstract" and not any_abstract and _RUN_IN_ABSTRACT.match(para[0]):
                kind = "abstract"
                b.heading("Abstract", kind="abstract", include=False)
            b.paragraph("\n".join(para), keep_lines=line_layout)
            para.clear()

    for index, block in enumerate(blocks):
        if index == 1 and front and not _heading_line(block[0]):
            b.heading("", kind="other", include=False)  # the body starts without a heading
            kind = "other"
        for pos, line in enumerate(block):
            # In wrapped text a numbered line mid-paragraph is more likely a wrapped sentence.
            if _heading_line(line) and (line_layout or pos == 0 or not _kind_is(line, "other")):
                flush()
                kind = "abstract" if front and index == 0 else outline.kind(line)
                any_abstract = any_abstract or kind == "abstract"
                b.heading(line, kind=kind)
            elif kind == "references" and para and _REFERENCE_START.match(line):
                flush()
                para.append(line)
            else:
                para.append(line)
        flush()
    doc = b.build(format="text", extractor="text", metadata=Metadata(title=title))
    if doc.text.strip() == (title or ""):
        raise NoText("the text file holds no text beyond a title")
    return doc


def _kind_is(line: str, kind: str) -> bool:
    return section_kind(line) == kind


# An abstract run into its first paragraph: "Abstract. We present ...", "Abstract—We ...".
_RUN_IN_ABSTRACT = re.compile(r"^\s*(abstract|summary)\s*[.:—–-]\s*\S", re.IGNORECASE)
_REFERENCE_START = re.compile(r"^\s*(\[\d+\]|\d+\.\s)")


# --- Markdown --------------------------------------------------------------------------------

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_TABLE_ROW = re.compile(r"^\s*\|")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_ESCAPE_BASE = 0xF0000  # escaped characters hide in a private-use plane while markup goes


def strip_markdown(text: str) -> str:
    """Inline Markdown to readable text: emphasis, code and link markup removed, link text kept."""
    text = _ESCAPED.sub(lambda m: chr(_ESCAPE_BASE + ord(m.group(1))), text)
    for rx, repl in _INLINE_RULES:
        text = rx.sub(repl, text)
    text = re.sub(r"[\U000F0000-\U000F007F]", lambda m: chr(ord(m.group(0)) - _ESCAPE_BASE), text)
    return html.unescape(text)


# A first top-level heading of more words than this is a title, whatever word begins it
TITLE_MIN_WORDS = 6


def _is_title(heading: str) -> bool:
    return len(heading.split()) >= TITLE_MIN_WORDS


def _read_markdown(text: str) -> Document:
    b = DocumentBuilder()
    outline = Outline()
    lines = text.splitlines()
    title_parts: list[str] = []
    title_open = True  # leading headings before any content are the title
    any_abstract = False
    para: list[str] = []
    dropped_rows = 0

    def flush() -> None:
        nonlocal any_abstract
        if para:
            text = strip_markdown(" ".join(para))
            if not any_abstract and _RUN_IN_ABSTRACT.match(text):
                any_abstract = True
                b.heading("Abstract", kind="abstract", include=False)
            b.paragraph(text)
            para.clear()

    def end_title() -> None:
        nonlocal title_open
        if title_open and title_parts:
            b.paragraph(" ".join(title_parts))
        title_open = False

    i = 0
    while i < len(lines):
        line = lines[i]
        heading = None
        top_level = False  # "# Title" or a line underlined with "==="
        m = _ATX.match(line)
        if m:
            heading = m.group(2)
            top_level = len(m.group(1)) == 1
        elif (
            i + 1 < len(lines)
            and line.strip()
            and not para
            and _SETEXT.match(lines[i + 1])
            and not _RULE.match(line)
            and not _TABLE_ROW.match(line)
        ):
            heading = line
            top_level = lines[i + 1].lstrip().startswith("=")
            i += 1
        i += 1
        if heading is not None:
            flush()
            heading = flatten(strip_markdown(heading))
            if not heading:
                continue
            # The paper's first top-level heading is its title even when a section's name
            # begins it ("# Training a sepsis classifier on synthetic patients"); a short one
            # ("# Methods") is the section of a text without a title.
            if title_open and not title_parts and top_level and _is_title(heading):
                title_parts.append(heading)
                continue
            kind = outline.kind(heading)
            if title_open and kind == "other":
                title_parts.append(heading)
                continue
            end_title()
            any_abstract = any_abstract or kind == "abstract"
            b.heading(heading, kind=kind)
            continue
        if not strip_markdown(line).strip() or _RULE.match(line):
            flush()  # blank, a rule, or only markup (an image, an HTML comment)
            continue
        end_title()
        fence = _FENCE.match(line)
        if fence:
            flush()
            code: list[str] = []
            while i < len(lines) and not lines[i].lstrip().startswith(fence.group(1)):
                code.append(lines[i])
                i += 1
            i += 1
            b.paragraph("\n".join(code), keep_lines=True)
        elif line.strip().startswith("$$"):
            flush()  # display math: dropped up to its closing $$
            rest = line.strip()[2:]
            while "$$" not in rest and i < len(lines):
                rest = lines[i]
                i += 1
        elif _TABLE_ROW.match(line):
            flush()
            dropped_rows += 1
        elif _LIST_ITEM.match(line):
            flush()
            para.append(_LIST_ITEM.sub("", line, count=1))
        else:
            para.append(re.sub(r"^\s*>\s?", "", line))
    flush()
    end_title()
    title = " ".join(title_parts) or None
    notes = (f"dropped {dropped_rows} Markdown table rows",) if dropped_rows else ()
    doc = b.build(
        format="markdown", extractor="markdown", metadata=Metadata(title=title), notes=notes
    )
    if doc.text.strip() == (title or ""):
        raise NoText("the Markdown file holds no text beyond a title")
    return doc


def read(data: bytes, markdown: bool) -> Document:
    """Read plain text (``markdown=False``) or Markdown; undecodable bytes -> MalformedInput."""
    text = decode_text(data)
    return _read_markdown(text) if markdown else _read_plain(text)
