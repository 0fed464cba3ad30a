"""The review sheet: the sample as a CSV for offline reviewers, and its import.

A sheet is written in the sample's order (a seeded shuffle: the first k rows are a fair
subset). Reviewers fill the last four columns; ``review import`` checks every row before it
writes anything, and names the rows it refuses (row 1 is the header, as in a spreadsheet).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.detect.model import CATEGORIES
from pipeline.errors import SheetError
from pipeline.review.papers import PaperDetails
from pipeline.review.reviews import ANSWERS, Review, SampleRow
from pipeline.review.sampling import Drawn

SHEET_COLUMNS = (
    "paper_id",
    "source_path",
    "title",
    "doi",
    "year",
    "detected",
    "detected_categories",
    "evidence",
    "stratum",
    "inclusion_probability",
    "reviewer",
    "review_uses_synthetic",
    "review_category",
    "review_note",
)
REVIEW_COLUMNS = SHEET_COLUMNS[-4:]
REQUIRED_COLUMNS = ("paper_id", "stratum", "inclusion_probability", *REVIEW_COLUMNS)
MAX_ERRORS_SHOWN = 20
DELIMITERS = ",;\t"  # a spreadsheet in some locales saves CSV with semicolons


def sheet_text(drawn: Sequence[Drawn], details: Mapping[str, PaperDetails]) -> str:
    """The sheet as CSV text (LF line ends, UTF-8): byte-identical for the same sample."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for d in sorted(drawn, key=lambda d: d.position):
        p = details[d.paper_id]
        writer.writerow(
            [
                d.paper_id,
                p.source_path,
                p.title or "",
                p.doi or "",
                "" if p.year is None else p.year,
                "yes" if p.detected else "no",
                ";".join(p.categories),
                p.evidence,
                d.stratum,
                repr(d.inclusion_probability),
                "",
                "",
                "",
                "",
            ]
        )
    return buf.getvalue()


@dataclass(frozen=True)
class Sheet:
    """A checked sheet: the reviews it holds and the sample it describes."""

    reviews: list[Review]
    sample: list[SampleRow]
    skipped: int  # rows without an answer (not reviewed yet)


def read_sheet(
    path: str | Path,
    known_papers: set[str],
    sample: Mapping[str, SampleRow] | None = None,
) -> Sheet:
    """Check and read a filled sheet; SheetError names every refused row (up to 20).

    ``known_papers``: the assessed papers of the database; ``sample``: the sample already in
    the reviews file (None when it has none, and the sheet's own rows become the sample).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetError(f"no sheet at {path}") from None
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{path} is not UTF-8 text ({exc.reason}): save the sheet as CSV UTF-8"
        ) from None
    except OSError as exc:
        raise SheetError(f"cannot read {path}: {exc.strerror or exc}") from None
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise SheetError(f"{path} is empty: expected a header with {', '.join(REQUIRED_COLUMNS)}")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SheetError(
            f"{path}: the header lacks column(s) {', '.join(missing)}; a review sheet has "
            f"{', '.join(REQUIRED_COLUMNS)} (synthwatch sample writes one)"
        )
    if len(set(header)) != len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        raise SheetError(f"{path}: column(s) {', '.join(twice)} appear twice in the header")
    errors: list[str] = []
    reviews: list[Review] = []
    samples: list[SampleRow] = []
    seen_paper: dict[str, int] = {}
    seen_review: dict[tuple[str, str], int] = {}
    skipped = 0
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            errors.append(f"row {number}: {len(raw)} cells, the header has {len(header)}")
            continue
        row = {h: cell.strip() for h, cell in zip(header, raw, strict=True)}
        problems = _check_row(row, known_papers, sample)
        if problems:
            errors.append(f"row {number}: " + "; ".join(problems))
            continue
        paper_id = row["paper_id"]
        if paper_id not in seen_paper:
            seen_paper[paper_id] = number
            samples.append(
                SampleRow(paper_id, row["stratum"], float(row["inclusion_probability"]), number)
            )
        answer = row["review_uses_synthetic"].lower()
        if not answer:
            skipped += 1
            continue
        key = (paper_id, row["reviewer"])
        if key in seen_review:
            errors.append(
                f"row {number}: reviewer {row['reviewer']!r} reviews paper {paper_id} a second "
                f"time (first in row {seen_review[key]}): keep one of the two rows"
            )
            continue
        seen_review[key] = number
        category = ";".join(_categories(row["review_category"])) or None
        reviews.append(
            Review(paper_id, row["reviewer"], answer, category, row["review_note"] or None)
        )
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        tail = f"\n... and {more} more" if more else ""
        raise SheetError(
            f"{path}: {len(errors)} row(s) refused, nothing imported:\n" + "\n".join(shown) + tail
        )
    return Sheet(reviews, samples, skipped)


def _categories(text: str) -> list[str]:
    return [c.strip().lower() for c in text.replace(",", ";").split(";") if c.strip()]


def _check_row(
    row: Mapping[str, str], known: set[str], sample: Mapping[str, SampleRow] | None
) -> list[str]:
    """What is wrong with one row (empty when nothing)."""
    problems = []
    paper_id = row["paper_id"]
    if not paper_id:
        problems.append("paper_id is empty")
    elif paper_id not in known:
        problems.append(f"paper_id {paper_id} is not an assessed paper of this database")
    elif sample is not None and paper_id not in sample:
        problems.append(f"paper_id {paper_id} is not in the sample of this reviews file")
    try:
        probability = float(row["inclusion_probability"])
    except ValueError:
        probability = math.nan
    if not 0 < probability <= 1:
        problems.append(
            f"inclusion_probability {row['inclusion_probability']!r} is not a number in (0, 1]"
        )
    if not row["stratum"]:
        problems.append("stratum is empty")
    answer = row["review_uses_synthetic"].lower()
    if answer and answer not in ANSWERS:
        problems.append(
            f"review_uses_synthetic {row['review_uses_synthetic']!r} is not one of "
            f"{', '.join(ANSWERS)} (or empty: not reviewed yet)"
        )
    if answer and not row["reviewer"]:
        problems.append("an answer without a reviewer: fill the reviewer column")
    if not answer and (row["review_category"] or row["review_note"]):
        problems.append("a category or note without an answer in review_uses_synthetic")
    unknown = [c for c in _categories(row["review_category"]) if c not in CATEGORIES]
    if unknown:
        problems.append(
            f"review_category {', '.join(unknown)} is not a category; valid: "
            f"{', '.join(CATEGORIES)}"
        )
    return problems
