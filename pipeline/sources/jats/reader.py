"""JATS/NLM XML (PLOS, eLife, SciELO, PMC) -> Document; PubMed files go to ``pubmed``.

Reading order: title, abstracts, body, then back matter (acknowledgements, appendices, notes,
reference list). Table bodies and display formulas are dropped (captions kept); inline text
comes from ``jats_inline`` and the metadata from ``jats_meta``.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.document import Document, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources import pubmed
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.jats.inline import BLOCKS, DROPPED, InlineText
from pipeline.sources.jats.meta import article_metadata
from pipeline.sources.xmlsafe import first, parse_xml, text_of

FORMAT = "jats"

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
TRANSLATION_LANG = "en"


class _Reader:
    """Walks one article's tree and feeds a DocumentBuilder."""

    def __init__(self) -> None:
        self.b = DocumentBuilder()
        self.inline = InlineText()
        self.dropped_tables = 0
        self.dropped_formulas = 0

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
                    self.b.paragraph(self.inline.text(item))
        elif tag == "def-list":
            for item in el.iter("def-item"):
                term = self.inline.text(item.find("term"))
                definition = " ".join(self.inline.text(p) for p in item.iter("p"))
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
            self.b.paragraph(self.inline.text(el))

    def nested(self, el: Element, kind: str) -> None:
        """Blocks inside a box, quote or footnote: sub-headings become paragraphs."""
        label = self.inline.text(el.find("label")) if el.tag == "fn" else ""
        for child in el:
            if child.tag in ("label", "caption", "object-id"):
                continue
            if child.tag in ("title", "attrib"):
                self.b.paragraph(self.inline.text(child))
            elif child.tag in ("sec", "fn-group", "fn"):
                self.b.paragraph(self.inline.text(child.find("title")))
                self.nested(child, kind)
            elif label and child.tag == "p":
                self.b.paragraph(f"{label} {self.inline.text(child)}")
                label = ""
            else:
                self.block(child, kind)

    def paragraph(self, p: Element, kind: str) -> None:
        """A <p>: its sentence, then any block elements nested inside it, in order."""
        self.b.paragraph(self.inline.text(p))
        for child in _outer_blocks(p):
            self.block(child, kind)

    def list_item(self, item: Element, kind: str) -> None:
        label = self.inline.text(item.find("label"))
        for child in item:
            if child.tag == "label":
                continue
            if child.tag == "p" and label:
                self.b.paragraph(f"{label} {self.inline.text(child)}")
                label = ""
            else:
                self.block(child, kind)

    def caption(self, el: Element) -> None:
        """Label and caption of a figure, table or box as one paragraph."""
        parts: list[str] = []
        label = self.inline.text(el.find("label"))
        if label:
            parts.append(label if label[-1] in ".:" else label + ".")
        cap = el.find("caption")
        if cap is not None:
            for child in cap:
                if child.tag in ("title", "p"):
                    parts.append(self.inline.text(child))
        elif el.tag in ("boxed-text", "statement") and el.find("title") is not None:
            parts.append(self.inline.text(el.find("title")))
        self.b.paragraph(" ".join(p for p in parts if p))

    def section(self, sec: Element, parent_kind: str | None, force: str | None) -> None:
        heading = " ".join(
            t
            for t in (self.inline.text(sec.find("label")), self.inline.text(sec.find("title")))
            if t
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

    def part(self, el: Element, heading: str, kind: str) -> None:
        """A part whose subsections all take its kind: an abstract, acknowledgements, notes."""
        self.b.heading(heading, kind=kind)
        self.blocks(el, kind, heading, force=kind)

    def back(self, back: Element, extra_refs: Element | None) -> None:
        has_refs = False
        for child in back:
            tag = child.tag
            if tag == "ack":
                heading = self.inline.text(child.find("title")) or "Acknowledgements"
                self.part(child, heading, "acknowledgements")
            elif tag == "app-group":
                heading = self.inline.text(child.find("title"))
                if heading:
                    self.b.heading(heading, kind="appendix")
                self.blocks(child, "appendix", heading, force="appendix")
            elif tag == "app":
                self.section(child, parent_kind=None, force="appendix")
            elif tag == "ref-list":
                has_refs = True
                self.references(child)
            elif tag == "fn-group":
                heading = self.inline.text(child.find("title")) or "Notes"
                kind = section_kind(heading)
                self.part(child, heading, "acknowledgements" if kind == "other" else kind)
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
        heading = self.inline.text(ref_list.find("title")) or "References"
        self.b.heading(heading, kind="references")
        for child in ref_list:
            if child.tag == "ref":
                self.b.paragraph(self.inline.reference(child))
            elif child.tag == "ref-list":
                self.references(child)
            elif child.tag == "p":
                self.b.paragraph(self.inline.text(child))


def _outer_blocks(el: Element) -> list[Element]:
    """Block elements nested inside ``el`` (a paragraph), outermost only, in document order."""
    found: list[Element] = []
    for child in el:
        if child.tag in BLOCKS or child.tag in ("disp-formula", "disp-formula-group"):
            found.append(child)
        else:
            found.extend(_outer_blocks(child))
    return found


def _lang(el: Element) -> str:
    return (el.get("lang") or "").lower().split("-")[0]


def _read_article(article: Element, notes: list[str]) -> Document:
    metadata = article_metadata(article)
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

    title = reader.inline.text(first(front, "title-group/article-title")) or metadata.title
    if title:
        b.paragraph(title)

    abstracts = front.findall("abstract") if front is not None else []
    abstracts.sort(key=lambda a: a.get("abstract-type", "") not in ("", "abstract"))
    if translation is None and main_lang and main_lang != TRANSLATION_LANG and front is not None:
        abstracts += [a for a in front.findall("trans-abstract") if _lang(a) == TRANSLATION_LANG]
    abstracts = [a for a in abstracts if flatten(text_of(a, skip=("title", "label")))]
    for abstract in abstracts:
        default = ABSTRACT_HEADINGS.get(abstract.get("abstract-type", "").lower(), "Summary")
        reader.part(abstract, reader.inline.text(abstract.find("title")) or default, "abstract")
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
    if reader.dropped_tables or reader.dropped_formulas or reader.inline.long_math:
        notes.append(
            f"dropped {reader.dropped_tables} table bodies, {reader.dropped_formulas} display "
            f"formulas and {reader.inline.long_math} long inline formulas (captions kept)"
        )
    return b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))


def read(data: bytes) -> Document:
    """Read a JATS/NLM article, a PMC ``<pmc-articleset>`` or a PubMed ``<PubmedArticleSet>``."""
    root, parse_notes = parse_xml(data)
    notes = list(parse_notes)
    if root.tag in pubmed.ROOTS:
        return pubmed.read_records(root, notes)
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
