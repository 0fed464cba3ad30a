"""split_sentences on scientific prose: abbreviations, citations, decimals, exact offsets."""

from __future__ import annotations

from itertools import pairwise

import pytest

from pipeline.detect.segment import MAX_SENTENCE_CHARS, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# (text, the sentences it must split into)
SPLIT_CASES: list[tuple[str, list[str]]] = [
    pytest.param(
        "Our design follows Smith et al. (2020) closely. We then trained the model.",
        [
            "Our design follows Smith et al. (2020) closely.",
            "We then trained the model.",
        ],
        id="et-al-before-year",
    ),
    pytest.param(
        "Zhang et al. [7] trained on simulated data. We did not.",
        ["Zhang et al. [7] trained on simulated data.", "We did not."],
        id="et-al-before-citation",
    ),
    pytest.param(
        "As shown in Fig. 2, the error falls with more synthetic data. We stop at 10k.",
        [
            "As shown in Fig. 2, the error falls with more synthetic data.",
            "We stop at 10k.",
        ],
        id="fig",
    ),
    pytest.param(
        "The loss is given in Eq. 3 and the settings in Tab. 4. Training took two days.",
        [
            "The loss is given in Eq. 3 and the settings in Tab. 4.",
            "Training took two days.",
        ],
        id="eq-and-tab",
    ),
    pytest.param(
        "Several generators (e.g. GANs and VAEs) were tried. We kept the best one.",
        ["Several generators (e.g. GANs and VAEs) were tried.", "We kept the best one."],
        id="e.g.",
    ),
    pytest.param(
        "The second stage, i.e. SMOTE, balances the classes. Then we train.",
        ["The second stage, i.e. SMOTE, balances the classes.", "Then we train."],
        id="i.e.",
    ),
    pytest.param(
        "Synthetic images scored 3.5 points higher than real ones. The gap was 0.8 on test.",
        [
            "Synthetic images scored 3.5 points higher than real ones.",
            "The gap was 0.8 on test.",
        ],
        id="decimals",
    ),
    pytest.param(
        "We used GPT-3.5 for the prompts. Answers were checked.",
        ["We used GPT-3.5 for the prompts.", "Answers were checked."],
        id="decimal-in-model-name",
    ),
    pytest.param(
        "The records were prepared by J. Smith and K. L. Lee. We thank them.",
        ["The records were prepared by J. Smith and K. L. Lee.", "We thank them."],
        id="initials",
    ),
    pytest.param(
        "Synthetic EHRs are common in this area. [12] We generated our own.",
        ["Synthetic EHRs are common in this area. [12]", "We generated our own."],
        id="numeric-citation-after-stop",
    ),
    pytest.param(
        "Prior work used simulators. [3, 5-7] We did not.",
        ["Prior work used simulators. [3, 5-7]", "We did not."],
        id="citation-list-after-stop",
    ),
    pytest.param(
        "We generated the images with a GAN. We then trained on them.",
        ["We generated the images with a GAN.", "We then trained on them."],
        id="capital-abbreviation-ends-sentence",
    ),
    pytest.param(
        "Patients were seen in the ED. Their records were used.",
        ["Patients were seen in the ED.", "Their records were used."],
        id="two-letter-capital-abbreviation",
    ),
    pytest.param(
        "The baseline is worse than ours (cf. Table 2). Real data vs. synthetic data differ.",
        [
            "The baseline is worse than ours (cf. Table 2).",
            "Real data vs. synthetic data differ.",
        ],
        id="cf-and-vs",
    ),
    pytest.param(
        'The model said "no synthetic data." Then it stopped! Did it work? Yes.',
        ['The model said "no synthetic data."', "Then it stopped!", "Did it work?", "Yes."],
        id="quotes-and-other-stops",
    ),
    pytest.param(
        "Data came from 12 sites. 2,000 records were synthetic.",
        ["Data came from 12 sites.", "2,000 records were synthetic."],
        id="sentence-starting-with-number",
    ),
    pytest.param(
        "We used synthetic data. the next word is lower case.",
        ["We used synthetic data. the next word is lower case."],
        id="no-split-before-lower-case",
    ),
    pytest.param(
        "  We used synthetic data.   We trained on it.  ",
        ["We used synthetic data.", "We trained on it."],
        id="surrounding-whitespace",
    ),
    pytest.param("", [], id="empty"),
    pytest.param("   \n  ", [], id="only-whitespace"),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_offsets_are_exact_and_shifted(text: str, expected: list[str]) -> None:
    offset = 1234
    padded = "x" * offset + text
    spans = list(split_sentences(text, offset))
    assert [padded[s:e] for s, e in spans] == expected
    assert all(s < e for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in pairwise(spans))


def test_long_run_without_stop_is_cut_at_max_chars() -> None:
    text = " ".join(f"cell{i}" for i in range(2000))  # a table dump, no sentence stop
    spans = list(split_sentences(text))
    assert len(spans) > 1
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    # cut on whitespace: no token is split and nothing is lost
    assert " ".join(text[s:e] for s, e in spans) == text
    assert all(not text[s:e][0].isspace() and not text[s:e][-1].isspace() for s, e in spans)


def test_long_run_without_any_space_is_cut_hard() -> None:
    text = "A" * (MAX_SENTENCE_CHARS * 2 + 10)
    spans = list(split_sentences(text))
    assert [e - s for s, e in spans] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 10]
    assert "".join(text[s:e] for s, e in spans) == text


def test_long_sentence_then_short_one() -> None:
    long = " ".join(["synthetic"] * 400) + "."
    text = long + " We stop."
    found = sentences(text)
    assert found[-1] == "We stop."
    assert " ".join(found[:-1]) == long


def test_a_superscript_citation_after_the_stop_ends_the_sentence():
    # Lancet- and Elsevier-style references printed as superscripts (seen in: synctrials, oastm)
    text = (
        "Trials would have benefited from virtual data (eg, probiotic trials).4 Further "
        "research is necessary. Outcomes improved in 2.4 Percent of cases."
    )
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got[0] == "Trials would have benefited from virtual data (eg, probiotic trials).4"
    assert got[1] == "Further research is necessary."
    assert len(got) == 3  # "2.4" is a decimal, not a stop and a superscript


def test_an_abbreviation_before_a_number_is_still_no_stop():
    text = "The results are shown in Fig.3 Panels differ by site."
    assert [text[a:b] for a, b in split_sentences(text)] == [text]
