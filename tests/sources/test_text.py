"""Plain-text and Markdown readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.errors import MalformedInput, NoText
from pipeline.sources import text
from pipeline.sources.text import strip_markdown

OASTM = "other/oastm__S0012821X13002185.txt"
OASTM_STRUCTURED = "other/oastm__S0006322312001096.txt"  # structured abstract, no Introduction
MARKDOWN = "other/researchmat__2402.04559_agent_trust.md"
MARKDOWN_RUN_IN = "other/docling__2305.03393v1.md"  # "Abstract. Extracting tables ..."


def headings(doc: Document) -> list[tuple[str, str]]:
    return [(s.heading, s.kind) for s in doc.sections]


def test_oastm_text_title_is_the_first_line(corpus: Path) -> None:
    doc = text.read((corpus / OASTM).read_bytes(), markdown=False)
    title = "Opening the gateways for diatoms primes Earth for Antarctic glaciation"
    assert doc.metadata.title == title
    assert doc.text.startswith(title + "\n\n")
    assert (doc.format, doc.extractor) == ("text", "text")


def test_oastm_text_known_heading_lines_become_sections(corpus: Path) -> None:
    doc = text.read((corpus / OASTM).read_bytes(), markdown=False)
    assert headings(doc)[:8] == [
        ("Abstract", "abstract"),
        ("Graphical Abstract", "abstract"),
        ("Highlights", "abstract"),
        ("Introduction", "introduction"),
        ("Materials and methods", "methods"),
        ("Methods", "methods"),
        ("Results and discussion", "results"),
        ("Conclusions", "conclusion"),
    ]
    abstract = doc.sections[0]
    assert doc.text[abstract.start : abstract.end].startswith(
        "Abstract\n\nThe abrupt onset of Antarctic glaciation during the Eocene-Oligocene"
    )


def test_oastm_structured_abstract_headings_stay_abstract(corpus: Path) -> None:
    doc = text.read((corpus / OASTM_STRUCTURED).read_bytes(), markdown=False)
    assert headings(doc)[:4] == [
        ("Background", "abstract"),
        ("Methods", "abstract"),
        ("Results", "abstract"),
        ("Conclusions", "abstract"),
    ]
    # The body starts without a heading; its Methods section is methods again.
    assert ("Methods and Materials", "methods") in headings(doc)
    intro = doc.section_at(doc.text.index("The vascular (or subcortical ischemic) depression"))
    assert intro is not None and intro.kind == "other"


def test_wrapped_plain_text_joins_lines_and_skips_sentence_like_lines() -> None:
    raw = (
        "Synthetic Cohorts for Testing\n\n"
        "Abstract\n\n"
        "We simulate patient records to test a\nclassifier on rare events.\n\n"
        "2. Methods\n\n"
        "Data were collected from 200 patients in\nthree hospitals over two years.\n\n"
        "2.1 Participants\n\n"
        "Adults only.\n\n"
        "References\n\n"
        "[1] A. Author. A paper. 2020.\n[2] B. Author. Another paper. 2021.\n"
    )
    doc = text.read(raw.encode(), markdown=False)
    assert headings(doc) == [
        ("Abstract", "abstract"),
        ("2. Methods", "methods"),
        ("2.1 Participants", "methods"),
        ("References", "references"),
    ]
    assert "to test a classifier on rare events." in doc.text
    refs = [p.text for p in doc.passages() if p.section == "references"]
    assert refs[1:] == ["[1] A. Author. A paper. 2020.", "[2] B. Author. Another paper. 2021."]


def test_markdown_headings_title_and_appendix_after_references(corpus: Path) -> None:
    doc = text.read((corpus / MARKDOWN).read_bytes(), markdown=True)
    assert doc.metadata.title == "Can Large Language Model Agents Simulate Human Trust Behavior?"
    assert doc.text.startswith(doc.metadata.title)
    kinds = dict(headings(doc))
    assert kinds["Abstract"] == "abstract"
    assert kinds["1 Introduction"] == "introduction"
    assert kinds["References"] == "references"
    assert kinds["A Related Work"] == "appendix"  # lettered, after the references
    assert kinds["G.1 Human"] == "appendix"
    assert (doc.format, doc.extractor) == ("markdown", "markdown")


# The first top-level heading is the title even when a section's name begins it (a "Training"
# or "Evaluation" title is not the methods); a short one is the section of an untitled text.
MARKDOWN_TITLES = [
    (
        "# Training a sepsis classifier on synthetic patients\n\n## Abstract\n\nWe did it.",
        "Training a sepsis classifier on synthetic patients",
        "abstract",
    ),
    (
        "Evaluation of large language model personas as survey respondents\n"
        "===\n\n## Methods\n\nWe did it.",
        "Evaluation of large language model personas as survey respondents",
        "methods",
    ),
    (
        "# Simulation studies of a sepsis triage score in four hospitals\n\nWe did it.",
        "Simulation studies of a sepsis triage score in four hospitals",
        None,
    ),
    # counter-examples: a short heading is a section, a heading below the first level too
    ("# Methods\n\nWe trained the classifier on synthetic records.", None, "methods"),
    ("## Training and evaluation of the classifier on records\n\nWe did it.", None, "methods"),
]


@pytest.mark.parametrize(("markdown", "title", "first_kind"), MARKDOWN_TITLES)
def test_markdown_first_top_heading_is_the_title(markdown, title, first_kind) -> None:
    doc = text.read(markdown.encode(), markdown=True)
    assert doc.metadata.title == title
    assert (doc.sections[0].kind if doc.sections else None) == first_kind


def test_markdown_strips_markup_but_keeps_link_text(corpus: Path) -> None:
    doc = text.read((corpus / MARKDOWN).read_bytes(), markdown=True)
    assert "<!--" not in doc.text and "**" not in doc.text
    assert any("dropped" in n and "table rows" in n for n in doc.notes)


def test_markdown_run_in_abstract_opens_an_abstract_section(corpus: Path) -> None:
    doc = text.read((corpus / MARKDOWN_RUN_IN).read_bytes(), markdown=True)
    sec = doc.section_at(doc.text.index("Abstract. Extracting tables from documents"))
    assert sec is not None and sec.kind == "abstract"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("We used **GPT-4** to *generate* data.", "We used GPT-4 to generate data."),
        ("See [the repo](https://example.org/x) and ![fig](a.png).", "See the repo and ."),
        ("Call `make_data()` with snake_case_names.", "Call make_data() with snake_case_names."),
        ("Q&amp;A <b>bold</b> \\*literal\\*", "Q&A bold *literal*"),
    ],
)
def test_strip_markdown_keeps_readable_text(markdown: str, expected: str) -> None:
    assert strip_markdown(markdown) == expected


def test_markdown_drops_tables_and_display_math_keeps_code() -> None:
    raw = (
        "# A Title\n\n## Methods\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "$$\nx = y^2\n$$\n\n```\nprompt = 'write a review'\n```\n\n- item one\n- item two\n"
    )
    doc = text.read(raw.encode(), markdown=True)
    assert doc.text == (
        "A Title\n\nMethods\n\nprompt = 'write a review'\n\nitem one\n\nitem two\n\n"
    )
    assert headings(doc) == [("Methods", "methods")]


def test_text_that_is_not_utf8_is_malformed_input() -> None:
    with pytest.raises(MalformedInput, match="not valid UTF-8"):
        text.read("Résumé of methods".encode("latin-1"), markdown=False)


@pytest.mark.parametrize("markdown", [False, True])
def test_text_with_only_blank_lines_is_no_text(markdown: bool) -> None:
    with pytest.raises(NoText):
        text.read(b"\n\n  \n", markdown=markdown)
