"""GROBID TEI XML -> Document.

GROBID writes flat ``<div>``s (one per heading, numbered in ``<head n="2.1">``), the abstract in
``<profileDesc>``, acknowledgements and annexes as typed divs in ``<back>``, and the parsed
reference list as ``<listBibl>`` of ``<biblStruct>``s.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.meta import clean_doi, reference_line, year_from
from pipeline.sources.outline import Outline
from pipeline.sources.xmlsafe import first, parse_xml, text_of

FORMAT = "tei"
# Inside a paragraph: formulas and figure/table bodies are not prose; notes are separate.
INLINE_SKIP = ("formula", "figure", "table", "note", "graphic", "label")
BACK_DIV_KINDS = {
    "acknowledgement": "acknowledgements",
    "acknowledgements": "acknowledgements",
    "funding": "acknowledgements",
    "availability": "acknowledgements",
    "annex": "appendix",
    "appendix": "appendix",
}
DEFAULT_BACK_HEADINGS = {"acknowledgements": "Acknowledgements", "appendix": "Appendix"}


def _sentence(el: Element) -> str | None:
    # GROBID writes sentences as adjacent <s> elements with no space between them.
    if el.tag == "s":
        return " " + text_of(el, skip=INLINE_SKIP, render=_sentence) + " "
    return None


def _inline(el: Element | None) -> str:
    return flatten(text_of(el, skip=INLINE_SKIP, render=_sentence))


def _person(pers: Element | None) -> str:
    if pers is None:
        return ""
    parts = [text_of(f) for f in pers.findall("forename")]
    parts += [text_of(s) for s in pers.findall("surname")]
    return flatten(" ".join(parts))


def _metadata(header: Element | None) -> Metadata:
    title = _inline(first(header, "fileDesc/titleStmt/title"))
    bibl = first(header, "fileDesc/sourceDesc/biblStruct")
    if not title:
        title = _inline(first(bibl, "analytic/title"))
    authors = tuple(
        name
        for name in (
            _person(a.find("persName"))
            for a in (bibl.findall("analytic/author") if bibl is not None else [])
        )
        if name
    )
    doi = None
    for idno in header.iter("idno") if header is not None else ():
        if (idno.get("type") or "").lower() == "doi":
            doi = clean_doi(text_of(idno))
            break
    year = None
    for date in header.iter("date") if header is not None else ():
        year = year_from(date.get("when")) or year_from(text_of(date))
        if year:
            break
    venue = _inline(first(bibl, "monogr/title")) or None
    return Metadata(title=title or None, authors=authors, doi=doi, year=year, venue=venue)


def _reference(bibl: Element) -> str:
    """One ``<biblStruct>`` as a reference line; GROBID's raw string when it kept one."""
    for note in bibl.iter("note"):
        if note.get("type") == "raw_reference":
            return _inline(note)
    authors = [_person(a.find("persName")) for a in bibl.iter("author")]
    authors = [a for a in authors if a]
    date = bibl.find(".//imprint/date")
    year = (year_from(date.get("when")) or year_from(text_of(date))) if date is not None else None
    titles = [_inline(bibl.find(path)) for path in ("analytic/title", "monogr/title")]
    scopes = {s.get("unit"): flatten(text_of(s)) for s in bibl.iter("biblScope")}
    where = ""
    if scopes.get("volume"):
        where = scopes["volume"] + (f"({scopes['issue']})" if scopes.get("issue") else "")
        page = bibl.find(".//biblScope[@unit='page']")
        if page is not None and page.get("from"):
            where += f": {page.get('from')}-{page.get('to', '')}".rstrip("-")
    dois = [
        f"doi:{flatten(text_of(idno))}"
        for idno in bibl.iter("idno")
        if (idno.get("type") or "").lower() == "doi"
    ]
    return reference_line(authors, year, titles, where, dois)


