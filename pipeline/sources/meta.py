"""Bibliographic details as every reader writes them: DOIs, years, titles, reference lines."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def year_from(text: str | None) -> int | None:
    """The first plausible publication year (1800-2199) in ``text``, or None."""
    if not text:
        return None
    m = re.search(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)", text)
    return int(m.group(1)) if m else None


def clean_doi(text: str | None) -> str | None:
    """Lowercase DOI without a resolver prefix ("https://doi.org/", "doi:"), or None."""
    if not text:
        return None
    doi = re.sub(r"\s+", "", text).strip().lower()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi)
    return doi if doi.startswith("10.") else None


def reference_line(
    authors: list[str],
    year: object,
    titles: Iterable[str],
    where: str,
    extra: Iterable[str] = (),
) -> str:
    """A reference built from its parts: "Authors (year) Title. Where. extra".

    Parts that are empty are left out; each title and ``where`` end with one full stop.
    """
    parts: list[str] = []
    if authors:
        parts.append(", ".join(authors))
    if year:
        parts.append(f"({year})")
    parts.extend(title.rstrip(".") + "." for title in titles if title)
    if where:
        parts.append(where + ".")
    parts.extend(extra)
    return " ".join(parts)


# --- years the paper's own identifiers encode --------------------------------------------------
# An arXiv id names the month it was issued: YYMM.NNNNN since April 2007, archive/YYMMNNN before.
_ARXIV_ID = re.compile(
    r"\barxiv\s*[:.]\s*(?:(?P<yy>\d\d)(?P<mm>\d\d)\.\d{4,5}|"
    r"[a-z][a-z\-]*(?:\.[a-z]{2})?/(?P<old_yy>\d\d)(?P<old_mm>\d\d)\d{3})(?:v\d+)?\b",
    re.IGNORECASE,
)
# DOIs whose suffix carries the year the registrant issued them, and only those: a year-like
# number in other DOIs (IEEE "dsde.2010.49", BMJ "pgmj.2009.089987") is a volume, a conference
# or a submission year. The year is in group 1 (four digits) or ``yy`` (two).
_DATED_DOIS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^10\.48550/arxiv\.(?P<yy>\d\d)(?P<mm>\d\d)\.\d{4,5}",  # arXiv DOIs
        r"^10\.48550/arxiv\.[a-z\-]+(?:\.[a-z]{2})?/(?P<old_yy>\d\d)(?P<old_mm>\d\d)\d{3}",
        r"^10\.1101/((?:19|20)\d\d)\.\d\d\.\d\d\.",  # bioRxiv / medRxiv since Dec 2019
        r"^10\.(?:1007|1038|1186)/s\d{5}-0(?P<yy>\d\d)-\d{4,6}-[0-9a-z]$",  # Springer Nature, BMC
        r"^10\.1016/j\.[a-z0-9]+\.((?:19|20)\d\d)\.",  # Elsevier
        r"^10\.3389/[a-z]+\.((?:19|20)\d\d)\.\d+$",  # Frontiers
        r"^10\.1155/((?:19|20)\d\d)/\d+$",  # Hindawi
        r"^10\.1088/\d{4}-\d{3}[\dx]/((?:19|20)\d\d)/",  # IOP journals with the year in the path
    )
)
_CITED_YEAR = re.compile(r"(?<![\w./:–-])((?:19|20)\d\d)[a-z]?(?![\w/]|[.–-]\d)")
_MONTH_BEFORE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2},?\s+)?\Z",
    re.IGNORECASE,
)
# A year in the text may come after the identifier's (a journal's version of a preprint, an
# issue dated the year after the DOI was registered), never before it, and not by much.
YEAR_AFTER_IDENTIFIER = 1
# A paper cannot be older than the works it cites; "in press" references allow one year.
YEAR_BEFORE_CITED = 1


def _two_digit_year(yy: str, mm: str | None, *, old_style: bool) -> int | None:
    if mm is not None and not 1 <= int(mm) <= 12:
        return None
    year = int(yy)
    if old_style:  # archive/YYMMNNN ids ran from 1991 to March 2007
        return 1900 + year if year >= 91 else 2000 + year
    # YYMM.NNNNN ids began in April 2007; a "year" past next year is some other number
    return 2000 + year if 7 <= year <= date.today().year - 2000 + 1 else None


def _year_of(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("old_yy"):
        return _two_digit_year(groups["old_yy"], groups["old_mm"], old_style=True)
    if groups.get("yy"):
        return _two_digit_year(groups["yy"], groups.get("mm"), old_style=False)
    return int(m.group(1))


def arxiv_year(text: str | None) -> int | None:
    """The year of the first arXiv identifier written as "arXiv:NNNN.NNNNN" in ``text``."""
    if not text:
        return None
    for m in _ARXIV_ID.finditer(text):
        year = _year_of(m)
        if year is not None:
            return year
    return None


def doi_year(doi: str | None) -> int | None:
    """The year a DOI was issued, for registrants whose DOIs spell it; None for the others."""
    doi = clean_doi(doi)
    if not doi:
        return None
    for pattern in _DATED_DOIS:
        if m := pattern.match(doi):
            return _year_of(m)
    return None


def newest_cited_year(references: str, this_year: int) -> int | None:
    """The newest year that at least two references cite.

    Only years as references write them count: not a page range ("76: 2014-2018"), a number
    inside a DOI or URL, or a date ("by guest on 25 June 2025": publishers stamp the download
    date on every page). One year may still be a stray number; two rarely are.
    """
    counts: Counter[int] = Counter()
    for m in _CITED_YEAR.finditer(references):
        year = int(m.group(1))
        if year <= this_year + 1 and not _MONTH_BEFORE.search(
            references, max(0, m.start() - 20), m.start()
        ):
            counts[year] += 1
    cited = [year for year, n in counts.items() if n >= 2]
    return max(cited) if cited else None


@dataclass(frozen=True)
class YearCheck:
    """The year to keep, and a note when the stated one was overruled or dropped."""

    year: int | None
    note: str | None = None


def check_year(
    stated: int | None,
    encoded: int | None,
    encoded_by: str = "the paper's identifier",
    newest_cited: int | None = None,
) -> YearCheck:
    """The paper's year from what its text states and what its identifiers encode.

    The rule (docs/commands.md, "Years"): an identifier that encodes a date (an arXiv id, a
    dated DOI) says when the work first appeared. A stated year from that year up to
    ``YEAR_AFTER_IDENTIFIER`` later is kept (the journal's version); any other stated year is
    overruled by the identifier's. Without such an identifier, a stated year more than
    ``YEAR_BEFORE_CITED`` before the newest year the reference list cites is impossible and is
    dropped: no year rather than a wrong one.
    """
    if encoded is not None:
        if stated is None or encoded <= stated <= encoded + YEAR_AFTER_IDENTIFIER:
            return YearCheck(stated if stated is not None else encoded)
        return YearCheck(
            encoded, f"year {stated} found in the text, {encoded} from {encoded_by}: kept {encoded}"
        )
    if (
        stated is not None
        and newest_cited is not None
        and stated < newest_cited - YEAR_BEFORE_CITED
    ):
        return YearCheck(
            None,
            f"year {stated} found in the text is older than works the paper cites "
            f"({newest_cited}): year left empty",
        )
    return YearCheck(stated)


# --- titles ------------------------------------------------------------------------------------
# Lines on a first page that are page furniture, never a title: repository banners, identifiers
# and links, licence and copyright lines, journal headers, article-type labels.
_FURNITURE = re.compile(
    r"(munich personal repec archive|^m ?p ?r ?a\b|biorxiv|medrxiv|\bssrn\b|hal (id|open science)|"
    r"arxiv\s*:|^preprint\b|\bpreprint (submitted|under review|not peer)|under review|"
    r"^(accepted|author|submitted) manuscript|"
    r"\bdoi\b|doi\.org|https?://|www\.|\bissn\b|\bisbn\b|^\s*pii\b|"
    r"©|copyright\s*(©|\(c\)|\d{4})|all rights reserved|creative commons|\bcc[ -]by\b|"
    r"licen[cs]ed? (under|to)\b|"
    r"\bvol(ume)?\.? ?\d|article id|\bpp?\. ?\d|\d+\s*\.\.\s*\d+$|"
    r"\bjournal of\b|^(the )?(proceedings|transactions|annals|bulletin) of\b|^in:|"
    r"^(research|original|review|short|brief|clinical) (article|paper|report|communication)s?$|"
    r"^(article|review|letter|editorial|commentary|open access|research|technical note)$)",
    re.IGNORECASE,
)
# Labels and banners that typesetting or a PDF-to-text tool glued to the front of a title.
_TITLE_PREFIX = re.compile(
    r"^((?:[a-z] ){2,}[a-z]{0,3}\s+|munich personal repec archive\s+|"
    r"(?:research|original|review) article\s+|open access\s+)+",
    re.IGNORECASE,
)


def spaced_out(text: str) -> bool:
    """Letters set apart ("M P RA", "R E S EAR CH A R TIC L E"): a banner, not a title."""
    tokens = text.split()
    single = sum(1 for t in tokens if len(t) == 1 and t.isalpha())
    return single >= 3 and single * 2 >= len(tokens)


def is_furniture(line: str) -> bool:
    """Whether a first-page line is page furniture rather than (part of) a title."""
    return bool(_FURNITURE.search(line)) or spaced_out(line)


def clean_title(title: str | None) -> str | None:
    """A title without banners glued to its front, or None when nothing but furniture is left.

    HTML entities ("COVID&#x02010;19") are decoded: PDF info titles and JSON metadata carry
    them.
    """
    if not title:
        return None
    text = " ".join(html.unescape(title).split())
    text = _TITLE_PREFIX.sub("", text).strip()
    if len(text.split()) < 2 or is_furniture(text):
        return None
    return text
