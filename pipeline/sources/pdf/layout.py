"""From positioned lines to paragraphs and headings: the part of PDF reading that is guesswork.

Works on the ``Line``s of either back end: glue lines split at superscripts, strip margin line
numbers, drop running headers and footers, join lines into paragraphs (repairing line-break
hyphens) and split pages into headings and paragraphs (which lines are headings is
``pdf_headings``' job).
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import string
from collections import Counter
from dataclasses import dataclass

from pipeline.sources.pdf.headings import (
    contents_entries,
    continues_heading,
    is_heading,
    is_references_heading,
)
from pipeline.sources.pdf.lines import Body, Line, Page

# Running headers and footers live in these top and bottom fractions of the page.
MARGIN_BAND = 0.1
# A line in the band is a running header when it appears on this share of pages (at least 2).
RUNNING_SHARE = 0.3
# A "References" heading must be followed by a list: of the next lines, this many must hold a
# year, "[12]", "12.", "et al." or a DOI (reference lists do; figure labels and contents don't).
REFERENCE_LOOKAHEAD_LINES = 20
REFERENCE_MIN_ENTRIES = 2
# Both halves of "rule-" + "based" must be this long for the hyphen to be kept on that ground.
COMPOUND_PART_MIN = 4

_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
_LEADING_NUMBER = re.compile(r"^(\d{1,5})(?:\s+|$)")
# A line ending in one of these ends a sentence (or a clause, a quotation, a bracket).
_SENTENCE_END = tuple('.!?:;"”’)]')
_REFERENCE_ENTRY = re.compile(
    r"\b(?:19|20)\d\d[a-z]?\b|^\[\d+\]|^\d{1,3}\.\s|\bet al\b|\bdoi\b|10\.\d{4,9}/", re.I
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A table for bytes.translate that turns every ASCII byte but letters and "-" into a space.
_WORD_BYTES = frozenset(string.ascii_letters.encode() + b"-") | frozenset(range(0x80, 0x100))
_CUT_BETWEEN_WORDS = bytes(b if b in _WORD_BYTES else ord(" ") for b in range(256))
_LAST_WORD = re.compile(r"[^\W\d_]+$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
# _last_word looks at this many characters at the end of a paragraph first.
_LAST_WORD_WINDOW = 64


@dataclass(slots=True)
class Block:
    """A heading or a paragraph on one page; ``lines`` keeps their geometry and fonts."""

    kind: str  # "heading" or "paragraph"
    lines: list[Line]


# --- lines ---------------------------------------------------------------------------------------


def merge_fragments(lines: list[Line]) -> list[Line]:
    """Glue pieces of one visual line that a back end split (superscripts, runs of another font).

    Only neighbours in reading order are glued, and only when they share the line's height and
    nearly touch, so that columns and table cells stay apart.
    """
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _same_row(prev, line):
            gap_right = line.x0 - prev.x1
            gap_left = prev.x0 - line.x1
            limit = 1.2 * max(prev.size, line.size, 1.0)
            if -1.0 <= gap_right <= limit:
                out[-1] = _join_row(prev, line)
                continue
            if -1.0 <= gap_left <= limit:
                out[-1] = _join_row(line, prev)
                continue
        out.append(line)
    return out


def _same_row(a: Line, b: Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.4 * min(a.bottom - a.top, b.bottom - b.top)


def _join_row(left: Line, right: Line) -> Line:
    # Superscripts and punctuation attach without a space; words get one.
    glue = "" if right.text[:1] in ",.;:)]}" or right.size < 0.85 * left.size else " "
    # The longer piece sets the line's font: not a superscript, not a drop capital.
    main = left if len(left.text) >= len(right.text) else right
    return Line(
        left.text + glue + right.text,
        min(left.x0, right.x0),
        max(left.x1, right.x1),
        main.top,
        main.bottom,
        main.size,
        left.bold and right.bold,
    )


def strip_line_numbers(page: Page) -> bool:
    """Remove margin line numbers (bioRxiv, review copies) when the page has a run of them."""
    matches = [_LEADING_NUMBER.match(line.text) for line in page.lines]
    found = [int(m.group(1)) for m in matches if m]
    if len(found) < 8 or len(found) < 0.5 * len(page.lines):
        return False
    steps = [b - a for a, b in itertools.pairwise(found)]
    if sum(1 <= s <= 3 for s in steps) < 0.7 * len(steps):
        return False
    kept = []
    for line, m in zip(page.lines, matches, strict=True):
        if m is None:
            kept.append(line)
            continue
        rest = line.text[m.end() :]
        if rest:
            kept.append(Line(rest, line.x0, line.x1, line.top, line.bottom, line.size, line.bold))
    page.lines = kept
    return True


def drop_running_lines(pages: list[Page]) -> int:
    """Remove running headers/footers and bare page numbers; return how many lines went."""
    with_text = [p for p in pages if p.lines]
    # The key of each line in a margin band, None for the others: worked out once per line.
    keys = []
    for page in with_text:
        top, bottom = MARGIN_BAND * page.height, (1 - MARGIN_BAND) * page.height
        keys.append(
            [_running_key(ln) if ln.top < top or ln.bottom > bottom else None for ln in page.lines]
        )
    counts: Counter[str] = Counter()
    for page_keys in keys:
        counts.update({key for key in page_keys if key is not None})
    need = max(2, math.ceil(RUNNING_SHARE * len(with_text)))
    dropped = 0
    for page, page_keys in zip(with_text, keys, strict=True):
        kept = [
            line
            for line, key in zip(page.lines, page_keys, strict=True)
            if key is None or not (_PAGE_NUMBER.match(line.text) or counts[key] >= need)
        ]
        dropped += len(page.lines) - len(kept)
        page.lines = kept
    return dropped


def _running_key(line: Line) -> str:
    # digits to "#", whitespace runs to one space (str.split splits where \s+ matches)
    return " ".join(_DIGITS.sub("#", line.text.lower()).split())


def measure_body(pages: list[Page]) -> Body:
    """The font size most of the text is set in, and the usual distance between its lines."""
    # Characters per font size as the back end gave it, then per half point: far fewer sizes to
    # round than lines. (Half points are counted in the order they first occur, as most_common
    # settles ties by that order.)
    chars: dict[float, int] = {}
    for page in pages:
        for line in page.lines:
            chars[line.size] = chars.get(line.size, 0) + len(line.text)
    sizes: Counter[float] = Counter()
    for raw_size, n in chars.items():
        sizes[round(raw_size * 2) / 2] += n
    size = sizes.most_common(1)[0][0] if sizes else 10.0
    size = size if size > 0 else 10.0
    steps = []
    low, high = 0.8 * size, 2.5 * size
    for page in pages:
        # consecutive lines both at the body size, one line apart
        prev: Line | None = None
        for line in page.lines:
            if abs(line.size - size) < 0.5:
                if prev is not None and low < line.top - prev.top < high:
                    steps.append(line.top - prev.top)
                prev = line
            else:
                prev = None
    pitch = statistics.median(steps) if steps else 1.2 * size
    return Body(size, pitch)


# --- paragraphs ----------------------------------------------------------------------------------


def confirm_reference_headings(pages: list[list[Block]]) -> int:
    """Demote "References" headings that no reference list follows; return how many.

    A "Reference" box in a diagram or a "References ... 25" line in a contents list would
    otherwise turn the rest of the paper into references, where findings never count. What
    follows is looked for twice: in reading order, and straight below the heading in its
    column (pdfminer sometimes orders a lone heading box away from its list).
    """
    demoted = 0
    for p, page in enumerate(pages):
        for i, block in enumerate(page):
            if block.kind != "heading" or not is_references_heading(block.lines[0].text):
                continue
            head = block.lines[0]
            later = [ln for b in page[i + 1 :] for ln in b.lines]
            overleaf = [ln for b in pages[p + 1] for ln in b.lines] if p + 1 < len(pages) else []
            below = sorted(
                (
                    ln
                    for b in page
                    for ln in b.lines
                    if ln.top > head.top and ln.x0 < head.x1 and ln.x1 > head.x0
                ),
                key=lambda ln: ln.top,
            )
            if not (_lists_references(later + overleaf) or _lists_references(below)):
                block.kind = "paragraph"
                demoted += 1
    return demoted


def _lists_references(lines: list[Line]) -> bool:
    following = [ln.text for ln in lines[:REFERENCE_LOOKAHEAD_LINES]]
    entries = sum(bool(_REFERENCE_ENTRY.search(text)) for text in following)
    # A one-entry list at the end of a short note has one hit in its two or three lines.
    return entries >= max(1, min(REFERENCE_MIN_ENTRIES, len(following) // 3))


def page_blocks(lines: list[Line], body: Body, page_width: float) -> list[Block]:
    """Split a page's lines into headings and paragraphs, in reading order."""
    blocks: list[Block] = []
    current: list[Line] = []
    right = 0.0  # right edge of the lines in ``current``, kept as they come
    contents = contents_entries(lines)
    for line, next_line in zip(lines, [*lines[1:], None], strict=False):
        if not current and blocks and blocks[-1].kind == "heading":
            head = blocks[-1].lines[-1]
            if continues_heading(head, line):
                blocks[-1].lines[-1] = _join_heading(head, line)
                continue
        if is_heading(line, next_line, body) and not (contents and id(line) in contents):
            if current:
                blocks.append(Block("paragraph", current))
                current = []
            blocks.append(Block("heading", [line]))
            continue
        if current and _starts_paragraph(current, right, line, body, page_width):
            blocks.append(Block("paragraph", current))
            current = []
        right = max(right, line.x1) if current else line.x1
        current.append(line)
    if current:
        blocks.append(Block("paragraph", current))
    return blocks


