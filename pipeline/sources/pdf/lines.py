"""The positioned lines every PDF back end produces, and what the later steps measure on them.

A leaf of ``pipeline.sources.pdf``: the back ends (``backends``, ``pdfminer``), ``layout`` and
``headings`` all import these types from here, so none of them imports another in a circle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PASSWORD_HINT = "encrypted PDF: a password is required; decrypt it first (e.g. qpdf --decrypt)"

# Bold faces by name: "Times-Bold", "NimbusRomNo9L-Medi" (Times bold in TeX), "CMBX10".
_BOLD_FONT = re.compile(r"bold|black|heavy|demi|medi(?![a-z])|cmbx|\bbx|\.b$", re.IGNORECASE)
ASCENT, DESCENT = 0.8, 0.2  # of the font size, for boxes built from a baseline


@dataclass(slots=True)
class Line:
    """One visual line of text with its box (points from the page's top-left) and font.

    Treated as a value, never changed in place (a new one is made instead); not frozen because
    a frozen dataclass takes four times as long to build, and pages have 150,000 of them.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass(slots=True)
class Page:
    """The lines of one page in the order the back end reads them; ``error`` if it failed."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class RawPDF:
    """What a back end extracted: the first ``max_pages`` pages, the page count, the info dict."""

    extractor: str
    pages: list[Page]
    n_pages: int
    info: dict[str, str]


def is_bold_font(name: str, weight: int = -1) -> bool:
    """True for a bold face, judged by the font weight when known, else by its name."""
    return weight >= 600 or bool(_BOLD_FONT.search(name))


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(frozen=True, slots=True)
class Body:
    """Typical font size and line pitch of the running text, to judge gaps and headings."""

    size: float
    pitch: float
