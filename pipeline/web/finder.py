"""Findings that match a view's filters: one page, the total, the facet counts, every row.

Queries over the search table (:mod:`pipeline.web.index`). Every value comes from a
:class:`~pipeline.web.params.FindingFilters` and is bound as a parameter; the SQL here holds
column names of ours and ``$placeholders`` only.

A search is answered in one of two ways, with the same rows. Most go through the keys of the
search table (:mod:`pipeline.web.terms`): a test of each row's key bits and short sorted lists
of rows, with no scan of the text, so a search in every row counts as fast as a rare one.
Searches the keys cannot answer (characters the index does not hold: c++, 3.5; phrases of
three words or more) match the text with LIKE and the regular expression instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.answers.search import conditions
from pipeline.web import terms
from pipeline.web.index import FACETS
from pipeline.web.params import FindingFilters

# the columns of a finding in the API and the CSV, in this order
COLUMNS = (
    "finding_id",
    "paper_id",
    "title",
    "doi",
    "year",
    "venue",
    "field",
    "source_format",
    "section",
    "page",
    "stance",
    "category",
    "roles",
    "generators",
    "pattern_ids",
    "confidence",
    "concern",
    "medical",
    "participants_replaced",
    "real_data_check",
    "sentence",
)
SELECT = ", ".join("format AS source_format" if c == "source_format" else c for c in COLUMNS)
ORDERS = {
    "relevance": "rk",
    "newest": "year DESC NULLS LAST, rk",
    "oldest": "year ASC NULLS LAST, rk",
    "confidence": "confidence DESC, rk",
    "title": "title_lc, rk",
}
# facet values shown per facet (the selected one is always among them)
MAX_FACET_VALUES = 12
STREAM_BATCH = 2000
# scalar filters: parameter -> column; booleans are compared as text ('true', 'false')
_EQUAL = {
    "category": "category",
    "stance": "stance",
    "concern": "concern",
    "real_data_check": "real_data_check",
    "venue": "venue",
    "field": "field",
    "source_format": "format",
}


@dataclass(frozen=True)
class Facet:
    """One facet: its name and (value, count) pairs, most frequent first."""

    name: str
    values: tuple[tuple[str, int], ...]
    more: int  # values not shown


@dataclass(frozen=True)
class Plan:
    """The SQL of one view: FROM (hits, maybe joined to candidates), WHERE, ORDER BY, values."""

    source: str
    clause: str
    order: str
    values: dict[str, Any]


def _filters(f: FindingFilters) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    values: dict[str, Any] = {}
    for name, column in _EQUAL.items():
        value = getattr(f, name)
        if value:
            clauses.append(f"{column} = ${name}")
            values[name] = value
    for name in ("medical", "participants_replaced"):
        value = getattr(f, name)
        if value:
            clauses.append(f"{name} = ${name}")
            values[name] = value == "true"
    if f.role:
        clauses.append("list_contains(roles, $role)")
        values["role"] = f.role
    if f.generator:
        clauses.append("list_contains(generators, $generator)")
        values["generator"] = f.generator
    if f.year_from:
        clauses.append("year >= $year_from")
        values["year_from"] = f.year_from
    if f.year_to:
        clauses.append("year <= $year_to")
        values["year_to"] = f.year_to
    return clauses, values


def plan(con: duckdb.DuckDBPyConnection, f: FindingFilters, *, use_index: bool = True) -> Plan:
    """How to answer the view: through the search table's keys when they can (and
    ``use_index``; without it, by a scan: the two give the same rows, a test checks it)."""
    clauses, values = _filters(f)
    search = f.search
    order = ORDERS[f.sort]
    if search is None:
        return Plan("hits", " AND ".join(clauses) or "true", order, values)
    if use_index and terms.indexable(search):
        match, words = terms.condition(con, search)
        clauses.insert(0, match)
        return Plan("hits", " AND ".join(clauses), order, {**values, **words})
    in_sentence, v1 = conditions(search, "sentence_lc", lowered=True, prefix="s")
    in_title, v2 = conditions(search, "title_lc", lowered=True, prefix="t")
    clauses.insert(0, f"(({in_sentence}) OR (best AND {in_title}))")
    return Plan("hits", " AND ".join(clauses), order, {**values, **v1, **v2})


def page(
    con: duckdb.DuckDBPyConnection, f: FindingFilters, p: Plan | None = None
) -> list[dict[str, Any]]:
    """The findings of the view's page, in its order.

    In two steps: the page's row numbers first (the plan touches only the columns it filters
    and sorts on), then those rows' columns, found by the zone maps of the rank-sorted table;
    fetching every column while joining would read the text of all candidate rows.
    """
    p = p or plan(con, f)
    ranks = [
        r[0]
        for r in con.execute(
            f"SELECT rk FROM {p.source} WHERE {p.clause} ORDER BY {p.order} "
            "LIMIT $limit OFFSET $offset",
            {**p.values, "limit": f.per_page, "offset": f.offset},
        ).fetchall()
    ]
    if not ranks:
        return []
    marks = ", ".join(f"$r{i}" for i in range(len(ranks)))
    rel = con.execute(
        f"SELECT rk, {SELECT} FROM hits WHERE rk IN ({marks})",
        {f"r{i}": rank for i, rank in enumerate(ranks)},
    )
    names = [d[0] for d in rel.description]
    rows = {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in rel.fetchall()}
    return [rows[rank] for rank in ranks]


def total(con: duckdb.DuckDBPyConnection, f: FindingFilters, p: Plan | None = None) -> int:
    """How many findings the view holds (on every page)."""
    p = p or plan(con, f)
    return int(
        con.execute(f"SELECT count(*) FROM {p.source} WHERE {p.clause}", p.values).fetchone()[0]
    )


# facet -> its column in hits; lists (roles, generators) are counted per list, then per item
FACET_SOURCES = {
    "category": "category",
    "stance": "stance",
    "role": "roles",
    "concern": "concern",
    "medical": "medical",
    "participants_replaced": "participants_replaced",
    "real_data_check": "real_data_check",
    "generator": "generators",
    "year": "year",
    "venue": "venue",
    "field": "field",
    "source_format": "format",
}
FACET_SQL = (
    "SELECT {columns}, count(*) FROM {source} WHERE {clause} GROUP BY GROUPING SETS ({sets})"
)


def facets(con: duckdb.DuckDBPyConnection, f: FindingFilters, p: Plan | None = None) -> list[Facet]:
    """Counts of each facet's values among the view's findings (all pages).

    One pass with GROUPING SETS (a facet a set); a row of the answer has a value in its own
    set's column only. The whole table's counts were made when the table was built.
    """
    p = p or plan(con, f)
    rows: list[tuple[str, Any, int]] = []
    if p.source == "hits" and p.clause == "true":
        rows = con.execute("SELECT facet, value, n FROM facets").fetchall()
    else:
        columns = list(FACET_SOURCES.values())
        sql = FACET_SQL.format(
            columns=", ".join(columns),
            source=p.source,
            clause=p.clause,
            sets=", ".join(f"({c})" for c in columns),
        )
        names = list(FACET_SOURCES)
        for row in con.execute(sql, p.values).fetchall():
            *values, n = row
            for name, value in zip(names, values, strict=True):
                if value is None:
                    continue
                items = value if isinstance(value, list) else [value]
                rows.extend((name, _facet_text(item), n) for item in items)
                break
    merged: dict[tuple[str, str], int] = {}
    for name, value, n in rows:
        if value is not None and value != "":
            key = (name, str(value))
            merged[key] = merged.get(key, 0) + int(n)
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for (name, value), n in merged.items():
        counts[name].append((value, n))
    out = []
    for name, pairs in counts.items():
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        chosen = str(getattr(f, name, "") or "")
        shown = pairs[:MAX_FACET_VALUES]
        if chosen and chosen not in {v for v, _ in shown}:
            shown += [pair for pair in pairs if pair[0] == chosen]
        out.append(Facet(name, tuple(shown), len(pairs) - len(shown)))
    return out


def _facet_text(value: Any) -> str:
    """A facet value as the query string gives it: booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def stream(con: duckdb.DuckDBPyConnection, f: FindingFilters) -> Iterator[list[tuple[Any, ...]]]:
    """Every finding of the view (not one page), in its order, in batches."""
    p = plan(con, f)
    rel = con.execute(
        f"SELECT {SELECT} FROM {p.source} WHERE {p.clause} ORDER BY {p.order}", p.values
    )
    while True:
        rows = rel.fetchmany(STREAM_BATCH)
        if not rows:
            return
        yield rows
