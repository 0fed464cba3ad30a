#!/usr/bin/env python3
"""Render the demo corpus' PDF papers from src/*.pdfsrc, and write the broken inputs.

Standard library only, deterministic: running it twice gives byte-identical files.

    python corpora/demo/render.py

Source format (src/<name>.pdfsrc -> pdf/<name>.pdf):

    title: ...             header lines "key: value" (title, authors, doi, year, venue, running)
    ---                    end of the header
    # Abstract             a heading (bold) on a line of its own
    Paragraph text ...     paragraphs are separated by blank lines
    syn~thetic             "~" marks a place where a word may be hyphenated at a line end;
                           where the word is not broken the "~" simply disappears

Every page gets the running header line at the top and its page number at the bottom, so the
PDF reader's header/footer removal and dehyphenation are exercised. The PDFs use the base-14
fonts Times-Roman, Times-Bold and Helvetica with WinAnsiEncoding; nothing is embedded.

Broken inputs (broken/): truncated.pdf (the first 40% of one rendered PDF), not-a-paper.pdf
(deterministic pseudo-random bytes) and malformed.xml (a JATS file cut off in the middle).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
PDF_DIR = HERE / "pdf"
BROKEN_DIR = HERE / "broken"

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_X = 72.0
TEXT_TOP = PAGE_H - 90.0  # first baseline below the running header
TEXT_BOTTOM = 80.0  # lowest baseline above the page number
TEXT_W = PAGE_W - 2 * MARGIN_X
CREATION_DATE = "D:20240601120000Z"  # fixed, so the output does not depend on the clock
PRODUCER = "synthwatch demo corpus render.py"

# (resource name, base font, size, leading) for each kind of line
TITLE = ("F2", 16.0, 20.0)
BYLINE = ("F1", 11.0, 14.0)
HEADING = ("F2", 12.0, 16.0)
BODY = ("F1", 10.5, 14.0)
RUNNING = ("F3", 8.0, 10.0)
FONTS = {"F1": "Times-Roman", "F2": "Times-Bold", "F3": "Helvetica"}

# Advance widths (1/1000 em) of characters 32..126, from the Adobe AFM files of the base-14 fonts.
_ASCII_WIDTHS = {
    "Times-Roman": (
        250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
        500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
        722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
        722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
        500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
        444, 480, 200, 480, 541,
    ),
    "Times-Bold": (
        250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500,
        500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722,
        722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
        722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500,
        556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500,
        444, 394, 220, 394, 520,
    ),
    "Helvetica": (
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ),
}
_OTHER_WIDTHS = {"\u2013": 500, "\u2014": 1000, "\u00b7": 250}  # en dash, em dash, middle dot
_DEFAULT_WIDTH = 500  # accented letters and anything else in WinAnsi: close enough for wrapping
SOFT_HYPHEN = "~"


def text_width(text: str, font: str, size: float) -> float:
    widths = _ASCII_WIDTHS[FONTS[font]]
    total = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code <= 126:
            total += widths[code - 32]
        else:
            total += _OTHER_WIDTHS.get(ch, _DEFAULT_WIDTH)
    return total * size / 1000.0


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking; a word that does not fit is hyphenated at its last "~" that fits."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate.replace(SOFT_HYPHEN, ""), font, size) <= width:
            line = candidate
            continue
        # Try to keep the head of the word on this line: "syn~thetic" -> "syn-" / "thetic".
        parts = word.split(SOFT_HYPHEN)
        for cut in range(len(parts) - 1, 0, -1):
            head = "".join(parts[:cut]) + "-"
            trial = f"{line} {head}" if line else head
            if text_width(trial.replace(SOFT_HYPHEN, ""), font, size) <= width:
                lines.append(trial)
                line = SOFT_HYPHEN.join(parts[cut:])
                break
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return [ln.replace(SOFT_HYPHEN, "") for ln in lines]


def pdf_string(text: str) -> str:
    """A PDF literal string in WinAnsi bytes; parentheses and backslashes escaped."""
    out = []
    for byte in text.encode("cp1252"):
        ch = chr(byte)
        if ch in "()\\":
            out.append("\\" + ch)
        elif 32 <= byte <= 126:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def parse_source(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Header fields and blocks [("heading"|"para", text)] of one .pdfsrc file."""
    raw = path.read_text(encoding="utf-8")
    header_text, _, body = raw.partition("\n---\n")
    meta = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    blocks: list[tuple[str, str]] = []
    for chunk in body.split("\n\n"):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("# "):
            blocks.append(("heading", chunk[2:].strip()))
        else:
            blocks.append(("para", " ".join(chunk.split())))
    return meta, blocks


def layout(meta: dict[str, str], blocks: list[tuple[str, str]]) -> list[list[tuple]]:
    """Place every line; returns pages, each a list of (font, size, x, y, text)."""
    pages: list[list[tuple]] = [[]]
    y = TEXT_TOP

    def put(style: tuple[str, float, float], text: str, space_before: float = 0.0) -> None:
        nonlocal y
        font, size, leading = style
        for i, line in enumerate(wrap(text, font, size, TEXT_W)):
            step = leading + (space_before if i == 0 else 0.0)
            if y - step < TEXT_BOTTOM and pages[-1]:
                pages.append([])
                y = TEXT_TOP + leading  # the first line of a page sits at TEXT_TOP
                step = leading
            y -= step
            pages[-1].append((font, size, MARGIN_X, y, line))

    y += TITLE[2]
    put(TITLE, meta["title"])
    put(BYLINE, meta["authors"].replace(";", ","), space_before=6)
    put(BYLINE, f"{meta['venue']}, {meta['year']}")
    put(BYLINE, f"https://doi.org/{meta['doi']}")
    for kind, text in blocks:
        if kind == "heading":
            # Keep a heading with the first lines of its paragraph.
            if y - 4 * BODY[2] < TEXT_BOTTOM:
                pages.append([])
                y = TEXT_TOP + HEADING[2]
            put(HEADING, text, space_before=10)
        else:
            put(BODY, text, space_before=4)
    return pages


