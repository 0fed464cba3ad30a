"""Which lines of a PDF page are headings: numbered, named, or set in bold or large type.

A missed heading costs less than a false one (a table header taken for a heading cuts a section
in two), so each kind of heading has its own tests: "3.2 Training details" needs a capital and
no sentence in it; an unnumbered one needs bold or large type and either capitals ("RELATED
WORK") or words that name a section ("Statistical analysis") with prose after it. Entries of a
table of contents are never headings.
"""

from __future__ import annotations

import re

from pipeline.document import section_kind
from pipeline.sources.pdf.lines import Body, Line

# Longest line that may be a heading.
HEADING_MAX_CHARS = 90
HEADING_MAX_WORDS = 12
# An unnumbered heading in title or sentence case ("Statistical analysis") has at most this many
# words, and the line after it at least this many (it opens a paragraph).
TITLE_CASE_MAX_WORDS = 6
PROSE_LINE_MIN_WORDS = 6
# A page with this many lines like "2.1 Pre-Training Data . . . 4" is a table of contents: its
# entries are not headings.
CONTENTS_MIN_ENTRIES = 4
_NUMBERED_HEADING = re.compile(
    r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.|[A-H]\.)\s+(?P<title>\S.*)$"
)
# Names that are a heading when they stand alone on a line, whatever their font.
_HEADING_NAMES = re.compile(
    r"^(abstract|summary|introduction|background|related works?|prior work|methods?|"
    r"materials and methods|methodology|experiments?|experimental setup|results|"
    r"results and discussion|discussion|conclusions?|concluding remarks|limitations|"
    r"future work|acknowledge?ments?|references|bibliography|literature cited|works cited|"
    r"references and notes|appendix(?: [A-Z0-9]+)?|appendices|supplementary (?:materials?|"
    r"information|data)|data availability|code availability|author contributions|"
    r"funding|competing interests|conflicts? of interest|ethics statement|keywords|key words|"
    r"index terms)\s*:?$",
    re.IGNORECASE,
)
_REFERENCES_NAME = re.compile(
    r"^(references?|bibliography|literature cited|works cited|references and notes)\s*:?$",
    re.IGNORECASE,
)
_CONTENTS_ENTRY = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[A-Z]\.?|[IVX]{1,5}\.)\s+\S.*?(?:\s*\.)*\s+\d{1,4}$"
)
# A line that ends in one of these words breaks inside a sentence (headings in capitals may wrap
# there: "2. SYNTHETIC CONTROL METHODS FOR").
_TITLE_END_WORD = re.compile(
    r"\s(the|a|an|of|to|in|for|with|and|or|that|is|are|was|were|by|on|from|as|at|which)$"
)
# A comma or a finite verb in a long numbered line: a list item, not a heading.
_SENTENCE_WORD = re.compile(r",|\s(is|are|was|were|has|have|had)\s")
_NOT_HEADING_START = re.compile(r"^(fig\.?|figure|table|algorithm|eq\.?|equation|lemma)\b", re.I)


def heading_level(text: str) -> int:
    """1 for "3 Methods" or "III. RESULTS", 2 for "3.1 Data", 0 when not numbered."""
    m = _NUMBERED_HEADING.match(text)
    if not m:
        return 0
    return m.group("num").rstrip(".").count(".") + 1


def is_references_heading(text: str) -> bool:
    """True for "References", "6. REFERENCES", "Bibliography", "Literature cited" alone."""
    m = _NUMBERED_HEADING.match(text)
    return bool(_REFERENCES_NAME.match(m.group("title") if m else text))


