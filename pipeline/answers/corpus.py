"""The corpus report's numbers, read from one database: what ``synthwatch report`` shows.

Pure data: a DuckDB connection in, a :class:`CorpusReport` out, through the canned queries
(``queries/*.sql``) and a little SQL of its own; :mod:`pipeline.answers.report` renders it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline.answers.queries import run_query
from pipeline.answers.stats import Calibration, Prevalence, prevalence
from pipeline.detect.evidence import EVIDENCE_SECTIONS
from pipeline.detect.model import CATEGORIES
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from pipeline.errors import QueryError, ReviewError

CONCERN_ORDER = ("high", "medium", "low", "none", "not assessed")
MAX_VENUES = 15
# A point of the chart over time pools consecutive years until it has this many papers.
MIN_PERIOD_PAPERS = 20
MAX_GENERATORS = 15
ANY = "any synthetic data"
MODEL_GENERATED = "model-generated data (excluding simulation)"
MODEL_GENERATED_PANEL = "model-generated, no simulation"  # fits a panel title of the chart
# Categories whose use alone does not count as model-generated data: a simulation study or a
# simulator's output is synthetic, but no generative model wrote it. Most positives of a broad
# corpus are simulation studies; a headline without them says what readers take it to mean.
NOT_MODEL_GENERATED = ("simulation",)
# Papers whose evidence the report quotes per concern level, so that a reader can spot-check
# the positives even when no paper is of high concern.
MAX_SAMPLE = 5
# Per publication year: assessed papers, and those with a counted use of another category.
MODEL_GENERATED_SQL = """
SELECT year,
       count(*) FILTER (WHERE assessed) AS n,
       count(*) FILTER (
           WHERE assessed AND uses_synthetic
             AND NOT list_has_all($excluded, categories)
       ) AS count
FROM papers
GROUP BY year
ORDER BY year NULLS LAST
"""
# Up to $max papers per concern level, in paper_id order (the SHA-256 of the file: a fixed
# sample that favours no kind of paper), each with its best counted use sentence, in the order
# the verdict quotes by (pipeline.detect.evidence: section, then confidence, then text order).
SAMPLE_SQL = """
WITH best AS (
    SELECT paper_id, sentence, section, page, confidence, category
    FROM findings
    WHERE stance = 'use' AND confidence >= $min_confidence
    QUALIFY row_number() OVER (
        PARTITION BY paper_id
        ORDER BY list_position($sections, section) NULLS LAST, confidence DESC, ordinal
    ) = 1
),
ranked AS (
    SELECT p.concern, p.title, p.doi, p.year, p.source_path, p.paper_id, b.sentence AS evidence,
           b.section, b.page, b.confidence, b.category,
           row_number() OVER (PARTITION BY p.concern ORDER BY p.paper_id) AS k,
           count(*) OVER (PARTITION BY p.concern) AS papers
    FROM papers AS p JOIN best AS b USING (paper_id)
    WHERE p.assessed AND p.uses_synthetic
)
SELECT * EXCLUDE (k) FROM ranked
WHERE k <= $max
ORDER BY list_position(['high', 'medium', 'low', 'none'], concern), k
"""
# Details of an error that differ per file, in brackets: "(pypdfium2 cannot open ...)".
_DETAIL = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class FailureGroup:
    """Papers that could not be read for the same reason."""

    status: str
    reason: str
    count: int
    example_path: str
    example_error: str


@dataclass(frozen=True)
class CorpusReport:
    """Everything the corpus report shows, read from one database."""

    database: str
    n_files: int
    status_counts: list[tuple[str, int]]
    failures: list[FailureGroup]
    not_assessed: list[tuple[str, int]]
    overall: dict[str, Any]
    by_period: list[dict[str, Any]]  # any synthetic data, per period of years
    undated: dict[str, Any] | None  # the same for papers without a year
    by_category: list[dict[str, Any]]
    by_field: list[dict[str, Any]]
    by_venue: list[dict[str, Any]]
    n_venues: int
    concern: list[tuple[str, int]]
    concern_reasons: list[tuple[str, str, int]]
    generators: list[dict[str, Any]]
    high_concern: list[dict[str, Any]]
    model_generated: dict[str, Any]  # MODEL_GENERATED, as `overall` is for ANY
    model_by_period: list[dict[str, Any]]  # the same per period of years (`by_period`'s)
    model_undated: dict[str, Any] | None
    samples: list[tuple[str, int, list[dict[str, Any]]]]  # (concern, papers, quoted rows)
    versions: list[dict[str, Any]]
    calibration: list[dict[str, Any]]
    runs: dict[str, Any]
    min_confidence: float = MIN_USE_CONFIDENCE
    frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    # the prevalence_validated row when a reviews file with reviews exists; else why not
    validated: dict[str, Any] | None = None
    validated_note: str = ""

    @property
    def n_papers(self) -> int:
        return sum(c for _, c in self.status_counts)

    @property
    def n_high(self) -> int:
        return dict(self.concern).get("high", 0)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts, with NaN/NA turned into None and lists into lists."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, np.ndarray):
                clean[k] = v.tolist()
            elif isinstance(v, list | tuple):
                clean[k] = list(v)
            elif v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                clean[k] = None
            else:
                clean[k] = v
        out.append(clean)
    return out


def failure_reason(error: str | None) -> str:
    """The part of an error message that is the same for every file that failed that way."""
    text = _DETAIL.sub("", error or "no reason recorded")
    return re.split(r"[:;]", text, maxsplit=1)[0].strip() or text.strip()


def group_failures(rows: list[dict[str, Any]]) -> list[FailureGroup]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["status"], failure_reason(row["error"])), []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        FailureGroup(status, reason, len(rs), rs[0]["source_path"], rs[0]["error"] or "")
        for (status, reason), rs in ordered
    ]


def year_periods(
    by_year: pd.DataFrame, min_papers: int = MIN_PERIOD_PAPERS
) -> list[tuple[int, int]]:
    """Consecutive publication years joined until each period has ``min_papers`` assessed papers.

    A year with enough papers is a period of its own; sparse years are pooled, so that no point
    of the chart rests on two or three papers. A short last period joins the one before it.
    """
    periods: list[tuple[int, int]] = []
    start, size = None, 0
    dated = by_year[by_year["year"].notna() & (by_year["n"] > 0)].sort_values("year")
    for year, n in zip(dated["year"].astype(int), dated["n"].astype(int), strict=True):
        start = year if start is None else start
        size += n
        if size >= min_papers:
            periods.append((start, year))
            start, size = None, 0
    if start is not None:
        last = int(dated["year"].max())
        if periods:
            periods[-1] = (periods[-1][0], last)
        else:
            periods.append((start, last))
    return periods


def pool_periods(
    by_year: pd.DataFrame, periods: list[tuple[int, int]], calibration: Calibration | None
) -> pd.DataFrame:
    """Counts of prevalence_by_year rows pooled per period, with the same statistics as the
    canned prevalence queries (Wilson interval, correction with the same calibration row)."""
    rows = []
    for start, end in periods:
        years = by_year[(by_year["year"] >= start) & (by_year["year"] <= end)]
        estimate = prevalence(int(years["count"].sum()), int(years["n"].sum()), calibration)
        rows.append(
            {
                "period": str(start) if start == end else f"{start}–{end}",
                "year_from": start,
                "year_to": end,
                **asdict(estimate),
            }
        )
    columns = ["period", "year_from", "year_to", *(f.name for f in fields(Prevalence))]
    return pd.DataFrame(rows, columns=columns)


def _calibration_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The calibration rows the prevalence queries use: the newest per category for the pattern
    version most assessed papers were judged with."""
    return _records(
        con.execute(
            "SELECT category, n, tp, fp, fn, tn, sensitivity, specificity, extractor, "
            "patterns_version, created_at, labels_sha256 FROM calibration "
            "WHERE patterns_version = (SELECT mode(patterns_version) FROM papers WHERE assessed) "
            "QUALIFY row_number() OVER (PARTITION BY category ORDER BY created_at DESC) = 1 "
            "ORDER BY category = 'any' DESC, category"
        ).df()
    )


