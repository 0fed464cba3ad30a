"""Shared steps of the review tests: draw a sample with the CLI, fill the sheet as an oracle."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.review.conftest import TRUTH


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def draw_sheet(db: Path, tmp_path: Path, *extra: str, n: str = "20") -> tuple[Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    sheet, reviews = tmp_path / "sample.csv", tmp_path / "reviews.duckdb"
    result = invoke(
        "sample", "--db", str(db), "--n", n, "--reviews", str(reviews), "-o", str(sheet), *extra
    )
    assert result.exit_code == 0, result.output
    return sheet, reviews


def read_rows(sheet: Path) -> list[dict[str, str]]:
    with open(sheet, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def fill(rows: list[dict[str, str]], reviewer: str = "oracle") -> list[dict[str, str]]:
    """Every row answered with the truth of conftest.TRUTH."""
    out = []
    for row in rows:
        uses, category = TRUTH[row["paper_id"]]
        out.append(
            {
                **row,
                "reviewer": reviewer,
                "review_uses_synthetic": "yes" if uses else "no",
                "review_category": category if uses else "",
            }
        )
    return out
