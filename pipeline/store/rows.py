"""A scanned paper as the rows the store writes: one ``papers`` row, its ``findings`` rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from pipeline.results import PaperResult

if TYPE_CHECKING:
    import pandas as pd


def frame(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """A pandas DataFrame (for calibration rows); pandas is imported here, not with the
    package, so that scans and read-only commands start without it."""
    import pandas as pd

    return pd.DataFrame(*args, **kwargs)


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: pd.DataFrame) -> Iterator[None]:
    """Make DataFrames visible to SQL under explicit names for the duration of a block."""
    for name, df in frames.items():
        con.register(name, df)
    try:
        yield
    finally:
        for name in frames:
            con.unregister(name)


def paper_row(
    r: PaperResult, run_id: str, version: str, patterns_version: str, scanned_at: datetime
) -> dict[str, Any]:
    md = r.metadata
    v = r.verdict_dict()
    return {
        "paper_id": r.paper_id,
        "source_path": r.source_path,
        "format": r.format,
        "extractor": r.extractor,
        "status": r.status,
        "error": r.error,
        "notes": list(r.notes),
        "title": md.title,
        "authors": list(md.authors),
        "doi": md.doi,
        "year": md.year,
        "venue": md.venue,
        "field": r.research_field,
        "language": r.language,
        "n_pages": r.n_pages,
        "n_chars": r.n_chars,
        "n_bytes": r.n_bytes,
        "assessed": v["assessed"],
        "uses_synthetic": v["uses_synthetic"],
        "categories": v["categories"],
        "roles": v["roles"],
        "generators": v["generators"],
        "medical": v["medical"],
        "participants_replaced": v["participants_replaced"],
        "real_data_check": v["real_data_check"],
        "in_abstract": v["in_abstract"],
        "concern": v["concern"],
        "reasons": v["reasons"],
        "n_findings": len(r.findings),
        "seconds": r.seconds,
        "pipeline_version": version,
        "patterns_version": patterns_version,
        "run_id": run_id,
        "scanned_at": scanned_at,
    }


def finding_rows_of(r: PaperResult) -> list[dict[str, Any]]:
    rows = []
    for f in r.findings:
        d = f.to_dict()
        d["paper_id"] = r.paper_id
        d["finding_id"] = f"{r.paper_id[:16]}:{f.ordinal}"
        rows.append(d)
    return rows
