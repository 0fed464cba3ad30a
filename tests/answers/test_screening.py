"""The editor's checklist: lights, answers and evidence from real papers."""

from __future__ import annotations

import pytest

from pipeline import sources
from pipeline.answers.screening import (
    LIGHT_RULES,
    LIGHTS,
    build_screening,
    check_sentence,
    place_sentence,
)
from pipeline.work import screen_file

QUESTIONS = [key for key, _, _ in LIGHT_RULES]


@pytest.fixture(scope="module")
def sepsis(demo):
    return build_screening(screen_file(demo / "pdf" / "sepsis-synthea.pdf"))


@pytest.fixture(scope="module")
def silicon(demo):
    return build_screening(screen_file(demo / "jats" / "silicon-sample-survey.xml"))


def lights(screening) -> dict[str, str]:
    return {c.key: c.light for c in screening.checks}


def test_every_light_rule_names_a_known_light():
    for _, _, by_light in LIGHT_RULES:
        assert set(by_light) <= set(LIGHTS)


def test_medical_model_trained_on_synthea_without_real_check_is_red(sepsis):
    assert sepsis.concern == "high" and sepsis.concern_light == "red"
    assert [c.key for c in sepsis.checks] == QUESTIONS
    assert lights(sepsis) == {
        "uses_synthetic": "amber",
        "categories": "green",
        "roles": "red",  # replacement and no real-data check
        "generators": "green",
        "real_data_check": "red",
        "medical": "amber",
        "participants_replaced": "green",
        "in_abstract": "green",
    }
    roles = next(c for c in sepsis.checks if c.key == "roles")
    # the held-out synthetic test set makes evaluation a role too (corpora/demo/expected.csv)
    assert {e.label for e in roles.evidence} == {"training", "evaluation", "replacement"}
    replacement = next(e for e in roles.evidence if e.label == "replacement")
    assert "instead of real electronic health records" in replacement.sentence
    assert (replacement.section, replacement.page) == ("methods", 1)


def test_a_sentence_quoted_in_an_earlier_row_is_marked_as_a_repeat(sepsis):
    seen = set()
    for check in sepsis.checks:
        for e in check.evidence:
            assert e.repeat == (e.sentence in seen)
            seen.add(e.sentence)
    repeats = [e for c in sepsis.checks for e in c.evidence if e.repeat]
    assert repeats and all(len(e.excerpt) <= 72 for e in repeats)


def test_simulated_participants_are_red_with_their_sentences(silicon):
    got = lights(silicon)
    assert got["participants_replaced"] == "red" and got["categories"] == "red"
    check = next(c for c in silicon.checks if c.key == "participants_replaced")
    assert check.answer == "yes"
    assert any("GPT-4" in e.sentence for e in check.evidence)


def test_paper_without_synthetic_data_is_green_and_grey(demo):
    screening = build_screening(screen_file(demo / "tei" / "dermoscopy-real-only.tei.xml"))
    got = lights(screening)
    assert got["uses_synthetic"] == "green"
    for key in ("categories", "roles", "generators", "real_data_check", "in_abstract"):
        assert got[key] == "grey", key
    assert next(c for c in screening.checks if c.key == "roles").answer == "n/a"


def test_paper_in_portuguese_has_no_checklist(demo):
    screening = build_screening(screen_file(demo / "jats" / "hipertensao-atencao-primaria-pt.xml"))
    assert not screening.assessed and screening.checks == ()
    assert screening.concern_light == "grey"
    assert any("language not supported" in r for r in screening.reasons)


def test_real_data_check_sentence_is_placed_on_its_page_with_the_document(demo):
    path = demo / "pdf" / "chest-xray-stylegan2.pdf"
    result = screen_file(path)
    sentence = check_sentence(result.verdict_dict()["reasons"])
    # the paper's own results sentence is quoted before the abstract's
    assert sentence and "real images" in sentence
    assert sentence.startswith("On the external test set")
    document = sources.read_bytes(path.read_bytes(), name=path.name)
    placed = place_sentence(sentence, result.findings, document)
    assert placed.page is not None and placed.section
    assert (
        sentence
        in document.text[document.pages[placed.page - 1][0] : document.pages[placed.page - 1][1]]
    )
    check = next(c for c in build_screening(result, document).checks if c.key == "real_data_check")
    assert check.light == "green" and check.evidence[0].page == placed.page


def test_unplaced_sentence_says_so():
    placed = place_sentence("A sentence found nowhere.", [], None)
    assert placed.where == "section not known"
