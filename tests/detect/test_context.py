"""The paper around a sentence: review mode, the paper's kind, its own data (context.py).

Every rule's table holds examples and counter-examples; the phrasings were seen in papers of
at least two corpus sources each (named in comments), the sentences are written for the tests.
"""

from __future__ import annotations

import pytest

from pipeline import detect
from pipeline.detect.context import review_reason
from pipeline.document import Document, Metadata
from pipeline.sources.build import DocumentBuilder
from tests.detect.sentences import NEUTRAL_INTRODUCTION, build_document


def titled(title: str, abstract: str = "We report results.", article_type: str | None = None):
    b = DocumentBuilder()
    b.heading("Abstract")
    b.paragraph(abstract)
    return b.build(
        format="jats",
        extractor="jats",
        metadata=Metadata(title=title, article_type=article_type),
    )


# literature reviews (seen in: hw, synctrials, cermine, plos, scielo)
REVIEWS = [
    "A Review Of Synthetic Data Generation Methods For Privacy Preserving Data Publishing",
    "A scoping review of human digital twins in healthcare applications",
    "Complications of thrombosis prophylaxis in trauma: a systematic review of the literature",
    "Analysis of scales of moral virtues: a systematic review",
    "A comprehensive survey on large language models for data generation",
    "Large language models for tabular data: a survey",
]
# empirical papers whose titles hold a review word (seen in: plos, pm, oastm, s2d)
NOT_REVIEWS = [
    "Spotting fake product reviews with a classifier trained on GPT-4-written reviews",
    "A survey of 1,200 nurses on night-shift fatigue",
    "Survey answers without respondents: trust in local government",
    "An overview-free method: perspective transforms for street images",
    "Peer reviews of grant proposals predict funding decisions",
    # a survey of people, named in the title's tail (medicine, education, public health)
    "Use of ChatGPT by nurses in three university hospitals: a cross-sectional survey",
    "Attitudes to artificial intelligence among general practitioners: a national online survey",
    "Mental health of medical students after the pandemic: a multicentre survey",
]


@pytest.mark.parametrize("title", REVIEWS)
def test_review_titles_switch_review_mode(title):
    assert review_reason(titled(title)) is not None


@pytest.mark.parametrize("title", NOT_REVIEWS)
def test_a_bare_review_word_does_not_switch_review_mode(title):
    assert review_reason(titled(title)) is None


def test_article_type_switches_review_mode():
    assert "review-article" in review_reason(titled("Heart failure", article_type="review-article"))
    assert review_reason(titled("Heart failure", article_type="research-article")) is None


def test_an_opinion_piece_is_read_like_a_review():
    # seen in: synctrials (a Viewpoint), pmp (commentaries)
    doc = titled("Virtual patients for paediatric trials", "In this Viewpoint, we argue for X.")
    assert "In this Viewpoint" in review_reason(doc)
    assert review_reason(titled("Trials", article_type="article-commentary")) is not None


def test_review_phrase_in_the_abstract_switches_review_mode():
    doc = titled(
        "Heart failure prediction", "In this paper we review the literature on risk scores."
    )
    assert review_reason(doc) is not None


def findings_of(*sections, title=None) -> list:
    return detect.find(
        build_document(("Introduction", NEUTRAL_INTRODUCTION), *sections, title=title)
    )


def test_generic_sentence_takes_the_kind_of_the_paper():
    # a record synthesizer paper's "the synthetic data" is records (seen in: synthpop, hw)
    findings = findings_of(
        (
            "Methods",
            [
                "We generated synthetic census microdata with synthpop from the 2011 survey.",
                "In the synthetic data, the average household size was 2.4 persons.",
            ],
        )
    )
    generic = next(f for f in findings if f.sentence.startswith("In the synthetic data"))
    assert generic.category == "synthetic_records"
    assert "category.paper_context" in generic.pattern_ids


