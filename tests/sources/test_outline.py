"""The Outline that gives a flat run of numbered headings their section kinds."""

from __future__ import annotations

import pytest

from pipeline.document import section_kind
from pipeline.sources.outline import Outline, is_numbered_heading


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        (["2 Methods", "2.3 Participants"], ["methods", "methods"]),
        (["Methods", "Participants", "Statistical analysis"], ["methods", "methods", "methods"]),
        (["Introduction", "Study area"], ["introduction", "other"]),
        (["3 SynthGen: a tabular generator", "3.1 Encoder"], ["other", "other"]),
        (["IV. Simulation", "A. Reward Uncertainty", "1) Gaussian Rewards"], ["methods"] * 3),
        (["Discussion", "Limitations"], ["discussion", "limitations"]),
        (
            ["References", "A Persona Attributes", "A.1 Age", "Acknowledgements"],
            ["references", "appendix", "appendix", "acknowledgements"],
        ),
        (["A Simple Baseline"], ["other"]),
    ],
)
def test_outline_gives_flat_headings_their_kinds(sequence: list[str], expected: list[str]) -> None:
    outline = Outline()
    assert [outline.kind(h) for h in sequence] == expected


def test_outline_uses_a_number_given_apart_from_the_heading() -> None:
    outline = Outline()
    assert outline.kind("Results", number="3") == "results"
    assert outline.kind("Subgroups", number="3.1") == "results"


@pytest.mark.parametrize(
    ("heading", "numbered"),
    [
        ("3.2 Sampling", True),
        ("IV. RESULTS", True),
        ("A.1 Prompts", True),
        ("2 of the 3 models", False),
        ("A Simple Baseline", False),
        ("Methods", False),
    ],
)
def test_is_numbered_heading_wants_a_number_then_a_capital(heading: str, numbered: bool) -> None:
    assert is_numbered_heading(heading) is numbered


# --- heading words -> kinds --------------------------------------------------------------------

HEADING_WORDS = [
    # the words ML/NLP/statistics/biomedical papers use, numbered as they print them
    ("3 Method", "methods"),
    ("4.2 Training details", "methods"),
    ("III. EXPERIMENTS", "methods"),
    ("A. Datasets", "methods"),
    ("5 Experimental results", "results"),
    ("6 Evaluation", "methods"),
    ("3 Our approach", "methods"),
    ("2 Problem formulation", "methods"),
    ("2. Preliminaries", "introduction"),
    ("2 Differential Privacy Preliminaries", "introduction"),
    ("3.1 Data collection", "methods"),
    ("4 Benchmark construction", "methods"),
    ("5.3 Ablation study", "results"),
    ("6 Case study", "results"),
    ("IV. SIMULATION", "methods"),
    ("5 Numerical experiments", "methods"),
    ("3 Monte Carlo simulations", "methods"),
    ("Statistical analysis", "methods"),
    ("6 Analysis", "results"),
    ("5.4 Comparison with baselines", "results"),
    ("7 Discussion and conclusion", "discussion"),
    ("8 Conclusion and outlook", "conclusion"),
    ("Future directions", "conclusion"),
    ("Broader Impact", "discussion"),
    ("2 Related studies", "related_work"),
    ("II. RELATED AREA AND LITERATURE STUDY", "related_work"),
    ("3 SURVEY OF SYNTHETIC DATA GENERATION", "related_work"),  # others' work, surveyed
    ("2 A brief review of differential privacy", "related_work"),
    ("3 Tasks and Related Work: Extraction", "related_work"),
    ("6 Authors", "acknowledgements"),
    ("Core Contributors", "acknowledgements"),
    ("Data and code availability", "acknowledgements"),
    ("Conflict of interest statement", "acknowledgements"),
    # counter-examples: words that name no kind, or a different one than they seem to
    ("3 SynthGen: a tabular generator", "other"),
    ("3 PRELIMINARY INTERVIEWS", "other"),  # the authors' own interviews, not background
    ("1.3 Contributions", "other"),  # an introduction's list, not back matter
    ("Study area", "other"),
    ("5 Simulated annealing schedules", "other"),
    ("4 Why we created progress reports", "other"),
    ("4 Generalisation to unseen hospitals", "other"),
    ("3 Survey", "other"),  # the authors' own survey as often as others' work
    ("Algorithm 1", "other"),  # a caption's label on a line of its own
    ("Problem 1", "other"),
    ("5.2 Comparison with related work", "related_work"),
]


