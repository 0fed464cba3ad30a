"""Leave-one-source-out evaluation: is the detector as good on sources it was not fitted to?

The rules are written, not fitted; what is fitted is the confidence of each kind of finding
(``pipeline.detect.confidence``), and through it which `use` findings count for a verdict.
Here every labelled file is read and detected once; then each source's papers are judged
twice: with the confidence counted from all labelled sources (in-source) and from the other
sources only (cross-source). The gap between the two is what fitting to a source buys.
A source is the tag before ``__`` in a labelled file's name (papers that came together).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import detect, sources
from pipeline.answers.default_calibration import SHIPPED_FILE
from pipeline.answers.evaluate import Accuracy, Counts, Label, read_labels
from pipeline.answers.sentence_eval import (
    GoldSentence,
    SentenceEvaluation,
    read_sentence_labels,
    score_sentences,
    source_of,
)
from pipeline.detect.confidence import Calibration, shipped_calibration
from pipeline.detect.model import CATEGORIES, Finding, Verdict
from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.sources import DEFAULT_EXTRACTOR
from pipeline.version import __version__

MODES = ("in_source", "cross_source")


@dataclass
class PaperScores:
    """Paper-level agreement with the labels (clear rows)."""

    uses_synthetic: Counts = field(default_factory=Counts)
    categories: Counts = field(default_factory=Counts)  # micro over categories
    per_category: dict[str, Counts] = field(
        default_factory=lambda: {c: Counts() for c in CATEGORIES}
    )
    excluding_simulation: Counts = field(default_factory=Counts)
    medical: Accuracy = field(default_factory=Accuracy)
    real_data_check: Accuracy = field(default_factory=Accuracy)
    wrong: list[dict[str, Any]] = field(default_factory=list)

    def add(self, label: Label, verdict: Verdict, uses: list[Finding]) -> None:
        predicted = bool(verdict.uses_synthetic)
        self.uses_synthetic.add(label.uses_synthetic, predicted)
        self.excluding_simulation.add(
            label.uses_synthetic and bool(label.categories - {"simulation"}),
            predicted and bool(set(verdict.categories) - {"simulation"}),
        )
        for c in CATEGORIES:
            self.categories.add(c in label.categories, c in verdict.categories)
            self.per_category[c].add(c in label.categories, c in verdict.categories)
        if verdict.medical is not None:
            self.medical.add(bool(verdict.medical) == label.medical)
        if label.uses_synthetic and predicted and label.real_data_check in ("found", "not_found"):
            self.real_data_check.add(verdict.real_data_check == label.real_data_check)
        if predicted != label.uses_synthetic:
            top = max(uses, key=lambda f: f.confidence, default=None)
            self.wrong.append(
                {
                    "file": label.file,
                    "label": label.uses_synthetic,
                    "predicted": predicted,
                    "sentence": top.sentence if top else label.evidence,
                    "note": label.note,
                }
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "uses_synthetic": self.uses_synthetic.to_dict(),
            "categories_micro": self.categories.to_dict(),
            "per_category": {c: v.to_dict() for c, v in self.per_category.items()},
            "medical": self.medical.to_dict(),
            "real_data_check": self.real_data_check.to_dict(),
            "disagreements": self.wrong,
        }


@dataclass
class CrossSource:
    """In-source and cross-source scores, pooled and per held-out source."""

    sources: list[str]
    papers: dict[str, PaperScores]  # mode -> pooled paper scores
    sentences: dict[str, SentenceEvaluation]  # mode -> pooled sentence scores
    per_source: dict[str, dict[str, Any]]  # source -> {n_papers, n_sentences, mode scores}
    unreadable: list[dict[str, str]]

    def gap(self) -> float | None:
        """In-source minus cross-source F1 of uses_synthetic."""
        a = self.papers["in_source"].uses_synthetic.f1
        b = self.papers["cross_source"].uses_synthetic.f1
        return None if a is None or b is None else a - b

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "papers": {m: s.to_dict() for m, s in self.papers.items()},
            "sentences": {m: s.to_dict() for m, s in self.sentences.items()},
            "paper_f1_gap": self.gap(),
            "per_source": self.per_source,
            "unreadable": self.unreadable,
        }


def read_and_detect(
    files: Sequence[str], root: Path, extractor: str = DEFAULT_EXTRACTOR
) -> tuple[dict[str, tuple[Document, list[Finding]]], list[dict[str, str]]]:
    """Read and detect each file once; files that cannot be read are listed with the reason."""
    out: dict[str, tuple[Document, list[Finding]]] = {}
    unreadable = []
    for file in files:
        path = root / file
        try:
            document = sources.read_bytes(path.read_bytes(), name=path.name, extractor=extractor)
        except (OSError, ReadError) as exc:
            unreadable.append({"file": file, "reason": str(exc)})
            continue
        out[file] = (document, detect.find(document))
    return out, unreadable


def evaluate_cross_source(
    labels: Sequence[Label],
    gold: Sequence[GoldSentence],
    root: Path,
    *,
    extractor: str = DEFAULT_EXTRACTOR,
    calibration: Calibration | None = None,
) -> CrossSource:
    """Score paper labels and sentence labels in-source and leaving each source out."""
    calibration = calibration or shipped_calibration()
    files = sorted({lab.file for lab in labels} | {g.file for g in gold})
    read, unreadable = read_and_detect(files, root, extractor)
    papers = {m: PaperScores() for m in MODES}
    findings_by_mode: dict[str, dict[str, list[dict[str, Any]]]] = {m: {} for m in MODES}
    per_source: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"papers": {m: PaperScores() for m in MODES}}
    )
    verdicts: dict[str, dict[str, tuple[Verdict, list[Finding]]]] = {m: {} for m in MODES}
    for file, (document, findings) in read.items():
        source = source_of(file)
        for mode in MODES:
            leave_out = source if mode == "cross_source" else None
            calibrated = calibration.apply(findings, leave_out=leave_out)
            verdict = detect.judge(document, calibrated)
            uses = [f for f in calibrated if f.stance == "use"]
            verdicts[mode][file] = (verdict, uses)
            findings_by_mode[mode][file] = [f.to_dict() for f in calibrated]
    for lab in labels:
        if lab.certainty != "clear" or lab.file not in read:
            continue
        for mode in MODES:
            verdict, uses = verdicts[mode][lab.file]
            papers[mode].add(lab, verdict, uses)
            per_source[source_of(lab.file)]["papers"][mode].add(lab, verdict, uses)
    sentences = {m: score_sentences(gold, findings_by_mode[m]) for m in MODES}
    by_source_gold: dict[str, list[GoldSentence]] = defaultdict(list)
    for g in gold:
        by_source_gold[g.source].append(g)
    table: dict[str, dict[str, Any]] = {}
    for source in sorted(set(per_source) | set(by_source_gold)):
        row: dict[str, Any] = {"source": source}
        scores = per_source[source]["papers"]
        row["n_papers"] = scores["cross_source"].uses_synthetic.n
        for mode in MODES:
            row[f"paper_{mode}"] = scores[mode].uses_synthetic.to_dict()
        if by_source_gold.get(source):
            ev = score_sentences(by_source_gold[source], findings_by_mode["cross_source"])
            row["n_sentences"] = ev.n_clear
            row["sentence_about"] = ev.about.to_dict()
            row["sentence_use"] = ev.use.to_dict()
            row["category_agreement"] = ev.category.to_dict()
        table[source] = row
    return CrossSource(
        sources=sorted(table),
        papers=papers,
        sentences=sentences,
        per_source=table,
        unreadable=unreadable,
    )


SHIPPED_CALIBRATION = Path(__file__).resolve().parent / SHIPPED_FILE


def shipped_calibration_rows(cs: CrossSource) -> dict[str, Any]:
    """The cross-source paper counts (any, and per category) that the package ships as its
    default calibration of prevalence corrections."""
    papers = cs.papers["cross_source"]
    counts = {
        "any": papers.uses_synthetic,
        "any excluding simulation": papers.excluding_simulation,
        **papers.per_category,
    }
    return {
        "basis": "cross-source",
        "labels": "labels-dev.csv, certainty=clear",
        "n_papers": papers.uses_synthetic.n,
        "n_sources": len(cs.sources),
        "pipeline_version": __version__,
        "patterns_version": detect.patterns_version(),
        "categories": {
            c: {"tp": v.tp, "fp": v.fp, "fn": v.fn, "tn": v.tn} for c, v in counts.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure cross-source on the dev labels and write the shipped default calibration."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--labels", required=True, help="labels-dev.csv")
    parser.add_argument("--sentences", help="sentences-dev.csv (optional)")
    parser.add_argument("--out", default=str(SHIPPED_CALIBRATION))
    args = parser.parse_args(argv)
    labels, _ = read_labels(args.labels)
    gold = read_sentence_labels(args.sentences) if args.sentences else []
    cs = evaluate_cross_source(labels, gold, Path(args.labels).parent)
    data = shipped_calibration_rows(cs)
    Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.out}: {data['categories']['any']} (any), patterns {data['patterns_version']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
