"""Benchmark the streamed scan on many small files: time to first result, files/s, driver memory.

Generates ``--files`` (200,000) small text papers in a temporary folder (100 a folder), then,
one after the other in the same run:

1. ``find FOLDER -type f | wc -l``: the baseline, what listing the tree costs;
2. discovery and planning alone, in a process of its own: the scan's own ``discover`` stream
   through its ``Planner`` (one database query a window of 512 files) into a fresh database,
   every task taken and settled at once: the driver's files/s and peak memory (``ru_maxrss``);
3. the real ``synthwatch scan`` (2 workers) for ``--seconds`` (60), then Ctrl-C: the time from
   the start to the first paper's result line, files found and done by then, and the driver
   process's peak memory (VmHWM, sampled); its workers are other processes, not counted;
4. the same command again: the rescan skips every file stored by run 3 by size and time
   without reading it (files/s of that part, from its ``runs`` row and its wall clock).

Targets: first result < 10 s; driver peak RSS < 300 MB.

Example:
    .venv/bin/python benchmarks/discovery.py --files 200000 --seconds 60
    .venv/bin/python benchmarks/discovery.py --files 200000 --seconds 60 --engine dask
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CLI = [str(Path(sys.executable).with_name("synthwatch"))]
TARGET_FIRST_S = 10.0
TARGET_RSS_MB = 300.0
PER_FOLDER = 100
TEXT = (
    "Title {i}\n\nAbstract\n\nWe study question {i} in a small sample.\n\n"
    "Methods\n\nWe generated {n} synthetic records with a Gaussian copula and compared them "
    "with the real registry data.\n"
)
PLAN_ONLY = """
import resource, sys, time
from pipeline.scan.discover import Unique, discover
from pipeline.scan.plan import Counts, Planner, Versions
from pipeline.store import Store
started = time.perf_counter()
counts = Counts()
with Store(sys.argv[2]) as store:
    planner = Planner(Unique(discover([sys.argv[1]])), store, Versions("b", "b", "pypdfium2"),
                      200 * 2**20, counts)
    tasks = 0
    for task in planner.tasks():  # taken and dropped, as a worker's result would settle it
        planner.planned.pop(task.path)
        tasks += 1
seconds = time.perf_counter() - started
print(counts.files, tasks, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def generate(folder: Path, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        sub = folder / f"{i // PER_FOLDER:05d}"
        if i % PER_FOLDER == 0:
            sub.mkdir(parents=True)
        (sub / f"paper-{i:07d}.txt").write_text(TEXT.format(i=i, n=100 + i % 900))
    return time.perf_counter() - started


def find_count(folder: Path) -> tuple[int, float]:
    started = time.perf_counter()
    out = subprocess.run(
        f"find {folder} -type f | wc -l", shell=True, check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip()), time.perf_counter() - started


def plan_only(folder: Path, db: Path) -> tuple[int, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PLAN_ONLY, str(folder), str(db)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return int(out[0]), float(out[2]), float(out[3])


def vm_hwm_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmHWM:\s+(\d+) kB", status) or re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


PROGRESS = re.compile(r"progress: (\d+)/(\d+)\+? files")


def timed_scan(
    folder: Path, db: Path, seconds: float, workers: int, engine: str = "local"
) -> dict[str, float]:
    """The real CLI for ``seconds`` (or to its end), then SIGINT; what it printed, timed."""
    cmd = [*CLI, "scan", str(folder), "--db", str(db), "--workers", str(workers), "-v"]
    cmd += ["--progress-every", "1", "--format", "json", "--engine", engine]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # run in the background (nohup, &), this process ignores Ctrl-C, and so would the scan
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    figures: dict[str, float] = {"first_s": float("nan"), "found": 0, "done": 0, "rss_mb": 0}

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("ok ") and figures["first_s"] != figures["first_s"]:
                figures["first_s"] = time.perf_counter() - started
            if m := PROGRESS.search(line):
                figures["done"], figures["found"] = int(m.group(1)), int(m.group(2))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while proc.poll() is None and time.perf_counter() - started < seconds:
        figures["rss_mb"] = max(figures["rss_mb"], vm_hwm_mb(proc.pid))
        time.sleep(0.2)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    proc.wait()
    reader.join(timeout=10)
    figures["seconds"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--folder", type=Path, help="keep the generated files here")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="synthwatch-discovery-"))
    folder = args.folder or base / "papers"
    try:
        if not (folder / "00000").is_dir():
            print(f"generating {args.files:,} files ...", flush=True)
            print(f"  {generate(folder, args.files):.1f} s")
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared)")
        n, find_s = find_count(folder)
        print(f"find | wc -l:          {n:,} files in {find_s:.2f} s = {n / find_s:,.0f} files/s")
        found, plan_s, plan_rss = plan_only(folder, base / "plan.duckdb")
        print(
            f"discover + plan alone: {found:,} files in {plan_s:.2f} s = "
            f"{found / plan_s:,.0f} files/s ({find_s / plan_s:.2f}x find), "
            f"driver peak RSS {plan_rss:.0f} MB"
        )
        db = base / "scan.duckdb"
        first = timed_scan(folder, db, args.seconds, args.workers, args.engine)
        print(
            f"synthwatch scan ({args.engine}, {args.workers} workers, "
            f"stopped after {first['seconds']:.0f} s): "
            f"first result after {first['first_s']:.2f} s (target < {TARGET_FIRST_S:g} s), "
            f"{first['found']:,.0f} files found, {first['done']:,.0f} done "
            f"({first['done'] / first['seconds']:.1f} files/s), "
            f"driver peak RSS {first['rss_mb']:.0f} MB (target < {TARGET_RSS_MB:g} MB)"
        )
        again = timed_scan(folder, db, args.seconds, args.workers, args.engine)
        con = duckdb.connect(str(db), read_only=True)
        runs = con.execute(
            "SELECT n_files, n_skipped, n_scanned FROM runs ORDER BY started_at"
        ).fetchall()
        con.close()
        print(
            f"rescan (stopped after {again['seconds']:.0f} s): first result after "
            f"{again['first_s']:.2f} s, {again['done']:,.0f} files done "
            f"({again['done'] / again['seconds']:,.0f} files/s), "
            f"driver peak RSS {again['rss_mb']:.0f} MB; runs (files, skipped, scanned): {runs}"
        )
        print(f"self peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
