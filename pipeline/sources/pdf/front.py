"""The text of a PDF before its first body heading: title block, abstract, introduction.

Many papers print their abstract without an "Abstract" heading (arXiv reports, ACM journals,
Nature's summary paragraph), and Nature-style articles open with an unheaded introduction that
runs up to "Results". Without a heading that text would stay in section ``other``, so the
detector would not know that the abstract is the authors' own summary (``in_abstract``). Only
clear cases are marked: prose paragraphs (sentences, not names, affiliations or licences) on the
first pages, before the first heading, when that heading opens the body.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from pipeline.document import Document, Passage, Section

# An unheaded abstract is looked for on these first pages only.
ABSTRACT_PAGES = 2
# An abstract longer than this has run into the paper because its end was not marked (with a
# heading, the reader cuts it there; without one, it is not made longer than this).
ABSTRACT_MAX_CHARS = 4000
# A paragraph of prose: at least this long, with this many sentence ends.
PROSE_MIN_CHARS = 250
PROSE_MIN_SENTENCES = 2
# First headings after which the text before them is the paper's front matter.
OPENS_BODY = frozenset({"introduction", "related_work", "methods", "results"})
# After an unheaded abstract, unheaded prose before these is an introduction (Nature, ASM).
INTRODUCED = frozenset({"methods", "results"})
NOTE_ABSTRACT = "abstract found without an 'Abstract' heading: the first prose paragraph(s)"
NOTE_INTRODUCTION = "introduction found without a heading: the prose before the first heading"

_SENTENCE_END = re.compile(r"[a-z0-9)\]%][.!?](?:\s|$)")
# Front-matter paragraphs that read like prose but are not the paper's words.
_NOT_PROSE_START = re.compile(
    r"^(\d+\s|[*†‡§]|permission|copyright|©|\(c\)|received|accepted|published|this work|"
    r"this article|this is an open access|correspond|e-?mail|key\s?words|index terms|"
    r"ccs concepts|categories and subject|general terms|additional key words|jel|msc|"
    r"citation|editor|licen[cs]e|open access|preprint|to appear|proceedings)",
    re.IGNORECASE,
)
_AFFILIATION = re.compile(
    r"\b(department|university|universit[äéà]|institute|school of|hospital|college|"
    r"laborator(y|ies)|faculty|center for|centre for)\b",
    re.IGNORECASE,
)
_SIGNIFICANCE = re.compile(r"^(importance|significance( statement)?)\b", re.IGNORECASE)
_NUMBERED_ONE = re.compile(r"^\s*(1|I)\.?\s+\S")


def is_prose(text: str) -> bool:
    """Whether a paragraph is running prose: long, in sentences, and not front-matter boiler."""
    if len(text) < PROSE_MIN_CHARS or not text[:1].isupper():
        return False
    if _NOT_PROSE_START.match(text) or len(_AFFILIATION.findall(text)) >= 2:
        return False
    return len(_SENTENCE_END.findall(text)) >= PROSE_MIN_SENTENCES


def mark_front_matter(doc: Document) -> Document:
    """``doc`` with its unheaded abstract (and Nature-style introduction) marked as sections."""
    if not doc.sections:
        return doc
    first = doc.sections[0]
    opens_body = first.kind in OPENS_BODY or (
        first.kind == "other" and bool(_NUMBERED_ONE.match(first.heading))
    )
    if any(s.kind == "abstract" for s in doc.sections) or not opens_body:
        return _introduction_after_abstract(doc)
    front = list(itertools.takewhile(lambda p: p.end <= first.start, doc.passages()))
    start = next(
        (
            i
            for i, p in enumerate(front)
            if p.page is not None and p.page <= ABSTRACT_PAGES and is_prose(p.text)
        ),
        None,
    )
    if start is None:
        return doc
    end = start + 1
    while end < len(front) and _SIGNIFICANCE.match(front[end].text):
        end += 1  # ASM's "IMPORTANCE" paragraph belongs with the abstract
    if first.kind not in INTRODUCED:  # "1 Introduction" follows: all the prose is abstract
        while (
            end < len(front)
            and is_prose(front[end].text)
            and front[end].end - front[start].start <= ABSTRACT_MAX_CHARS
        ):
            end += 1
    added = [Section("", "abstract", front[start].start, _span_end(front, end, first))]
    notes = [NOTE_ABSTRACT]
    rest = [p for p in front[end:] if is_prose(p.text)]
    if first.kind in INTRODUCED and rest:
        if rest[0].start > added[0].end:
            added.append(Section("", "other", added[0].end, rest[0].start))
        added.append(Section("", "introduction", rest[0].start, first.start))
        notes.append(NOTE_INTRODUCTION)
    elif added[0].end < first.start:
        added.append(Section("", "other", added[0].end, first.start))
    return _with_sections(doc, added + list(doc.sections), notes)


def _introduction_after_abstract(doc: Document) -> Document:
    """An abstract with a heading, then unheaded prose before "Results": an introduction."""
    sections = list(doc.sections)
    for i in range(len(sections) - 1):
        cut, after = sections[i], sections[i + 1]
        # the abstract's end marked by its keywords (a section without a heading), then Results
        if not (cut.kind == "other" and not cut.heading and after.kind in INTRODUCED):
            continue
        if i == 0 or sections[i - 1].kind != "abstract":
            continue
        prose = [p for p in _passages_in(doc, cut) if is_prose(p.text)]
        if not prose:
            return doc
        sections[i : i + 1] = [
            Section("", "other", cut.start, prose[0].start),  # keywords: dropped when empty
            Section("", "introduction", prose[0].start, cut.end),
        ]
        return _with_sections(doc, sections, [NOTE_INTRODUCTION])
    return doc


def _passages_in(doc: Document, section: Section) -> list[Passage]:
    """The passages that start inside ``section`` (the rest of the paper is not read)."""
    before_end = itertools.takewhile(lambda p: p.start < section.end, doc.passages())
    return [p for p in before_end if p.start >= section.start]


def _span_end(front: list[Passage], end: int, first: Section) -> int:
    """Where a span that holds ``front[:end]`` ends: at the next paragraph (or the heading)."""
    return front[end].start if end < len(front) else first.start


def _with_sections(doc: Document, sections: list[Section], notes: list[str]) -> Document:
    kept = [s for s in sections if s.end > s.start]
    return dataclasses.replace(doc, sections=tuple(kept), notes=(*doc.notes, *notes))
