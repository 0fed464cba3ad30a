"""S2ORC JSON -> Document.

Two layouts are read: the 2020 release (``metadata`` plus ``grobid_parse`` / ``latex_parse``,
or ``pdf_parse``, each holding ``abstract``, ``body_text``, ``ref_entries``, ``bib_entries``)
and the flat pdf_parse layout (those keys at the top level, ``metadata`` optional). Paragraphs
carry a ``section`` name, which becomes a heading whenever it changes.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, decode_text, flatten
from pipeline.sources.meta import clean_doi, reference_line, year_from
from pipeline.sources.outline import Outline

FORMAT = "s2orc"
PARSE_KEYS = ("pdf_parse", "latex_parse", "grobid_parse")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _choose_parse(obj: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The parse holding the paper's text, and the key it came from (None: top level)."""
    if "body_text" in obj:
        return obj, None
    parses = [(k, obj[k]) for k in PARSE_KEYS if isinstance(obj.get(k), dict)]
    if not parses:
        raise MalformedInput(
            "JSON is not an S2ORC paper: no 'body_text' and no "
            + "/".join(f"'{k}'" for k in PARSE_KEYS)
        )
    # The parse with the most body text wins (latex_parse is cleaner but often missing).
    key, parse = max(
        parses, key=lambda kv: sum(len(_str(p.get("text"))) for p in _dicts(kv[1].get("body_text")))
    )
    return parse, key


def _person(author: dict[str, Any]) -> str:
    middle = author.get("middle") if isinstance(author.get("middle"), list) else []
    parts = [_str(author.get("first")), *(_str(m) for m in middle), _str(author.get("last"))]
    suffix = _str(author.get("suffix"))
    return flatten(" ".join([*parts, suffix]))


def _metadata(obj: dict[str, Any]) -> Metadata:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    authors = tuple(_person(a) for a in _dicts(meta.get("authors")) if flatten(_str(a.get("last"))))
    doi = clean_doi(_str(meta.get("doi")))
    return Metadata(
        title=flatten(_str(meta.get("title") or obj.get("title"))) or None,
        authors=authors,
        doi=doi,
        year=year_from(str(meta.get("year") or obj.get("year") or "")),
        venue=flatten(_str(meta.get("venue") or meta.get("journal"))) or None,
    )


def _reference(entry: dict[str, Any]) -> str:
    raw = flatten(_str(entry.get("raw_text")))
    if raw:
        return raw
    authors = [name for name in map(_person, _dicts(entry.get("authors"))) if name]
    title = flatten(_str(entry.get("title")))
    venue = flatten(_str(entry.get("venue")))
    volume = flatten(str(entry.get("volume") or ""))
    pages = flatten(str(entry.get("pages") or "")).replace("--", "-")
    where = " ".join(p for p in (venue, volume) if p) + (f": {pages}" if pages else "")
    other_ids = entry.get("other_ids") if isinstance(entry.get("other_ids"), dict) else {}
    dois = other_ids.get("DOI") or other_ids.get("doi") or []
    doi = [f"doi:{dois[0]}"] if isinstance(dois, list) and dois and isinstance(dois[0], str) else []
    where = where.strip() if where.strip(": ") else ""
    return reference_line(authors, entry.get("year"), [title], where, doi)


def read(data: bytes) -> Document:
    """Read one S2ORC paper (JSON object)."""
    try:
        obj = json.loads(decode_text(data))
    except ValueError as exc:
        raise MalformedInput(f"malformed JSON: {exc}") from None
    except RecursionError:
        raise MalformedInput("malformed JSON: nested too deeply to be a paper") from None
    if not isinstance(obj, dict):
        raise MalformedInput(f"S2ORC JSON must be an object, not a {type(obj).__name__}")
    parse, key = _choose_parse(obj)
    metadata = _metadata(obj)
    notes: list[str] = []
    if key is not None:
        notes.append(f"text from the S2ORC '{key}'")
    b = DocumentBuilder()
    if metadata.title:
        b.paragraph(metadata.title)

    abstract = _dicts(parse.get("abstract"))
    abstract_texts = [_str(p.get("text")) for p in abstract]
    if not any(t.strip() for t in abstract_texts):
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        abstract_texts = [_str(meta.get("abstract") or obj.get("abstract"))]
    if any(t.strip() for t in abstract_texts):
        b.heading("Abstract", kind="abstract")
        for t in abstract_texts:
            b.paragraph(t)

    outline = Outline()
    body = _dicts(parse.get("body_text"))
    current: str | None = None
    start = b.length
    for para in body:
        section = flatten(_str(para.get("section")))
        if section != current or current is None:
            current = section
            number = _str(para.get("sec_num")) or None
            kind = outline.kind(section, number=number) if section else "other"
            heading = f"{number} {section}" if number and section else section
            b.heading(heading, kind=kind)
        b.paragraph(_str(para.get("text")))
    if not any(flatten(_str(p.get("section"))) for p in body) and body:
        notes.append("the S2ORC body has no section names: all body text is kind 'other'")
    has_body = b.length > start
    if not has_body and not any(t.strip() for t in abstract_texts):
        raise NoText("the S2ORC record has neither an abstract nor body text")

    refs = parse.get("ref_entries")
    captions = [
        _str(entry.get("text"))
        for entry in (refs.values() if isinstance(refs, dict) else [])
        if isinstance(entry, dict)
    ]
    if any(c.strip() for c in captions):
        b.heading("Figures and tables", kind="other", include=False)
        for caption in captions:
            b.paragraph(caption)

    back_current: str | None = None
    for para in _dicts(parse.get("back_matter") or obj.get("back_matter")):
        section = flatten(_str(para.get("section"))) or "Back matter"
        if section != back_current:
            back_current = section
            kind = section_kind(section)
            b.heading(section, kind="acknowledgements" if kind == "other" else kind)
        b.paragraph(_str(para.get("text")))

    bib = parse.get("bib_entries")
    entries = [e for e in (bib.values() if isinstance(bib, dict) else []) if isinstance(e, dict)]
    if entries:
        b.heading("References", kind="references")
        for entry in entries:
            b.paragraph(_reference(entry))
    return b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))