def _join_heading(first: Line, second: Line) -> Line:
    """One heading line from a heading and the line it wrapped onto."""
    return Line(
        f"{first.text.rstrip()} {second.text.strip()}",
        min(first.x0, second.x0),
        max(first.x1, second.x1),
        first.top,
        second.bottom,
        first.size,
        first.bold,
    )


def _ends_sentence(text: str) -> bool:
    """Whether the text ends with a full stop, colon, closing quote or bracket."""
    if text.endswith("\n"):
        text = text[:-1]  # one final line break is looked past, as "$" in a pattern does
    return text.endswith(_SENTENCE_END)


def continues(prev_text: str, line_text: str) -> bool:
    """A line that carries on the sentence before it (no full stop, lower-case start)."""
    return line_text[:1].islower() and (not _ends_sentence(prev_text) or prev_text.endswith("-"))


def _starts_paragraph(
    current: list[Line], right: float, line: Line, body: Body, page_width: float
) -> bool:
    """Whether ``line`` opens a new paragraph after ``current``, whose right edge is ``right``."""
    prev = current[-1]
    size = max(prev.size, line.size, 1.0)
    if continues(prev.text, line.text):
        return False
    if abs(prev.size - line.size) > 0.12 * size or prev.bold != line.bold:
        return True
    step = line.top - prev.top
    if step < -0.3 * size or abs(line.x0 - prev.x0) > 0.25 * page_width:
        return True  # a new column, or text placed out of order
    pitch = body.pitch if abs(line.size - body.size) < 0.5 else 1.2 * line.size
    if step > 1.45 * pitch:
        return True  # a blank line's worth of space
    ends = _ends_sentence(prev.text)
    if ends and 0.8 * size < line.x0 - prev.x0 < 6 * size:
        return True  # first-line indent
    return ends and len(current) > 1 and prev.x1 < right - 2.5 * size  # short last line