def page_content(lines: list[tuple], running: str, number: int) -> bytes:
    head_font, head_size, _ = RUNNING
    ops = [
        f"BT /{head_font} {head_size:g} Tf {MARGIN_X:g} {PAGE_H - 50:g} Td "
        f"{pdf_string(running)} Tj ET"
    ]
    ops.append(f"0.5 w {MARGIN_X:g} {PAGE_H - 56:g} m {PAGE_W - MARGIN_X:g} {PAGE_H - 56:g} l S")
    for font, size, x, y, text in lines:
        ops.append(f"BT /{font} {size:g} Tf {x:g} {y:.2f} Td {pdf_string(text)} Tj ET")
    num = str(number)
    x = (PAGE_W - text_width(num, head_font, 9)) / 2
    ops.append(f"BT /{head_font} 9 Tf {x:.2f} 40 Td {pdf_string(num)} Tj ET")
    return ("\n".join(ops) + "\n").encode("latin-1")


def build_pdf(meta: dict[str, str], pages: list[list[tuple]]) -> bytes:
    """Serialise: fonts, then each page's content stream and page object, then the page tree,
    the catalog and the info dictionary last (as many producers do), then the xref table."""
    objects: list[bytes] = []
    font_refs = {}
    for name, base in FONTS.items():
        font = f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
        objects.append(font.encode())
        font_refs[name] = len(objects)
    n_pages = len(pages)
    pages_num = len(objects) + 2 * n_pages + 1
    kids = []
    font_dict = " ".join(f"/{name} {num} 0 R" for name, num in font_refs.items())
    for i, lines in enumerate(pages, start=1):
        stream = page_content(lines, meta["running"], i)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        content_num = len(objects)
        objects.append(
            (
                f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}] "
                f"/Resources << /Font << {font_dict} >> >> /Contents {content_num} 0 R >>"
            ).encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {n_pages} >>".encode())
    assert len(objects) == pages_num
    objects.append(f"<< /Type /Catalog /Pages {pages_num} 0 R >>".encode())
    catalog_num = len(objects)
    info = (
        f"<< /Title {pdf_string(meta['title'])} /Author {pdf_string(meta['authors'])} "
        f"/Subject {pdf_string('doi:' + meta['doi'])} /Producer {pdf_string(PRODUCER)} "
        f"/CreationDate ({CREATION_DATE}) >>"
    )
    objects.append(info.encode("latin-1"))
    info_num = len(objects)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog_num} 0 R /Info {info_num} 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)


def count_hyphenated(pages: list[list[tuple]]) -> int:
    return sum(1 for page in pages for line in page if line[4].endswith("-") and line[0] == "F1")


def render_all() -> list[Path]:
    written = []
    for src in sorted(SRC_DIR.glob("*.pdfsrc")):
        meta, blocks = parse_source(src)
        pages = layout(meta, blocks)
        target = PDF_DIR / f"{src.stem}.pdf"
        target.write_bytes(build_pdf(meta, pages))
        written.append(target)
        print(
            f"{target.relative_to(HERE)}: {len(pages)} page(s), "
            f"{count_hyphenated(pages)} hyphenated line end(s)"
        )
    return written


def pseudo_random_bytes(seed: bytes, n: int) -> bytes:
    """n bytes from a SHA-256 hash chain: looks random, is the same on every run."""
    out = bytearray()
    block = hashlib.sha256(seed).digest()
    while len(out) < n:
        out += block
        block = hashlib.sha256(block).digest()
    return bytes(out[:n])


def write_broken() -> None:
    BROKEN_DIR.mkdir(exist_ok=True)
    whole = (PDF_DIR / "chest-xray-stylegan2.pdf").read_bytes()
    (BROKEN_DIR / "truncated.pdf").write_bytes(whole[: len(whole) * 40 // 100])

    noise = pseudo_random_bytes(b"synthwatch demo corpus: not a paper", 3000)
    # Make sure the bytes are what the name says: no PDF/XML/JSON start, NUL bytes inside.
    assert b"%PDF-" not in noise and noise[:1] not in (b"<", b"{") and b"\x00" in noise[:4096]
    (BROKEN_DIR / "not-a-paper.pdf").write_bytes(noise)

    jats = (HERE / "jats" / "silicon-sample-survey.xml").read_bytes()
    (BROKEN_DIR / "malformed.xml").write_bytes(jats[: len(jats) * 55 // 100])
    for name in ("truncated.pdf", "not-a-paper.pdf", "malformed.xml"):
        print(f"broken/{name}: {(BROKEN_DIR / name).stat().st_size} bytes")


if __name__ == "__main__":
    PDF_DIR.mkdir(exist_ok=True)
    render_all()
    write_broken()
