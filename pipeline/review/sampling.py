"""Drawing the validation sample: strata, allocation, and a seeded draw.

Every assessed paper falls in one stratum: detected by synthwatch or not (always), then, when
asked, its first detected category, its year, its field. Within a stratum every paper has the
same chance of being drawn, n_h / N_h: its inclusion probability, recorded with it.

How many papers per stratum: the rates the user gives (``--rates detected=0.2,undetected=0.05``:
that share of each), or Neyman's allocation, which minimises the variance of the prevalence for
a given n: n_h proportional to N_h * sqrt(r_h (1 - r_h)), r_h the share of truly positive papers
expected in the stratum (the PPV in detected strata, 1 - NPV in the others). Those are guessed
from the detector's apparent prevalence and the shipped cross-source sensitivity and
specificity (Bayes' rule); the guesses only steer the allocation, never the estimate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.answers.default_calibration import shipped_calibration
from pipeline.answers.stats import rogan_gladen
from pipeline.errors import UsageError
from pipeline.review.estimate import Z95, expected_variance

STRATA_KEYS = ("verdict", "category", "year", "field")
DEFAULT_STRATA = ("verdict",)
DETECTED, UNDETECTED = "detected", "undetected"
DEFAULT_SEED = 16
MIN_PER_STRATUM = 2  # two reviews per stratum at least: one gives no variance
# Guessed rates are kept off 0 and 1: a stratum guessed pure would get no review at all.
RATE_FLOOR = 0.02
# When the shipped calibration cannot guess (no positives, chance-level rates).
FALLBACK_RATES = {DETECTED: 0.8, UNDETECTED: 0.05}


@dataclass(frozen=True)
class Paper:
    """What the sampling needs of an assessed paper."""

    paper_id: str
    detected: bool
    categories: tuple[str, ...] = ()
    year: int | None = None
    field: str | None = None


def parse_strata(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """The strata keys, verdict first; UsageError names the valid keys."""
    items = text.split(",") if isinstance(text, str) else list(text or [])
    keys = [k.strip().lower() for k in items if k.strip()]
    if unknown := [k for k in keys if k not in STRATA_KEYS]:
        raise UsageError(
            f"unknown stratum {', '.join(unknown)}; strata are {', '.join(STRATA_KEYS)} "
            "(verdict is always one)"
        )
    return ("verdict", *(k for k in STRATA_KEYS[1:] if k in keys))


def stratum_of(paper: Paper, strata: Sequence[str]) -> str:
    """The stratum's name, e.g. ``detected|category=llm_text|year=2021``.

    A paper with several categories is stratified by the first in alphabetical order (a fixed
    rule, so that the same database gives the same strata).
    """
    parts = [DETECTED if paper.detected else UNDETECTED]
    for key in strata:
        if key == "category" and paper.detected:
            parts.append(f"category={min(paper.categories) if paper.categories else 'none'}")
        elif key == "year":
            parts.append(f"year={paper.year if paper.year is not None else 'none'}")
        elif key == "field":
            parts.append(f"field={(paper.field or 'none').lower()}")
    return "|".join(parts)


def is_detected(stratum: str) -> bool:
    return stratum.split("|", 1)[0] == DETECTED


def guessed_rates(n_detected: int, n_total: int) -> dict[str, float]:
    """The share of true positives expected among detected and undetected papers (PPV, 1-NPV).

    From the apparent prevalence and the shipped cross-source sensitivity and specificity:
    true prevalence by Rogan-Gladen, then Bayes' rule.
    """
    calibration = shipped_calibration("any")
    if calibration is None or calibration.unusable() or n_total == 0:
        return dict(FALLBACK_RATES)
    se, sp = calibration.sensitivity, calibration.specificity
    apparent = n_detected / n_total
    try:
        prevalence = rogan_gladen(apparent, se, sp)  # type: ignore[arg-type]
    except ValueError:
        return dict(FALLBACK_RATES)
    ppv = se * prevalence / apparent if apparent else FALLBACK_RATES[DETECTED]  # type: ignore[operator]
    false_omission = (
        (1 - se) * prevalence / (1 - apparent) if apparent < 1 else FALLBACK_RATES[UNDETECTED]  # type: ignore[operator]
    )
    return {DETECTED: _bounded(ppv), UNDETECTED: _bounded(false_omission)}


def _bounded(rate: float) -> float:
    return min(1 - RATE_FLOOR, max(RATE_FLOOR, rate))


def neyman(populations: Mapping[str, int], rates: Mapping[str, float], n: int) -> dict[str, int]:
    """Neyman's allocation of n reviews to strata, rounded by largest remainders.

    A stratum whose share falls below MIN_PER_STRATUM gets that many (or all its papers), one
    whose share exceeds its size gets all its papers; the rest share what is left.
    """
    names = sorted(populations)
    if n >= sum(populations.values()):
        return dict(populations)
    floor = {s: min(populations[s], MIN_PER_STRATUM) for s in names}
    if n <= sum(floor.values()):
        return floor
    fixed: dict[str, int] = {}
    while True:
        open_ = [s for s in names if s not in fixed]
        left = n - sum(fixed.values())
        scores = {s: populations[s] * math.sqrt(rates[s] * (1 - rates[s])) for s in open_}
        weight = sum(scores.values())
        share = {s: left * scores[s] / weight for s in open_}
        pinned = {s: floor[s] for s in open_ if share[s] < floor[s]}
        pinned |= {s: populations[s] for s in open_ if share[s] > populations[s]}
        if not pinned:
            break
        fixed |= pinned
    sizes = {**fixed, **{s: math.floor(share[s]) for s in open_}}
    by_remainder = sorted(open_, key=lambda s: (-(share[s] - math.floor(share[s])), s))
    for s in by_remainder[: n - sum(sizes.values())]:
        sizes[s] += 1
    return sizes


def by_rates(populations: Mapping[str, int], rates: Mapping[str, float]) -> dict[str, int]:
    """n_h = ceil(rate * N_h), the rate of the stratum's verdict (detected / undetected)."""
    return {
        s: min(N, max(min(N, MIN_PER_STRATUM), math.ceil(rates[_verdict(s)] * N - 1e-9)))
        for s, N in populations.items()
    }


