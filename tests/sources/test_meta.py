"""DOIs, years and reference lines as every reader writes them."""

from __future__ import annotations

import pytest

from pipeline.sources.meta import clean_doi, reference_line, year_from


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1371/journal.PONE.0197919", "10.1371/journal.pone.0197919"),
        ("https://doi.org/10.1000/XYZ", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/a b", "10.1000/ab"),
        ("doi: 10.1000/abc", "10.1000/abc"),
        ("not a doi", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_doi_lowercases_and_drops_the_resolver(raw: str | None, doi: str | None) -> None:
    assert clean_doi(raw) == doi


@pytest.mark.parametrize(
    ("text", "year"),
    [("2021-05-03", 2021), ("Spring 1998", 1998), ("12019", None), ("1799", None), (None, None)],
)
def test_year_from_takes_the_first_plausible_year(text: str | None, year: int | None) -> None:
    assert year_from(text) == year


def test_reference_line_joins_the_parts_it_has() -> None:
    line = reference_line(
        ["Smith J", "Doe A"], 2020, ["A title.", ""], "Nature 5(2): 1-9", ["doi:10.1/x"]
    )
    assert line == "Smith J, Doe A (2020) A title. Nature 5(2): 1-9. doi:10.1/x"
    assert reference_line([], None, [], "") == ""
