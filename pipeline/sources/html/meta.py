"""Title, DOI, date, authors and venue of an article page: ``citation_*`` meta tags (what
Google Scholar asks publishers for, and what PMC, arXiv, bioRxiv and medRxiv pages carry),
then Dublin Core, then JSON-LD (schema.org ScholarlyArticle), then ``<title>``."""

from __future__ import annotations

import json
from typing import Any

from pipeline.document import Metadata
from pipeline.sources.html.tree import Node
from pipeline.sources.meta import clean_doi, clean_title, year_from

MAX_JSON_LD_CHARS = 1 << 20
ARTICLE_TYPES = frozenset(
    {"scholarlyarticle", "article", "medicalscholarlyarticle", "newsarticle", "report"}
)
# Meta names in the order they are trusted, per field.
TITLE_NAMES = ("citation_title", "dc.title", "og:title")
DOI_NAMES = ("citation_doi", "dc.identifier", "prism.doi", "bepress_citation_doi")
DATE_NAMES = (
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "citation_cover_date",
    "dc.date",
    "article:published_time",
)
VENUE_NAMES = (
    "citation_journal_title",
    "citation_conference_title",
    "citation_publisher",
    "prism.publicationname",
    "dc.publisher",
)


def meta_tags(root: Node) -> dict[str, list[str]]:
    """name/property (lower-case) -> contents, in page order."""
    tags: dict[str, list[str]] = {}
    for node in root.iter("meta"):
        name = (node.get("name") or node.get("property")).strip().lower()
        content = " ".join(node.get("content").split())
        if name and content:
            tags.setdefault(name, []).append(content)
    return tags


def _first(tags: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        for value in tags.get(name, ()):
            return value
    return None


def json_ld(root: Node) -> tuple[dict[str, Any] | None, str | None]:
    """The page's ScholarlyArticle object, and a note when a JSON-LD block was unreadable."""
    note = None
    for node in root.iter("script"):
        if "ld+json" not in node.get("type").lower():
            continue
        raw = "".join(c for c in node.children if isinstance(c, str))
        if len(raw) > MAX_JSON_LD_CHARS:
            note = "JSON-LD block larger than 1 MB left unread"
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            note = "malformed JSON-LD block left unread"
            continue
        for obj in _objects(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                return obj, note
    return None, note


def _objects(data: Any) -> list[dict[str, Any]]:
    """Top-level objects, those in a list, and those in an ``@graph``."""
    items = data if isinstance(data, list) else [data]
    found: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            found.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                found.extend(g for g in graph if isinstance(g, dict))
    return found


def _ld_doi(obj: dict[str, Any]) -> str | None:
    candidates: list[Any] = [obj.get("doi"), obj.get("@id"), obj.get("url")]
    for key in ("identifier", "sameAs"):
        value = obj.get(key)
        values = value if isinstance(value, list) else [value]
        for v in values:
            candidates.append(v.get("value") if isinstance(v, dict) else v)
    for c in candidates:
        if isinstance(c, str) and (doi := clean_doi(c[c.find("10.") :] if "10." in c else c)):
            return doi
    return None


def _ld_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def page_metadata(root: Node) -> tuple[Metadata, tuple[str, ...]]:
    """The page's Metadata and notes on what could not be read."""
    tags = meta_tags(root)
    ld, note = json_ld(root)
    ld = ld or {}
    title_tag = next(root.iter("title"), None)
    title = clean_title(
        _first(tags, TITLE_NAMES)
        or _ld_text(ld.get("headline") or ld.get("name"))
        or (title_tag.text() if title_tag else None)
    )
    doi = next(
        (d for v in (tags.get(n, []) for n in DOI_NAMES) for x in v if (d := clean_doi(x))), None
    ) or _ld_doi(ld)
    year = year_from(_first(tags, DATE_NAMES)) or year_from(_ld_text(ld.get("datePublished")))
    venue = _first(tags, VENUE_NAMES) or _ld_text(ld.get("isPartOf")) or None
    authors = tuple(tags.get("citation_author", ()))
    if not authors and isinstance(ld.get("author"), list):
        authors = tuple(a for a in map(_ld_text, ld["author"]) if a)
    notes = (note,) if note else ()
    return Metadata(title=title, authors=authors, doi=doi, year=year, venue=venue), notes
