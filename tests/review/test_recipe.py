"""docs/validation.md's pandas recipe reproduces the validated queries from exported CSVs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.review.helpers import invoke
from tests.review.test_validated import reviewed

DOC = Path(__file__).resolve().parents[2] / "docs" / "validation.md"


def recipe() -> str:
    text = DOC.read_text(encoding="utf-8").split("## Every figure in pandas", 1)[1]
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


@pytest.mark.parametrize("n", ["20", "30"])
def test_the_pandas_recipe_gives_every_validated_figure(review_db, tmp_path, monkeypatch, n):
    _, reviews = reviewed(review_db, tmp_path, n=n)
    assert (
        invoke(
            "export",
            "--table",
            "papers",
            "--format",
            "csv",
            "-o",
            str(tmp_path / "papers.csv"),
            "--db",
            str(review_db),
        ).exit_code
        == 0
    )
    assert (
        invoke(
            "review",
            "export",
            "--db",
            str(review_db),
            "--reviews",
            str(reviews),
            "-o",
            str(tmp_path / "reviews.csv"),
        ).exit_code
        == 0
    )
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(recipe(), str(DOC), "exec"), scope)  # our own documentation
    [want] = json.loads(
        invoke(
            "query",
            "prevalence_validated",
            "--db",
            str(review_db),
            "--reviews",
            str(reviews),
            "--format",
            "json",
        ).output
    )
    for name, value in scope["overall"].items():
        assert value == pytest.approx(want[name], abs=1e-12), name
    years = json.loads(
        invoke(
            "query",
            "prevalence_validated_by_year",
            "--db",
            str(review_db),
            "--reviews",
            str(reviews),
            "--format",
            "json",
        ).output
    )
    for want in years:
        got = scope["by_year"][want["year"]]
        for name, value in got.items():
            if want[name] is not None:
                assert value == pytest.approx(want[name], abs=1e-12), (want["year"], name)
