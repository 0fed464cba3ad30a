"""Score the stored verdicts of labelled papers against ``labels-dev.csv``-style labels."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipeline.detect.model import CATEGORIES
from pipeline.errors import UsageError

LABEL_COLUMNS = (
    "file",
    "uses_synthetic",
    "certainty",
    "categories",
    "roles",
    "medical",
    "participants_replaced",
    "real_data_check",
    "evidence",
)
HIGH_CONFIDENCE = 0.8
CALIBRATION_BINS = (0.8, 0.6, 0.4)
EVIDENCE_OVERLAP = 0.8
_FOLD = re.compile(r"[\s\-‐‑–—]+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Label:
    file: str
    uses_synthetic: bool
    certainty: str
    categories: frozenset[str]
    roles: frozenset[str]
    medical: bool
    participants_replaced: bool
    real_data_check: str
    evidence: str
    note: str


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def specificity(self) -> float | None:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return (
            2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "n": self.n,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "specificity": self.specificity,
        }


@dataclass
class Accuracy:
    right: int = 0
    n: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.n += 1

    @property
    def value(self) -> float | None:
        return self.right / self.n if self.n else None

    def to_dict(self) -> dict[str, Any]:
        return {"right": self.right, "n": self.n, "accuracy": self.value}


@dataclass
class Evaluation:
    labels_sha256: str
    n_labels: int
    uses_synthetic: Counts = field(default_factory=Counts)
    categories: dict[str, Counts] = field(default_factory=dict)
    medical: Accuracy = field(default_factory=Accuracy)
    participants_replaced: Accuracy = field(default_factory=Accuracy)
    real_data_check: Accuracy = field(default_factory=Accuracy)
    evidence: Accuracy = field(default_factory=Accuracy)
    calibration: Accuracy = field(default_factory=Accuracy)
    # "model-generated data (excluding simulation)": a use of another category than simulation
    excluding_simulation: Counts = field(default_factory=Counts)
    calibration_bins: dict[str, Accuracy] = field(
        default_factory=lambda: {b: Accuracy() for b in (">=0.8", ">=0.6", ">=0.4", "<0.4")}
    )
    not_scanned: list[str] = field(default_factory=list)
    not_assessed: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    borderline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def category_micro(self) -> Counts:
        total = Counts()
        for c in self.categories.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
            total.tn += c.tn
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels_sha256": self.labels_sha256,
            "n_labels": self.n_labels,
            "uses_synthetic": self.uses_synthetic.to_dict(),
            "categories": {k: v.to_dict() for k, v in self.categories.items()},
            "categories_micro": self.category_micro.to_dict(),
            "medical": self.medical.to_dict(),
            "participants_replaced": self.participants_replaced.to_dict(),
            "real_data_check": self.real_data_check.to_dict(),
            "evidence_recall": self.evidence.to_dict(),
            "calibration": {"threshold": HIGH_CONFIDENCE, **self.calibration.to_dict()},
            "calibration_bins": {k: v.to_dict() for k, v in self.calibration_bins.items()},
            "not_scanned": self.not_scanned,
            "not_assessed": self.not_assessed,
            "disagreements": self.disagreements,
            "borderline": self.borderline,
        }


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")


def _set(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(";") if v.strip())


def read_labels(path: str | Path) -> tuple[list[Label], str]:
    """Labels and the SHA-256 of the file; UsageError when columns are missing."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read labels {path}: {exc.strerror or exc}") from None
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    missing = [c for c in LABEL_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise UsageError(f"labels {path} lack columns {missing or list(LABEL_COLUMNS)}")
    labels = [
        Label(
            file=r["file"],
            uses_synthetic=_flag(r["uses_synthetic"]),
            certainty=r["certainty"].strip(),
            categories=_set(r["categories"]),
            roles=_set(r["roles"]),
            medical=_flag(r["medical"]),
            participants_replaced=_flag(r["participants_replaced"]),
            real_data_check=r["real_data_check"].strip(),
            evidence=r["evidence"].strip(),
            note=r.get("note", "").strip(),
        )
        for r in rows
    ]
    return labels, hashlib.sha256(raw).hexdigest()


def fold(text: str) -> str:
    """Lower case, hyphens and whitespace folded away: for matching evidence sentences."""
    return _FOLD.sub("", text).lower()


def evidence_matches(evidence: str, sentences: Sequence[str]) -> bool:
    """The labelled evidence is among ``sentences`` (containment, or 80% token overlap)."""
    fe = fold(evidence)
    if not fe:
        return False
    want = set(_TOKEN.findall(evidence.lower()))
    for s in sentences:
        fs = fold(s)
        if fe in fs or (len(fs) > 40 and fs in fe):
            return True
        got = set(_TOKEN.findall(s.lower()))
        if want and len(want & got) / len(want) >= EVIDENCE_OVERLAP:
            return True
    return False


def _paper_rows(con: duckdb.DuckDBPyConnection, paths: list[str]) -> dict[str, dict[str, Any]]:
    sql = """
        SELECT f.path, p.* FROM files f JOIN papers p USING (paper_id)
        WHERE f.path IN (SELECT unnest($paths))
    """
    rel = con.execute(sql, {"paths": paths})
    cols = [d[0] for d in rel.description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rel.fetchall()}


def _findings(con: duckdb.DuckDBPyConnection, paper_ids: list[str]) -> dict[str, list[dict]]:
    rel = con.execute(
        "SELECT paper_id, section, page, sentence, stance, category, confidence, pattern_ids "
        "FROM findings WHERE paper_id IN (SELECT unnest($ids)) ORDER BY paper_id, ordinal",
        {"ids": paper_ids},
    )
    cols = [d[0] for d in rel.description]
    out: dict[str, list[dict]] = {}
    for r in rel.fetchall():
        d = dict(zip(cols, r, strict=True))
        out.setdefault(d["paper_id"], []).append(d)
    return out


def evaluate(
    con: duckdb.DuckDBPyConnection, labels: list[Label], root: Path, labels_sha256: str
) -> Evaluation:
    """Compare stored verdicts with labels; ``root`` joins label ``file`` paths."""
    paths = {lab.file: str(root / lab.file) for lab in labels}
    papers = _paper_rows(con, list(paths.values()))
    findings = _findings(con, [p["paper_id"] for p in papers.values()])
    ev = Evaluation(
        labels_sha256=labels_sha256,
        n_labels=len(labels),
        categories={c: Counts() for c in CATEGORIES},
    )
    for lab in labels:
        paper = papers.get(paths[lab.file])
        if paper is None:
            ev.not_scanned.append(lab.file)
            continue
        fs = findings.get(paper["paper_id"], [])
        uses = [f for f in fs if f["stance"] == "use"]
        predicted = bool(paper["uses_synthetic"])
        if lab.certainty != "clear":
            ev.borderline.append(
                {
                    "file": lab.file,
                    "label": lab.uses_synthetic,
                    "predicted": predicted,
                    "note": lab.note,
                }
            )
            continue
        if paper["status"] != "ok" or not paper["assessed"]:
            ev.not_assessed.append(
                {
                    "file": lab.file,
                    "status": paper["status"],
                    "language": paper["language"],
                    "reason": paper["error"] or "; ".join(paper["reasons"] or []),
                }
            )
        ev.uses_synthetic.add(lab.uses_synthetic, predicted)
        pred_cats = set(paper["categories"] or [])
        ev.excluding_simulation.add(
            lab.uses_synthetic and bool(lab.categories - {"simulation"}),
            predicted and bool(pred_cats - {"simulation"}),
        )
        for c in CATEGORIES:
            ev.categories[c].add(c in lab.categories, c in pred_cats)
        if paper["medical"] is not None:
            ev.medical.add(bool(paper["medical"]) == lab.medical)
        if paper["participants_replaced"] is not None:
            ev.participants_replaced.add(
                bool(paper["participants_replaced"]) == lab.participants_replaced
            )
        if lab.uses_synthetic and predicted and lab.real_data_check in ("found", "not_found"):
            ev.real_data_check.add(paper["real_data_check"] == lab.real_data_check)
        if lab.uses_synthetic and lab.evidence:
            ev.evidence.add(evidence_matches(lab.evidence, [f["sentence"] for f in uses]))
        for f in uses:
            ok = use_finding_correct(lab, f["category"])
            ev.calibration_bins[_bin(f["confidence"])].add(ok)
            if f["confidence"] >= HIGH_CONFIDENCE:
                ev.calibration.add(ok)
        if predicted != lab.uses_synthetic or pred_cats != set(lab.categories):
            ev.disagreements.append(_disagreement(lab, paper, uses, fs, predicted, pred_cats))
    return ev


def use_finding_correct(lab: Label, category: str) -> bool:
    """A `use` finding is right when its paper uses synthetic data and the sentence's category
    is one the paper is labelled with. ``synthetic_other`` ("synthetic data" of unstated kind)
    is right in any positive paper: at sentence level the kind is indeed unstated."""
    return lab.uses_synthetic and (category in lab.categories or category == "synthetic_other")


def _bin(confidence: float) -> str:
    for lo in CALIBRATION_BINS:
        if confidence >= lo:
            return f">={lo:.1f}"
    return f"<{CALIBRATION_BINS[-1]:.1f}"


def _disagreement(
    lab: Label,
    paper: dict[str, Any],
    uses: list[dict],
    fs: list[dict],
    predicted: bool,
    pred_cats: set[str],
) -> dict[str, Any]:
    if predicted and not lab.uses_synthetic:
        kind = "false_positive"
        best = max(uses, key=lambda f: f["confidence"])
        cause = best["sentence"]
    elif lab.uses_synthetic and not predicted:
        kind = "false_negative"
        near = [f for f in fs if evidence_matches(lab.evidence, [f["sentence"]])]
        cause = (
            f"evidence found as {near[0]['stance']}: {near[0]['sentence']}"
            if near
            else f"evidence not found: {lab.evidence}"
        )
    else:
        kind = "categories"
        extra = sorted(pred_cats - set(lab.categories))
        cause = next((f["sentence"] for f in uses if f["category"] in extra), lab.evidence)
    return {
        "file": lab.file,
        "kind": kind,
        "label": lab.uses_synthetic,
        "predicted": predicted,
        "label_categories": sorted(lab.categories),
        "predicted_categories": sorted(pred_cats),
        "status": paper["status"],
        "sentence": cause,
        "note": lab.note,
    }
