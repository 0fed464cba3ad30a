"""JATS elements read as one line of text: inline prose and reference-list entries.

Inline markup (italics, links, cited superscripts) is kept as its text and block elements are
left out; inline MathML is kept only when short enough to read as text ("n=20").
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pipeline.sources.build import flatten
from pipeline.sources.meta import reference_line
from pipeline.sources.xmlsafe import text_of

MAX_INLINE_MATH_CHARS = 40
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


class InlineText:
    """Reads inline content as flat text, counting the formulas it drops as too long."""

    def __init__(self) -> None:
        self.long_math = 0

    def text(self, el: Element | None) -> str:
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

    def reference(self, ref: Element) -> str:
        """One ``<ref>`` as a reference line, its label first."""
        label = self.text(ref.find("label"))
        cite = ref.find("mixed-citation")
        if cite is None:
            for tag in ("element-citation", "citation", "nlm-citation"):
                cite = ref.find(f".//{tag}")
                if cite is not None:
                    break
        if cite is None:
            text = self.text(ref)
        elif _has_mixed_text(cite):
            text = self.text(cite)
        else:
            text = _structured_citation(cite)
        text = text.lstrip(". ")
        if label and not text.startswith(label):
            text = f"{label}. {text}" if label[-1].isalnum() else f"{label} {text}"
        return text


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
    where = fields.get("source", "")
    if fields.get("volume"):
        where += f" {fields['volume']}"
        if fields.get("issue"):
            where += f"({fields['issue']})"
    if fields.get("fpage"):
        pages = fields["fpage"] + (f"-{fields['lpage']}" if fields.get("lpage") else "")
        where += f": {pages}"
    title = fields.get("article-title", "")
    return reference_line(authors, fields.get("year"), [title], where.strip(), extra)
