"""The done-when check of issue 16: a validated prevalence on the dev papers, the labels as oracle.

Scans the papers of labels-dev.csv with `synthwatch eval` (which also measures precision and
recall against every label), draws a 60-paper sample with `synthwatch sample`, fills the sheet
from the labels (clear rows answer yes/no with their categories; borderline rows answer unsure),
imports it with `synthwatch review import` and runs `synthwatch query prevalence_validated`.
Prints the validated prevalence against the dev set's true prevalence, and the precision and
recall on this corpus against eval's. Then, with the library, the same for --seeds seeds: how
often the interval holds the truth. Figures only, never pass/fail.

    .venv/bin/python benchmarks/validate_dev.py [--corpus ../shared/corpora] [--n 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DEFAULT_CORPUS = Path(
    os.environ.get("SYNTHWATCH_CORPUS", HERE.parent.parent / "shared" / "corpora")
)


def run(*args: str) -> str:
    done = subprocess.run(
        [str(BIN / "synthwatch"), *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"synthwatch {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def wilson(k: int, n: int) -> tuple[float, float]:
    from pipeline.answers.stats import wilson_interval

    return wilson_interval(k, n)


def labels_of(corpus: Path) -> dict[str, dict[str, str]]:
    with open(corpus / "labels-dev.csv", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def oracle(label: dict[str, str]) -> tuple[str, str]:
    """The oracle reviewer's answer and category for one labelled paper: the label, borderline
    rows included (a reviewer must answer them too; leaving them out as unsure would drop the
    detected papers that are hardest to call, 21 of the 29 borderline ones, and bias the
    estimate, since "unsure" is assumed to be missing at random within its stratum)."""
    if label["uses_synthetic"] == "1":
        return "yes", label["categories"]
    return "no", ""


def fill(sheet: Path, filled: Path, corpus: Path, labels: dict[str, dict[str, str]]) -> None:
    with open(sheet, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        key = Path(row["source_path"]).resolve().relative_to(corpus.resolve()).as_posix()
        row["reviewer"] = "labels-dev"
        row["review_uses_synthetic"], row["review_category"] = oracle(labels[key])
    with open(filled, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def truth(db: Path, corpus: Path, labels: dict[str, dict[str, str]]) -> tuple[int, int]:
    """(positives, assessed papers): the dev set's true prevalence among the papers the
    estimate covers (the assessed ones), by their labels."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    paths = [r[0] for r in con.execute("SELECT source_path FROM papers WHERE assessed").fetchall()]
    con.close()
    keys = [Path(p).resolve().relative_to(corpus.resolve()).as_posix() for p in paths]
    rows = [labels[k] for k in keys]
    return sum(1 for r in rows if r["uses_synthetic"] == "1"), len(rows)


