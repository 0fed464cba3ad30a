"""Does a Dask cluster's database equal a local scan's? 10,000 generated papers, row for row.

Generates ``--files`` (10,000) small text papers (with and without synthetic data, a few exact
copies, one empty file), scans them with the real CLI twice into fresh databases: the local
engine (``--workers``) and ``--engine dask`` on a LocalCluster of as many workers. Then compares
``papers``, ``findings`` and ``files`` table by table, row for row, on every column but those
that name the run or time it (``run_id``, ``scanned_at``, ``seconds``, ``seen_at``), and prints
the comparison and the two scans' wall-clock times. Exit code 1 when a table differs.

Example:
    .venv/bin/python benchmarks/dask_equality.py --files 10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

CLI = [str(Path(sys.executable).with_name("synthwatch"))]
PER_FOLDER = 200
RUN_COLUMNS = {"run_id", "scanned_at", "seconds", "seen_at"}
TABLES = {"papers": "paper_id", "findings": "finding_id", "files": "resolved"}
SENTENCES = (
    "We generated {n} synthetic patient records with a Gaussian copula.",
    "Training data were augmented with GPT-4 paraphrases of {n} prompts.",
    "We ran {n} Monte Carlo simulations of the estimator.",
    "Participants ({n} adults) completed the survey online.",
    "Future work could use synthetic data to protect privacy.",
)


def generate(folder: Path, n: int) -> None:
    for i in range(n):
        sub = folder / f"{i // PER_FOLDER:04d}"
        if i % PER_FOLDER == 0:
            sub.mkdir(parents=True)
        if i % 997 == 5:  # an exact copy of an earlier paper: one paper, two files
            shutil.copy(folder / "0000" / "paper-000001.txt", sub / f"paper-{i:06d}.txt")
            continue
        body = " ".join(SENTENCES[(i + k) % len(SENTENCES)].format(n=100 + i) for k in range(3))
        text = f"Study {i}\n\nAbstract\n\nA study of question {i}.\n\nMethods\n\n{body}\n"
        (sub / f"paper-{i:06d}.txt").write_text(text if i != 7 else "")


def run_scan(folder: Path, db: Path, workers: int, *engine: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*CLI, "scan", str(folder), "--db", str(db), "--workers", str(workers), *engine],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def table(db: Path, name: str, order: str) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        keep = [c for c in names if c not in RUN_COLUMNS]
        rows = con.execute(f"SELECT {', '.join(keep)} FROM {name} ORDER BY {order}").fetchall()
        return keep, rows
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="synthwatch-dask-equality-"))
    try:
        folder = base / "papers"
        generate(folder, args.files)
        print(f"{args.files:,} generated papers; load average {os.getloadavg()[0]:.2f}")
        local_s = run_scan(folder, base / "local.duckdb", args.workers)
        dask_s = run_scan(folder, base / "dask.duckdb", args.workers, "--engine", "dask")
        print(f"local engine, {args.workers} workers:      {local_s:6.1f} s")
        print(f"dask engine, LocalCluster of {args.workers}: {dask_s:6.1f} s")
        same = True
        for name, order in TABLES.items():
            columns, local = table(base / "local.duckdb", name, order)
            _, dask = table(base / "dask.duckdb", name, order)
            differ = [(a, b) for a, b in zip(local, dask, strict=False) if a != b]
            equal = len(local) == len(dask) and not differ
            same &= equal
            print(
                f"{name:9} {len(local):>7,} rows local, {len(dask):>7,} dask, "
                f"{len(columns)} columns compared: {'equal' if equal else 'DIFFERENT'}"
            )
            for a, b in differ[:3]:
                print("  local:", a, "\n  dask: ", b)
        print("the two databases are equal, row for row" if same else "the databases differ")
        sys.exit(0 if same else 1)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
