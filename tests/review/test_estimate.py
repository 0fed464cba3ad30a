"""The estimators against a known truth: simulated corpora, a detector with known error rates,
an oracle reviewing the drawn sample. Pure numpy and Python, a few seconds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.review.agreement import cohen_kappa
from pipeline.review.estimate import Cell, cell, proportion, share_of, total, wilson
from pipeline.review.sampling import Paper, design, draw, neyman

SEEDS = 300
# (papers, true prevalence, sensitivity, specificity, reviews of detected, of undetected)
SCENARIOS = {
    "typical": (4000, 0.20, 0.85, 0.95, 80, 120),
    "rare": (4000, 0.05, 0.80, 0.97, 60, 140),
    "poor detector": (3000, 0.40, 0.70, 0.90, 100, 100),
    "small corpus": (500, 0.15, 0.85, 0.95, 40, 60),
}


def simulate(
    seed: int, papers: int, prevalence: float, se: float, sp: float, n_pos: int, n_neg: int
):
    """One corpus, one detector run, one reviewed stratified sample; the true values and the
    estimates."""
    rng = np.random.default_rng(seed)
    truth = rng.random(papers) < prevalence
    detected = np.where(truth, rng.random(papers) < se, rng.random(papers) > sp)
    totals = []
    for flag, size in ((True, n_pos), (False, n_neg)):
        members = np.flatnonzero(detected == flag)
        drawn = rng.choice(members, min(size, len(members)), replace=False)
        totals.append(total([cell(len(members), truth[drawn].tolist())]))
    found, missed = totals
    true = {
        "prevalence": truth.mean(),
        "precision": (truth & detected).sum() / detected.sum(),
        "recall": (truth & detected).sum() / truth.sum(),
    }
    estimates = {
        "prevalence": proportion(found + missed),
        "precision": proportion(found),
        "recall": share_of(found, missed),
    }
    return true, estimates


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_intervals_cover_the_truth_in_about_95_percent_of_runs(scenario):
    covered = {"prevalence": 0, "precision": 0, "recall": 0}
    for seed in range(SEEDS):
        true, estimates = simulate(seed, *SCENARIOS[scenario])
        for name, interval in estimates.items():
            covered[name] += interval.low <= true[name] <= interval.high
    rates = {name: hits / SEEDS for name, hits in covered.items()}
    assert 0.90 <= rates["prevalence"] <= 0.98, rates
    assert 0.90 <= rates["precision"] <= 0.985, rates
    assert 0.88 <= rates["recall"] <= 0.99, rates


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_prevalence_estimate_is_unbiased_within_its_standard_error(scenario):
    errors, ses = [], []
    for seed in range(SEEDS):
        true, estimates = simulate(seed, *SCENARIOS[scenario])
        errors.append(estimates["prevalence"].estimate - true["prevalence"])
        ses.append(estimates["prevalence"].se)
    bias = float(np.mean(errors))
    # the mean of SEEDS errors has a standard error of sd / sqrt(SEEDS)
    assert abs(bias) <= 3 * np.std(errors) / math.sqrt(SEEDS)
    # and the reported SE is the spread of the estimates, within 25%
    assert 0.75 <= np.mean(ses) / np.std(errors) <= 1.35


def test_the_full_sampling_path_covers_the_truth():
    """draw() and design() (Neyman allocation) as the CLI uses them, 200 seeds."""
    rng = np.random.default_rng(7)
    truth = rng.random(2000) < 0.18
    detected = np.where(truth, rng.random(2000) < 0.8, rng.random(2000) > 0.94)
    papers = [Paper(f"p{i:05d}", bool(d)) for i, d in enumerate(detected)]
    answer = {p.paper_id: bool(t) for p, t in zip(papers, truth, strict=True)}
    chosen = design(papers, ("verdict",), n=150)
    hits = 0
    for seed in range(200):
        drawn = draw(papers, chosen, seed)
        cells = [
            cell(chosen.populations[s], [answer[d.paper_id] for d in drawn if d.stratum == s])
            for s in sorted(chosen.populations)
        ]
        interval = proportion(total(cells))
        hits += interval.low <= truth.mean() <= interval.high
    assert 0.90 <= hits / 200 <= 0.98


def test_a_stratum_reviewed_in_full_has_no_sampling_error():
    census = total([cell(10, [True] * 3 + [False] * 7), cell(5, [False] * 5)])
    interval = proportion(census)
    assert interval.estimate == pytest.approx(3 / 15)
    assert interval.low == interval.high == interval.estimate


def test_a_stratum_with_no_positive_review_still_has_an_interval():
    interval = proportion(total([cell(1000, [False] * 50)]))
    assert interval.estimate == 0
    assert interval.high > 0.01


def test_inclusion_weights_give_the_weighted_share():
    c = cell(100, [True, False, False], weights=[3.0, 1.0, 1.0])
    assert c.mean == pytest.approx(0.6)


def test_a_stratum_with_papers_and_no_review_is_refused():
    with pytest.raises(ValueError, match="no reviewed paper"):
        total([Cell(10, 0, 0, 0.0)])


def test_wilson_matches_the_textbook_interval():
    low, high = wilson(0.2, 50)
    assert (round(low, 4), round(high, 4)) == (0.1124, 0.3304)


def test_neyman_allocation_favours_the_uncertain_stratum_and_sums_to_n():
    sizes = neyman(
        {"detected": 200, "undetected": 1800}, {"detected": 0.5, "undetected": 0.05}, 100
    )
    assert sum(sizes.values()) == 100
    # N_h * sqrt(r(1-r)): 200 * 0.5 = 100 against 1800 * 0.218 = 392
    assert sizes == {"detected": 20, "undetected": 80}


def test_neyman_gives_every_stratum_two_reviews_and_never_more_than_it_holds():
    sizes = neyman({"a": 3, "b": 1, "c": 500}, {"a": 0.02, "b": 0.5, "c": 0.5}, 50)
    assert sizes["b"] == 1 and sizes["a"] >= 2 and sum(sizes.values()) == 50


def test_cohen_kappa_of_a_known_table():
    # 20 papers: both yes 8, both no 7, a yes/b no 3, a no/b yes 2 -> po 0.75, pe 0.5
    a = ["yes"] * 8 + ["no"] * 7 + ["yes"] * 3 + ["no"] * 2
    b = ["yes"] * 8 + ["no"] * 7 + ["no"] * 3 + ["yes"] * 2
    assert cohen_kappa(a, b) == pytest.approx(0.5)
    assert cohen_kappa(["yes", "yes"], ["yes", "yes"]) is None