def is_heading(line: Line, next_line: Line | None, body: Body) -> bool:
    """Whether a line is certainly a heading; a missed heading costs less than a false one."""
    # The cheapest tests first: this runs on every line of the paper.
    if next_line is not None and not line.bold and next_line.text[:1].islower():
        return False  # the sentence goes on
    text = line.text.strip()
    if not text or len(text) > HEADING_MAX_CHARS:
        return False
    words = text.split()
    if len(words) > HEADING_MAX_WORDS:
        return False
    m = _NUMBERED_HEADING.match(text)
    # is_references_heading, without matching the number a second time
    if _REFERENCES_NAME.match(m.group("title") if m else text) or _HEADING_NAMES.match(text):
        return True
    styled = line.bold or line.size >= 1.1 * body.size
    if not (m or styled):
        return False  # an unnumbered heading is set in bold or large type (see below)
    if text[-1] in ",;-–" or _NOT_HEADING_START.match(text):
        return False
    if m:
        return _is_numbered_title(m.group("title"), line.bold, styled)
    # Unnumbered: only a few words in bold or large capitals ("RELATED WORK"), not a figure's
    # label ("DHCR7", "MMLU (EM)", "ARTICLE"); or a bold or large heading in title or sentence
    # case whose words name a section ("Statistical Analysis", "Ablation study").
    if not 2 <= len(words) <= 8:
        return False
    if _is_caps(text):
        return all(w.isalpha() for w in words)  # plain words
    # Title case is also how table headers ("Model Safety Factuality") and axis labels
    # ("Training Steps") are set: the line after a heading must read as prose.
    return (
        len(words) <= TITLE_CASE_MAX_WORDS
        and line.size >= 0.95 * body.size  # bold at the body size, or larger
        and text[0].isupper()
        and text[-1].isalpha()
        and not any(c.isdigit() for c in text)
        and not _TITLE_END_WORD.search(text)
        and next_line is not None
        and _is_prose_line(next_line.text)
        and section_kind(text) != "other"
    )


def continues_heading(heading: Line, line: Line) -> bool:
    """Whether ``line`` is the second line of a heading that wrapped ("2. SYNTHETIC CONTROL
    METHODS FOR" / "COMPARATIVE CASE STUDIES"): the same type right below, no number of its
    own, and either both in capitals or the first cut inside a phrase."""
    size = max(heading.size, 1.0)
    if heading.bold != line.bold or abs(heading.size - line.size) > 0.05 * size:
        return False
    if not 0 < line.top - heading.top < 1.6 * size or _NUMBERED_HEADING.match(line.text):
        return False
    first, second = heading.text.strip(), line.text.strip()
    if not second or _HEADING_NAMES.match(first) or _REFERENCES_NAME.match(second):
        return False  # "ABSTRACT" above "INTRODUCTION" are two headings
    m = _NUMBERED_HEADING.match(first)
    if m and _HEADING_NAMES.match(m.group("title")):
        return False
    if _is_caps(first) and _is_caps(second):
        return True
    return second[0].islower() or bool(_TITLE_END_WORD.search(first.lower()))


def _is_prose_line(text: str) -> bool:
    """A line of running text: several words, most of them lower case."""
    words = text.split()
    if len(words) < PROSE_LINE_MIN_WORDS:
        return False
    return sum(w[:1].islower() for w in words) >= 0.6 * len(words)


def _is_numbered_title(title: str, bold: bool, styled: bool) -> bool:
    """Whether the words after a section number ("3.2 Synthetic cohorts") make a heading, not
    a numbered list item ("3. A worker who is assigned a map task reads the") or a table row
    ("2 MALE 82 SECONDARY MARRIED")."""
    letters = sum(c.isalpha() for c in title)
    if not title[0].isupper() or letters < 0.6 * len(title.replace(" ", "")):
        return False
    words = title.split()
    if len(words) > 10 or words[0] in ("We", "It", "Let"):
        return False
    # "2. Data and methods." in bold (IMS journals) is a heading; a numbered sentence is not.
    if title.endswith(".") and not (bold and len(words) <= 8):
        return False
    caps = _is_caps(title)
    if not caps and _TITLE_END_WORD.search(title):
        return False  # the line breaks inside a sentence
    if not caps and len(words) > 6 and not title.endswith("?") and _SENTENCE_WORD.search(title):
        return False  # "4. Periodically, the buffered pairs are written to local"
    if caps and any(w.isdigit() for w in words):
        return False
    return styled or bool(_HEADING_NAMES.match(title)) or caps


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def contents_entries(lines: list[Line]) -> set[int]:
    """The ids of the lines that are entries of a table of contents ("3 Pre-Training 11"), when
    the page has enough of them to be one; else an empty set."""
    # A cheap test first: an entry ends in its page number.
    entries = {
        id(line) for line in lines if line.text[-1:].isdigit() and _CONTENTS_ENTRY.match(line.text)
    }
    return entries if len(entries) >= CONTENTS_MIN_ENTRIES else set()
