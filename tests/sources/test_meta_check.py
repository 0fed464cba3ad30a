"""Every reader's year and title checked the same way: what the paper's identifiers encode wins."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.sources import read_bytes

BODY = "We trained a classifier on the records and report its accuracy on a held-out set. " * 8


def _jats(doi: str, year: int, references: str = "") -> bytes:
    return (
        '<?xml version="1.0"?>\n<article><front><article-meta>'
        f'<article-id pub-id-type="doi">{doi}</article-id>'
        "<title-group><article-title>Digital twins in health care</article-title></title-group>"
        f'<pub-date pub-type="epub"><year>{year}</year></pub-date>'
        "<abstract><p>We review digital twins.</p></abstract></article-meta></front>"
        f"<body><sec><title>Methods</title><p>{BODY}</p></sec></body>"
        f"<back><ref-list>{references}</ref-list></back></article>"
    ).encode()


def test_jats_year_before_its_dated_doi_is_overruled_with_a_note() -> None:
    doc = read_bytes(_jats("10.1038/s41746-025-01910-w", 2017), name="a.xml")
    assert doc.metadata.year == 2025
    assert any("year 2017 found in the text, 2025 from the DOI" in n for n in doc.notes)


def test_jats_year_the_year_after_its_doi_is_the_journal_issue_and_kept() -> None:
    doc = read_bytes(_jats("10.1016/j.jbi.2020.103373", 2021), name="a.xml")
    assert doc.metadata.year == 2021
    assert not any(n.startswith("year") for n in doc.notes)


def test_year_older_than_the_works_cited_is_left_empty() -> None:
    refs = "".join(
        f"<ref><mixed-citation>Author {i} ({year}) A paper. J Stat 3: 1-9.</mixed-citation></ref>"
        for i, year in enumerate((2019, 2022, 2022))
    )
    doc = read_bytes(_jats("10.1371/journal.pone.0000001", 2013, refs), name="a.xml")
    assert doc.metadata.year is None
    assert any("older than works the paper cites (2022)" in n for n in doc.notes)


def test_markdown_arxiv_stamp_in_the_front_matter_gives_the_year() -> None:
    text = f"# Synthetic tables\n\narXiv:2305.01234v2 [cs.LG] 3 Jan 2024\n\n## Methods\n\n{BODY}\n"
    doc = read_bytes(text.encode(), name="paper.md")
    assert doc.metadata.year == 2023


def test_markdown_arxiv_id_cited_in_the_body_gives_no_year() -> None:
    text = (
        f"# Synthetic tables\n\n## Methods\n\n{BODY}\n\n## Introduction\n\nSee arXiv:2305.01234.\n"
    )
    assert read_bytes(text.encode(), name="paper.md").metadata.year is None


def test_s2orc_title_loses_the_repository_banner(corpus: Path) -> None:
    path = corpus / "other" / "s2d__f2235cd28c171f9f3b6a8bcebe246159c464980c.json"
    raw_title = json.loads(path.read_text(encoding="utf-8"))["metadata"]["title"]
    doc = read_bytes(path.read_bytes(), name=path.name)
    assert raw_title.startswith("M P RA Munich Personal RePEc Archive ")
    assert doc.metadata.title == raw_title.removeprefix("M P RA Munich Personal RePEc Archive ")
    assert any("page furniture" in n for n in doc.notes)
