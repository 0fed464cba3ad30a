"""PubMed XML (``<PubmedArticleSet>``) -> Document: a record's title and abstract.

PubMed records hold no body text. ``sniff`` calls these files "jats" and the JATS reader hands
them here, so their Documents say format "jats" too.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.document import Document, Metadata
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.meta import clean_doi, year_from
from pipeline.sources.xmlsafe import first, text_of

FORMAT = "jats"
ROOTS = ("PubmedArticleSet", "PubmedArticle")


def read_records(root: Element, notes: list[str]) -> Document:
    """Read the first record of a parsed PubMed file (its root is one of ``ROOTS``)."""
    records = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    if not records:
        raise NoText("PubMed file without a <PubmedArticle> record")
    if len(records) > 1:
        notes.append(f"the file holds {len(records)} PubMed records; only the first was read")
    return _read_record(records[0], notes)


def _read_record(record: Element, notes: list[str]) -> Document:
    """A PubMed record: title and abstract only."""
    citation = record.find("MedlineCitation")
    art = first(citation, "Article")
    if art is None:
        raise MalformedInput("PubMed record without a <MedlineCitation><Article> element")
    b = DocumentBuilder()
    title = flatten(text_of(art.find("ArticleTitle"))) or None
    if title:
        b.paragraph(title)
    texts = art.findall("Abstract/AbstractText")
    if not texts:
        raise NoText("the PubMed record has no abstract (title only)")
    b.heading("Abstract", kind="abstract")
    for t in texts:
        label = (t.get("Label") or "").strip()
        body = flatten(text_of(t))
        b.paragraph(f"{label}: {body}" if label and body else body)
    authors = []
    for author in art.findall("AuthorList/Author"):
        if author.find("LastName") is not None:
            parts = (text_of(author.find("ForeName")), text_of(author.find("LastName")))
            authors.append(flatten(" ".join(parts)))
        elif author.find("CollectiveName") is not None:
            authors.append(flatten(text_of(author.find("CollectiveName"))))
    doi = None
    for loc in art.findall("ELocationID"):
        if loc.get("EIdType") == "doi":
            doi = clean_doi(text_of(loc))
    for aid in record.findall("PubmedData/ArticleIdList/ArticleId"):
        if doi is None and aid.get("IdType") == "doi":
            doi = clean_doi(text_of(aid))
    pub_date = art.find("Journal/JournalIssue/PubDate")
    year = year_from(text_of(first(pub_date, "Year"))) or year_from(
        text_of(first(pub_date, "MedlineDate"))
    )
    metadata = Metadata(
        title=title,
        authors=tuple(a for a in authors if a),
        doi=doi,
        year=year,
        venue=flatten(text_of(art.find("Journal/Title"))) or None,
    )
    notes.append("PubMed record: title and abstract only")
    return b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))