@pytest.mark.parametrize(("heading", "kind"), HEADING_WORDS)
def test_heading_words_map_to_section_kinds(heading: str, kind: str) -> None:
    assert section_kind(heading) == kind


# --- the paper's own content ----------------------------------------------------------------------

OWN_CONTENT = [
    (
        # a method named after itself, its subsections, the experiments and their results
        [
            "1 Introduction",
            "2 Related Work",
            "3 SynthGen: a tabular generator",
            "3.1 Encoder",
            "4 Experiments",
            "4.1 Setup",
            "4.2 Main results",
            "4.3 Where the generator fails",
            "5 Conclusion",
            "6 Questions for the community",
        ],
        [
            "introduction",
            "related_work",
            "methods",
            "methods",
            "methods",
            "methods",
            "results",
            "results",  # after "4.2 Main results" under "4 Experiments"
            "conclusion",
            "other",  # after the conclusion: nothing is assumed
        ],
    ),
    (
        # after a top-level results section, an unnamed section is a result
        ["1 Introduction", "2 Method", "3 Results", "4 Scaling to 70B", "5 Discussion"],
        ["introduction", "methods", "results", "results", "discussion"],
    ),
    (
        # IEEE numbering: letters under a roman numeral
        ["I. INTRODUCTION", "II. PROTOCOL OPERATION", "A. Handshake", "III. CONCLUSION"],
        ["introduction", "methods", "methods", "conclusion"],
    ),
    (
        # no introduction seen: the outline cannot tell where the own content starts
        ["1 Bayesian inference and model misspecification", "2 Revisiting the bootstrap"],
        ["other", "other"],
    ),
    (
        # a subsection whose parent heading was missed ("2 Method" not found on the page)
        ["1. Introduction", "2.2. Unifying informal reasoning", "3. Experimental Results"],
        ["introduction", "methods", "results"],
    ),
    (
        # an overview or background inside a numbered section belongs to that section
        ["1 Introduction", "3 Methods", "3.1 Overview", "3.2 Background"],
        ["introduction", "methods", "methods", "methods"],
    ),
    (
        # "Summary" before the body is an abstract, after it a conclusion
        ["Summary", "1 Introduction", "2 Approach", "8 Summary"],
        ["abstract", "introduction", "methods", "conclusion"],
    ),
]


@pytest.mark.parametrize(("sequence", "expected"), OWN_CONTENT)
def test_own_content_between_introduction_and_conclusion_is_methods_or_results(
    sequence: list[str], expected: list[str]
) -> None:
    outline = Outline(own_content=True)
    assert [outline.kind(h) for h in sequence] == expected


def test_without_own_content_an_unnamed_section_stays_other() -> None:
    outline = Outline()
    kinds = [outline.kind(h) for h in ["1 Introduction", "2 SynthGen", "2.1 Encoder"]]
    assert kinds == ["introduction", "other", "other"]


def test_unnumbered_headings_inherit_from_the_kinds_the_reader_chooses() -> None:
    default, pdf_like = Outline(), Outline(inherit_from=frozenset({"introduction"}))
    assert [default.kind(h) for h in ["Introduction", "ACCEPTABLE CONTROLS"]] == [
        "introduction",
        "other",
    ]
    assert [pdf_like.kind(h) for h in ["Introduction", "ACCEPTABLE CONTROLS"]] == [
        "introduction",
        "introduction",
    ]
