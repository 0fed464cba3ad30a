"""DOIs, years, titles and reference lines as every reader writes them."""

from __future__ import annotations

import pytest

from pipeline.sources.meta import (
    arxiv_year,
    check_year,
    clean_doi,
    clean_title,
    doi_year,
    is_furniture,
    newest_cited_year,
    reference_line,
    year_from,
)


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


# --- years the paper's identifiers encode ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("arXiv:1802.06739v2 [cs.LG] 20 Feb 2018", 2018),
        ("arXiv: 2404.18231", 2024),
        ("see arXiv:hep-th/9901001 for details", 1999),
        ("arXiv:math.AG/0611001", 2006),
        ("arXiv:1813.00001", None),  # no 13th month: not an arXiv id
        ("arXiv:9901.00001", None),  # YYMM ids began in 2007: not a year 2099
        ("version 1802.06739 of the data", None),  # no "arXiv:" before it
        ("", None),
        (None, None),
    ],
)
def test_arxiv_year_is_the_month_the_id_was_issued(text: str | None, year: int | None) -> None:
    assert arxiv_year(text) == year


@pytest.mark.parametrize(
    ("doi", "year"),
    [
        ("10.48550/arXiv.2305.01234", 2023),
        ("10.48550/arXiv.hep-ph/9412269", 1994),
        ("10.1101/2021.03.04.433000", 2021),  # bioRxiv / medRxiv posting date
        ("10.1038/s41746-025-01910-w", 2025),  # Springer Nature: check character a letter
        ("10.1186/s12915-024-01918-w", 2024),
        ("10.1007/s43441-021-00302-y", 2021),
        ("10.1016/j.landig.2025.01.007", 2025),
        ("10.1016/j.jbi.2020.103373", 2020),
        ("10.3389/fmicb.2017.00498", 2017),
        ("10.1155/2010/157939", 2010),
        ("10.1088/1475-7516/2008/10/003", 2008),
        ("https://doi.org/10.1101/2024.05.13.593833", 2024),
        # DOIs whose numbers are not the year they were issued
        ("10.2196/12345", None),
        ("10.1109/dsde.2010.49", None),
        ("10.1136/pgmj.2009.089987", None),
        ("10.1371/journal.pone.0119074", None),
        ("10.1101/123456", None),  # bioRxiv before December 2019
        (None, None),
    ],
)
def test_doi_year_only_where_the_registrant_spells_it(doi: str | None, year: int | None) -> None:
    assert doi_year(doi) == year


@pytest.mark.parametrize(
    ("stated", "encoded", "newest_cited", "year", "noted"),
    [
        (2017, 2025, None, 2025, True),  # a year in the text before the DOI was issued
        (2030, 2025, None, 2025, True),  # long after it: some other date
        (2026, 2025, None, 2026, False),  # the journal's issue, the year after
        (2025, 2025, None, 2025, False),
        (None, 2025, None, 2025, False),
        (2018, 2018, 2024, 2018, False),  # the identifier wins over the reference list
        (2013, None, 2022, None, True),  # older than what it cites: no year, not a wrong one
        (2021, None, 2022, 2021, False),  # one year of slack for "in press" references
        (2013, None, None, 2013, False),
        (None, None, 2022, None, False),
    ],
)
def test_check_year_lets_the_identifier_overrule_an_impossible_year(
    stated: int | None, encoded: int | None, newest_cited: int | None, year: int | None, noted: bool
) -> None:
    checked = check_year(stated, encoded, "the DOI", newest_cited)
    assert checked.year == year
    assert (checked.note is not None) == noted


def test_newest_cited_year_ignores_page_ranges_dois_and_download_stamps() -> None:
    references = (
        "Smith J (2011) A study. J Virol 76: 2014-2018. doi:10.1128/JVI.76.4.2014-2018.2002. "
        "Downloaded by guest on 25 June 2025. Lee K (2012) Another. Nature 5: 1-9. "
        "Downloaded by guest on 25 June 2025. Chen (2012a). Wu, 2011; Park (2019) once."
    )
    assert newest_cited_year(references, this_year=2026) == 2012
    assert newest_cited_year("", this_year=2026) is None


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (
            "M P RA Munich Personal RePEc Archive Territorial Rural Development in Latin America",
            "Territorial Rural Development in Latin America",
        ),
        (
            "Research Article Patient Experiences of Structured Heart Failure Programmes",
            "Patient Experiences of Structured Heart Failure Programmes",
        ),
        (
            "COVID&#x02010;19 vaccination in  vulnerable populations",
            "COVID‐19 vaccination in vulnerable populations",
        ),
        ("Synthetic data for privacy", "Synthetic data for privacy"),
        ("Copyright law meets generative models", "Copyright law meets generative models"),
        ("6489122611071476 1..10", None),  # a typesetting job: pages 1 to 10
        ("PII: 0021-9681(76)90044-8", None),
        ("R E S EAR CH A R TIC L E Open Access", None),
        ("Research Article", None),
        ("JSS Journal of Statistical Software", None),
        ("", None),
        (None, None),
    ],
)
def test_clean_title_drops_page_furniture(raw: str | None, title: str | None) -> None:
    assert clean_title(raw) == title


@pytest.mark.parametrize(
    "line",
    [
        "bioRxiv preprint doi: https://doi.org/10.1101/2024.05.13.593833; this version posted",
        "arXiv:1802.06739v2 [cs.LG] 20 Feb 2018",
        "Journal of Machine Learning Research 18 (2017) 1-39 Submitted 5/15; Published 3/17",
        "Volume 2010, Article ID 157939, 6 pages",
        "This work is licensed under a Creative Commons Attribution 4.0 International License",
        "Copyright © 2010 Nuala E. Tully et al.",
        "Proceedings of the 45th Annual Meeting of the Association of Computational Linguistics",
        "Preprint. Under review.",
        "M P RA",
    ],
)
def test_first_page_furniture_lines_are_recognised(line: str) -> None:
    assert is_furniture(line)


def test_a_title_line_is_not_furniture() -> None:
    assert not is_furniture("PaSa: An LLM Agent for Comprehensive Academic Paper Search")
