"""JATS/NLM XML (PLOS, eLife, SciELO, PMC, PubMed) -> Document.

Reading order: title, abstracts, body, then back matter (acknowledgements, appendices, notes,
reference list). Table bodies and display formulas are dropped (captions kept); inline MathML
is kept only when short enough to read as text ("n=20").
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.xmlsafe import (
    clean_doi,
    first,
    parse_xml,
    text_of,
    year_from,
)

FORMAT = "jats"
MAX_INLINE_MATH_CHARS = 40

# sec-type values (JATS recommends these, "|" joins several) -> section kind.
SEC_TYPE_KINDS = {
    "intro": "introduction",
    "introduction": "introduction",
    "background": "introduction",
    "methods": "methods",
    "materials": "methods",
    "materials|methods": "methods",
    "methods|materials": "methods",
    "subjects": "methods",
    "cases": "methods",
    "model": "methods",
    "datasets": "methods",
    "results": "results",
    "results|discussion": "results",
    "discussion": "discussion",
    "conclusions": "conclusion",
    "conclusion": "conclusion",
    "discussion|conclusions": "discussion",
    "supplementary-material": "appendix",
    "appendix": "appendix",
    "ack": "acknowledgements",
    "data-availability": "acknowledgements",
    "additional-information": "acknowledgements",
    "funding-information": "acknowledgements",
    "coi-statement": "acknowledgements",
    "author-contributions": "acknowledgements",
}
ABSTRACT_HEADINGS = {
    "": "Abstract",
    "abstract": "Abstract",
    "summary": "Author summary",
    "executive-summary": "Digest",
    "editors-summary": "Editors' summary",
    "editor": "Editors' summary",
    "toc": "Summary",
    "teaser": "Summary",
    "key-points": "Key points",
}
# Elements that are their own paragraphs, never part of a sentence.
BLOCKS = frozenset(
    "p sec fig fig-group table-wrap table-wrap-group list disp-quote boxed-text def-list "
    "supplementary-material preformat code statement fn fn-group glossary ref-list speech "
    "verse-group chem-struct-wrap array question-wrap notes".split()
)
# Elements dropped with everything inside (their tail text is kept).
DROPPED = frozenset(
    "disp-formula disp-formula-group graphic inline-graphic media object-id table "
    "table-wrap-foot tex-math annotation annotation-xml processing-meta alt-text long-desc "
    "attrib".split()
)
TRANSLATION_LANG = "en"


class _Reader:
    """Walks one article's tree and feeds a DocumentBuilder."""

    def __init__(self) -> None:
        self.b = DocumentBuilder()
        self.dropped_tables = 0
        self.dropped_formulas = 0
        self.long_math = 0

    # --- inline text -------------------------------------------------------------------

    def inline(self, el: Element | None) -> str:
        """The prose of ``el``: inline markup kept as text, blocks and formulas left out."""
        return flatten(text_of(el, skip=DROPPED | BLOCKS, render=self._render))

    def _render(self, el: Element) -> str | None:
        tag = el.tag
        if tag in ("inline-formula", "math"):
            return self._math(el)
        if tag == "alternatives":
            for child in el:
                if child.tag in ("math", "inline-formula"):
                    return self._math(child)
            return ""
        if tag == "sup" and el.find(".//xref[@ref-type='bibr']") is not None:
            cited = flatten(text_of(el))
            if cited and not cited.startswith(("[", "(")):
                return f" [{cited}]"
            return cited
        if tag == "break":
            return " "
        return None

    def _math(self, el: Element) -> str:
        """Short inline MathML as plain text ("n=20"); longer formulas are dropped."""
        math = el if el.tag == "math" else el.find(".//math")
        if math is None:
            alt = el.find(".//tex-math")
            text = flatten(text_of(alt)) if alt is not None else flatten(text_of(el))
        else:
            text = "".join(text_of(math, skip=("annotation", "annotation-xml")).split())
        if len(text) > MAX_INLINE_MATH_CHARS:
            self.long_math += 1
            return ""
        return text

    # --- blocks --------------------------------------------------------------------------

    def blocks(self, el: Element, kind: str, heading: str, force: str | None = None) -> None:
        """Emit the block content of ``el`` (a sec, body, ack, ...): paragraphs and subsections.

        ``kind``/``heading`` describe the section ``el`` opened; when a subsection ends and
        more paragraphs of ``el`` follow, the parent section is opened again for them.
        ``force`` is a kind every subsection takes (inside an abstract, an appendix, ...).
        """
        reopen = False
        for child in el:
            tag = child.tag
            if tag in ("title", "label", "sec-meta", "object-id", "kwd-group"):
                continue
            if tag in ("sec", "app") or (tag == "fn-group" and child.find("title") is not None):
                self.section(child, parent_kind=kind, force=force)
                reopen = True
                continue
            if reopen:
                self.b.heading(heading, kind=kind, include=False)
                reopen = False
            self.block(child, kind)

    def block(self, el: Element, kind: str) -> None:
        tag = el.tag
        if tag == "p":
            self.paragraph(el, kind)
        elif tag in ("fig", "table-wrap", "supplementary-material", "chem-struct-wrap"):
            self.caption(el)
            if tag == "table-wrap" and el.find(".//table") is not None:
                self.dropped_tables += 1
        elif tag in ("fig-group", "table-wrap-group"):
            self.caption(el)
            for child in el:
                if child.tag in ("fig", "table-wrap"):
                    self.block(child, kind)
        elif tag == "list":
            for item in el:
                if item.tag == "list-item":
                    self.list_item(item, kind)
                elif item.tag == "title":
                    self.b.paragraph(self.inline(item))
        elif tag == "def-list":
            for item in el.iter("def-item"):
                term = self.inline(item.find("term"))
                definition = " ".join(self.inline(p) for p in item.iter("p"))
                self.b.paragraph(f"{term}: {definition}" if term else definition)
        elif tag in ("disp-quote", "boxed-text", "statement", "speech", "notes", "question-wrap"):
            self.caption(el)
            self.nested(el, kind)
        elif tag in ("fn", "fn-group"):
            self.nested(el, kind)
        elif tag in ("preformat", "code", "verse-group"):
            self.b.paragraph(text_of(el), keep_lines=True)
        elif tag in ("disp-formula", "disp-formula-group"):
            self.dropped_formulas += 1
        elif tag == "ref-list":
            self.references(el)
        elif tag in DROPPED or tag in ("glossary", "array", "table"):
            return
        else:
            self.b.paragraph(self.inline(el))

    def nested(self, el: Element, kind: str) -> None:
        """Blocks inside a box, quote or footnote: sub-headings become paragraphs."""
        label = self.inline(el.find("label")) if el.tag == "fn" else ""
        for child in el:
            if child.tag in ("label", "caption", "object-id"):
                continue
            if child.tag in ("title", "attrib"):
                self.b.paragraph(self.inline(child))
            elif child.tag in ("sec", "fn-group", "fn"):
                self.b.paragraph(self.inline(child.find("title")))
                self.nested(child, kind)
            elif label and child.tag == "p":
                self.b.paragraph(f"{label} {self.inline(child)}")
                label = ""
            else:
                self.block(child, kind)

    def paragraph(self, p: Element, kind: str) -> None:
        """A <p>: its sentence, then any block elements nested inside it, in order."""
        self.b.paragraph(self.inline(p))
        for child in _outer_blocks(p):
            self.block(child, kind)

    def list_item(self, item: Element, kind: str) -> None:
        label = self.inline(item.find("label"))
        for child in item:
            if child.tag == "label":
                continue
            if child.tag == "p" and label:
                self.b.paragraph(f"{label} {self.inline(child)}")
                label = ""
            else:
                self.block(child, kind)

    def caption(self, el: Element) -> None:
        """Label and caption of a figure, table or box as one paragraph."""
        parts: list[str] = []
        label = self.inline(el.find("label"))
        if label:
            parts.append(label if label[-1] in ".:" else label + ".")
        cap = el.find("caption")
        if cap is not None:
            for child in cap:
                if child.tag in ("title", "p"):
                    parts.append(self.inline(child))
        elif el.tag in ("boxed-text", "statement") and el.find("title") is not None:
            parts.append(self.inline(el.find("title")))
        self.b.paragraph(" ".join(p for p in parts if p))

    def section(self, sec: Element, parent_kind: str | None, force: str | None) -> None:
        heading = " ".join(
            t for t in (self.inline(sec.find("label")), self.inline(sec.find("title"))) if t
        )
        kind = force
        if kind is None and sec.tag == "app":
            kind = "appendix"
        if kind is None and heading:
            # The title's words beat sec-type: PLOS marks "Discussion" sections "conclusions".
            kind = section_kind(heading)
        if kind is None or kind == "other":
            sec_type = (sec.get("sec-type") or "").strip().lower()
            kind = SEC_TYPE_KINDS.get(sec_type) or SEC_TYPE_KINDS.get(sec_type.split("|")[0])
        if kind is None:
            kind = parent_kind or "other"
        self.b.heading(heading, kind=kind)
        if force is None and kind in ("appendix", "acknowledgements", "references"):
            force = kind  # everything inside an appendix is appendix
        self.blocks(sec, kind, heading, force)

    # --- front and back ------------------------------------------------------------------

    def abstract(self, el: Element, default_heading: str) -> None:
        heading = self.inline(el.find("title")) or default_heading
        self.b.heading(heading, kind="abstract")
        self.blocks(el, "abstract", heading, force="abstract")

    def back(self, back: Element, extra_refs: Element | None) -> None:
        has_refs = False
        for child in back:
            tag = child.tag
            if tag == "ack":
                heading = self.inline(child.find("title")) or "Acknowledgements"
                self.b.heading(heading, kind="acknowledgements")
                self.blocks(child, "acknowledgements", heading, force="acknowledgements")
            elif tag == "app-group":
                heading = self.inline(child.find("title"))
                if heading:
                    self.b.heading(heading, kind="appendix")
                self.blocks(child, "appendix", heading, force="appendix")
            elif tag == "app":
                self.section(child, parent_kind=None, force="appendix")
            elif tag == "ref-list":
                has_refs = True
                self.references(child)
            elif tag == "fn-group":
                heading = self.inline(child.find("title")) or "Notes"
                kind = section_kind(heading)
                kind = "acknowledgements" if kind == "other" else kind
                self.b.heading(heading, kind=kind)
                self.blocks(child, kind, heading, force=kind)
            elif tag in ("sec", "notes"):
                # Untitled-kind back sections are declarations (contributions, data, ...).
                self.section(child, parent_kind="acknowledgements", force=None)
            elif tag in ("glossary", "label", "title"):
                continue
            else:
                self.b.heading("", kind="other", include=False)
                self.block(child, "other")
        if not has_refs and extra_refs is not None:
            self.references(extra_refs)

    def references(self, ref_list: Element) -> None:
        heading = self.inline(ref_list.find("title")) or "References"
        self.b.heading(heading, kind="references")
        for child in ref_list:
            if child.tag == "ref":
                self.b.paragraph(self.reference(child))
            elif child.tag == "ref-list":
                self.references(child)
            elif child.tag == "p":
                self.b.paragraph(self.inline(child))

    def reference(self, ref: Element) -> str:
        label = self.inline(ref.find("label"))
        cite = ref.find("mixed-citation")
        if cite is None:
            for tag in ("element-citation", "citation", "nlm-citation"):
                cite = ref.find(f".//{tag}")
                if cite is not None:
                    break
        if cite is None:
            text = self.inline(ref)
        elif _has_mixed_text(cite):
            text = self.inline(cite)
        else:
            text = _structured_citation(cite)
        text = text.lstrip(". ")
        if label and not text.startswith(label):
            text = f"{label}. {text}" if label[-1].isalnum() else f"{label} {text}"
        return text