def _scalar_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def model_generated_by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per year: assessed papers (n) and those using synthetic data of a category other than
    NOT_MODEL_GENERATED (count)."""
    return con.execute(MODEL_GENERATED_SQL, {"excluded": list(NOT_MODEL_GENERATED)}).df()


def evidence_samples(
    con: duckdb.DuckDBPyConnection, max_papers: int = MAX_SAMPLE
) -> list[tuple[str, int, list[dict[str, Any]]]]:
    """Per concern level: how many positive papers, and up to ``max_papers`` of them with
    their best use sentence (section, page)."""
    rows = _records(
        con.execute(
            SAMPLE_SQL,
            {
                "min_confidence": MIN_USE_CONFIDENCE,
                "max": max_papers,
                "sections": list(EVIDENCE_SECTIONS),
            },
        ).df()
    )
    out: list[tuple[str, int, list[dict[str, Any]]]] = []
    for row in rows:
        if not out or out[-1][0] != row["concern"]:
            out.append((row["concern"], int(row["papers"]), []))
        out[-1][2].append(row)
    return out


def validated_figures(
    con: duckdb.DuckDBPyConnection, reviews: str | Path | None
) -> tuple[dict[str, Any] | None, str]:
    """The validated prevalence row from a reviews file, or None and a plain reason why not."""
    if reviews is None or not Path(reviews).is_file():
        where = f" ({reviews})" if reviews else ""
        return None, (
            f"No reviews file{where}: the figures are the detector's, not validated on this "
            "corpus. Draw a sample (synthwatch sample), review it, and run the report again."
        )
    try:
        row = _records(run_query(con, "prevalence_validated", reviews=reviews))[0]
    except (ReviewError, QueryError) as exc:
        return None, f"Not validated: {exc}"
    return row, ""


def gather_corpus(
    con: duckdb.DuckDBPyConnection, database: str = "", reviews: str | Path | None = None
) -> CorpusReport:
    """Read everything the corpus report shows through canned queries (and a little SQL).

    ``reviews``: a reviews file (synthwatch sample / review import); its validated prevalence
    is shown when it holds reviews, and the report says plainly when there is none.
    """
    validated, validated_note = validated_figures(con, reviews)
    status_counts = _scalar_rows(
        con, "SELECT status, count(*) FROM papers GROUP BY status ORDER BY 2 DESC, 1"
    )
    n_files = _scalar_rows(con, "SELECT count(*) FROM files")[0][0]
    not_assessed = _records(run_query(con, "not_assessed"))
    not_assessed_counts: dict[str, int] = {}
    for row in not_assessed:
        reason = "; ".join(row["reasons"] or []) or "no reason recorded"
        not_assessed_counts[reason] = not_assessed_counts.get(reason, 0) + 1

    calibration = _calibration_rows(con)
    rates = {
        r["category"]: Calibration(
            r["category"], r["tp"], r["fn"], r["tn"], r["fp"], r["created_at"]
        )
        for r in calibration
    }
    by_category = run_query(con, "by_category")
    by_year = run_query(con, "prevalence_by_year")
    periods = year_periods(by_year)
    model_years = model_generated_by_year(con)
    model_counts = model_years[["n", "count"]].sum()
    model_generated = asdict(prevalence(int(model_counts["count"]), int(model_counts["n"]), None))
    model_by_period = pool_periods(model_years, periods, None)
    model_undated = model_years[model_years["year"].isna()]
    # "any" and "model-generated" side by side: the first two panels of the chart over time
    by_period = {
        ANY: pool_periods(by_year, periods, rates.get("any")),
        MODEL_GENERATED_PANEL: model_by_period,
    }
    for category in CATEGORIES:
        hits = by_category.loc[by_category["category"] == category, "count"]
        if len(hits) and int(hits.iloc[0]) > 0:
            rows = run_query(con, "prevalence_by_year", {"category": category})
            by_period[category] = pool_periods(rows, periods, rates.get(category))
    undated = by_year[by_year["year"].isna()]
    by_venue = run_query(con, "prevalence_by_venue")
    named_venues = by_venue[by_venue["venue"].notna() & (by_venue["venue"] != "")]
    top_venues = named_venues.sort_values(["n", "venue"], ascending=[False, True]).head(MAX_VENUES)
    by_field = run_query(con, "prevalence_by_field")

    concern = dict(
        _scalar_rows(
            con,
            "SELECT coalesce(concern, 'not assessed'), count(*) FROM papers "
            "WHERE status = 'ok' GROUP BY ALL",
        )
    )
    concern_reasons = _scalar_rows(
        con,
        # a reason names its categories in brackets; the rule is the same without them
        "SELECT concern, regexp_replace(r, ' \\([^)]*\\)', '', 'g') AS reason, count(*) "
        "FROM (SELECT concern, unnest(reasons) AS r FROM papers WHERE assessed) "
        "WHERE concern <> 'none' AND NOT starts_with(r, 'real-data check: ') "
        "GROUP BY concern, reason "
        "ORDER BY list_position(['high', 'medium', 'low'], concern), 3 DESC, 2",
    )
    versions = _records(
        con.execute(
            "SELECT pipeline_version, patterns_version, extractor, count(*) AS papers, "
            "min(scanned_at) AS first_scanned, max(scanned_at) AS last_scanned FROM papers "
            "GROUP BY ALL ORDER BY papers DESC, patterns_version"
        ).df()
    )
    runs = _records(
        con.execute(
            "SELECT count(*) AS runs, min(started_at) AS first_started, "
            "max(finished_at) AS last_finished FROM runs"
        ).df()
    )[0]
    frames = {
        "by_category": by_category,
        "by_venue": top_venues,
        "by_field": by_field,
        **{f"by_period:{k}": v for k, v in by_period.items()},
    }
    return CorpusReport(
        database=database,
        n_files=n_files,
        status_counts=[(s, c) for s, c in status_counts],
        failures=group_failures(_records(run_query(con, "failures"))),
        not_assessed=sorted(not_assessed_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        overall=_records(run_query(con, "prevalence"))[0],
        by_period=_records(by_period[ANY]),
        undated=(_records(undated) or [None])[0],
        by_category=_records(by_category),
        by_field=_records(by_field),
        by_venue=_records(top_venues),
        n_venues=len(named_venues),
        concern=[(k, concern[k]) for k in CONCERN_ORDER if k in concern],
        concern_reasons=[(c, r, n) for c, r, n in concern_reasons],
        generators=_records(run_query(con, "top_generators", {"limit": MAX_GENERATORS})),
        high_concern=_records(run_query(con, "high_concern")),
        model_generated=model_generated,
        model_by_period=_records(model_by_period),
        model_undated=_model_row(model_undated),
        samples=evidence_samples(con),
        versions=versions,
        calibration=calibration,
        runs=runs,
        frames=frames,
        validated=validated,
        validated_note=validated_note,
    )


def _model_row(rows: pd.DataFrame) -> dict[str, Any] | None:
    """The papers without a year, as a prevalence row (None when every paper has a year)."""
    if rows.empty:
        return None
    return asdict(prevalence(int(rows["count"].sum()), int(rows["n"].sum()), None))
