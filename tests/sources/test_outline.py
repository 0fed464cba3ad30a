"""The Outline that gives a flat run of numbered headings their section kinds."""

from __future__ import annotations

import pytest

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