def join_lines(lines: list[str], vocabulary: Vocabulary) -> tuple[str, int]:
    """Join lines with spaces, undoing line-break hyphens; return the text and how many.

    "syn-" + "thetic" becomes "synthetic"; "GPT-" + "4" stays "GPT-4"; "self-" + "supervised"
    keeps its hyphen when the document spells "self-supervised" more often than
    "selfsupervised", and so do "LLM-" + "generated" and "rule-" + "based" (see _keeps_hyphen).
    """
    texts = [text for text in map(str.strip, lines) if text]
    if not any(text.endswith(("-", "/")) for text in texts[:-1]):
        return " ".join(texts), 0  # the common case: nothing to glue
    out = ""
    repaired = 0
    for text in texts:
        if not out:
            out = text
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
            head = _last_word(out, len(out) - 1)
            tail = _first_word(text)
            if _keeps_hyphen(head, tail, vocabulary):
                out += text
            else:
                out = out[:-1] + text
                repaired += 1
        elif out.endswith(("-", "/")):
            out += text
        else:
            out += " " + text
    return out, repaired


def _keeps_hyphen(head: str, tail: str, vocabulary: Vocabulary) -> bool:
    """Whether "head-" + "tail" at a line break is a real compound, not a split word."""
    hyphenated = vocabulary[f"{head}-{tail}".lower()]
    joined = vocabulary[f"{head}{tail}".lower()]
    if hyphenated or joined:
        return hyphenated > joined
    if any(c.isupper() for c in head[1:]):
        return True  # "LLM-generated", "GPT-based": nobody hyphenates inside an acronym
    # "rule-" + "based", "cost-" + "effective": two words the paper also uses on their own.
    return (
        min(len(head), len(tail)) >= COMPOUND_PART_MIN
        and vocabulary[head.lower()] > 1  # > 1: the split halves themselves count once
        and vocabulary[tail.lower()] > 1
    )


