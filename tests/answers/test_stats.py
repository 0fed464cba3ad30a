"""Wilson intervals, Rogan-Gladen correction and its Lang-Reiczigel interval."""

from __future__ import annotations

import math
import random

import pytest

from pipeline.answers.stats import (
    MIN_CALIBRATION_PAPERS,
    NO_CALIBRATION,
    Calibration,
    lang_reiczigel_interval,
    prevalence,
    rogan_gladen,
    wilson_interval,
)


# Worked by hand with z = 1.96, z^2 = 3.8416, n = 10: denominator 1 + z^2/n = 1.38416.
#   5/10: center (0.5 + 0.19208) / 1.38416 = 0.5; half 1.41602 * sqrt(0.025 + 0.009604) = 0.26341
#   0/10: center 0.19208 / 1.38416 = 0.13877 = half, so (0, 0.27754)
@pytest.mark.parametrize(
    "k,n,low,high",
    [
        (0, 10, 0.0, 0.27754),
        (10, 10, 0.72246, 1.0),
        (5, 10, 0.23659, 0.76341),
        (1, 1, 0.20654, 1.0),
        (81, 263, 0.2553, 0.3662),  # by hand: centre 0.31075, half 0.05547 (Newcombe 1998)
    ],
)
def test_wilson_interval_matches_hand_computed_values(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_bounds_are_exact_at_0_and_n():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0


@pytest.mark.parametrize("k,n", [(0, 0), (3, 2), (-1, 5)])
def test_wilson_refuses_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


def test_rogan_gladen_corrects_and_clips():
    assert rogan_gladen(0.3, 0.9, 0.95) == pytest.approx(0.25 / 0.85)
    assert rogan_gladen(0.01, 0.9, 0.95) == 0.0  # (0.01 + 0.95 - 1) / 0.85 < 0
    assert rogan_gladen(0.99, 0.9, 0.95) == 1.0  # (0.99 + 0.95 - 1) / 0.85 > 1
    assert rogan_gladen(0.2, 1.0, 1.0) == pytest.approx(0.2)  # a perfect detector changes nothing


def test_rogan_gladen_refuses_a_detector_no_better_than_chance():
    with pytest.raises(ValueError, match="exceed 1"):
        rogan_gladen(0.3, 0.5, 0.5)


def test_lang_reiczigel_interval_by_hand():
    # k=20 of n=100; se measured 45/50, sp 95/100.
    z = 1.96
    p = (20 + z * z / 2) / (100 + z * z)
    se, sp = 46 / 52, 96 / 102
    prev = (p + sp - 1) / (se + sp - 1)
    v_se, v_sp = se * (1 - se) / 52, sp * (1 - sp) / 102
    sd = math.sqrt(p * (1 - p) / (100 + z * z) + prev**2 * v_se + (1 - prev) ** 2 * v_sp)
    sd /= se + sp - 1
    shift = 2 * z * z * (prev * v_se - (1 - prev) * v_sp)
    expected = (prev + shift - z * sd, prev + shift + z * sd)
    assert lang_reiczigel_interval(20, 100, 45, 5, 95, 5) == pytest.approx(expected)
    assert 0 < expected[0] < rogan_gladen(0.2, 0.9, 0.95) < expected[1] < 1


def test_lang_reiczigel_approaches_known_rates_interval_with_a_huge_calibration():
    # With se and sp measured on 100,000 papers their uncertainty vanishes: the interval is
    # then close to Rogan-Gladen applied to the sample's own interval.
    low, high = lang_reiczigel_interval(200, 1000, 90_000, 10_000, 95_000, 5_000)
    w_low, w_high = wilson_interval(200, 1000)
    assert low == pytest.approx(rogan_gladen(w_low, 0.9, 0.95), abs=0.005)
    assert high == pytest.approx(rogan_gladen(w_high, 0.9, 0.95), abs=0.005)


def test_lang_reiczigel_is_wider_when_the_calibration_is_small():
    small = lang_reiczigel_interval(200, 1000, 9, 1, 19, 1)
    large = lang_reiczigel_interval(200, 1000, 900, 100, 1900, 100)
    assert small[1] - small[0] > 2 * (large[1] - large[0])


def test_corrected_prevalence_lies_in_its_interval():
    rng = random.Random(7)
    checked = 0
    for _ in range(20_000):
        n = rng.randint(1, 400)
        positives = rng.randint(MIN_CALIBRATION_PAPERS, 60)
        negatives = rng.randint(MIN_CALIBRATION_PAPERS, 300)
        tp, tn = rng.randint(0, positives), rng.randint(0, negatives)
        cal = Calibration("any", tp, positives - tp, tn, negatives - tn)
        est = prevalence(rng.randint(0, n), n, cal)
        if est.corrected is None:
            continue
        checked += 1
        assert 0 <= est.corrected_low <= est.corrected + 1e-12
        assert est.corrected <= est.corrected_high + 1e-12 <= 1 + 1e-12
    assert checked > 5_000


def test_prevalence_without_calibration_says_to_run_eval():
    est = prevalence(3, 10, None)
    assert est.proportion == 0.3 and est.wilson_low is not None
    assert est.corrected is None and est.corrected_low is None
    assert est.calibration == NO_CALIBRATION == "no calibration: run synthwatch eval"


def test_prevalence_with_too_small_calibration_is_not_corrected():
    est = prevalence(3, 10, Calibration("generated_media", 2, 0, 200, 0))
    assert est.corrected is None
    assert est.calibration == "only 2 labelled positive papers (need 5)"


def test_prevalence_of_nothing_is_empty_not_zero():
    est = prevalence(0, 0, Calibration("any", 28, 4, 170, 2))
    assert est.proportion is None and est.wilson_low is None and est.corrected is None


def test_the_shipped_calibration_was_measured_with_the_shipped_patterns():
    """Retrain it (python -m pipeline.answers.cross_source) when the patterns change."""
    import json
    from importlib import resources

    from pipeline.detect import patterns_version

    path = resources.files("pipeline.answers") / "shipped_calibration.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert shipped["patterns_version"] == patterns_version()
    assert shipped["basis"] == "cross-source"
