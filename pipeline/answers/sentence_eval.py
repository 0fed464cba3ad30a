"""Score findings sentence by sentence against a ``sentences-dev.csv``-style gold file.

Gold rows are matched to findings by their text (folded: case, hyphens and spaces), never by
offsets, so that a changed reader or segmenter still lines up. A gold sentence that no finding
matches is one the detector did not report: ``about`` 0, no stance, no category.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.answers.evaluate import Accuracy, Counts, fold
from pipeline.detect.model import STANCES
from pipeline.errors import UsageError

SENTENCE_COLUMNS = ("file", "sentence", "about", "stance", "category", "certainty")
# A finding matches a gold sentence when one contains the other and is at least
# CONTAINED_SHARE of its length, or when the two share this share of the longer one's words
# (readers and segmenters cut at slightly different places).
WORD_OVERLAP = 0.7
CONTAINED_SHARE = 0.6
NONE = "none"  # the stance of a sentence that is not about synthetic data, or not reported
RELIABILITY_BINS = (0.9, 0.8, 0.7, 0.6, 0.5, 0.0)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldSentence:
    file: str
    source: str
    section: str
    sentence: str
    prev: str
    next: str
    about: bool
    stance: str  # one of STANCES, or NONE when not about
    category: str
    certainty: str
    note: str


@dataclass(frozen=True)
class Predicted:
    """What the detector said of one sentence (a finding, or nothing)."""

    about: bool
    stance: str
    category: str
    confidence: float | None
    section: str | None
    finding_sentence: str | None


def source_of(file: str) -> str:
    """The source tag of a labelled file: the part of its name before ``__``."""
    name = file.rsplit("/", 1)[-1]
    return name.split("__", 1)[0] if "__" in name else ""


def read_sentence_labels(path: str | Path) -> list[GoldSentence]:
    """Read a sentence gold file; raise UsageError naming what is missing."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in SENTENCE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise UsageError(
                    f"{path}: not a sentence-label file: missing column(s) {', '.join(missing)}"
                )
            rows = list(reader)
    except OSError as exc:
        raise UsageError(f"cannot read sentence labels {path}: {exc.strerror or exc}") from None
    out = []
    for r in rows:
        about = r["about"].strip() == "1"
        stance = r["stance"].strip() if about else NONE
        if about and stance not in STANCES:
            raise UsageError(f"{path}: row {r.get('sid', '?')}: unknown stance {stance!r}")
        out.append(
            GoldSentence(
                file=r["file"].strip(),
                source=source_of(r["file"]),
                section=r.get("section", "").strip(),
                sentence=r["sentence"],
                prev=r.get("prev", ""),
                next=r.get("next", ""),
                about=about,
                stance=stance,
                category=r["category"].strip() if about else "",
                certainty=r["certainty"].strip(),
                note=r.get("note", "").strip(),
            )
        )
    return out


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def match_finding(gold: str, findings: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The finding whose sentence is ``gold`` (containment or word overlap), or None."""
    fg = fold(gold)
    if not fg:
        return None
    want = _words(gold)
    best, best_overlap = None, 0.0
    for f in findings:
        fs = fold(f["sentence"])
        if fg == fs:
            return f
        got = _words(f["sentence"])
        # the share of the longer sentence's words that both hold: a heading glued to the
        # next sentence by one reader is not the same sentence as the heading alone
        overlap = len(want & got) / max(len(want), len(got), 1)
        if (fg in fs or fs in fg) and min(len(fg), len(fs)) >= CONTAINED_SHARE * max(
            len(fg), len(fs)
        ):
            overlap = max(overlap, 1.0)
        if overlap >= WORD_OVERLAP and overlap > best_overlap:
            best, best_overlap = f, overlap
    return best


def predict(gold: GoldSentence, findings: Sequence[Mapping[str, Any]]) -> Predicted:
    f = match_finding(gold.sentence, findings)
    if f is None:
        return Predicted(False, NONE, "", None, None, None)
    return Predicted(
        True, f["stance"], f["category"], f["confidence"], f.get("section"), f["sentence"]
    )


@dataclass
class SentenceEvaluation:
    n_gold: int = 0
    n_clear: int = 0
    not_scanned: list[str] = field(default_factory=list)
    about: Counts = field(default_factory=Counts)
    use: Counts = field(default_factory=Counts)
    stances: dict[str, Counts] = field(default_factory=dict)
    # gold stance -> predicted stance -> count, over clear rows (NONE for not about/reported)
    confusion: dict[str, Counter[str]] = field(default_factory=dict)
    category: Accuracy = field(default_factory=Accuracy)
    category_confusion: dict[str, Counter[str]] = field(default_factory=dict)
    # confidence bin -> [right, n] of reported findings (right: about and stance both right)
    reliability: dict[float, list[int]] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_gold": self.n_gold,
            "n_clear": self.n_clear,
            "not_scanned": self.not_scanned,
            "about": self.about.to_dict(),
            "stance_use": self.use.to_dict(),
            "stances": {s: c.to_dict() for s, c in self.stances.items()},
            "confusion": {g: dict(sorted(p.items())) for g, p in self.confusion.items()},
            "category_agreement": self.category.to_dict(),
            "category_confusion": {
                g: dict(sorted(p.items())) for g, p in self.category_confusion.items()
            },
            "reliability": [
                {
                    "confidence_from": lo,
                    "right": r,
                    "n": n,
                    "observed": (r / n if n else None),
                }
                for lo, (r, n) in sorted(self.reliability.items(), reverse=True)
            ],
            "disagreements": self.disagreements,
        }


def _bin(confidence: float) -> float:
    return next(lo for lo in RELIABILITY_BINS if confidence >= lo)


def score_sentences(
    gold: Iterable[GoldSentence],
    findings_by_file: Mapping[str, Sequence[Mapping[str, Any]]],
) -> SentenceEvaluation:
    """Compare findings (dicts with sentence, stance, category, confidence) with gold rows.

    Files absent from ``findings_by_file`` were not scanned: their rows are listed, not scored.
    Only ``certainty=clear`` rows are counted.
    """
    ev = SentenceEvaluation(
        stances={s: Counts() for s in STANCES},
        confusion={s: Counter() for s in (*STANCES, NONE)},
        reliability={lo: [0, 0] for lo in RELIABILITY_BINS},
    )
    not_scanned: set[str] = set()
    for g in gold:
        ev.n_gold += 1
        if g.file not in findings_by_file:
            not_scanned.add(g.file)
            continue
        if g.certainty != "clear":
            continue
        ev.n_clear += 1
        p = predict(g, findings_by_file[g.file])
        ev.about.add(g.about, p.about)
        ev.use.add(g.stance == "use", p.stance == "use")
        for s in STANCES:
            ev.stances[s].add(g.stance == s, p.stance == s)
        ev.confusion[g.stance][p.stance] += 1
        category_ok = None
        if g.about and p.about:
            category_ok = g.category == p.category
            ev.category.add(category_ok)
            ev.category_confusion.setdefault(g.category, Counter())[p.category] += 1
        if p.confidence is not None:
            slot = ev.reliability[_bin(p.confidence)]
            slot[0] += int(g.about and g.stance == p.stance)
            slot[1] += 1
        if g.stance != p.stance or category_ok is False:
            ev.disagreements.append(
                {
                    "file": g.file,
                    "source": g.source,
                    "section": p.section or g.section,
                    "gold_stance": g.stance,
                    "predicted_stance": p.stance,
                    "gold_category": g.category,
                    "predicted_category": p.category,
                    "confidence": p.confidence,
                    "sentence": g.sentence,
                    "note": g.note,
                }
            )
    ev.not_scanned = sorted(not_scanned)
    return ev