def _outer_blocks(el: Element) -> list[Element]:
    """Block elements nested inside ``el`` (a paragraph), outermost only, in document order."""
    found: list[Element] = []
    for child in el:
        if child.tag in BLOCKS or child.tag in ("disp-formula", "disp-formula-group"):
            found.append(child)
        else:
            found.extend(_outer_blocks(child))
    return found


def _has_mixed_text(el: Element) -> bool:
    """True when a citation carries its own punctuation (a mixed-citation in all but name)."""
    if el.text and el.text.strip():
        return True
    return any(c.tail and c.tail.strip() for c in el)


def _person(name: Element) -> str:
    if name.tag == "name":
        surname = flatten(text_of(name.find("surname")))
        given = flatten(text_of(name.find("given-names")))
        return " ".join(p for p in (surname, given) if p)
    return flatten(text_of(name))


def _structured_citation(cite: Element) -> str:
    """An element-citation (no punctuation in the XML) as a readable reference line."""
    authors: list[str] = []
    fields: dict[str, str] = {}
    extra: list[str] = []
    for child in cite:
        tag = child.tag
        if tag == "person-group":
            for person in child:
                if person.tag in ("name", "string-name", "collab"):
                    authors.append(_person(person))
                elif person.tag == "etal":
                    authors.append("et al.")
        elif tag in ("name", "string-name", "collab"):
            authors.append(_person(child))
        elif tag == "etal":
            authors.append("et al.")
        elif tag in ("year", "article-title", "source", "volume", "issue", "fpage", "lpage"):
            fields.setdefault(tag, flatten(text_of(child)))
        elif tag in ("pub-id", "ext-link", "uri"):
            value = flatten(text_of(child))
            if child.get("pub-id-type", "doi") == "doi" and value:
                extra.append(f"doi:{value}" if not value.startswith("http") else value)
        elif tag not in ("label", "comment", "date-in-citation", "elocation-id"):
            value = flatten(text_of(child))
            if value:
                extra.append(value)
    parts = []
    if authors:
        parts.append(", ".join(authors))
    if fields.get("year"):
        parts.append(f"({fields['year']})")
    if fields.get("article-title"):
        parts.append(fields["article-title"].rstrip(".") + ".")
    where = fields.get("source", "")
    if fields.get("volume"):
        where += f" {fields['volume']}"
        if fields.get("issue"):
            where += f"({fields['issue']})"
    if fields.get("fpage"):
        pages = fields["fpage"] + (f"-{fields['lpage']}" if fields.get("lpage") else "")
        where += f": {pages}"
    if where.strip():
        parts.append(where.strip() + ".")
    parts.extend(extra)
    return " ".join(parts)


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


