"""Bibliographic details as every reader writes them: DOIs, years and reference lines."""

from __future__ import annotations

import re
from collections.abc import Iterable


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
