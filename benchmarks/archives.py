"""Archives read in place against the same files unpacked: papers/s of ``synthwatch scan``.

Packs each JATS paper of the shared corpus as a PMC open-access package would be: a
``.tar.gz`` holding ``PMCID/article.nxml``; a second set of packages also holds the corpus's
PDF number ``i mod n`` beside it (not a paper: the ``.nxml`` is; but its bytes are decompressed
and read, as a real package's are). The same ``.nxml`` files are laid out unpacked in a folder.
Then scans the three with the real CLI into fresh databases, in ``--rounds`` rounds (unpacked,
packed, packed with PDFs, back to back), and prints papers/s and the ratios to unpacked per
round and their medians. The databases hold the same findings (checked). Target: packed >=
0.9x unpacked.

Example:
    .venv/bin/python benchmarks/archives.py --corpus ../shared/corpora
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CLI = [str(Path(sys.executable).with_name("synthwatch"))]
DEFAULT_CORPUS = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
TARGET = 0.9
FINDINGS = "SELECT sentence, stance, category FROM findings ORDER BY ALL"


def lay_out(corpus: Path, base: Path) -> tuple[Path, Path, Path, int]:
    jats = sorted((corpus / "jats").glob("*.nxml")) + sorted((corpus / "jats").glob("*.xml"))
    pdfs = sorted((corpus / "pdf").glob("*.pdf"))
    unpacked, packed, with_pdf = base / "unpacked", base / "packed", base / "with-pdf"
    for folder in (unpacked, packed, with_pdf):
        folder.mkdir()
    for i, paper in enumerate(jats):
        pmcid = f"PMC{7000000 + i}"
        (unpacked / f"{pmcid}.nxml").write_bytes(paper.read_bytes())
        with tarfile.open(packed / f"{pmcid}.tar.gz", "w:gz") as tar:
            tar.add(paper, arcname=f"{pmcid}/article.nxml")
        with tarfile.open(with_pdf / f"{pmcid}.tar.gz", "w:gz") as tar:
            tar.add(paper, arcname=f"{pmcid}/article.nxml")
            tar.add(pdfs[i % len(pdfs)], arcname=f"{pmcid}/article.pdf")
    return unpacked, packed, with_pdf, len(jats)


def timed_scan(folder: Path, db: Path, workers: int) -> float:
    if db.exists():
        db.unlink()
    started = time.perf_counter()
    subprocess.run(
        [*CLI, "scan", str(folder), "--db", str(db), "--workers", str(workers)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def findings(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(FINDINGS).fetchall()
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="synthwatch-archives-"))
    try:
        unpacked, packed, with_pdf, n = lay_out(args.corpus, base)
        size = sum(p.stat().st_size for p in with_pdf.iterdir()) / 2**20
        print(
            f"{n} JATS papers: unpacked .nxml files; PMC-style .tar.gz packages of the .nxml; "
            f"the same with a PDF beside each ({size:.0f} MB); {args.workers} workers"
        )
        ratios: list[float] = []
        pdf_ratios: list[float] = []
        for r in range(args.rounds):
            load = os.getloadavg()[0]
            plain = timed_scan(unpacked, base / "unpacked.duckdb", args.workers)
            inside = timed_scan(packed, base / "packed.duckdb", args.workers)
            beside = timed_scan(with_pdf, base / "with-pdf.duckdb", args.workers)
            ratios.append(plain / inside)
            pdf_ratios.append(plain / beside)
            print(
                f"round {r + 1} (load {load:.1f}): unpacked {n / plain:.1f} papers/s; packed "
                f"{n / inside:.1f} ({plain / inside:.2f}x); packed with PDFs {n / beside:.1f} "
                f"({plain / beside:.2f}x)"
            )
        same = all(
            findings(base / "unpacked.duckdb") == findings(base / f"{name}.duckdb")
            for name in ("packed", "with-pdf")
        )
        print(
            f"median packed/unpacked: {statistics.median(ratios):.2f}x (rounds "
            f"{min(ratios):.2f}-{max(ratios):.2f}x; target >= {TARGET}x); with PDFs beside: "
            f"{statistics.median(pdf_ratios):.2f}x (rounds {min(pdf_ratios):.2f}-"
            f"{max(pdf_ratios):.2f}x); same findings: {'yes' if same else 'NO'}"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
