"""Prevalence, precision and recall from a stratified validation sample: the formulas.

Pure functions over counts, no pandas, no DuckDB: the simulation tests call them thousands of
times. The corpus is split into strata (at least: detected by synthwatch or not); in each stratum
h, N_h papers, of which m_h were reviewed (yes/no; "unsure" is left out) and a weighted share
p_h of them truly use synthetic data. Weights are 1 / inclusion probability (Hájek mean); the
sampling draws every paper of a stratum with the same probability, so within a stratum the
weights are equal and p_h is the reviewed share. Then

    total     T = sum_h N_h p_h
    prevalence  = T / N                  (in detected strata p_h is the PPV, in the others
    precision   = T_detected / N_detected  1 - NPV: the stratified PPV/NPV estimator)
    recall      = T_detected / T

The variance of a stratum's term is N_h^2 (1 - m_h/N_h) q_h (1 - q_h) / m_h: binomial, times the
finite population correction (a stratum reviewed in full has no sampling error). q_h is p_h
shrunk by half a paper each way, (k_h + 1/2) / (m_h + 1) (Jeffreys' prior mean), so that a
stratum whose reviews are all "no" still counts as uncertain: in the undetected strata, the
ones that decide recall, that is the usual case. A proportion's interval is Wilson's with the
effective sample size P(1-P)/V (Kish; Korn & Graubard 1998); recall's is a delta-method
interval on the logit scale. docs/validation.md gives the method with its references.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Z95 = 1.96
PSEUDO = 0.5  # papers added to each side of a stratum's count for its variance (Jeffreys)


@dataclass(frozen=True)
class Cell:
    """The papers of one stratum inside one domain (all papers, one year, one category...).

    ``mean`` is the weighted share of reviewed papers that truly are positive; ``positives``
    the unweighted count behind it (for the pseudo-counts of the variance).
    """

    population: int
    reviewed: int
    positives: int
    mean: float
    # the rate of another cell (its stratum's) stands in: no finite population correction
    borrowed: bool = False

    @property
    def shrunk(self) -> float:
        return (self.positives + PSEUDO) / (self.reviewed + 2 * PSEUDO)

    @property
    def fpc(self) -> float:
        """Finite population correction: 0 when the stratum was reviewed in full."""
        if self.borrowed:
            return 1.0
        if self.population <= 0:
            return 0.0
        return max(0.0, 1 - self.reviewed / self.population)


def cell(population: int, answers: Sequence[bool], weights: Sequence[float] | None = None) -> Cell:
    """A Cell from the reviewers' answers (True: uses synthetic data) and their weights."""
    weights = list(weights) if weights is not None else [1.0] * len(answers)
    if len(weights) != len(answers):
        raise ValueError("one weight per answer")
    if population < len(answers):
        raise ValueError(f"{len(answers)} reviewed papers in a stratum of {population}")
    total = sum(weights)
    mean = sum(w for w, a in zip(weights, answers, strict=True) if a) / total if total else 0.0
    return Cell(population, len(answers), sum(1 for a in answers if a), mean)


@dataclass(frozen=True)
class Total:
    """An estimated number of positive papers: value, variance, and value with pseudo-counts."""

    value: float
    variance: float
    shrunk: float
    population: int
    reviewed: int

    def __add__(self, other: Total) -> Total:
        return Total(
            self.value + other.value,
            self.variance + other.variance,
            self.shrunk + other.shrunk,
            self.population + other.population,
            self.reviewed + other.reviewed,
        )


def total(cells: Iterable[Cell]) -> Total:
    """The stratified estimate of the number of positive papers in the cells' domain.

    Raises ValueError for a cell with papers but no reviewed one: its rate is unknown (the
    caller decides what stands in for it).
    """
    value = variance = shrunk = 0.0
    population = reviewed = 0
    for c in cells:
        if c.population == 0:
            continue
        if c.reviewed == 0:
            raise ValueError("a stratum with papers has no reviewed paper")
        value += c.population * c.mean
        shrunk += c.population * c.shrunk
        variance += c.population**2 * c.fpc * c.shrunk * (1 - c.shrunk) / c.reviewed
        population += c.population
        reviewed += c.reviewed
    return Total(value, variance, shrunk, population, reviewed)


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95% interval (and standard error)."""

    estimate: float
    low: float
    high: float
    se: float


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion p observed on n (possibly fractional) trials."""
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(max(0.0, p * (1 - p)) / n + z2 / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


def proportion(t: Total, z: float = Z95) -> Interval | None:
    """T / N with a Wilson interval on the effective sample size; None for an empty domain.

    The effective size is the number of simple-random-sample reviews that would give the same
    variance: P(1-P)/V, with P and V from the pseudo-counts. A domain reviewed in full has no
    sampling error: its interval is the point.
    """
    if t.population == 0:
        return None
    estimate = t.value / t.population
    variance = t.variance / t.population**2
    if variance <= 0:
        return Interval(estimate, estimate, estimate, 0.0)
    shrunk = t.shrunk / t.population
    n_effective = shrunk * (1 - shrunk) / variance
    low, high = wilson(estimate, n_effective, z)
    return Interval(estimate, min(low, estimate), max(high, estimate), math.sqrt(variance))


def share_of(part: Total, rest: Total, z: float = Z95) -> Interval | None:
    """A / (A + B) for independent totals (recall: positives found / all positives).

    Delta method on the logit scale, centred on the pseudo-count estimate, so that a recall
    of 1 (no positive found among the undetected papers reviewed) still gets a lower bound
    below 1; the interval always contains the point estimate. None when A + B is 0.
    """
    whole = part.value + rest.value
    if whole <= 0:
        return None
    estimate = part.value / whole
    a, b = part.shrunk, rest.shrunk
    if a <= 0 or b <= 0:
        return Interval(estimate, estimate, estimate, 0.0)
    logit = math.log(a / b)
    sd = math.sqrt(part.variance / a**2 + rest.variance / b**2)
    low, high = _expit(logit - z * sd), _expit(logit + z * sd)
    se = sd * estimate * (1 - estimate)
    return Interval(estimate, min(low, estimate), max(high, estimate), se)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def expected_variance(
    populations: Sequence[int], rates: Sequence[float], sizes: Sequence[int]
) -> float:
    """Variance of the prevalence for strata of these sizes, guessed rates and sample sizes.

    What the plan (and the allocation) minimise; a stratum sampled in full adds nothing.
    """
    n = sum(populations)
    if n == 0:
        return 0.0
    variance = 0.0
    for population, rate, size in zip(populations, rates, sizes, strict=True):
        if population == 0 or size >= population:
            continue
        if size <= 0:
            return math.inf
        variance += population**2 * (1 - size / population) * rate * (1 - rate) / size
    return variance / n**2
