"""The article's own text from an HTML page: its content root, without the page's chrome.

Chrome is recognised by element (nav, aside, footer, forms, scripts), by ARIA role, by being
hidden, and by class or id words that sites use for it (cookie, consent, sidebar, share,
toolbar, ...). Reference lists are recognised by their heading or class and left out; of a
figure or table only its caption is kept (not its image, cells, or "Download figure" links).
"""

from __future__ import annotations

import re

from pipeline.document import section_kind
from pipeline.sources.build import DocumentBuilder, flatten
from pipeline.sources.html.tree import Node

DROP_TAGS = frozenset(
    "script style noscript template svg canvas iframe object embed form button input select "
    "textarea nav aside footer dialog video audio map head".split()
)
DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"}
)
# Class or id values that mark page chrome: any of these words inside a value split at - and _
# ("ltx_page_navbar", "cookie-consent"), or one of the whole values after them.
CHROME_WORDS = frozenset(
    "cookie cookies consent gdpr popup modal navbar nav sidenav menu sidebar breadcrumb "
    "breadcrumbs share sharing social toolbar masthead skip skipnav advert advertisement ads "
    "banner footer metrics altmetric tweets comments invisible".split()
)
CHROME_VALUES = frozenset(
    "related-articles citation-tools article-tools back-to-top visually-hidden sr-only "
    "print-only ltx_authors ltx_dates mob_header ltx_page_logo license-info permissions".split()
)
REFERENCE_VALUES = frozenset(
    "ref-list reflist references bibliography ltx_bibliography ltx_biblist biblist cit-list "
    "citation-list".split()
)
FIGURE_TAGS = frozenset({"figure", "table"})
FIGURE_VALUES = frozenset("fig figure table-wrap ltx_figure ltx_table type-figure".split())
CAPTION_VALUES = frozenset("fig-caption caption ltx_caption".split())
_SPLIT = re.compile(r"[-_]")
FRONT_MATTER_LABEL = re.compile(r"\b(citation and metadata|article metadata)\b", re.IGNORECASE)
_END_ABSTRACT = object()
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCKS = frozenset(
    "p div section article main li ul ol dl dt dd blockquote pre figcaption caption header "
    "hgroup body table tr td th tbody thead address details summary".split()
)
# Content roots, most specific first: (tag or None, attribute, regex on its value).
ROOTS: tuple[tuple[str | None, str, str], ...] = (
    (None, "itemprop", r"^articleBody$"),
    ("article", "", ""),
    (None, "id", r"^(fulltextcontent|article-body|maincontent|main-content)$"),
    (None, "class", r"(^|\s)(fulltext-view|article-body|article__body|ltx_document)(\s|$)"),
    ("main", "", ""),
    (None, "role", r"^main$"),
)


def _values(node: Node) -> list[str]:
    return f"{node.get('class')} {node.get('id')}".lower().split()


def _marked(node: Node, values: frozenset[str]) -> bool:
    return any(v in values for v in _values(node))


def is_chrome(node: Node) -> bool:
    if node.tag in DROP_TAGS or node.get("role").lower() in DROP_ROLES:
        return True
    if FRONT_MATTER_LABEL.search(node.get("aria-label")):
        return True  # PMC's "Article citation and metadata": journal line, authors, licence
    if "hidden" in node.attrs or node.get("aria-hidden").lower() == "true":
        return True
    if re.search(r"display\s*:\s*none", node.get("style"), re.IGNORECASE):
        return True
    return any(
        v in CHROME_VALUES or not CHROME_WORDS.isdisjoint(_SPLIT.split(v)) for v in _values(node)
    )


def content_root(doc: Node) -> Node:
    """The element that holds the article: the largest match of the first rule that matches."""
    for tag, attr, pattern in ROOTS:
        found = [
            n for n in doc.iter(tag) if not attr or re.search(pattern, n.get(attr), re.IGNORECASE)
        ]
        found = [n for n in found if not is_chrome(n)]
        if found:
            return max(found, key=lambda n: len(n.text()))
    return next(doc.iter("body"), doc)


class BodyWriter:
    """Walks the content root into a DocumentBuilder: headings start sections, blocks are
    paragraphs, inline elements join into their block's text."""

    def __init__(self, builder: DocumentBuilder, title: str | None) -> None:
        self.b = builder
        self.title = flatten(title or "").lower()
        self.buffer: list[str] = []
        self.in_references = False
        self.in_abstract = 0  # depth of elements marked abstract around the walk
        self.dropped_references = 0

    def flush(self) -> None:
        text = flatten("".join(self.buffer))
        self.buffer = []
        if text and not self.in_references:
            self.b.paragraph(text, flat=True)

    def heading(self, node: Node) -> None:
        self.flush()
        text = node.text()
        if not text:
            return
        if node.tag == "h1" and (not self.title or text.lower() == self.title):
            return  # the page title, kept in the metadata
        kind = "abstract" if self.in_abstract else section_kind(text)
        self.in_references = kind == "references"
        if self.in_references:
            self.dropped_references += 1
            return
        self.b.heading(text, kind=kind)

    def walk(self, node: Node) -> None:
        # An explicit stack, not recursion: hostile pages nest deeply.
        stack: list[Node | str | object | None] = [node]
        while stack:
            item = stack.pop()
            if item is None:  # the end of a block
                self.flush()
            elif item is _END_ABSTRACT:
                self.in_abstract -= 1
            elif isinstance(item, str):
                self.buffer.append(item)
            elif not isinstance(item, Node):
                continue
            elif item.tag in HEADINGS:
                self.heading(item)
            elif is_chrome(item):
                continue
            elif _marked(item, REFERENCE_VALUES):
                self.flush()
                self.dropped_references += 1
            elif item.tag in FIGURE_TAGS or _marked(item, FIGURE_VALUES):
                self.caption(item)
            elif item.tag == "math":
                self.buffer.append(f" {item.get('alttext')} " if item.get("alttext") else " ")
            elif item.tag in ("br", "img"):
                self.buffer.append(" ")
            elif item.tag in BLOCKS:
                self.flush()
                stack.append(None)
                if any("abstract" in _SPLIT.split(v) for v in _values(item)):
                    self.in_abstract += 1
                    stack.append(_END_ABSTRACT)
                stack.extend(reversed(item.children))
            else:
                stack.extend(reversed(item.children))

    def caption(self, node: Node) -> None:
        """Only the caption of a figure or table, as one paragraph."""
        self.flush()
        captions = [
            n
            for n in node.iter()
            if n is not node and (n.tag in ("figcaption", "caption") or _marked(n, CAPTION_VALUES))
        ]
        if captions and not self.in_references:
            label = " ".join(n.text() for n in node.iter() if "fig-label" in n.get("class"))
            text = captions[0].text()
            if label and not text.startswith(label):
                text = f"{label} {text}"
            self.b.paragraph(text)
