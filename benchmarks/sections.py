"""Share of sentences per section kind, per format and per source, and the share in ``other``.

The detector weighs a sentence by its section (methods/results: the authors' own work;
introduction/related work: others'), so a sentence in ``other`` (no recognised section) loses
that evidence. This script reads every paper of the shared corpus (``pdf/``, and ``jats/`` and
``other/`` for comparison) with ``pipeline.sources.read``, splits each passage of
``Document.passages()`` into sentences with ``pipeline.detect.segment.split_sentences`` and
counts the sentences per section kind. Sentences in the reference list are left out (findings
never come from there). The source tag is the part of a file name before ``__``.

Example:
    .venv/bin/python benchmarks/sections.py --corpus ../shared/corpora
    .venv/bin/python benchmarks/sections.py --formats pdf --extractor pdfminer --by-source
    .venv/bin/python benchmarks/sections.py --formats pdf --headings hw__1802.06739.pdf
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.detect.segment import split_sentences  # noqa: E402
from pipeline.document import SECTION_KINDS, Document  # noqa: E402
from pipeline.errors import ReadError  # noqa: E402
from pipeline.scan.pool import quiet_libraries  # noqa: E402
from pipeline.sources import read  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
FOLDERS = ("pdf", "jats", "other")
# Kinds shown as columns, in this order (references are not counted).
KINDS = tuple(k for k in SECTION_KINDS if k != "references")
TARGET_OTHER_SHARE = 0.10  # for PDFs (issue #13)


def sentences_per_kind(doc: Document) -> Counter[str]:
    """How many sentences of ``doc`` fall in each section kind, references left out."""
    counts: Counter[str] = Counter()
    for passage in doc.passages():
        if passage.section == "references":
            continue
        counts[passage.section] += sum(1 for _ in split_sentences(passage.text))
    return counts


def source_tag(name: str) -> str:
    """The part of a file name before "__" ("hw" for hw__1802.06739.pdf), or the whole name."""
    return name.split("__", 1)[0]


def _row(label: str, files: int, counts: Counter[str]) -> dict[str, object]:
    total = sum(counts.values())
    return {
        "group": label,
        "files": files,
        "sentences": total,
        "shares": {k: (counts[k] / total if total else 0.0) for k in KINDS},
    }


def measure(corpus: Path, folders: list[str], extractor: str) -> dict[str, object]:
    """Read every paper in ``folders`` of ``corpus``; the counts per format and per source."""
    by_format: dict[str, Counter[str]] = defaultdict(Counter)
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    files_format: Counter[str] = Counter()
    files_source: Counter[str] = Counter()
    failed: list[str] = []
    for folder in folders:
        for path in sorted((corpus / folder).iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            try:
                doc = read(path, extractor=extractor)
            except ReadError as exc:
                failed.append(f"{folder}/{path.name}: {exc}")
                continue
            counts = sentences_per_kind(doc)
            fmt = doc.format
            by_format[fmt] += counts
            files_format[fmt] += 1
            key = f"{fmt}:{source_tag(path.name)}"
            by_source[key] += counts
            files_source[key] += 1
    return {
        "extractor": extractor,
        "formats": [_row(f, files_format[f], by_format[f]) for f in sorted(by_format)],
        "sources": [_row(s, files_source[s], by_source[s]) for s in sorted(by_source)],
        "failed": failed,
    }


def _print_table(rows: list[dict[str, object]]) -> None:
    short = {k: k[:7] for k in KINDS}
    print(f"{'group':22} {'files':>5} {'sents':>7} " + " ".join(f"{short[k]:>7}" for k in KINDS))
    for row in rows:
        shares = row["shares"]
        cells = " ".join(f"{100 * shares[k]:6.1f}%" for k in KINDS)
        print(f"{row['group']:22} {row['files']:>5} {row['sentences']:>7} {cells}")


def print_report(result: dict[str, object], by_source: bool) -> None:
    print(f"sentences per section kind (references left out), extractor {result['extractor']}")
    _print_table(result["formats"])
    if by_source:
        print()
        _print_table(result["sources"])
    for row in result["formats"]:
        if row["group"] == "pdf":
            other = row["shares"]["other"]
            verdict = "met" if other < TARGET_OTHER_SHARE else "NOT met"
            print(
                f"\nPDF sentences in 'other': {100 * other:.1f}% "
                f"(target < {100 * TARGET_OTHER_SHARE:.0f}%: {verdict})"
            )
    for line in result["failed"]:
        print(f"failed {line}", file=sys.stderr)


def print_headings(path: Path, extractor: str) -> None:
    """Each section of one paper: kind, page, sentences, heading (to check the kinds by eye)."""
    doc = read(path, extractor=extractor)
    first = doc.sections[0].start if doc.sections else len(doc.text)
    if first:
        print(f"{'(before)':14} p.1   {'':>4} {doc.text[:first][:70]!r}")
    for s in doc.sections:
        n = sum(1 for _ in split_sentences(doc.text[s.start : s.end]))
        print(f"{s.kind:14} p.{doc.page_at(s.start) or 0:<3} {n:>4} {s.heading[:70]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Example: .venv/bin/python benchmarks/sections.py --corpus ../shared/corpora",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--formats", nargs="+", choices=FOLDERS, default=list(FOLDERS))
    parser.add_argument("--extractor", choices=("pypdfium2", "pdfminer"), default="pypdfium2")
    parser.add_argument("--by-source", action="store_true", help="a row per source tag as well")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    parser.add_argument(
        "--headings", metavar="FILE", help="list the sections of one file of the corpus instead"
    )
    args = parser.parse_args()
    quiet_libraries()
    if args.headings:
        path = Path(args.headings)
        if not path.is_file():
            found = [args.corpus / f / args.headings for f in FOLDERS]
            path = next((p for p in found if p.is_file()), path)
        print_headings(path, args.extractor)
        return
    result = measure(args.corpus, args.formats, args.extractor)
    if args.json:
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        print_report(result, args.by_source)


if __name__ == "__main__":
    main()
