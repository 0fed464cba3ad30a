"""Findings that match a view's filters: one page, the total, the facet counts, every row.

Queries over the search table (:mod:`pipeline.web.index`). Every value comes from a
:class:`~pipeline.web.params.FindingFilters` and is bound as a parameter; the SQL here holds
column names of ours and ``$placeholders`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.answers.search import conditions
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


def where(f: FindingFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of a view, and the values it binds."""
    clauses: list[str] = []
    values: dict[str, Any] = {}
    search = f.search
    if search is not None:
        in_sentence, v1 = conditions(search, "sentence_lc", lowered=True, prefix="s")
        in_title, v2 = conditions(search, "title_lc", lowered=True, prefix="t")
        clauses.append(f"(({in_sentence}) OR (best AND {in_title}))")
        values.update(v1)
        values.update(v2)
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
    return (" AND ".join(clauses) or "true"), values


def _order(f: FindingFilters) -> str:
    if f.sort == "relevance" and f.search is not None:
        # a sentence that holds the words before a paper found by its title
        in_sentence, _ = conditions(f.search, "sentence_lc", lowered=True, prefix="s")
        return f"({in_sentence}) DESC, rk"
    return ORDERS[f.sort]


def page(con: duckdb.DuckDBPyConnection, f: FindingFilters) -> list[dict[str, Any]]:
    """The findings of the view's page, in its order."""
    clause, values = where(f)
    sql = (
        f"SELECT {SELECT} FROM hits WHERE {clause} ORDER BY {_order(f)} LIMIT $limit OFFSET $offset"
    )
    rel = con.execute(sql, {**values, "limit": f.per_page, "offset": f.offset})
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def total(con: duckdb.DuckDBPyConnection, f: FindingFilters) -> int:
    """How many findings the view holds (on every page)."""
    clause, values = where(f)
    return int(con.execute(f"SELECT count(*) FROM hits WHERE {clause}", values).fetchone()[0])


def facets(con: duckdb.DuckDBPyConnection, f: FindingFilters) -> list[Facet]:
    """Counts of each facet's values among the view's findings (all pages)."""
    clause, values = where(f)
    if clause == "true":  # the whole table: counted when the table was built
        rows = con.execute("SELECT facet, value, n FROM facets").fetchall()
    else:
        columns = ", ".join(
            sorted(
                {
                    "category",
                    "stance",
                    "roles",
                    "concern",
                    "medical",
                    "participants_replaced",
                    "real_data_check",
                    "generators",
                    "year",
                    "venue",
                    "field",
                    "format",
                }
            )
        )
        parts = [
            f"SELECT '{name}' AS facet, value, count(*) AS n "
            f"FROM (SELECT {expr} AS value FROM m) GROUP BY value"
            for name, expr in FACETS.items()
        ]
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {columns} FROM hits WHERE {clause}) "
            + " UNION ALL ".join(parts)
        )
        rows = con.execute(sql, values).fetchall()
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for name, value, n in rows:
        if value is not None and value != "":
            counts[name].append((str(value), int(n)))
    out = []
    for name, pairs in counts.items():
        pairs.sort(key=lambda p: (-p[1], p[0]))
        chosen = str(getattr(f, name, "") or "")
        shown = pairs[:MAX_FACET_VALUES]
        if chosen and chosen not in {v for v, _ in shown}:
            shown += [p for p in pairs if p[0] == chosen]
        out.append(Facet(name, tuple(shown), len(pairs) - len(shown)))
    return out


def stream(con: duckdb.DuckDBPyConnection, f: FindingFilters) -> Iterator[list[tuple[Any, ...]]]:
    """Every finding of the view (not one page), in its order, in batches."""
    clause, values = where(f)
    rel = con.execute(f"SELECT {SELECT} FROM hits WHERE {clause} ORDER BY {_order(f)}", values)
    while True:
        rows = rel.fetchmany(STREAM_BATCH)
        if not rows:
            return
        yield rows
