"""Check that a speed-up changed no output: two scans of the corpus, compared row for row.

Scans the shared corpus (every format) with this checkout's ``synthwatch scan`` into a fresh
database and compares every table with a reference database (``--reference``; one made by the
same command with another checkout's synthwatch, e.g. main's, via ``--reference-synthwatch``),
leaving out only what differs from run to run: run ids, timestamps and durations. Prints the
first differences of each table and exits 1 when there are any.

Example:
    .venv/bin/python benchmarks/equivalence.py --reference-synthwatch \\
        /work/main/.venv/bin/synthwatch --reference /tmp/main.duckdb
    .venv/bin/python benchmarks/equivalence.py --reference /tmp/main.duckdb
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
# columns that change from one run to the next whatever the code does
VOLATILE = {
    "run_id",
    "scanned_at",
    "seen_at",
    "seconds",
    "started_at",
    "finished_at",
    "ingested_at",
    "created_at",
    "arguments",
}
# tables whose rows describe the run, not the papers
RUN_TABLES = {"runs", "meta", "shards"}
SHOWN = 5


def corpus_inputs(corpus: Path) -> list[Path]:
    """The corpus' paper folders (every format), not its label files."""
    return sorted(p for p in corpus.iterdir() if p.is_dir())


def scan(synthwatch: str, corpus: Path, db: Path, workers: int) -> None:
    cmd = [synthwatch, "scan", *map(str, corpus_inputs(corpus)), "--db", str(db)]
    cmd += ["--workers", str(workers), "--format", "json"]
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")


def table_rows(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[tuple]]:
    """The table's stable columns and its rows, sorted, so that order of arrival is ignored."""
    columns = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if c not in VOLATILE
    ]
    select = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f'SELECT {select} FROM "{table}"').fetchall()
    return columns, sorted(rows, key=repr)


def compare(reference: Path, candidate: Path) -> list[str]:
    """Differences between the two databases, as lines for people; empty when none."""
    ref = duckdb.connect(str(reference), read_only=True)
    new = duckdb.connect(str(candidate), read_only=True)
    problems: list[str] = []
    try:
        tables = {
            t for (t,) in ref.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        new_tables = {
            t for (t,) in new.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if tables != new_tables:
            problems.append(f"tables differ: {sorted(tables ^ new_tables)}")
        for table in sorted((tables & new_tables) - RUN_TABLES):
            columns, a = table_rows(ref, table)
            new_columns, b = table_rows(new, table)
            if columns != new_columns:
                problems.append(f"{table}: columns differ: {columns} vs {new_columns}")
                continue
            if a == b:
                continue
            # rows hold lists (VARCHAR[] columns): compared by their repr, which is exact
            in_ref, in_new = {repr(r) for r in a}, {repr(r) for r in b}
            only_ref = [r for r in a if repr(r) not in in_new]
            only_new = [r for r in b if repr(r) not in in_ref]
            problems.append(
                f"{table}: {len(a)} rows vs {len(b)}; {len(only_ref)} only in the reference, "
                f"{len(only_new)} only in the new scan"
            )
            for label, rows in (("reference", only_ref), ("new", only_new)):
                for row in rows[:SHOWN]:
                    problems.append(f"  {label}: {dict(zip(columns, row, strict=True))}")
    finally:
        ref.close()
        new.close()
    return problems


def count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpora folder")
    parser.add_argument("--reference", type=Path, required=True, help="reference database")
    parser.add_argument(
        "--reference-synthwatch",
        help="make the reference database first, with this synthwatch executable",
    )
    parser.add_argument("--candidate", type=Path, help="compare this database, scan nothing")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.reference_synthwatch:
        args.reference.unlink(missing_ok=True)
        scan(args.reference_synthwatch, args.corpus, args.reference, args.workers)
    elif not args.reference.is_file():
        sys.exit(f"no reference database at {args.reference}: make one with --reference-synthwatch")
    with tempfile.TemporaryDirectory() as tmp:
        candidate = args.candidate
        if candidate is None:
            candidate = Path(tmp) / "candidate.duckdb"
            ours = str(Path(sys.executable).parent / "synthwatch")
            scan(ours, args.corpus, candidate, args.workers)
        problems = compare(args.reference, candidate)
        papers, findings = count(candidate, "papers"), count(candidate, "findings")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"identical: {papers} papers, {findings} findings, every table row for row")


if __name__ == "__main__":
    main()