def _metadata(article: Element) -> Metadata:
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
    )


def _lang(el: Element) -> str:
    return (el.get("lang") or "").lower().split("-")[0]


def _read_article(article: Element, notes: list[str]) -> Document:
    metadata = _metadata(article)
    reader = _Reader()
    b = reader.b
    front = first(article, "front/article-meta")
    body = article.find("body")
    back = article.find("back")
    sub_articles = [s for s in article if s.tag in ("sub-article", "response")]

    # A non-English article with an English translation: read the translation, which is what
    # the (English) detector can use; keep the original's reference list.
    main_lang = _lang(article)
    translation = None
    if main_lang and main_lang != TRANSLATION_LANG:
        for sub in sub_articles:
            if sub.get("article-type") == "translation" and _lang(sub) == TRANSLATION_LANG:
                translation = sub
                break
    extra_refs = None
    if translation is not None:
        notes.append(
            f"read the English translation (sub-article) of this '{main_lang}' article; "
            "the original-language text is not included"
        )
        front = translation.find("front-stub")
        if front is None:
            front = translation.find("front/article-meta")
        extra_refs = back.find("ref-list") if back is not None else None
        body = translation.find("body")
        back = translation.find("back")
    skipped = [s.get("article-type") or s.tag for s in sub_articles if s is not translation]
    if skipped:
        notes.append("sub-articles not read: " + ", ".join(sorted(set(skipped))))

    title = reader.inline(first(front, "title-group/article-title")) or metadata.title
    if title:
        b.paragraph(title)

    abstracts = front.findall("abstract") if front is not None else []
    abstracts.sort(key=lambda a: a.get("abstract-type", "") not in ("", "abstract"))
    if translation is None and main_lang and main_lang != TRANSLATION_LANG and front is not None:
        abstracts += [a for a in front.findall("trans-abstract") if _lang(a) == TRANSLATION_LANG]
    abstracts = [a for a in abstracts if flatten(text_of(a, skip=("title", "label")))]
    for abstract in abstracts:
        kind = abstract.get("abstract-type", "").lower()
        reader.abstract(abstract, ABSTRACT_HEADINGS.get(kind, "Summary"))
    has_abstract = bool(abstracts)

    start_body = b.length
    if body is not None:
        b.heading("", kind="other", include=False)
        reader.blocks(body, "other", "")
    has_body = b.length > start_body
    if not has_body:
        notes.append("no body text: the file holds front matter only (title, abstract)")
    floats = article.find("floats-group")
    if floats is not None:
        b.heading("Figures and tables", kind="other", include=False)
        reader.blocks(floats, "other", "")
    if back is not None or extra_refs is not None:
        reader.back(back if back is not None else Element("back"), extra_refs)

    if not has_abstract and not has_body:
        raise NoText("the JATS article has neither an abstract nor body text")
    if reader.dropped_tables or reader.dropped_formulas or reader.long_math:
        notes.append(
            f"dropped {reader.dropped_tables} table bodies, {reader.dropped_formulas} display "
            f"formulas and {reader.long_math} long inline formulas (captions kept)"
        )
    return b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))


def _read_pubmed(record: Element, notes: list[str]) -> Document:
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


def read(data: bytes) -> Document:
    """Read a JATS/NLM article, a PMC ``<pmc-articleset>`` or a PubMed ``<PubmedArticleSet>``."""
    root, parse_notes = parse_xml(data)
    notes = list(parse_notes)
    if root.tag in ("PubmedArticleSet", "PubmedArticle"):
        records = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
        if not records:
            raise NoText("PubMed file without a <PubmedArticle> record")
        if len(records) > 1:
            notes.append(f"the file holds {len(records)} PubMed records; only the first was read")
        return _read_pubmed(records[0], notes)
    if root.tag == "article":
        article = root
    else:
        articles = root.findall("article") if root.tag == "pmc-articleset" else []
        if not articles:
            raise MalformedInput(
                f"XML root <{root.tag}> is not a JATS <article> (or a <pmc-articleset> of them)"
            )
        if len(articles) > 1:
            notes.append(f"the file holds {len(articles)} articles; only the first was read")
        article = articles[0]
    return _read_article(article, notes)