def test_generic_sentence_keeps_its_kind_when_the_paper_names_none():
    findings = findings_of(("Methods", "In the synthetic data, the average size was 2.4."))
    assert findings[0].category == "synthetic_other"


def test_sentence_pointing_at_the_papers_own_synthetic_data_is_use():
    # seen in: synthpop, plos, oastm, hw
    findings = findings_of(
        (
            "Methods",
            [
                "We simulated 500 trials under each of the 12 design scenarios.",
            ],
        ),
        ("Results", "In the synthetic data, the mean trend coefficient is -1.17 (0.21)."),
    )
    own = next(f for f in findings if f.sentence.startswith("In the synthetic data"))
    assert own.stance == "use" and "stance.paper_own_data" in own.pattern_ids


def test_the_authors_reporting_their_simulations_makes_the_paper_theirs():
    # seen in: oastm (a CO2-storage modelling paper), synthpop, plos (pcbi), sp: "we have
    # estimated X by integrating ... simulations" states the authors' own use as firmly as
    # "we simulated", so the results' unattributed sentences are about their simulations
    findings = findings_of(
        (
            "Conclusion",
            [
                "By integrating seismic modeling and multiphase fluid flow simulations, we have "
                "estimated the impact of the reservoir temperature on the 4D seismic data.",
                "Results from the multiphase fluid flow simulations show that the difference "
                "between the two cases is small.",
            ],
        ),
    )
    results = next(f for f in findings if f.sentence.startswith("Results from"))
    assert results.stance == "use" and "stance.paper_context" in results.pattern_ids


def test_the_same_sentence_without_own_use_in_the_paper_is_not_use():
    findings = findings_of(
        ("Results", "In the synthetic data, the mean trend coefficient is -1.17 (0.21).")
    )
    assert [f.stance for f in findings] == ["background"]


def review(*sentences: str) -> Document:
    return build_document(
        ("Introduction", NEUTRAL_INTRODUCTION),
        ("Results", list(sentences)),
        title="A scoping review of synthetic patient records in paediatric research",
    )


def test_in_a_review_passive_descriptions_of_others_work_are_cited():
    # seen in: hw (a survey's table of methods), synctrials (a scoping review)
    findings = detect.find(
        review(
            "Synthetic records were generated with Synthea in nine of the included studies [4-12]."
        )
    )
    assert [f.stance for f in findings] == ["cited"]


def test_in_a_review_the_reviews_own_passive_use_still_counts():
    findings = detect.find(
        review(
            "For this review, synthetic patient records were generated with Synthea to test "
            "the search strategy."
        )
    )
    assert [f.stance for f in findings] == ["use"]


def test_review_mode_is_said_in_the_verdict():
    document = review("Synthetic records were generated with Synthea in nine studies [4-12].")
    _, verdict = detect.analyse(document)
    assert verdict.uses_synthetic is False
    assert any("literature review" in r and "scoping review" in r for r in verdict.reasons)


def test_no_review_note_for_an_empirical_paper():
    document = build_document(
        ("Introduction", NEUTRAL_INTRODUCTION),
        ("Methods", "We trained the classifier on 20,000 reviews written by GPT-4."),
        title="Spotting fake product reviews",
    )
    _, verdict = detect.analyse(document)
    assert verdict.uses_synthetic is True
    assert not any("literature review" in r for r in verdict.reasons)


def test_in_a_synthetic_control_study_a_generic_cue_is_no_finding():
    # seen in: dynsc, francisscm (synthetic control method papers)
    method = (
        "We apply the synthetic control method. The synthetic control is a weighted "
        "combination of donor states. Synthetic control estimates are shown below."
    )
    findings = findings_of(
        ("Methods", method),
        ("Results", "This explains the gap between California and its synthetic version."),
    )
    assert findings == []


def test_outside_a_synthetic_control_study_the_same_cue_is_a_finding():
    findings = findings_of(
        ("Results", "This explains the gap between the census and its synthetic version.")
    )
    assert [f.category for f in findings] == ["synthetic_other"]
