"""One run of every benchmark behind issues 15 and 18, with each target's line collected.

Runs, one after the other on the same machine (nothing else of ours in parallel):
``discovery.py`` (200,000 generated files), ``archives.py`` (packed vs unpacked), ``scan.py
--no-dask`` (one worker against raw pypdfium2, N workers against one), ``query.py`` (the canned
queries, the report and the exports on 1M generated papers, kept for the next step),
``web.py`` on that database (search, facets and paper pages over HTTP), ``dask_equality.py``
(a LocalCluster's database against a local scan's, row for row) and the kill -9 test of an
archive scan (``tests/test_archives.py``: resumed, every member once). Each script's whole
output goes to ``--out`` (one file each); this script prints the lines that state a target,
with the load average around each step, and a line per step that failed.

Example:
    .venv/bin/python benchmarks/scale.py --out benchmarks/results/scale
    .venv/bin/python benchmarks/scale.py --only query,web --papers 100000   # a quick look
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_CORPUS = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
# a line that states a target or its outcome, in any script's output
TARGET_LINE = re.compile(r"target|\bmet\b|NOT MET|passed|failed|differ|equal", re.IGNORECASE)
STEPS = ("discovery", "archives", "scan", "query", "web", "dask", "kill9")


def commands(corpus: Path, db: Path, papers: int) -> dict[str, list[str]]:
    bench = ROOT / "benchmarks"
    return {
        "discovery": [PYTHON, str(bench / "discovery.py"), "--files", "200000"],
        "archives": [PYTHON, str(bench / "archives.py"), "--corpus", str(corpus)],
        "scan": [PYTHON, str(bench / "scan.py"), "--corpus", str(corpus), "--no-dask"],
        "query": [PYTHON, str(bench / "query.py"), "--papers", str(papers), "--keep", str(db)],
        "web": [PYTHON, str(bench / "web.py"), "--db", str(db)],
        "dask": [PYTHON, str(bench / "dask_equality.py"), "--files", "10000"],
        "kill9": [
            PYTHON,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_archives.py"),
            "-k",
            "kill_9",
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scale")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--papers", type=int, default=1_000_000, help="papers of query.py/web.py")
    parser.add_argument("--only", help=f"comma-separated steps of {', '.join(STEPS)}")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",")] if args.only else list(STEPS)
    if unknown := [s for s in chosen if s not in STEPS]:
        parser.error(f"unknown step {', '.join(unknown)}; steps: {', '.join(STEPS)}")
    if "web" in chosen and "query" not in chosen:
        parser.error("web times the database that query builds: give both")
    args.out.mkdir(parents=True, exist_ok=True)
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        steps = commands(args.corpus, Path(tmp) / "bench.duckdb", args.papers)
        for name in chosen:
            before = os.getloadavg()[0]
            start = time.perf_counter()
            done = subprocess.run(
                steps[name], cwd=ROOT, capture_output=True, text=True, check=False
            )
            seconds = time.perf_counter() - start
            output = done.stdout + done.stderr
            (args.out / f"{name}.txt").write_text(output, encoding="utf-8")
            head = (
                f"== {name}: {seconds:.0f} s, exit {done.returncode}, load {before:.1f} before "
                f"and {os.getloadavg()[0]:.1f} after"
            )
            lines = [line for line in output.splitlines() if TARGET_LINE.search(line)]
            summary.append((head, lines))
            print(head, flush=True)
            for line in lines:
                print("   " + line, flush=True)
    text = "".join(h + "\n" + "".join(f"   {line}\n" for line in lines) for h, lines in summary)
    (args.out / "summary.txt").write_text(text, encoding="utf-8")
    print(f"every output: {args.out}")


if __name__ == "__main__":
    main()
