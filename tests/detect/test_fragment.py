"""is_fragment: headings, table rows and the paper's title are no statements."""

from __future__ import annotations

import pytest

from pipeline.detect.finder import fold_title, is_fragment

TITLE = "Synthetic Patients: Generating Health Records with Synthea"


@pytest.mark.parametrize(
    ("sentence", "fragment"),
    [
        ("Synthetic Patients: Generating Health Records with Synthea", True),
        ("Synthetic patients generating health records", True),  # a part of the title
        ("2.1 Fully Synthetic Data", True),
        ("We generated 10,000 synthetic patient records with Synthea for training.", False),
        ("Figure 2. Synthetic records generated with Synthea", False),
    ],
)
def test_a_title_folded_once_gives_the_same_answer_as_the_title(sentence, fragment):
    assert is_fragment(sentence, TITLE) is fragment
    assert is_fragment(sentence, folded_title=fold_title(TITLE)) is fragment


def test_fold_title_keeps_letters_and_digits_only():
    assert fold_title("GPT-4: Synthetic Data, Ünïcode!") == "gpt4syntheticdataünïcode"
