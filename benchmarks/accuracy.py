"""Accuracy of the detector on labelled papers, for each PDF extractor, side by side.

Runs `synthwatch eval` (the library behind it) once per extractor into its own DuckDB file and
prints the issue #3 figures with their targets, plus the time each took.

    python benchmarks/accuracy.py --corpus ../shared/corpora
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipeline import detect
from pipeline.answers.evaluate import evaluate, read_labels
from pipeline.scan.discover import Input
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import Store, connect_readonly
from pipeline.version import __version__

TARGETS = {
    "uses_synthetic precision": 0.90,
    "uses_synthetic recall": 0.90,
    "uses_synthetic F1": None,
    "categories micro-F1": 0.80,
    "medical accuracy": 0.90,
    "participants_replaced accuracy": None,
    "real_data_check accuracy": None,
    "evidence recall": 0.80,
    "use findings conf >= 0.8 correct": 0.90,
}


def measure(corpus: Path, extractor: str, workdir: Path) -> tuple[dict[str, float | None], float]:
    labels, sha = read_labels(corpus / "labels-dev.csv")
    db = workdir / f"eval-{extractor}.duckdb"
    started = time.perf_counter()
    with Store(db) as store:
        scan(
            [Input(str(corpus / lab.file)) for lab in labels],
            store,
            ScanOptions(extractor=extractor),
        )
    seconds = time.perf_counter() - started
    con = connect_readonly(db)
    ev = evaluate(con, labels, corpus, sha)
    con.close()
    u = ev.uses_synthetic
    return {
        "uses_synthetic precision": u.precision,
        "uses_synthetic recall": u.recall,
        "uses_synthetic F1": u.f1,
        "categories micro-F1": ev.category_micro.f1,
        "medical accuracy": ev.medical.value,
        "participants_replaced accuracy": ev.participants_replaced.value,
        "real_data_check accuracy": ev.real_data_check.value,
        "evidence recall": ev.evidence.value,
        "use findings conf >= 0.8 correct": ev.calibration.value,
    }, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {x: measure(args.corpus, x, Path(tmp)) for x in ("pypdfium2", "pdfminer")}
    print(
        f"synthwatch {__version__}, patterns {detect.patterns_version()}, "
        f"labels {args.corpus / 'labels-dev.csv'} (certainty=clear)"
    )
    print(f"{'measure':36} {'pypdfium2':>10} {'pdfminer':>10} {'target':>8}")
    for name, target in TARGETS.items():
        cells = [results[x][0][name] for x in ("pypdfium2", "pdfminer")]
        shown = [f"{c:10.3f}" if c is not None else f"{'n/a':>10}" for c in cells]
        print(f"{name:36} {shown[0]} {shown[1]} {'' if target is None else f'>= {target:.2f}':>8}")
    print(
        f"{'scan + detect seconds (all labelled)':36} "
        f"{results['pypdfium2'][1]:10.1f} {results['pdfminer'][1]:10.1f}"
    )


if __name__ == "__main__":
    main()