def _last_word(text: str, end: int) -> str:
    """The run of letters that ends ``text[:end]``, or "" (without copying a long paragraph)."""
    start = max(0, end - _LAST_WORD_WINDOW)
    # Matching the window read backwards finds the run in one pass; searching forwards for
    # _LAST_WORD would try every position of the window.
    length = len(_first_word(text[start:end][::-1]))
    if start and length == end - start:  # the word may begin before the window
        m = _LAST_WORD.search(text, 0, end)
        return m.group(0) if m else ""
    return text[end - length : end]


def _first_word(text: str) -> str:
    m = _FIRST_WORD.match(text)
    return m.group(0) if m else ""


class Vocabulary:
    """Lower-case word counts over a document (``count_words``): ``vocabulary[word]``."""

    __slots__ = ("_ascii", "_other")

    def __init__(self, ascii_pieces: Counter[bytes], other: Counter[str]) -> None:
        self._ascii = ascii_pieces  # lower-cased pieces of the text; ASCII-letter ones are words
        self._other = other  # the words of every other piece

    def __getitem__(self, word: str) -> int:
        """How often lower-case ``word`` is in the document (0 when never)."""
        n = self._other.get(word, 0)
        if word.isascii() and word.isalpha():
            n += self._ascii.get(word.encode("ascii"), 0)
        return n


def count_words(pages: list[Page]) -> Vocabulary:
    """Lower-case word counts over the document, hyphenated compounds included."""
    # a line break is no letter, so no word runs across one
    text = "\n".join([line.text for page in pages for line in page.lines])
    # Running _WORD over the whole text costs more than anything else in the layout step.
    # Instead, cut the text (as UTF-8, where every non-ASCII character is a run of bytes >= 0x80)
    # at each ASCII character that no word holds, which bytes.translate does fast, and lower
    # its ASCII letters (bytes.lower). A piece of ASCII letters is then a lower-case word,
    # counted as it is and looked up as bytes; any other piece is split by _WORD and each of
    # its words lower-cased, just as the whole text would have been. (ASCII letters in lower
    # case first change nothing there: they are letters either way, and str.lower maps them
    # the same.)
    data = text.encode("utf-8", "surrogatepass").translate(_CUT_BETWEEN_WORDS).lower()
    pieces = Counter(data.split())
    other: Counter[str] = Counter()
    for piece, n in pieces.items():
        if piece.isalpha():  # ASCII letters only
            continue
        for word in _WORD.findall(piece.decode("utf-8", "surrogatepass")):
            # each word is lower-cased alone: no case rule (final sigma) reaches across words
            other[word.lower()] += n
    return Vocabulary(pieces, other)
