"""Does a Dask cluster's database equal a local scan's? 10,000 generated papers, row for row.

Generates ``--files`` (10,000) small text papers (with and without synthetic data, a few exact
copies, one empty file); every ``ARCHIVE_EVERY``-th folder of ``PER_FOLDER`` papers is packed
into an archive instead (``.tar.gz`` and ``.zip`` in turn, read in place), and one hostile
``.tar`` (a member that climbs out with ``..``, a link, a nested archive) lies beside them.
Scans them with the real CLI twice into fresh databases: the local engine (``--workers``) and
``--engine dask`` on a LocalCluster of as many workers; then each again, unchanged (the
incremental check: nothing is read). Compares ``papers``, ``findings`` and ``files`` table by
table, row for row, on every column but those that name the run or time it (``run_id``,
``scanned_at``, ``seconds``, ``seen_at``), and prints the comparison, the load average and the
scans' wall-clock times. Exit code 1 when a table differs.

Example:
    .venv/bin/python benchmarks/dask_equality.py --files 10000
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

CLI = [str(Path(sys.executable).with_name("synthwatch"))]
PER_FOLDER = 200
ARCHIVE_EVERY = 5  # folders 0, 5, 10, ... are packed into an archive
RUN_COLUMNS = {"run_id", "scanned_at", "seconds", "seen_at"}
TABLES = {"papers": "paper_id", "findings": "finding_id", "files": "resolved"}
SENTENCES = (
    "We generated {n} synthetic patient records with a Gaussian copula.",
    "Training data were augmented with GPT-4 paraphrases of {n} prompts.",
    "We ran {n} Monte Carlo simulations of the estimator.",
    "Participants ({n} adults) completed the survey online.",
    "Future work could use synthetic data to protect privacy.",
)


def generate(folder: Path, n: int) -> int:
    """Write the papers; the number of archive members among them."""
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
    members = 0
    for k, sub in enumerate(sorted(folder.iterdir())[1::ARCHIVE_EVERY]):
        members += pack(sub, zip_it=k % 2 == 1)
    hostile(folder / "hostile.tar")
    return members


def pack(sub: Path, *, zip_it: bool) -> int:
    """Replace a folder by an archive of its papers; their number."""
    papers = sorted(sub.iterdir())
    if zip_it:
        with zipfile.ZipFile(sub.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as z:
            for p in papers:
                z.write(p, f"{sub.name}/{p.name}")
    else:
        with tarfile.open(sub.with_suffix(".tar.gz"), "w:gz") as tar:
            for p in papers:
                tar.add(p, f"{sub.name}/{p.name}")
    shutil.rmtree(sub)
    return len(papers)


def hostile(path: Path) -> None:
    with tarfile.open(path, "w") as tar:
        nested = io.BytesIO()
        with zipfile.ZipFile(nested, "w") as z:
            z.writestr("inner.txt", "Methods\n\nWe generated synthetic data.\n")
        for name, data in {
            "../../escaped.txt": b"climbing out",
            "nested.zip": nested.getvalue(),
            "fine.txt": b"Methods\n\nWe simulated 500 synthetic cohorts with a GAN.\n",
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)


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
        members = generate(folder, args.files)
        load = os.getloadavg()[0]
        print(
            f"{args.files:,} generated papers, {members:,} of them in archives, and a hostile "
            f"archive; load average {load:.2f}"
        )
        local_db, dask_db = base / "local.duckdb", base / "dask.duckdb"
        local_s = run_scan(folder, local_db, args.workers)
        dask_s = run_scan(folder, dask_db, args.workers, "--engine", "dask")
        local_again = run_scan(folder, local_db, args.workers)
        dask_again = run_scan(folder, dask_db, args.workers, "--engine", "dask")
        w = args.workers
        again = "again, unchanged:"
        print(f"local engine, {w} workers:     {local_s:6.1f} s ({again} {local_again:.1f} s)")
        print(f"dask engine, LocalCluster of {w}: {dask_s:6.1f} s ({again} {dask_again:.1f} s)")
        print(f"dask / local: {dask_s / local_s:.2f}x; load average now {os.getloadavg()[0]:.2f}")
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
