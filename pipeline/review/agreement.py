"""Several reviewers of one paper: the answer that counts, Cohen's kappa, what to adjudicate.

A paper's answer is the adjudicator's when there is one, else the reviewers' when they all
agree; when they disagree the paper is left out of the estimates (like ``unsure``) and listed
for adjudication, so that a disagreement is settled by a person, never by a vote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from pipeline.review.reviews import ADJUDICATOR, Review

DISAGREE = "disagree"


@dataclass(frozen=True)
class Resolved:
    """The answer that counts for one paper: yes | no | unsure | disagree."""

    paper_id: str
    answer: str
    categories: frozenset[str]
    reviewers: int


def resolve(reviews: Iterable[Review]) -> dict[str, Resolved]:
    by_paper: dict[str, list[Review]] = {}
    for r in reviews:
        by_paper.setdefault(r.paper_id, []).append(r)
    out = {}
    for paper_id, rs in sorted(by_paper.items()):
        final = [r for r in rs if r.reviewer == ADJUDICATOR] or rs
        answers = {r.uses_synthetic for r in final}
        answer = answers.pop() if len(answers) == 1 else DISAGREE
        categories = frozenset(
            c.strip()
            for r in final
            if r.uses_synthetic == answer and r.category
            for c in r.category.split(";")
            if c.strip()
        )
        out[paper_id] = Resolved(paper_id, answer, categories, len(rs))
    return out


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items; None when chance agreement is 1
    (both raters gave one and the same label to every item: kappa is undefined)."""
    if len(a) != len(b) or not a:
        raise ValueError("need two equally long, non-empty label lists")
    n = len(a)
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class PairAgreement:
    reviewer_a: str
    reviewer_b: str
    n_papers: int
    agreement: float
    kappa: float | None


def agreement(reviews: Iterable[Review]) -> list[PairAgreement]:
    """Per pair of reviewers (the adjudicator left out) with papers in common: kappa on
    yes / no / unsure."""
    answers: dict[str, dict[str, str]] = {}
    for r in reviews:
        if r.reviewer != ADJUDICATOR:
            answers.setdefault(r.reviewer, {})[r.paper_id] = r.uses_synthetic
    out = []
    for x, y in combinations(sorted(answers), 2):
        common = sorted(set(answers[x]) & set(answers[y]))
        if not common:
            continue
        a = [answers[x][p] for p in common]
        b = [answers[y][p] for p in common]
        same = sum(1 for u, v in zip(a, b, strict=True) if u == v) / len(common)
        out.append(PairAgreement(x, y, len(common), same, cohen_kappa(a, b)))
    return out


def to_adjudicate(reviews: Iterable[Review]) -> list[tuple[str, str]]:
    """Papers whose reviewers disagree and no adjudicator has settled: (paper_id, who said
    what)."""
    reviews = list(reviews)
    resolved = resolve(reviews)
    out = []
    for paper_id, r in resolved.items():
        if r.answer == DISAGREE:
            said = "; ".join(
                f"{x.reviewer}: {x.uses_synthetic}"
                for x in sorted(reviews, key=lambda x: x.reviewer)
                if x.paper_id == paper_id
            )
            out.append((paper_id, said))
    return out
