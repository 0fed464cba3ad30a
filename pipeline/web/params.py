"""The findings search's parameters: parsed from a query string, checked, and written back.

One dataclass, :class:`FindingFilters`, is the state of a findings view: the HTML page, the
JSON API and the downloads read it from the query string the same way, and
:meth:`FindingFilters.query_string` writes it back, so that every view is a permalink. A
parameter that is unknown, repeated, too long or outside its list is refused with a
ParameterError that names the valid values (the app answers 400 with it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from pipeline.answers.params import ENUMERATIONS
from pipeline.answers.search import SearchQuery, parse
from pipeline.errors import ParameterError
from pipeline.sources.sniff import FORMATS

MAX_TEXT = 300  # characters of a search or a text filter
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 25
# Deep pages are slow to reach and no reader pages that far: the download has every row.
MAX_OFFSET = 100_000
YEAR_RANGE = (1000, 3000)
SORTS = ("relevance", "newest", "oldest", "confidence", "title")
OUTPUTS = ("json", "csv")
BOOLEAN = ("true", "false")
REAL_DATA_CHECKS = ("found", "not_found")
# name -> the valid values (None: free text, an exact match)
CHOICES: dict[str, tuple[str, ...] | None] = {
    "category": ENUMERATIONS["category"][1],
    "stance": ENUMERATIONS["stance"][1],
    "role": ENUMERATIONS["role"][1],
    "concern": ENUMERATIONS["concern"][1],
    "medical": BOOLEAN,
    "participants_replaced": BOOLEAN,
    "real_data_check": REAL_DATA_CHECKS,
    "generator": None,
    "venue": None,
    "field": None,
    "source_format": FORMATS,
    "sort": SORTS,
}
INTEGERS = ("year_from", "year_to", "page", "per_page")


@dataclass(frozen=True)
class FindingFilters:
    """What a findings view shows: the search, the filters, the order and the page."""

    q: str = ""
    category: str = ""
    stance: str = ""
    role: str = ""
    concern: str = ""
    medical: str = ""
    participants_replaced: str = ""
    real_data_check: str = ""
    generator: str = ""
    year_from: int = 0
    year_to: int = 0
    venue: str = ""
    field: str = ""
    source_format: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def search(self) -> SearchQuery | None:
        return parse(self.q) if self.q else None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def active(self) -> list[tuple[str, str]]:
        """The filters that narrow the view (not the search, order or page), as (name, value)."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("q", "sort", "page", "per_page") or value in ("", 0):
                continue
            out.append((f.name, str(value)))
        return out

    def query_string(self, **changes: object) -> str:
        """The query string of this view with ``changes``; defaults are left out."""
        state = replace(self, **changes) if changes else self  # type: ignore[arg-type]
        pairs = []
        for f in fields(state):
            value = getattr(state, f.name)
            if value != f.default:
                pairs.append((f.name, str(value)))
        return urlencode(pairs)

    def cleared(self) -> str:
        """The query string of the same search without any filter."""
        return urlencode([(k, v) for k, v in (("q", self.q),) if v])

    def download(self, fmt: str) -> str:
        """The query string that downloads every row of this view as ``fmt``."""
        state = self.query_string(page=1, per_page=DEFAULT_PER_PAGE)
        return f"{state}&download={fmt}" if state else f"download={fmt}"


NAMES = tuple(f.name for f in fields(FindingFilters))


def parse_filters(
    params: Iterable[tuple[str, str]], *, extra: Mapping[str, Sequence[str]] | None = None
) -> tuple[FindingFilters, dict[str, str]]:
    """The filters in ``params`` (query-string pairs), and the values of ``extra`` names.

    ``extra`` are further names a route accepts (``format``: json or csv) with their valid
    values. Raises ParameterError for an unknown or repeated name or a bad value.
    """
    extra = extra or {}
    seen: dict[str, str] = {}
    for name, value in params:
        if name not in NAMES and name not in extra:
            close = difflib.get_close_matches(name, [*NAMES, *extra], n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ParameterError(
                f"unknown parameter {_show(name)}{hint}; valid: {', '.join([*NAMES, *extra])}"
            )
        if name in seen:
            raise ParameterError(f"parameter {name} is given twice; give it once")
        if len(value) > MAX_TEXT:
            raise ParameterError(f"parameter {name} is longer than {MAX_TEXT} characters")
        seen[name] = value.strip(" \t")  # a pasted value's spaces; not other characters
    values: dict[str, object] = {}
    for name, value in seen.items():
        if name in extra:
            continue
        if value == "":
            continue
        if name in INTEGERS:
            values[name] = integer(name, value)
        elif CHOICES.get(name):
            values[name] = choice(name, value, CHOICES[name] or ())
        else:
            values[name] = value
    filters = FindingFilters(**values)  # type: ignore[arg-type]
    _check(filters)
    chosen = {}
    for name, valid in extra.items():
        value = seen.get(name, "").lower()
        if value and value not in valid:
            raise ParameterError(
                f"parameter {name}: {_show(value)} is not one of {', '.join(valid)}"
            )
        chosen[name] = value
    return filters, chosen


def _show(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def integer(name: str, value: str) -> int:
    # ASCII digits only: int() would also take other scripts' digits and control characters
    if not re.fullmatch(r"-?[0-9]+", value):
        raise ParameterError(f"parameter {name} must be a whole number, got {_show(value)}")
    return int(value, 10)


def choice(name: str, value: str, valid: Sequence[str]) -> str:
    item = value.lower()
    if item not in valid:
        close = difflib.get_close_matches(item, valid, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ParameterError(
            f"parameter {name}: {_show(value)} is not valid{hint}; valid: {', '.join(valid)}"
        )
    return item


def _check(f: FindingFilters) -> None:
    if f.q:
        parse(f.q)  # ParameterError says what cannot be searched
    for name in ("year_from", "year_to"):
        year = getattr(f, name)
        if year and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise ParameterError(
                f"parameter {name} must be a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}"
            )
    if f.year_from and f.year_to and f.year_from > f.year_to:
        raise ParameterError("year_from is after year_to; swap them")
    if f.page < 1:
        raise ParameterError("parameter page must be 1 or more")
    if not 1 <= f.per_page <= MAX_PER_PAGE:
        raise ParameterError(f"parameter per_page must be between 1 and {MAX_PER_PAGE}")
    if f.offset > MAX_OFFSET:
        raise ParameterError(
            f"page {f.page} is past the first {MAX_OFFSET:,} results: narrow the search, or "
            "download the whole set (format=csv)"
        )
