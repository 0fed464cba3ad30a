"""Benchmark PDF text extraction: raw libraries against synthwatch's ``pdf.read``.

Reads the same PDFs from the shared corpus with raw pypdfium2, raw pdfminer.six, ``pdftotext``
(poppler-utils, when on PATH) and ``pipeline.sources.pdf.reader.read``
(each back end) and prints
pages per second and the speed relative to raw pypdfium2 on the same files in the same run.
Two more rows stop after the pypdfium2 lines (text, box, font), with the per-line PDFium
queries in C (``_pdfium_lines.c``, when built) and in Python: what the C speed-up saves.
pdfminer is about 50 times slower than PDFium, so the pdfminer rows use only the first
``--pdfminer-limit`` files (their ratio is still against raw pypdfium2 on those files).

Example:
    .venv/bin/python benchmarks/extract.py --corpus ../shared/corpora --limit 40
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from pdfminer.high_level import extract_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import ReadError  # noqa: E402
from pipeline.scan.pool import quiet_libraries  # noqa: E402
from pipeline.sources.pdf import reader as pdf  # noqa: E402
from pipeline.sources.pdf.backends import ACCELERATED, extract_pypdfium2  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
DEFAULT_PDFMINER_LIMIT = 10
PDFTOTEXT_TIMEOUT_S = 120


def raw_pypdfium2(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        chars = 0
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        doc.close()


def raw_pdfminer(data: bytes) -> int:
    return len(extract_text(io.BytesIO(data)))


def pdftotext(data: bytes) -> int:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"],
        input=data,
        capture_output=True,
        timeout=PDFTOTEXT_TIMEOUT_S,
        check=False,
    )
    return len(done.stdout)


def ours(extractor: str) -> Callable[[bytes], int]:
    def run(data: bytes) -> int:
        return len(pdf.read(data, extractor=extractor).text)

    return run


def lines_only(accelerated: bool) -> Callable[[bytes], int]:
    def run(data: bytes) -> int:
        raw = extract_pypdfium2(data, pdf.DEFAULT_MAX_PAGES, accelerated=accelerated)
        return sum(len(page.lines) for page in raw.pages)

    return run


def page_count(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpora folder")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N PDFs")
    parser.add_argument(
        "--pdfminer-limit",
        type=int,
        default=DEFAULT_PDFMINER_LIMIT,
        help=f"files for the slow pdfminer rows (default {DEFAULT_PDFMINER_LIMIT}; 0 skips them)",
    )
    args = parser.parse_args()
    quiet_libraries()  # pdfminer warns on every odd colour operator
    folder = args.corpus / "pdf" if (args.corpus / "pdf").is_dir() else args.corpus
    files = sorted(folder.glob("*.pdf"))[: args.limit]
    if not files:
        parser.error(f"no PDFs in {folder}")
    blobs = [f.read_bytes() for f in files]
    pages = [page_count(b) for b in blobs]

    lines = "C" if ACCELERATED else "Python"
    methods: list[tuple[str, Callable[[bytes], int], int]] = [
        ("raw pypdfium2", raw_pypdfium2, len(files)),
        (f"synthwatch pdf.read (pypdfium2, {lines} lines)", ours("pypdfium2"), len(files)),
    ]
    if ACCELERATED:
        methods.append(("synthwatch lines only, C queries", lines_only(True), len(files)))
    else:
        print("the C speed-up is not built (or SYNTHWATCH_PDF_LINES=python): no C row")
    methods.append(("synthwatch lines only, Python queries", lines_only(False), len(files)))
    if shutil.which("pdftotext"):
        methods.append(("pdftotext (poppler)", pdftotext, len(files)))
    else:
        print("pdftotext not on PATH: skipped (apt-get install poppler-utils)")
    n_miner = min(args.pdfminer_limit, len(files))
    if n_miner:
        methods += [
            ("raw pdfminer.six extract_text", raw_pdfminer, n_miner),
            ("synthwatch pdf.read (pdfminer)", ours("pdfminer"), n_miner),
        ]

    timings: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    for name, run, count in methods:
        timings[name] = []
        failures[name] = 0
        for data in blobs[:count]:
            start = time.perf_counter()
            try:
                run(data)
            except (ReadError, pdfium.PdfiumError, subprocess.TimeoutExpired, ValueError):
                failures[name] += 1
            timings[name].append(time.perf_counter() - start)

    base = timings["raw pypdfium2"]  # seconds per file: the yardstick of every row
    print(f"{len(files)} PDFs, {sum(pages)} pages, from {folder}")
    header = ("method", "files", "pages", "seconds", "pages/s", "vs raw pdfium")
    print("{:40} {:>5} {:>6} {:>8} {:>8} {:>13}".format(*header))
    for name, _, count in methods:
        n_pages = sum(pages[:count])
        seconds = sum(timings[name])
        rate = n_pages / seconds if seconds else float("inf")
        base_rate = n_pages / sum(base[:count])
        failed = f"  ({failures[name]} failed)" if failures[name] else ""
        print(
            f"{name:40} {count:5d} {n_pages:6d} {seconds:8.2f} {rate:8.1f} "
            f"{rate / base_rate:12.3f}x{failed}"
        )


if __name__ == "__main__":
    main()
