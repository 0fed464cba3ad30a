"""Every reader's metadata checked against what the paper itself encodes: year and title.

Readers take a year and a title from where their format keeps them; this second look, the same
for every format, lets an arXiv id or a dated DOI overrule an implausible year
(docs/commands.md, "Years") and drops page furniture that passes for a title.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline.document import Document
from pipeline.sources.meta import arxiv_year, check_year, clean_title, doi_year, newest_cited_year

# Where a paper's own arXiv stamp stands: page 1 of a PDF, else the front matter before the
# first body section, and never further than this (ids further on are citations).
FRONT_MAX_CHARS = 5000
FRONT_KINDS = ("abstract", "other")


def check_metadata(doc: Document, this_year: int | None = None) -> Document:
    """``doc`` with its year checked against its identifiers and its title cleaned; a note says
    what was changed and why."""
    md = doc.metadata
    this_year = this_year or date.today().year
    encoded, encoded_by = None, ""
    if (year := doi_year(md.doi)) is not None:
        encoded, encoded_by = year, f"the DOI {md.doi}"
    elif (year := arxiv_year(_front(doc))) is not None:
        encoded, encoded_by = year, "the paper's arXiv id"
    references = " ".join(doc.text[s.start : s.end] for s in doc.sections if s.kind == "references")
    checked = check_year(md.year, encoded, encoded_by, newest_cited_year(references, this_year))
    title = clean_title(md.title)
    if checked.year == md.year and title == md.title:
        return doc
    notes = list(doc.notes)
    if checked.note:
        notes.append(checked.note)
    if title != md.title:
        kept = f"kept {title!r}" if title else "left empty"
        notes.append(f"title {md.title!r} held page furniture: {kept}")
    return replace(doc, metadata=replace(md, year=checked.year, title=title), notes=tuple(notes))


def _front(doc: Document) -> str:
    if doc.pages:
        start, end = doc.pages[0]
        return doc.text[start : min(end, start + FRONT_MAX_CHARS)]
    end = next((s.start for s in doc.sections if s.kind not in FRONT_KINDS), len(doc.text))
    return doc.text[: min(end, FRONT_MAX_CHARS)]
