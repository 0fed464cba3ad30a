"""The word lexicons: one tokenisation shared by every lexicon, phrases looked up word by word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.detect.lexicon import BARE_WORD, WORD, Lexicon, Tokens

TEXTS = [
    "We generated SYNTHETIC patients with Synthea.",
    # "İ" is two characters in lower case, the Kelvin sign lower-cases to an ASCII "k": both
    # move or make words if the lower-cased text were split in place of the text
    "İstanbul cohort: 300 K patients, 4 \u212a samples, then synthetic data from GPT-4.",
    "\u212aelvin-scale simulations and İİ synthetic\u212a records",
    "Straße, ﬁne-tuned Σίσυφος model’s outputs; the LLM’s labels (n = 12)",
    "",
    "   ",
]


def _reference(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Words and spans the plain way: find the words in the text, lower-case each."""
    found = list(WORD.finditer(text))
    return [m.group(0).lower() for m in found], [m.span() for m in found]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_give_the_words_and_places_of_the_text(text):
    tokens = Tokens(text)
    words, spans = _reference(text)
    assert tokens.lowered == words
    assert [tokens.span(i, 1) for i in range(len(words))] == spans
    assert [tokens.written(i, 1)[0] for i in range(len(words))] == [text[a:b] for a, b in spans]


def test_lexicon_matches_lower_case_phrases_in_any_case_and_capitals_only_as_written():
    lexicon = Lexicon(["synthetic patients", "synthetic data", "GPT-4", "Synthea"])
    text = TEXTS[1] + " Synthetic Patients, gpt-4 and synthea and Synthea."
    found = [text[a:b] for a, b in lexicon.finditer(text)]
    assert found == ["synthetic data", "GPT-4", "Synthetic Patients", "Synthea"]


def test_lexicon_spans_stay_right_after_characters_that_change_length():
    lexicon = Lexicon(["synthetic records", "simulations"])
    text = TEXTS[2] + " İ synthetic records"
    spans = list(lexicon.finditer(text))
    # words are ASCII: the Kelvin sign after "synthetic" is a gap between two words
    assert [text[a:b] for a, b in spans] == [
        "simulations",
        "synthetic\u212a records",
        "synthetic records",
    ]
    assert spans[-1][1] == len(text)
    # the reference tokenisation puts the phrase in the same place
    assert [m.start() for m in re.finditer("synthetic records", text)] == [spans[-1][0]]


def test_fold_case_lexicon_matches_capitals_in_any_case():
    lexicon = Lexicon(["GPT-4"], fold_case=True)
    assert [span for span in lexicon.finditer("gpt-4 and GPT-4")] == [(0, 5), (10, 15)]


# --- words with clitics apart (the candidate pre-filter) ---------------------------------------

CLITIC_TEXTS = [
    *TEXTS,
    "GPT-4o's answers, the reward model’s scores, DeepSeek-V3’s chain, models' outputs",
    "x's2 and y’s3: a WORD stops at the digit, a bare word does not",
    "İt's the model’s \u212aelvin's",  # lower case moves letters: cut again
    "don't won’t 'quoted' ’tis",
]


@pytest.mark.parametrize("text", CLITIC_TEXTS)
def test_bare_words_made_from_the_words_equal_bare_words_found_afresh(text):
    made = Tokens(text).in_words(BARE_WORD)
    fresh = Tokens(text, BARE_WORD)
    assert made.lowered == fresh.lowered == [w.lower() for w in BARE_WORD.findall(text)]
    n = len(fresh.lowered)
    assert [made.span(i, 1) for i in range(n)] == [m.span() for m in BARE_WORD.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from(list("aZ09 '’-.İ\u212aé")), max_size=40))
def test_bare_words_made_from_the_words_equal_bare_words_on_any_text(text):
    made, fresh = Tokens(text).in_words(BARE_WORD), Tokens(text, BARE_WORD)
    assert made.lowered == fresh.lowered
    assert [made.span(i, 1) for i in range(len(made.lowered))] == [
        fresh.span(i, 1) for i in range(len(fresh.lowered))
    ]


def test_a_bare_word_lexicon_finds_a_phrase_before_a_clitic():
    # spaCy cuts "GPT-4o's" into "GPT-4o" and "'s", so its phrase matcher finds "GPT-4o" there;
    # the pre-filter must too, or the sentence never reaches spaCy
    text = "We elicit Gpt-4o's responses and the reward model’s scores."
    bare = Lexicon(["GPT-4o", "reward model"], fold_case=True, word=BARE_WORD)
    assert [text[a:b] for a, b in bare.finditer(text)] == ["Gpt-4o", "reward model"]
    plain = Lexicon(["GPT-4o", "reward model"], fold_case=True)
    assert list(plain.finditer(text)) == []  # what the pre-filter did before
