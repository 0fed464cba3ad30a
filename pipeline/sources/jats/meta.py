"""Bibliographic metadata of a JATS article from its front matter."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.document import Metadata
from pipeline.sources.build import flatten
from pipeline.sources.meta import clean_doi, year_from
from pipeline.sources.xmlsafe import first, text_of


def article_metadata(article: Element) -> Metadata:
    """Title, authors, DOI, year and journal of an ``<article>``."""
    meta = first(article, "front/article-meta")
    journal = first(article, "front/journal-meta")
    doi = None
    if meta is not None:
        for aid in meta.findall("article-id"):
            if aid.get("pub-id-type") == "doi":
                doi = clean_doi(text_of(aid))
                break
    venue = flatten(text_of(first(journal, ".//journal-title"))) or None
    title = flatten(text_of(first(meta, "title-group/article-title"), skip=("xref", "fn")))
    return Metadata(
        title=title or None,
        authors=_authors(meta),
        doi=doi,
        year=_year(meta),
        venue=venue,
        article_type=(article.get("article-type") or "").strip().lower() or None,
    )


def _authors(meta: Element | None) -> tuple[str, ...]:
    names: list[str] = []
    if meta is None:
        return ()
    for group in meta.findall("contrib-group"):
        for contrib in group.findall("contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = contrib.find("name")
            if name is None:
                name = contrib.find("name-alternatives/name")
            if name is not None:
                given = flatten(text_of(name.find("given-names")))
                surname = flatten(text_of(name.find("surname")))
                suffix = flatten(text_of(name.find("suffix")))
                full = " ".join(p for p in (given, surname, suffix) if p)
            elif contrib.find("string-name") is not None:
                full = flatten(text_of(contrib.find("string-name")))
            elif contrib.find("collab") is not None:
                full = flatten(text_of(contrib.find("collab"), skip=("contrib-group", "xref")))
            else:
                full = ""
            if full:
                names.append(full)
    return tuple(names)


def _year(meta: Element | None) -> int | None:
    if meta is None:
        return None
    dates = meta.findall("pub-date")

    def rank(d: Element) -> int:
        kind = (d.get("pub-type") or d.get("date-type") or "").lower()
        fmt = (d.get("publication-format") or "").lower()
        if kind in ("epub", "epub-ppub") or (kind in ("pub", "publication") and fmt != "print"):
            return 0
        if kind in ("ppub", "pub", "publication"):
            return 1
        if kind == "collection":
            return 2
        return 3

    for date in sorted(dates, key=rank):
        year = year_from(text_of(date.find("year"))) or year_from(date.get("iso-8601-date"))
        if year:
            return year
    return None
