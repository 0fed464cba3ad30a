"""What the review reads from the scanned database: assessed papers, and what a reviewer sees.

Read-only SQL with bound values; the review package never writes the scanned database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from pipeline.detect.evidence import EVIDENCE_SECTIONS
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from pipeline.review.sampling import Paper

ASSESSED_SQL = """
SELECT paper_id, coalesce(uses_synthetic, false), coalesce(categories, []), year, field
FROM papers WHERE assessed ORDER BY paper_id
"""
# Per paper: the papers' columns and its best sentence: a counted use first (in the order the
# verdict quotes by: section, confidence, text order), else the best sentence of another stance,
# so that a reviewer of an undetected paper sees what the detector did read.
DETAILS_SQL = """
WITH wanted AS (SELECT unnest($ids) AS paper_id),
best AS (
    SELECT f.paper_id, f.sentence, f.section, f.page, f.stance, f.category
    FROM findings AS f JOIN wanted USING (paper_id)
    QUALIFY row_number() OVER (
        PARTITION BY f.paper_id
        ORDER BY (f.stance = 'use' AND f.confidence >= $min_confidence) DESC,
                 list_position($sections, f.section) NULLS LAST, f.confidence DESC, f.ordinal
    ) = 1
)
SELECT p.paper_id, p.source_path, p.title, p.doi, p.year, p.field,
       coalesce(p.uses_synthetic, false), coalesce(p.categories, []),
       b.sentence, b.section, b.page, b.stance, b.category
FROM papers AS p JOIN wanted USING (paper_id) LEFT JOIN best AS b USING (paper_id)
"""
# The sentences a reviewer reads in the queue: every finding of the paper, in text order.
FINDINGS_SQL = """
SELECT sentence, section, page, stance, category, confidence
FROM findings WHERE paper_id = $id ORDER BY ordinal
"""


def assessed_papers(con: duckdb.DuckDBPyConnection) -> list[Paper]:
    """Every assessed paper, in paper_id order: the population the sample is drawn from."""
    return [
        Paper(pid, bool(detected), tuple(cats), year, field)
        for pid, detected, cats, year, field in con.execute(ASSESSED_SQL).fetchall()
    ]


@dataclass(frozen=True)
class PaperDetails:
    """A sampled paper as a reviewer sees it."""

    paper_id: str
    source_path: str
    title: str | None
    doi: str | None
    year: int | None
    field: str | None
    detected: bool
    categories: tuple[str, ...]
    sentence: str | None
    section: str | None
    page: int | None
    stance: str | None
    category: str | None

    @property
    def evidence(self) -> str:
        """The best sentence with where it stands: ``sentence [use, methods, p. 4]``."""
        if not self.sentence:
            return ""
        where = [self.stance or "", self.section or ""]
        if self.page is not None:
            where.append(f"p. {self.page}")
        return f"{self.sentence} [{', '.join(w for w in where if w)}]"


def paper_details(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, PaperDetails]:
    rows = con.execute(
        DETAILS_SQL,
        {
            "ids": list(ids),
            "min_confidence": MIN_USE_CONFIDENCE,
            "sections": list(EVIDENCE_SECTIONS),
        },
    ).fetchall()
    return {
        r[0]: PaperDetails(*r[:6], bool(r[6]), tuple(r[7]), *r[8:])  # type: ignore[misc]
        for r in rows
    }


def paper_findings(con: duckdb.DuckDBPyConnection, paper_id: str) -> list[dict]:
    cursor = con.execute(FINDINGS_SQL, {"id": paper_id})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
