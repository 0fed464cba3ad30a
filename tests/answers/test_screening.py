"""The editor's checklist: lights, answers and evidence from real papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import sources
from pipeline.answers.report import render_screening
from pipeline.answers.screening import (
    LIGHT_RULES,
    LIGHTS,
    MAX_FULL_QUOTES,
    QUOTE_CHARS,
    Check,
    Evidence,
    _mark_repeats,
    answer_text,
    build_screening,
    check_sentence,
    place_sentence,
)
from pipeline.answers.screening_text import render_text
from pipeline.detect.evidence import headline_uses
from pipeline.scan.work import screen_file

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


# The one `use` sentence is a passive statement in the introduction: a kind of finding that
# was right too rarely on labelled sentences to count (confidence below 0.6).
BELOW_THRESHOLD = """Screening pneumothorax on chest radiographs

Abstract

We trained a classifier on 6,400 chest radiographs from two hospitals.

Introduction

Synthetic patient records were produced with Synthea for 60,000 adults.
The classifier reached an AUROC of 0.87 on the external test set.
"""


@pytest.fixture(scope="module")
def below_threshold(tmp_path_factory):
    """A paper whose one `use` sentence is below the confidence threshold: verdict no use."""
    path = tmp_path_factory.mktemp("below") / "below.txt"
    path.write_text(BELOW_THRESHOLD, encoding="utf-8")
    result = screen_file(path)
    assert result.verdict and result.verdict.uses_synthetic is False
    assert [f.stance for f in result.findings] == ["use"]
    return result


def test_text_explains_a_use_sentence_below_the_threshold(below_threshold):
    text = render_text(below_threshold)
    flat = " ".join(text.split())
    assert (
        "note: 1 sentence reads as use but with confidence below 0.6, the threshold for a "
        "verdict: listed under use, not counted." in flat
    )
    assert "use (1): 1 below 0.6, not counted" in text
    assert "(below threshold, not counted)" in text


def test_checklist_and_pages_explain_a_use_sentence_below_the_threshold(below_threshold):
    screening = build_screening(below_threshold)
    assert screening.n_below_threshold == 1
    assert screening.below_threshold_note.startswith("1 sentence reads as use but")
    for fmt in ("html", "markdown"):
        assert "the threshold for a verdict" in render_screening(below_threshold, fmt)


@pytest.mark.parametrize("width", [40, 60, 100])
def test_text_wraps_every_reason_and_sentence_between_words(demo, width):
    result = screen_file(demo / "jats" / "silicon-sample-survey.xml")
    text = render_text(result, width=width)
    for line in text.splitlines():
        # longer only for one word that no line could hold: "file:   /a/long/path.xml"
        assert len(line) <= width or len(line.split()) <= 2, line
    # no word is cut: every word of every reason and sentence is on one line
    words = set(text.split())
    for phrase in [*result.verdict.reasons, *(f.sentence for f in result.findings)]:
        assert set(phrase.split()) <= words, phrase


def test_text_shows_pattern_ids_only_when_asked(demo):
    result = screen_file(demo / "pdf" / "sepsis-synthea.pdf")
    ids = result.findings[0].pattern_ids
    assert ids and " ".join(ids) not in render_text(result)
    assert "patterns: " + " ".join(ids) in render_text(result, width=200, explain=True)


def test_the_checklist_quotes_a_bounded_number_of_sentences_in_full():
    crowded = Path(__file__).with_name("checklist-spills-onto-page-2.txt")
    screening = build_screening(screen_file(crowded))
    evidence = [e for c in screening.checks for e in c.evidence]
    full = [e for e in evidence if not (e.repeat or e.brief)]
    assert 3 <= len(full) <= MAX_FULL_QUOTES
    assert all(len(e.quote) <= QUOTE_CHARS + 2 for e in full)
    cut = [e for e in full if e.cut]
    assert cut and all(e.quote.endswith(" …") for e in cut)
    assert all(e.quote[:-2] == e.sentence[: len(e.quote) - 2] for e in cut)


def test_past_the_budget_a_new_sentence_is_an_excerpt_and_a_repeat_points_above():
    sentences = [f"We generated synthetic data set number {i} with GPT-4." for i in range(8)]
    rows = [
        Check("categories", "kind", "llm_text", "green", "", tuple(Evidence(t, "methods", 2)
                                                                   for t in sentences[:4])),
        Check("roles", "role", "training", "amber", "", tuple(Evidence(t, "methods", 2)
                                                              for t in sentences[2:])),
    ]  # fmt: skip
    marked = [e for c in _mark_repeats(rows) for e in c.evidence]
    assert [(e.repeat, e.brief) for e in marked] == [
        (False, False), (False, False), (False, False), (False, False),  # 4 new, quoted
        (True, False), (True, False),  # sentences 2 and 3 again: "quoted above"
        (False, False),  # the 5th new sentence: the last in full
        (False, True), (False, True), (False, True),  # past the budget: excerpts
    ]  # fmt: skip


def test_a_long_list_answer_says_how_many_more():
    assert answer_text([f"G{i}" for i in range(12)]) == "G0, G1, G2, G3, G4, G5, G6, and 5 more"
    assert answer_text(["GPT-4", "Synthea"]) == "GPT-4, Synthea"


def test_each_light_quotes_the_papers_strongest_use_sentence(demo):
    # results, methods and the abstract before the discussion and introduction (the verdict's
    # own order, pipeline.detect.evidence), then confidence
    result = screen_file(demo / "jats" / "silicon-sample-survey.xml")
    screening = build_screening(result)
    uses = headline_uses(result.findings, 0.6)
    first = next(c for c in screening.checks if c.key == "uses_synthetic").evidence[0]
    assert first.sentence == uses[0].sentence
    for check in screening.checks:
        for e in check.evidence:
            if e.label and check.key in ("categories", "roles", "generators"):
                showing = [u for u in uses if e.label in (u.category, *u.roles, *u.generators)]
                assert e.sentence == showing[0].sentence, (check.key, e.label)
