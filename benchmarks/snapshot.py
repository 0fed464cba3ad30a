"""Benchmark the snapshot a scan publishes for readers: its cost against the database's size.

While a scan writes, readers answer from a copy of the database that the scan publishes after
a CHECKPOINT (``pipeline/store/snapshot.py``). Publishing costs a CHECKPOINT and a copy of the
whole file, so the writer spaces publications by at least ``1/PUBLISH_SHARE - 1`` times the
last one's cost (and at least ``PUBLISH_INTERVAL_S``): publishing then takes at most
``PUBLISH_SHARE`` (10%) of the scan's time, and readers lag the scan by about one interval.

Two measurements:
1. databases of several sizes (generated as in ``benchmarks/query.py``; ``--db`` adds existing
   ones): a Store opens each (which publishes once), then publishes again after a small write,
   ``REPEATS`` times. Printed: size, publication seconds, seconds per GB, the interval the
   throttle then keeps, the share of the scan's time it costs, and how far readers lag.
2. a real scan (``pipeline.scan.run.scan`` with one worker) of generated text papers into a
   fresh database: wall time, publications, and their share of the wall time.

Example:
    .venv/bin/python benchmarks/snapshot.py
    .venv/bin/python benchmarks/snapshot.py --sizes 10000,100000 --db /tmp/1m.duckdb
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from query import build  # noqa: E402

from pipeline.scan.discover import discover  # noqa: E402
from pipeline.scan.run import ScanOptions, scan  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.store.snapshot import PUBLISH_INTERVAL_S, PUBLISH_SHARE  # noqa: E402

REPEATS = 3
DEFAULT_SIZES = "10000,100000,300000"
DEFAULT_SCAN_PAPERS = 3000


def publish_costs(db: Path) -> tuple[float, float, list[float], list[float]]:
    """(size MB, first publication s at open, later publications s, their CHECKPOINT s) of a
    Store on ``db``."""
    with Store(db) as store:
        publisher = store.publisher
        assert publisher is not None
        at_open = publisher.cost_s
        later, checkpoints = [], []
        for i in range(REPEATS):
            store.record_files([(f"/bench/snapshot-{i}.txt", f"bench-{i}", 1)], "bench")
            start = time.perf_counter()
            store.con.execute("CHECKPOINT")  # timed apart: the publication's own is then empty
            checkpoint_s = time.perf_counter() - start
            publisher.publish(store.con)  # forced: the throttle would wait
            later.append(publisher.cost_s + checkpoint_s)
            checkpoints.append(checkpoint_s)
        size_mb = db.stat().st_size / 2**20
    return size_mb, at_open, later, checkpoints


def write_papers(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"p{i:05d}.txt").write_text(
            f"Title: Study number {i}\n\nAbstract\nWe study topic {i}. To train the classifier "
            "we generated 5000 synthetic patient records with a GAN.\n\nMethods\nThe synthetic "
            f"data were produced with CTGAN and used to augment the training set of study {i}.\n",
            encoding="utf-8",
        )


def scan_share(folder: Path, n: int) -> tuple[float, int, float, float]:
    """(wall s, publications, publishing s, last publication s) of a real one-worker scan."""
    papers = folder / "papers"
    write_papers(papers, n)
    start = time.perf_counter()
    with Store(folder / "scan.duckdb") as store:
        scan(list(discover([papers])), store, ScanOptions(workers=1))
        publisher = store.publisher
        assert publisher is not None
        count, spent, last = publisher.count, publisher.spent_s, publisher.cost_s
    return time.perf_counter() - start, count, spent, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="papers of each generated database")
    parser.add_argument("--db", type=Path, action="append", default=[], help="an existing database")
    parser.add_argument("--scan-papers", type=int, default=DEFAULT_SCAN_PAPERS)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            db = Path(tmp) / f"{n}.duckdb"
            build(db, n, seed=42)
            rows.append((f"{n:,} papers", *publish_costs(db)))
            db.unlink()
        for given in args.db:
            copy = Path(tmp) / given.name  # the benchmark writes a few rows: not into yours
            shutil.copyfile(given, copy)
            rows.append((given.name, *publish_costs(copy)))
            copy.unlink()
        print(
            f"CHECKPOINT and copy on {os.uname().nodename}, load {os.getloadavg()[0]:.1f}; "
            f"throttle: >= {PUBLISH_INTERVAL_S:g} s apart, <= {PUBLISH_SHARE:.0%} of the time"
        )
        print(
            f"{'database':22} {'MB':>7} {'open s':>7} {'publish s':>10} {'checkpoint':>10} "
            f"{'s/GB':>6} {'interval s':>10} {'share':>6} {'reader lag s':>12}"
        )
        for name, size_mb, at_open, later, checkpoints in rows:
            cost = statistics.median(later)
            interval = max(PUBLISH_INTERVAL_S, cost * (1 / PUBLISH_SHARE - 1))
            print(
                f"{name:22} {size_mb:7,.0f} {at_open:7.2f} {cost:10.3f} "
                f"{statistics.median(checkpoints):10.3f} {cost / (size_mb / 1024):6.2f} "
                f"{interval:10.1f} {cost / (interval + cost):6.1%} {interval + cost:12.1f}"
            )
        wall, count, spent, last = scan_share(Path(tmp), args.scan_papers)
    print(
        f"real scan of {args.scan_papers:,} text papers, 1 worker: {wall:.1f} s wall, "
        f"{count} publications taking {spent:.2f} s = {spent / wall:.1%} of the wall time "
        f"(last one {last * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