def all_labels(db: Path, corpus: Path, labels: dict[str, dict[str, str]]) -> dict[str, int]:
    """TP, FP, FN of the detector over every label of the assessed papers, borderline too."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source_path, uses_synthetic FROM papers WHERE assessed").fetchall()
    con.close()
    out = {"tp": 0, "fp": 0, "fn": 0}
    for path, detected in rows:
        key = Path(path).resolve().relative_to(corpus.resolve()).as_posix()
        positive = labels[key]["uses_synthetic"] == "1"
        if detected and positive:
            out["tp"] += 1
        elif detected:
            out["fp"] += 1
        elif positive:
            out["fn"] += 1
    return out


def many_seeds(db: Path, corpus: Path, labels, n: int, seeds: int, true_share: float) -> None:
    """The same check with the library for many seeds: coverage of the dev prevalence."""
    from pipeline.review.estimate import cell, proportion, share_of, total
    from pipeline.review.papers import assessed_papers
    from pipeline.review.sampling import design, draw
    from pipeline.store import connect_readonly

    con = connect_readonly(db)
    papers = assessed_papers(con)
    paths = dict(con.execute("SELECT paper_id, source_path FROM papers").fetchall())
    con.close()
    answer = {
        p.paper_id: oracle(
            labels[Path(paths[p.paper_id]).resolve().relative_to(corpus.resolve()).as_posix()]
        )[0]
        for p in papers
    }
    chosen = design(papers, ("verdict",), n=n)
    detected = {p.paper_id for p in papers if p.detected}
    positive = {p for p, a in answer.items() if a == "yes"}
    true_precision = len(positive & detected) / len(detected)
    true_recall = len(positive & detected) / len(positive)
    hits = {"prevalence": 0, "precision": 0, "recall": 0}
    estimates = []
    for seed in range(seeds):
        drawn = draw(papers, chosen, seed)
        totals = {}
        for stratum in sorted(chosen.populations):
            answers = [answer[d.paper_id] == "yes" for d in drawn if d.stratum == stratum]
            totals[stratum] = total([cell(chosen.populations[stratum], answers)])
        found, missed = totals["detected"], totals["undetected"]
        for name, result, true_value in (
            ("prevalence", proportion(found + missed), true_share),
            ("precision", proportion(found), true_precision),
            ("recall", share_of(found, missed), true_recall),
        ):
            hits[name] += result.low <= true_value <= result.high
            if name == "prevalence":
                estimates.append(result.estimate)
    mean = sum(estimates) / len(estimates)
    print(
        f"over {seeds} seeds (n={n}), how often the 95% interval holds the value over every "
        f"label: prevalence {true_share:.3f} {hits['prevalence'] / seeds:.0%} (mean estimate "
        f"{mean:.3f}), precision {true_precision:.3f} {hits['precision'] / seeds:.0%}, recall "
        f"{true_recall:.3f} {hits['recall'] / seeds:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--db", type=Path, help="eval database to (re)use [default: a temp file]")
    args = parser.parse_args()
    corpus = args.corpus
    labels = labels_of(corpus)
    work = Path(tempfile.mkdtemp(prefix="validate-dev-"))
    db = args.db or work / "eval.duckdb"
    report = json.loads(
        run(
            "eval",
            "--labels",
            str(corpus / "labels-dev.csv"),
            "--db",
            str(db),
            "--workers",
            "1",
            "--no-calibration",
            "--format",
            "json",
        )
    )
    counts = report["uses_synthetic"]
    reviews = work / "reviews.duckdb"
    sheet, filled = work / "sample.csv", work / "filled.csv"
    run(
        "sample",
        "--db",
        str(db),
        "--n",
        str(args.n),
        "--seed",
        str(args.seed),
        "--reviews",
        str(reviews),
        "-o",
        str(sheet),
    )
    fill(sheet, filled, corpus, labels)
    run("review", "import", str(filled), "--db", str(db), "--reviews", str(reviews))
    row = json.loads(
        run(
            "query",
            "prevalence_validated",
            "--db",
            str(db),
            "--reviews",
            str(reviews),
            "--format",
            "json",
        )
    )[0]
    positives, clear = truth(db, corpus, labels)
    true_share = positives / clear
    p_low, p_high = wilson(counts["tp"], counts["tp"] + counts["fp"])
    r_low, r_high = wilson(counts["tp"], counts["tp"] + counts["fn"])
    inside = row["ci_low"] <= true_share <= row["ci_high"]
    print(
        f"dev papers assessed: {row['n']} ({row['n_detected']} detected); sample of "
        f"{row['n_sampled']}, {row['n_reviewed']} reviewed yes/no, {row['n_unsure']} unsure "
        ""
    )
    print(
        f"true prevalence (labels of the assessed papers): {positives}/{clear} = {true_share:.3f}"
    )
    print(
        f"validated prevalence: {row['estimate']:.3f} ({row['ci_low']:.3f}-{row['ci_high']:.3f})"
        f" -> holds the truth: {'yes' if inside else 'NO'}"
    )
    print(f"apparent (detector) prevalence: {row['apparent']:.3f}")
    every = all_labels(db, corpus, labels)
    for name, point, low, high, e_point, e_low, e_high, k, m in (
        (
            "precision",
            row["precision"],
            row["precision_low"],
            row["precision_high"],
            counts["precision"],
            p_low,
            p_high,
            every["tp"],
            every["tp"] + every["fp"],
        ),
        (
            "recall",
            row["recall"],
            row["recall_low"],
            row["recall_high"],
            counts["recall"],
            r_low,
            r_high,
            every["tp"],
            every["tp"] + every["fn"],
        ),
    ):
        overlap = low <= e_high and e_low <= high
        print(
            f"{name}: validated {point:.3f} ({low:.3f}-{high:.3f}); eval {e_point:.3f} "
            f"({e_low:.3f}-{e_high:.3f}, {counts['n']} clear labels): intervals overlap: "
            f"{'yes' if overlap else 'NO'}, eval's point inside the validated interval: "
            f"{'yes' if low <= e_point <= high else 'NO'}; over every label (borderline "
            f"too, what the sample estimates): {k}/{m} = {k / m:.3f}, inside: "
            f"{'yes' if low <= k / m <= high else 'NO'}"
        )
    many_seeds(db, corpus, labels, args.n, args.seeds, true_share)
    print(f"files in {work}")


if __name__ == "__main__":
    main()
