"""Calibrated confidence: how often a finding of this kind was right on labelled sentences.

A finding's kind is the stance it was given, the rule that gave it, where it sits (the
paper's own sections, the introduction and related work, the closing sections, elsewhere)
and whether a strong cue named the data. ``confidence.json`` holds, for each kind and each
source of the labelled sentences, how many findings of that kind were right and how many
there were (``pipeline.answers.confidence_fit`` counts them from a gold file; the script
``benchmarks/train_confidence.py`` writes the file). A finding's confidence is the share
right, smoothed towards the broader kind (stance and rule, then stance alone) when few
findings of the kind were labelled.

Counting per source lets ``synthwatch eval --cross-source`` leave one source out: the
confidence of a finding of source S is then computed from the other sources only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from pipeline.detect.model import Finding
from pipeline.detect.patterns import load_patterns

# How many labelled findings the broader kind's rate counts for (Beta prior strength)
PRIOR_WEIGHT = 4.0
# With nothing labelled at all, a finding is as likely right as not
UNINFORMED = 0.5
MIN_CONFIDENCE, MAX_CONFIDENCE = 0.05, 0.99
STRONG_CUE = 0.85
SECTION_GROUPS = {
    "methods": "own",
    "results": "own",
    "abstract": "own",
    "appendix": "own",
    "introduction": "citing",
    "related_work": "citing",
    "discussion": "closing",
    "conclusion": "closing",
    "limitations": "closing",
}
GENERATOR_PREFIX = "generator."


@dataclass(frozen=True)
class Counts:
    right: float = 0.0
    n: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.right + other.right, self.n + other.n)


def stance_rule(finding: Finding) -> str:
    """The stance rule that decided a finding (stored as ``stance.<rule>`` in its pattern ids)."""
    return next((p[7:] for p in finding.pattern_ids if p.startswith("stance.")), "")


def cue_strength(finding: Finding) -> float:
    """The weight of the strongest cue or named generator the finding rests on."""
    by_id = _cue_weights()
    weights = [
        0.85 if p.startswith(GENERATOR_PREFIX) else by_id[p]
        for p in finding.pattern_ids
        if p.startswith(GENERATOR_PREFIX) or p in by_id
    ]
    return max(weights, default=0.0)


@cache
def _cue_weights() -> dict[str, float]:
    return {p.id: p.weight for p in load_patterns().patterns if p.kind == "cues"}


def kind_of(finding: Finding) -> tuple[str, str, str, str]:
    """(stance, rule, section group, cue strength): the key of the calibration table."""
    return (
        finding.stance,
        stance_rule(finding),
        SECTION_GROUPS.get(finding.section, "other"),
        "strong" if cue_strength(finding) >= STRONG_CUE else "weak",
    )


def _key(parts: Iterable[str]) -> str:
    return "|".join(parts)


class Calibration:
    """Confidence from counts of right and wrong findings per kind, per labelled source."""

    def __init__(self, counts: Mapping[str, Mapping[str, tuple[float, float]]]) -> None:
        # key -> source -> (right, n); every prefix of a key is counted too
        self.counts = counts
        # (kind, leave_out) -> confidence: a paper's findings share a few kinds, and a kind's
        # confidence depends on nothing else
        self._confidences: dict[tuple[tuple[str, ...], str | None], float] = {}

    def total(self, key: str, leave_out: str | None = None) -> Counts:
        out = Counts()
        for source, (right, n) in self.counts.get(key, {}).items():
            if source != leave_out:
                out = out + Counts(right, n)
        return out

    def confidence(self, finding: Finding, leave_out: str | None = None) -> float:
        parts = kind_of(finding)
        known = self._confidences.get((parts, leave_out))
        if known is None:
            known = self._confidences[parts, leave_out] = self._kind_confidence(parts, leave_out)
        return known

    def _kind_confidence(self, parts: tuple[str, ...], leave_out: str | None) -> float:
        rate = UNINFORMED
        last = None
        # from the broadest kind (the stance) to the narrowest, each smoothed to the last; a
        # level that holds the same findings as the one above adds nothing (no double count)
        for depth in range(1, len(parts) + 1):
            c = self.total(_key(parts[:depth]), leave_out)
            if c != last:
                rate = (c.right + PRIOR_WEIGHT * rate) / (c.n + PRIOR_WEIGHT)
            last = c
        # a share counted on a few hundred sentences never makes a finding certain
        return round(min(MAX_CONFIDENCE, max(MIN_CONFIDENCE, rate)), 2)

    def apply(self, findings: list[Finding], leave_out: str | None = None) -> list[Finding]:
        return [replace(f, confidence=self.confidence(f, leave_out)) for f in findings]

    def to_json(self) -> dict[str, object]:
        return {"counts": {k: dict(sorted(v.items())) for k, v in sorted(self.counts.items())}}


def count_kinds(rows: Iterable[tuple[Finding, str, bool]]) -> dict[str, dict[str, tuple[int, int]]]:
    """Counts for a Calibration from (finding, source, right) triples."""
    counts: dict[str, dict[str, list[int]]] = {}
    for finding, source, right in rows:
        parts = kind_of(finding)
        for depth in range(1, len(parts) + 1):
            slot = counts.setdefault(_key(parts[:depth]), {}).setdefault(source, [0, 0])
            slot[0] += int(right)
            slot[1] += 1
    return {k: {s: (r, n) for s, (r, n) in v.items()} for k, v in counts.items()}


@cache
def shipped_calibration() -> Calibration:
    """The calibration shipped with the package (``detect/patterns/confidence.json``)."""
    path = resources.files("pipeline.detect") / "patterns" / "confidence.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return Calibration({k: {s: tuple(v) for s, v in d.items()} for k, d in data["counts"].items()})
