"""Parse untrusted XML safely and walk it as prose: no entities, no DTD fetching, no network.

defusedxml refuses every entity declaration (which covers XXE and entity-expansion bombs); expat
never loads an external DTD, so a JATS ``<!DOCTYPE ... "JATS-archivearticle1.dtd">`` costs
nothing. The named character entities such a DTD would have defined (``&nbsp;``, ``&rsqb;``)
are mapped from the HTML5 table instead.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Iterable
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from pipeline.errors import MalformedInput

XML_BUILTIN_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# Real articles nest ~40 levels (MathML included); deeper trees are refused, as the readers
# walk them recursively.
MAX_XML_DEPTH = 200
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


class _UnknownEntities(dict[str, str]):
    """Entity table for expat's undefined-entity fallback: unknown names become "" and are
    remembered, so one odd entity does not lose the whole paper."""

    def __init__(self) -> None:
        super().__init__()
        self.unknown: set[str] = set()

    def __missing__(self, key: str) -> str:
        self.unknown.add(key)
        return ""


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1).decode("ascii")
    if name in XML_BUILTIN_ENTITIES:
        return match.group(0)
    chars = html.entities.html5.get(name + ";")
    if chars is None:
        return match.group(0)
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


def parse_xml(data: bytes) -> tuple[Element, tuple[str, ...]]:
    """Parse ``data`` into an element tree with namespaces stripped from tags and attributes.

    Returns the root and notes on what was repaired. Raises MalformedInput for broken XML and
    for XML that declares entities (refused for safety: XXE, entity-expansion bombs).
    """
    data = _NAMED_ENTITY.sub(_numeric_entity, data)
    parser = DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    entities = _UnknownEntities()
    parser.entity = entities
    try:
        parser.feed(data)
        root = parser.close()
    except EntitiesForbidden as exc:
        raise MalformedInput(
            f"XML declares entities (<!ENTITY {exc.name} ...>), refused for safety: "
            "entity declarations allow external-file reads and expansion bombs"
        ) from None
    except DTDForbidden:  # pragma: no cover - forbid_dtd is off; kept for a changed default
        raise MalformedInput("XML with a DTD refused for safety") from None
    except DefusedXmlException as exc:
        raise MalformedInput(f"XML refused for safety: {exc}") from None
    except ParseError as exc:
        line, column = exc.position
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise MalformedInput(f"malformed XML: {message} at line {line}, column {column}") from None
    except expat.ExpatError as exc:  # raised by expat directly for some encodings
        raise MalformedInput(
            f"malformed XML: {expat.ErrorString(exc.code)} at line {exc.lineno}"
        ) from None
    except (LookupError, ValueError) as exc:  # unknown encoding declaration, bad bytes
        raise MalformedInput(f"malformed XML: {exc}") from None
    if _depth(root) > MAX_XML_DEPTH:
        raise MalformedInput(
            f"XML nests elements more than {MAX_XML_DEPTH} levels deep: not an article"
        )
    _strip_namespaces(root)
    notes: tuple[str, ...] = ()
    if entities.unknown:
        names = ", ".join(sorted(f"&{n};" for n in entities.unknown))
        notes = (f"unknown XML entities dropped: {names}",)
    return root, notes


def _depth(root: Element) -> int:
    """How deep the tree goes, counted without recursion."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_XML_DEPTH:
            stack.extend((child, depth + 1) for child in el)
    return deepest


def local_name(name: str) -> str:
    """``{namespace}tag`` -> ``tag``."""
    return name.rsplit("}", 1)[-1] if name.startswith("{") else name


def _strip_namespaces(root: Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = local_name(el.tag)
        if any(k.startswith("{") for k in el.attrib):
            el.attrib = {local_name(k): v for k, v in el.attrib.items()}


def first(el: Element | None, path: str) -> Element | None:
    """``el.find(path)``, tolerating ``el`` being None."""
    return None if el is None else el.find(path)


def text_of(
    el: Element | None,
    *,
    skip: Iterable[str] = (),
    render: Callable[[Element], str | None] | None = None,
) -> str:
    """All text inside ``el`` in document order, as one string (not yet flattened).

    Elements named in ``skip`` are dropped but their tail text is kept. ``render`` may return a
    replacement string for an element (its subtree is then not walked), or None to walk it.
    """
    if el is None:
        return ""
    skip_set = frozenset(skip)
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag in skip_set or not isinstance(child.tag, str):
                pass
            else:
                replaced = render(child) if render is not None else None
                if replaced is None:
                    walk(child)
                else:
                    parts.append(replaced)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)
