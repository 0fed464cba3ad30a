"""``/`` (the corpus at a glance), ``/about`` (the method), ``/api/stats`` and ``/healthz``.

The overview's numbers are the corpus report's (:func:`pipeline.answers.corpus.gather_corpus`),
read once per version of the database file and kept. Charts are SVG drawn by the template from
coordinates computed here: no script, no inline style (the CSP forbids both).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pipeline.answers.corpus import CorpusReport, gather_corpus
from pipeline.answers.default_calibration import SHIPPED_FILE
from pipeline.answers.stats import wilson_interval
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from pipeline.version import __version__
from pipeline.web.common import WebState, json_answer, only_params, page, state
from pipeline.web.db import limited

# The overview is read once per state of the database (then kept): it may take longer than a
# request's query, on a million papers.
OVERVIEW_TIMEOUT_S = 120.0
# The chart: one panel per category, share of papers per period with its 95% interval.
PANEL_W, PANEL_H, PAD = 300, 120, 28


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    low: float
    high: float
    text: str  # what a screen reader and the tooltip say


@dataclass(frozen=True)
class Panel:
    label: str
    points: tuple[Point, ...]
    top: float  # the share at the top of the axis


def _panels(report: CorpusReport) -> list[Panel]:
    panels = []
    for key, frame in report.frames.items():
        if not key.startswith("by_period:"):
            continue
        rows = [r for r in frame.to_dict("records") if r["n"] and r["proportion"] is not None]
        if not rows or not sum(r["count"] for r in rows):
            continue
        top = max(max(r["wilson_high"] for r in rows), 0.05)
        step = (PANEL_W - 2 * PAD) / max(1, len(rows) - 1)
        points = []
        for i, r in enumerate(rows):

            def y(share: float) -> float:
                return round(PANEL_H - PAD - share / top * (PANEL_H - 2 * PAD), 1)  # noqa: B023

            points.append(
                Point(
                    label=str(r["period"]),
                    x=round(PAD + i * step if len(rows) > 1 else PANEL_W / 2, 1),
                    y=y(r["proportion"]),
                    low=y(r["wilson_low"]),
                    high=y(r["wilson_high"]),
                    text=(
                        f"{r['period']}: {r['proportion']:.1%} of {r['n']} papers "
                        f"(95% interval {r['wilson_low']:.1%}–{r['wilson_high']:.1%})"
                    ),
                )
            )
        panels.append(Panel(key.split(":", 1)[1], tuple(points), top))
    return panels


def _report(request: Request) -> CorpusReport:
    return corpus_report(state(request))


def corpus_report(web: WebState) -> CorpusReport:
    """The corpus report's numbers for the database as it is now (kept until it changes)."""
    key = (web.db.stamp, _stamp(web.reviews))
    cached = web.cache.get("report")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    with web.db.cursor() as con:
        report = limited(
            con, lambda c: gather_corpus(c, web.db_name, web.reviews), OVERVIEW_TIMEOUT_S
        )
    web.cache["report"] = (key, report)
    return report


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """What changes when reviews are added to the reviews file (its size and time)."""
    if path is None or not path.is_file():
        return None
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def overview_page(request: Request) -> Response:
    only_params(request, ())
    report = _report(request)
    return page(request, "overview.html", r=report, panels=_panels(report), accuracy=accuracy())


def accuracy() -> dict[str, Any]:
    """The shipped calibration as rates with intervals: the measured accuracy of this version."""
    data = json.loads(
        (resources.files("pipeline.answers") / SHIPPED_FILE).read_text(encoding="utf-8")
    )
    rows = []
    for question, c in data["categories"].items():
        row: dict[str, Any] = {"question": question, **c}
        for name, k, n in (
            ("sensitivity", c["tp"], c["tp"] + c["fn"]),
            ("specificity", c["tn"], c["tn"] + c["fp"]),
        ):
            row[name] = (k / n, *wilson_interval(k, n), n) if n else None
        rows.append(row)
    rows.sort(key=lambda r: (r["question"] != "any", r["question"]))
    return {**{k: v for k, v in data.items() if k != "categories"}, "rows": rows}


def about_page(request: Request) -> Response:
    only_params(request, ())
    return page(request, "about.html", accuracy=accuracy(), min_confidence=MIN_USE_CONFIDENCE)


def stats_api(request: Request) -> Response:
    only_params(request, ())
    r = _report(request)
    return json_answer(
        {
            "database": r.database,
            "papers": r.n_papers,
            "files": r.n_files,
            "status": dict(r.status_counts),
            "prevalence": r.overall,
            "model_generated": r.model_generated,
            "by_category": r.by_category,
            "by_period": r.by_period,
            "concern": dict(r.concern),
            "generators": r.generators,
            "failures": [f.__dict__ for f in r.failures],
        }
    )


def healthz(request: Request) -> Response:
    only_params(request, ())
    web = state(request)
    papers = web.db.run(lambda con: con.execute("SELECT count(*) FROM papers").fetchone()[0])
    scan = web.db.scan_running()
    return json_answer(
        {"status": "ok", "version": __version__, "papers": int(papers), "scan_running": bool(scan)}
    )
