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
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.detect.model import CATEGORIES
from pipeline.errors import QueryError, ReviewError, ReviewsMissing
from pipeline.review.agreement import DISAGREE, resolve
from pipeline.review.estimate import Cell, Interval, Total, proportion, share_of, total
from pipeline.review.reviews import read_reviews, read_sample, read_strata, reading
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


def validated_rows(
    frame: pd.DataFrame,
    values: Mapping[str, Any],
    *,
    reviews: str | Path,
    columns: Sequence[str],
) -> pd.DataFrame:
    """Per group (or one row): the validated prevalence, precision and recall with intervals."""
    if missing := [c for c in INPUTS if c not in frame.columns]:
        raise QueryError(f"a validated query must return {', '.join(missing)}")
    group = columns[0] if columns[0] != COLUMNS[0] else None
    papers, reviewed, counts = _papers(frame, reviews)
    scope = papers[papers["in_scope"]]
    rows = []
    if group == GROUPED_BY_CATEGORY:
        for category in CATEGORIES:
            flagged = scope["categories"].map(lambda cs, c=category: c in cs)
            truth = reviewed["categories"].map(lambda cs, c=category: c in cs)
            rows.append(
                {"category": category, **_row(scope, flagged, reviewed.assign(y=truth), counts)}
            )
    elif group is not None:
        keys = scope[group].drop_duplicates().sort_values(na_position="last")
        for key in keys:
            members = scope[scope[group].isna()] if pd.isna(key) else scope[scope[group] == key]
            rows.append({group: key, **_row(members, members["detected"], reviewed, counts)})
    else:
        rows.append(_row(scope, scope["detected"], reviewed, counts))
    out = pd.DataFrame(rows, columns=list(columns))
    if group and group != GROUPED_BY_CATEGORY:
        out[group] = out[group].astype(frame[group].dtype)
    floats = [c for c in COLUMNS if c not in ("n", "n_detected", "note") and not c.startswith("n_")]
    out[floats] = out[floats].astype("float64")
    return out


def _papers(frame: pd.DataFrame, path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Every assessed paper with its stratum; the reviewed (yes/no) papers with truth and
    weight; the sampled papers' answers."""
    with reading(path) as con:
        sample = read_sample(con)
        strata = read_strata(con)
        reviews = read_reviews(con)
    papers = frame.copy()
    papers["categories"] = papers["categories"].map(lambda cs: tuple(cs) if cs is not None else ())
    papers["detected"] = papers["detected"].fillna(False).astype(bool)
    papers["in_scope"] = papers["in_scope"].fillna(False).astype(bool)
    papers["stratum"] = [
        stratum_of(
            Paper(
                r.paper_id,
                r.detected,
                r.categories,
                None if pd.isna(r.year) else int(r.year),
                None if pd.isna(r.field) else r.field,
            ),
            strata,
        )
        for r in papers.itertuples()
    ]
    known = set(papers["paper_id"])
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
    counts = {"sampled": set(probability), "answers": answered}
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
    reviewed = pd.DataFrame(rows).merge(papers[["paper_id", "stratum"]], on="paper_id")
    reviewed["detected"] = reviewed["stratum"].map(is_detected)
    return papers, reviewed, counts


def _domain_total(
    members: pd.DataFrame, reviewed: pd.DataFrame, borrowed: list[int]
) -> Total | None:
    """The estimated positives among ``members``; None when some stratum has no rate at all."""
    inside = reviewed[reviewed["paper_id"].isin(set(members["paper_id"]))]
    cells = []
    for stratum, size in members.groupby("stratum").size().items():
        rows = inside[inside["stratum"] == stratum]
        lent = rows.empty
        if lent:
            rows = reviewed[reviewed["stratum"] == stratum]
        if rows.empty:
            rows = reviewed[reviewed["detected"] == is_detected(str(stratum))]
        if rows.empty:
            return None
        if lent:
            borrowed.append(int(size))
        weights = rows["weight"]
        mean = float((weights * rows["y"]).sum() / weights.sum())
        cells.append(Cell(int(size), len(rows), int(rows["y"].sum()), mean, borrowed=lent))
    return total(cells)


def _row(
    members: pd.DataFrame, flagged: pd.Series, reviewed: pd.DataFrame, counts: dict
) -> dict[str, Any]:
    borrowed: list[int] = []
    lent_to_detected: list[int] = []
    flagged = flagged.astype(bool)
    detected = members[flagged.to_numpy()]
    everyone = _domain_total(members, reviewed, borrowed)
    found = _domain_total(detected, reviewed, lent_to_detected)
    missed = _domain_total(members[~flagged.to_numpy()], reviewed, [])
    ids = set(members["paper_id"])
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
    if len(detected) and not reviewed["paper_id"].isin(set(detected["paper_id"])).any():
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
    n, n_detected = len(members), int(flagged.sum())
    return {
        **_interval("estimate", "ci_low", "ci_high", prevalence, se=True),
        "n": n,
        "n_detected": n_detected,
        "apparent": n_detected / n if n else None,
        "n_sampled": len(ids & counts["sampled"]),
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
