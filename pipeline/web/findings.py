"""``/findings`` (the search page) and ``/api/findings`` (the same view as JSON or CSV).

The state of a view is its query string (:mod:`pipeline.web.params`), so every view is a
permalink. The API's JSON is one page in the fixed shape ``{"total", "page", "per_page",
"results"}``; ``format=csv`` (API) and ``download=csv|json`` (page) stream every matching
finding, not one page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from pipeline.web import finder
from pipeline.web.common import json_answer, jsonable, page, state
from pipeline.web.db import DEFAULT_QUERY_TIMEOUT_S, QueryTimeout, limited
from pipeline.web.params import OUTPUTS, SORTS, FindingFilters, parse_filters

# Facets are counted for views of at most this many findings (and for the whole table, whose
# counts are made when the search table is built).
MAX_FACET_ROWS = 1_000_000
# ... and when counting them takes at most this long.
FACET_TIMEOUT_S = 3.0


def _filters(request: Request, *, api: bool) -> tuple[FindingFilters, str]:
    extra = {"format": OUTPUTS} if api else {"download": OUTPUTS}
    filters, chosen = parse_filters(request.query_params.multi_items(), extra=extra)
    return filters, chosen.get("format") or chosen.get("download") or ""


def _query(request: Request, f: FindingFilters, *, with_facets: bool) -> dict[str, Any]:
    web = state(request)
    cur = web.index.cursor()
    try:

        def work(con: Any) -> dict[str, Any]:
            p = finder.plan(con, f)
            return {"plan": p, "total": finder.total(con, f, p), "rows": finder.page(con, f, p)}

        found = limited(cur, work, web.db.timeout_s or DEFAULT_QUERY_TIMEOUT_S)
        found["facets"], found["facets_too_slow"] = [], False
        p = found.pop("plan")
        # counting the facets of millions of rows takes seconds: such a view, or one whose
        # counts take too long, says so and offers its filters without counts instead
        if with_facets and (found["total"] <= MAX_FACET_ROWS or p.clause == "true"):
            limit = min(FACET_TIMEOUT_S, web.db.timeout_s or FACET_TIMEOUT_S)
            try:
                found["facets"] = limited(cur, lambda con: finder.facets(con, f, p), limit)
            except QueryTimeout:
                found["facets_too_slow"] = True  # the page says so
        return found
    finally:
        cur.close()


def findings_page(request: Request) -> Response:
    f, download = _filters(request, api=False)
    if download:
        return _download(request, f, download)
    found = _query(request, f, with_facets=True)
    pages = max(1, -(-found["total"] // f.per_page))
    return page(
        request,
        "findings.html",
        f=f,
        search=f.search,
        total=found["total"],
        rows=found["rows"],
        facets=found["facets"],
        max_facet_rows=MAX_FACET_ROWS,
        facets_too_slow=found["facets_too_slow"],
        pages=pages,
        sorts=SORTS,
    )


def findings_api(request: Request) -> Response:
    f, fmt = _filters(request, api=True)
    if fmt == "csv":  # every row; JSON is the paged contract
        return _download(request, f, fmt)
    found = _query(request, f, with_facets=False)
    return json_answer(
        {"total": found["total"], "page": f.page, "per_page": f.per_page, "results": found["rows"]}
    )


def _download(request: Request, f: FindingFilters, fmt: str) -> Response:
    """Every finding of the view, streamed: a cursor of its own, closed at the end."""
    index = state(request).index
    cur = index.cursor()
    batches = finder.stream(cur, f)
    name = f"synthwatch-findings.{fmt}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    body = _csv(batches, cur) if fmt == "csv" else _json(batches, cur)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return StreamingResponse(body, media_type=media, headers=headers)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _csv(batches: Iterator[list[tuple[Any, ...]]], cur: Any) -> Iterator[str]:
    try:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(finder.COLUMNS)
        yield buf.getvalue()
        for rows in batches:
            buf.seek(0)
            buf.truncate()
            writer.writerows([_cell(v) for v in r] for r in rows)
            yield buf.getvalue()
    finally:
        cur.close()


def _json(batches: Iterator[list[tuple[Any, ...]]], cur: Any) -> Iterator[str]:
    try:
        yield "["
        first = True
        for rows in batches:
            for r in rows:
                item = json.dumps(jsonable(dict(zip(finder.COLUMNS, r, strict=True))))
                yield ("\n" if first else ",\n") + item
                first = False
        yield "\n]\n"
    finally:
        cur.close()