class _Reader:
    def __init__(self) -> None:
        self.b = DocumentBuilder()
        self.outline = Outline()
        self.dropped_tables = 0

    def div(self, div: Element, forced: str | None) -> None:
        """A (flat) GROBID div: its head opens a section; paragraphs follow."""
        head = div.find("head")
        if head is not None:
            heading = " ".join(t for t in (head.get("n", ""), _inline(head)) if t)
            kind = forced or self.outline.kind(_inline(head), number=head.get("n"))
            if forced == "appendix" and section_kind(_inline(head)) == "acknowledgements":
                kind = "acknowledgements"  # GROBID files declarations under "annex"
            self.b.heading(heading, kind=kind)
        for child in div:
            tag = child.tag
            if tag == "head":
                continue
            if tag == "div":
                self.div(child, forced)
            elif tag in ("p", "ab", "quote"):
                self.b.paragraph(_inline(child))
            elif tag == "list":
                for item in child.iter("item"):
                    self.b.paragraph(_inline(item))
            elif tag == "figure":
                self.figure(child)
            elif tag == "note":
                self.b.paragraph(_inline(child))
            elif tag == "listBibl":
                self.references(child)

    def figure(self, fig: Element) -> None:
        if fig.get("type") == "table":
            self.dropped_tables += 1
        parts = [_inline(fig.find("head")), _inline(fig.find("figDesc"))]
        self.b.paragraph(" ".join(p for p in parts if p))

    def references(self, list_bibl: Element) -> None:
        self.b.heading("References", kind="references")
        for bibl in list_bibl:
            if bibl.tag in ("biblStruct", "bibl"):
                self.b.paragraph(_reference(bibl) if bibl.tag == "biblStruct" else _inline(bibl))


def read(data: bytes) -> Document:
    """Read GROBID TEI XML."""
    root, parse_notes = parse_xml(data)
    if root.tag == "teiCorpus":
        tei = root.find("TEI")
        if tei is None:
            raise MalformedInput("TEI corpus without a <TEI> document")
        parse_notes += ("teiCorpus: only the first <TEI> document was read",)
        root = tei
    if root.tag != "TEI":
        raise MalformedInput(f"XML root <{root.tag}> is not TEI")
    header = root.find("teiHeader")
    metadata = _metadata(header)
    reader = _Reader()
    b = reader.b
    if metadata.title:
        b.paragraph(metadata.title)

    abstract = first(header, "profileDesc/abstract")
    has_abstract = bool(_inline(abstract)) if abstract is not None else False
    if abstract is not None and has_abstract:
        b.heading("Abstract", kind="abstract")
        for el in abstract.iter():
            if el.tag == "head":
                b.heading(_inline(el), kind="abstract")
            elif el.tag == "p":
                b.paragraph(_inline(el))

    text = root.find("text")
    body = first(text, "body")
    start = b.length
    if body is not None:
        b.heading("", kind="other", include=False)
        for child in body:
            if child.tag == "div":
                reader.div(child, None)
            elif child.tag == "figure":
                reader.figure(child)
            elif child.tag in ("p", "note"):
                b.paragraph(_inline(child))
    if b.length == start and not has_abstract:
        raise NoText("the TEI file has neither an abstract nor body text")

    back = first(text, "back")
    for div in back if back is not None else ():
        if div.tag != "div":
            continue
        if div.get("type") == "references" or div.find(".//listBibl") is not None:
            for list_bibl in div.iter("listBibl"):
                reader.references(list_bibl)
            continue
        kind = BACK_DIV_KINDS.get(div.get("type", ""), "appendix")
        if div.find("head") is None and div.find("div/head") is None:
            b.heading(DEFAULT_BACK_HEADINGS[kind], kind=kind)
        reader.div(div, kind)
    notes = list(parse_notes)
    if reader.dropped_tables:
        notes.append(f"dropped {reader.dropped_tables} table bodies (captions kept)")
    return b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))