def _verdict(stratum: str) -> str:
    return DETECTED if is_detected(stratum) else UNDETECTED


def parse_rates(text: str) -> dict[str, float]:
    """``detected=0.2,undetected=0.05`` -> sampling fractions; UsageError says what is wrong."""
    rates: dict[str, float] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in (DETECTED, UNDETECTED):
            raise UsageError(
                f"--rates: {item.strip()!r} is not detected=FRACTION or undetected=FRACTION "
                "(e.g. --rates detected=0.2,undetected=0.05)"
            )
        try:
            rate = float(value)
        except ValueError:
            rate = math.nan
        if not 0 < rate <= 1:
            raise UsageError(f"--rates: {key} must be a fraction in (0, 1], got {value!r}")
        rates[key] = rate
    if set(rates) != {DETECTED, UNDETECTED}:
        raise UsageError("--rates needs both detected=... and undetected=...")
    return rates


@dataclass(frozen=True)
class Design:
    """Strata with their sizes, the guessed rates and the reviews each gets."""

    strata: tuple[str, ...]
    populations: dict[str, int]
    rates: dict[str, float]  # guessed share of true positives per stratum
    sizes: dict[str, int]

    @property
    def n(self) -> int:
        return sum(self.sizes.values())

    def expected_width(self, z: float = Z95) -> float:
        """The expected width of the prevalence's 95% interval (2 z SE) with these sizes."""
        names = sorted(self.populations)
        variance = expected_variance(
            [self.populations[s] for s in names],
            [self.rates[s] for s in names],
            [self.sizes[s] for s in names],
        )
        return 2 * z * math.sqrt(variance)


def design(
    papers: Sequence[Paper],
    strata: Sequence[str],
    n: int | None = None,
    rates: Mapping[str, float] | None = None,
) -> Design:
    """The allocation: by the given sampling ``rates``, else Neyman's for ``n`` reviews."""
    if not papers:
        raise UsageError("no assessed paper in the database: nothing to sample")
    populations: dict[str, int] = {}
    for paper in papers:
        key = stratum_of(paper, strata)
        populations[key] = populations.get(key, 0) + 1
    n_detected = sum(1 for p in papers if p.detected)
    guess = guessed_rates(n_detected, len(papers))
    stratum_rates = {s: guess[_verdict(s)] for s in populations}
    if rates is not None:
        sizes = by_rates(populations, rates)
    elif n is not None:
        if n < 1:
            raise UsageError(f"--n must be at least 1, got {n}")
        sizes = neyman(populations, stratum_rates, n)
    else:
        raise UsageError("give --n (papers to review) or --rates")
    return Design(tuple(strata), populations, stratum_rates, sizes)


def plan(papers: Sequence[Paper], strata: Sequence[str], width: float) -> Design:
    """The smallest Neyman design whose expected interval is at most ``width`` wide."""
    if not 0 < width < 1:
        raise UsageError(f"--width must be between 0 and 1 (e.g. 0.05), got {width}")
    low, high = 1, len(papers)
    best = design(papers, strata, n=high)
    while low <= high:
        middle = (low + high) // 2
        candidate = design(papers, strata, n=middle)
        if candidate.expected_width() <= width:
            best, high = candidate, middle - 1
        else:
            low = middle + 1
    return best


@dataclass(frozen=True)
class Drawn:
    """A paper drawn into the sample."""

    paper_id: str
    stratum: str
    inclusion_probability: float
    position: int  # the sheet's order: a seeded shuffle, so any first k rows are a fair subset


def draw(papers: Sequence[Paper], chosen: Design, seed: int = DEFAULT_SEED) -> list[Drawn]:
    """The seeded draw: per stratum (in name order), papers in paper_id order, n_h of them
    without replacement; then the sheet's order, shuffled with the same generator."""
    rng = np.random.default_rng(seed)
    members: dict[str, list[str]] = {}
    for paper in sorted(papers, key=lambda p: p.paper_id):
        members.setdefault(stratum_of(paper, chosen.strata), []).append(paper.paper_id)
    picked: list[tuple[str, str, float]] = []
    for stratum in sorted(members):
        ids, size = members[stratum], chosen.sizes[stratum]
        for i in sorted(rng.choice(len(ids), size=size, replace=False).tolist()):
            picked.append((ids[i], stratum, size / len(ids)))
    order = rng.permutation(len(picked)).tolist()
    return [
        Drawn(paper_id, stratum, probability, position)
        for position, (paper_id, stratum, probability) in enumerate(picked[i] for i in order)
    ]
