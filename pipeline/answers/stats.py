"""Prevalence statistics: Wilson intervals and prevalence corrected for detector error.

Pure functions over counts. The canned prevalence queries count papers in SQL; these functions
turn the counts into proportions with intervals (``pipeline.answers.queries`` applies them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

Z95 = 1.96
NO_CALIBRATION = "no calibration: run synthwatch eval"
# Fewer labelled positive (or negative) papers than this measure no sensitivity (specificity)
# worth correcting with: with 1 or 2 the interval need not even contain the point estimate.
MIN_CALIBRATION_PAPERS = 5


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n (95% with the default z).

    Raises ValueError unless 0 <= k <= n and n > 0. The bounds are exactly 0 when k == 0 and
    exactly 1 when k == n.
    """
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else _clip(center - half)
    high = 1.0 if k == n else _clip(center + half)
    return low, high


def rogan_gladen(p: float, se: float, sp: float) -> float:
    """True prevalence from an apparent one, for a test of sensitivity se and specificity sp.

    (p + sp - 1) / (se + sp - 1), clipped to [0, 1] (Rogan & Gladen 1978). Raises ValueError
    when se + sp <= 1: a detector no better than chance cannot be corrected for.
    """
    youden = se + sp - 1
    if youden <= 0:
        raise ValueError(f"sensitivity + specificity must exceed 1, got {se} + {sp}")
    return _clip((p + sp - 1) / youden)


def lang_reiczigel_interval(
    k: int, n: int, tp: int, fn: int, tn: int, fp: int, z: float = Z95
) -> tuple[float, float]:
    """Interval of the Rogan-Gladen prevalence that includes the uncertainty of se and sp.

    k of n papers were positive; sensitivity and specificity were measured on labelled papers
    (tp, fn among the truly positive, tn, fp among the truly negative). Applying Rogan-Gladen to
    the Wilson bounds would treat se and sp as known exactly, which they are not when measured
    on a few dozen labelled papers. This is the adjusted Wald interval of Lang & Reiczigel
    (2014, Prev. Vet. Med. 113:13-22): Agresti-Coull-style pseudo-counts (z^2/2 of z^2 for the
    sample, 1 of 2 for se and sp), a delta-method standard error with a variance term for each
    of p, se and sp, and the authors' shift correction; bounds clipped to [0, 1]. Raises
    ValueError when n == 0 or the adjusted se + sp <= 1.
    """
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    z2 = z * z
    n_p, n_se, n_sp = n + z2, tp + fn + 2, tn + fp + 2
    p = (k + z2 / 2) / n_p
    se = (tp + 1) / n_se
    sp = (tn + 1) / n_sp
    youden = se + sp - 1
    if youden <= 0:
        raise ValueError("adjusted sensitivity + specificity must exceed 1")
    prev = (p + sp - 1) / youden
    var_se = se * (1 - se) / n_se
    var_sp = sp * (1 - sp) / n_sp
    sd = math.sqrt(p * (1 - p) / n_p + prev**2 * var_se + (1 - prev) ** 2 * var_sp) / youden
    shift = 2 * z2 * (prev * var_se - (1 - prev) * var_sp)
    return _clip(prev + shift - z * sd), _clip(prev + shift + z * sd)


@dataclass(frozen=True)
class Calibration:
    """The detector's measured error on labelled papers (one row of the calibration table)."""

    category: str
    tp: int
    fn: int
    tn: int
    fp: int
    created_at: datetime | None = None
    # what the counts rest on, said with every corrected figure ("" for a synthwatch eval row)
    basis: str = ""

    @property
    def n(self) -> int:
        return self.tp + self.fn + self.tn + self.fp

    @property
    def sensitivity(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def specificity(self) -> float | None:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else None

    def unusable(self) -> str | None:
        """Why this calibration cannot correct a prevalence, or None when it can."""
        positives, negatives = self.tp + self.fn, self.tn + self.fp
        if positives < MIN_CALIBRATION_PAPERS:
            return f"only {positives} labelled positive papers (need {MIN_CALIBRATION_PAPERS})"
        if negatives < MIN_CALIBRATION_PAPERS:
            return f"only {negatives} labelled negative papers (need {MIN_CALIBRATION_PAPERS})"
        adjusted = (self.tp + 1) / (positives + 2) + (self.tn + 1) / (negatives + 2)
        if self.sensitivity + self.specificity <= 1 or adjusted <= 1:  # type: ignore[operator]
            return "sensitivity + specificity <= 1: no correction possible"
        return None

    def describe(self) -> str:
        rates = self.describe_rates()
        if self.basis:
            return f"{self.basis}; {rates}"
        when = f" {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"eval{when}, {self.n} labelled papers; {rates}"

    def describe_rates(self) -> str:
        """Sensitivity and specificity with their Wilson 95% intervals."""
        parts = []
        for name, k, n in (
            ("sensitivity", self.tp, self.tp + self.fn),
            ("specificity", self.tn, self.tn + self.fp),
        ):
            if n:
                low, high = wilson_interval(k, n)
                parts.append(f"{name} {k / n:.2f} ({low:.2f}-{high:.2f}, {k}/{n})")
            else:
                parts.append(f"{name} not measured")
        return ", ".join(parts)


@dataclass(frozen=True)
class Prevalence:
    """A proportion k/n, its Wilson interval, and the prevalence corrected for detector error."""

    n: int
    count: int
    proportion: float | None
    wilson_low: float | None
    wilson_high: float | None
    corrected: float | None
    corrected_low: float | None
    corrected_high: float | None
    calibration: str


def prevalence(count: int, n: int, calibration: Calibration | None, z: float = Z95) -> Prevalence:
    """Everything a prevalence row reports; None where n == 0 or no usable calibration."""
    if n == 0:
        note = calibration.describe() if calibration else NO_CALIBRATION
        return Prevalence(0, 0, None, None, None, None, None, None, note)
    low, high = wilson_interval(count, n, z)
    corrected = corrected_low = corrected_high = None
    if calibration is None:
        note = NO_CALIBRATION
    elif reason := calibration.unusable():
        note = reason
    else:
        c = calibration
        corrected = rogan_gladen(count / n, c.sensitivity, c.specificity)  # type: ignore[arg-type]
        corrected_low, corrected_high = lang_reiczigel_interval(count, n, c.tp, c.fn, c.tn, c.fp, z)
        note = c.describe()
    return Prevalence(
        n, count, count / n, low, high, corrected, corrected_low, corrected_high, note
    )
