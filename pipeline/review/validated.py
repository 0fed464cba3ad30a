"""The validated prevalence queries: the database's detector counts, corrected by the reviews.

The SQL of a ``stats: validated`` query (``queries/prevalence_validated*.sql``) returns every
assessed paper with ``in_scope`` (its filters) and, for a grouped query, the group column; this
module reads the sample and reviews from the reviews file, puts every paper in its stratum,
and computes per group the stratified estimates of :mod:`pipeline.review.estimate`.

Domains (a year, a field) cut across the strata: in stratum h the domain's N_hd papers get the
rate of the reviewed papers of that stratum and domain. A cell with papers but no reviewed
paper borrows the rate of its whole stratum (or, with none reviewed there either, of every
reviewed paper with the same verdict), with the full binomial variance, and the row's note
says how many papers rest on a borrowed rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline.detect.model import CATEGORIES
from pipeline.errors import QueryError, ReviewError, ReviewsMissing
from pipeline.review.agreement import DISAGREE, resolve
from pipeline.review.estimate import Cell, Interval, Total, proportion, share_of, total
from pipeline.review.reviews import (
    Review,
    SampleRow,
    read_reviews,
    read_sample,
    read_strata,
    reading,
)
from pipeline.review.sampling import Paper, is_detected, stratum_of

COLUMNS = (
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "n",
    "n_detected",
    "apparent",
    "n_sampled",
    "n_reviewed",
    "n_unsure",
    "n_disagree",
    "precision",
    "precision_low",
    "precision_high",
    "recall",
    "recall_low",
    "recall_high",
    "note",
)
INPUTS = ("paper_id", "detected", "categories", "year", "field", "in_scope")
GROUPED_BY_CATEGORY = "category"
COUNT = "n_papers__"  # the papers of a cell (a name no query column takes)
SAMPLED = "sampled_ids__"  # the parameter holding the sampled paper ids


def validated_rows(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    values: Mapping[str, Any],
    *,
    reviews: str | Path,
    columns: Sequence[str],
) -> pd.DataFrame:
    """Per group (or one row): the validated prevalence, precision and recall with intervals.

    ``sql`` returns every assessed paper (``INPUTS``). A million of them never reach Python:
    DuckDB counts the papers per combination of the columns the strata and the domains read
    (``cells``, a few thousand rows), and only the sampled papers come back one by one.
    """
    group = columns[0] if columns[0] != COLUMNS[0] else None
    sample, strata, answers = _read(reviews)
    body = sql.strip().rstrip(";")
    try:
        cells = con.execute(
            f"SELECT * EXCLUDE (paper_id), count(*) AS {COUNT} FROM ({body}) GROUP BY ALL",
            values,
        ).df()
        sampled = con.execute(
            f"SELECT * FROM ({body}) WHERE paper_id IN (SELECT unnest(${SAMPLED}))",
            {**values, SAMPLED: sorted(s.paper_id for s in sample)},
        ).df()
    except duckdb.Error as exc:
        raise QueryError(f"the validated query failed: {exc}") from None
    if missing := [c for c in INPUTS if c not in sampled.columns]:
        raise QueryError(f"a validated query must return {', '.join(missing)}")
    cells, sampled = _stratified(cells, strata), _stratified(sampled, strata)
    reviewed, counts = _reviewed(sampled, sample, answers, reviews)
    scope, scope_sampled = cells[cells["in_scope"]], sampled[sampled["in_scope"]]
    rows = []
    if group == GROUPED_BY_CATEGORY:
        for category in CATEGORIES:
            truth = reviewed["categories"].map(lambda cs, c=category: c in cs)
            domain = Domain(
                scope, scope_sampled, _holds(scope, category), _holds(scope_sampled, category)
            )
            rows.append({"category": category, **_row(domain, reviewed.assign(y=truth), counts)})
    elif group is not None:
        keys = scope[group].drop_duplicates().sort_values(na_position="last")
        for key in keys:
            part, part_sampled = _where(scope, group, key), _where(scope_sampled, group, key)
            domain = Domain(part, part_sampled, part["detected"], part_sampled["detected"])
            rows.append({group: key, **_row(domain, reviewed, counts)})
    else:
        domain = Domain(scope, scope_sampled, scope["detected"], scope_sampled["detected"])
        rows.append(_row(domain, reviewed, counts))
    out = pd.DataFrame(rows, columns=list(columns))
    if group and group != GROUPED_BY_CATEGORY:
        out[group] = out[group].astype(cells[group].dtype)
    floats = [c for c in COLUMNS if c not in ("n", "n_detected", "note") and not c.startswith("n_")]
    out[floats] = out[floats].astype("float64")
    return out


@dataclass(frozen=True)
class Domain:
    """The papers a row is about (all, one year, one field...): as counted cells, and the
    sampled ones among them paper by paper; ``flagged``: which the detector counts (detected,
    or detected with the row's category)."""

    cells: pd.DataFrame
    sampled: pd.DataFrame
    flagged: pd.Series
    sampled_flagged: pd.Series

    @property
    def size(self) -> int:
        return int(self.cells[COUNT].sum())

    @property
    def detected_size(self) -> int:
        return int(self.cells[COUNT][self.flagged.to_numpy(dtype=bool)].sum())

    def ids(self, flagged: bool | None = None) -> set[str]:
        """The sampled papers of the domain (only the flagged ones, or only the others)."""
        frame = self.sampled
        if flagged is not None:
            mask = self.sampled_flagged.to_numpy(dtype=bool)
            frame = frame[mask if flagged else ~mask]
        return set(frame["paper_id"])

    def part(self, flagged: bool) -> pd.DataFrame:
        mask = self.flagged.to_numpy(dtype=bool)
        return self.cells[mask if flagged else ~mask]


def _holds(frame: pd.DataFrame, category: str) -> pd.Series:
    return frame["categories"].map(lambda cs: category in cs)


def _where(frame: pd.DataFrame, column: str, key: Any) -> pd.DataFrame:
    return frame[frame[column].isna()] if pd.isna(key) else frame[frame[column] == key]


def _read(path: str | Path) -> tuple[list[SampleRow], tuple[str, ...], list[Review]]:
    with reading(path) as con:
        return read_sample(con), read_strata(con), read_reviews(con)


def _stratified(frame: pd.DataFrame, strata: Sequence[str]) -> pd.DataFrame:
    """The rows with tidy types and each one's stratum (computed as the sampling did)."""
    frame = frame.copy()
    frame["categories"] = frame["categories"].map(lambda cs: tuple(cs) if cs is not None else ())
    frame["detected"] = frame["detected"].fillna(False).astype(bool)
    frame["in_scope"] = frame["in_scope"].fillna(False).astype(bool)
    frame["stratum"] = [
        stratum_of(
            Paper(
                "",
                bool(detected),
                categories,
                None if pd.isna(year) else int(year),
                None if pd.isna(field) else field,
            ),
            strata,
        )
        for detected, categories, year, field in zip(
            frame["detected"], frame["categories"], frame["year"], frame["field"], strict=True
        )
    ]
    return frame


def _reviewed(
    sampled: pd.DataFrame, sample: list[SampleRow], reviews: list[Review], path: str | Path
) -> tuple[pd.DataFrame, dict]:
    """The reviewed (yes/no) papers with truth, weight and stratum; the sampled papers'
    answers."""
    known = set(sampled["paper_id"])
    absent = [s.paper_id for s in sample if s.paper_id not in known]
    if absent:
        raise ReviewError(
            f"{len(absent)} of the {len(sample)} sampled papers (e.g. {absent[0]}) are not "
            f"assessed papers of this database: the sample in {path} was drawn from another "
            "database, or those papers were rescanned since; draw a new sample into a new "
            "--reviews file"
        )
    answers = resolve(reviews)
    probability = {s.paper_id: s.inclusion_probability for s in sample}
    answered = {p: a for p, a in answers.items() if p in probability}
    counts = {"answers": answered}
    rows = [
        {
            "paper_id": p,
            "y": a.answer == "yes",
            "categories": a.categories if a.answer == "yes" else frozenset(),
            "weight": 1 / probability[p],
        }
        for p, a in sorted(answered.items())
        if a.answer in ("yes", "no")
    ]
    if not rows:
        raise ReviewsMissing(
            f"no paper of the sample in {path} has a yes/no review yet: review some "
            "(synthwatch review import SHEET, or the review queue) and run the query again"
        )
    reviewed = pd.DataFrame(rows).merge(sampled[["paper_id", "stratum"]], on="paper_id")
    reviewed["detected"] = reviewed["stratum"].map(is_detected)
    return reviewed, counts


class _Rates:
    """The reviewed papers as arrays, with their positions per stratum and per verdict, so
    that a domain's total costs a lookup per stratum, not a filter of the reviews (a sample
    stratified by category, year and field has thousands of strata)."""

    def __init__(self, reviewed: pd.DataFrame) -> None:
        self.ids = reviewed["paper_id"].to_numpy()
        self.y = reviewed["y"].to_numpy(dtype=bool)
        self.weight = reviewed["weight"].to_numpy(dtype=float)
        self.by_stratum = {
            k: np.asarray(v) for k, v in reviewed.groupby("stratum", sort=False).indices.items()
        }
        self.by_verdict = {
            k: np.asarray(v) for k, v in reviewed.groupby("detected", sort=False).indices.items()
        }

    def cell(self, positions: np.ndarray, size: int, borrowed: bool) -> Cell:
        weights, y = self.weight[positions], self.y[positions]
        mean = float((weights * y).sum() / weights.sum())
        return Cell(size, len(positions), int(y.sum()), mean, borrowed=borrowed)

    def total(self, cells: pd.DataFrame, ids: set[str], borrowed: list[int]) -> Total | None:
        """The estimated positives among the papers of ``cells`` (``ids``: the sampled ones
        among them); None when some stratum has no rate at all."""
        inside = np.fromiter((i in ids for i in self.ids), dtype=bool, count=len(self.ids))
        empty = np.array([], dtype=np.intp)
        out = []
        for stratum, size in cells.groupby("stratum")[COUNT].sum().items():
            if size <= 0:
                continue
            everywhere = self.by_stratum.get(stratum, empty)
            positions = everywhere[inside[everywhere]]
            lent = len(positions) == 0
            if lent:
                positions = everywhere
            if len(positions) == 0:
                positions = self.by_verdict.get(is_detected(str(stratum)), empty)
            if len(positions) == 0:
                return None
            if lent:
                borrowed.append(int(size))
            out.append(self.cell(positions, int(size), lent))
        return total(out)


def _row(domain: Domain, reviewed: pd.DataFrame, counts: dict) -> dict[str, Any]:
    borrowed: list[int] = []
    lent_to_detected: list[int] = []
    ids, detected_ids = domain.ids(), domain.ids(flagged=True)
    rates = _Rates(reviewed)
    everyone = rates.total(domain.cells, ids, borrowed)
    found = rates.total(domain.part(True), detected_ids, lent_to_detected)
    missed = rates.total(domain.part(False), domain.ids(flagged=False), [])
    answers = counts["answers"]
    in_domain = [answers[p].answer for p in ids if p in answers]
    notes = []
    if everyone is None:
        notes.append("a stratum has no reviewed paper: review more of the sample")
    elif borrowed:
        notes.append(
            f"{sum(borrowed)} paper(s) in strata with no reviewed paper of this group: "
            "their stratum's rate is used"
        )
    n, n_detected = domain.size, domain.detected_size
    if n_detected and not reviewed["paper_id"].isin(detected_ids).any():
        # a stratum's rate says nothing of the detected papers of this group alone
        found = None
        notes.append("no reviewed paper among its detected papers: no precision or recall")
    elif lent_to_detected:
        notes.append(
            f"precision and recall: {sum(lent_to_detected)} detected paper(s) with no reviewed "
            "paper of this group in their stratum (stratify by it: --strata)"
        )
    prevalence = proportion(everyone) if everyone else None
    precision = proportion(found) if found else None
    recall = share_of(found, missed) if found and missed else None
    return {
        **_interval("estimate", "ci_low", "ci_high", prevalence, se=True),
        "n": n,
        "n_detected": n_detected,
        "apparent": n_detected / n if n else None,
        "n_sampled": len(ids),
        "n_reviewed": sum(1 for a in in_domain if a in ("yes", "no")),
        "n_unsure": sum(1 for a in in_domain if a == "unsure"),
        "n_disagree": sum(1 for a in in_domain if a == DISAGREE),
        **_interval("precision", "precision_low", "precision_high", precision),
        **_interval("recall", "recall_low", "recall_high", recall),
        "note": "; ".join(notes),
    }


def _interval(
    point: str, low: str, high: str, value: Interval | None, se: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {
        point: value.estimate if value else None,
        low: value.low if value else None,
        high: value.high if value else None,
    }
    if se:
        out["se"] = value.se if value else None
    return out
