"""Cheap language identification from stop-word profiles (no model download)."""

from __future__ import annotations

import re
from collections import Counter

SAMPLE_CHARS = 30_000
MIN_WORDS = 30
# A shorter text (an abstract, a sentence an editor pastes) is told by its stop words when
# they are dense and clearly of one language: at least SHORT_MIN_HITS of them, SHORT_SHARE of
# its words, and more than any other language's. Shorter than SHORT_MIN_WORDS: undetermined.
SHORT_MIN_WORDS = 8
SHORT_MIN_HITS = 3
SHORT_SHARE = 0.15

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is that for with as was were are by this from on be an which we "
        "or it at these their has have not but been".split()
    ),
    "pt": frozenset(
        "de da do das dos em para com uma um os as que não por se mais na no foi são "
        "entre pelo pela ao à também sobre como".split()
    ),
    "es": frozenset(
        "de la el los las del en y que para con una un por se más fue son entre sobre "
        "como al su sus también este esta".split()
    ),
    "fr": frozenset(
        "de la le les des du et en un une pour que dans est sur avec par au aux sont ces "
        "cette nous pas plus été".split()
    ),
    "de": frozenset(
        "der die das und in zu den von mit ist im für auf nicht ein eine dem des sich "
        "werden wurde auch als bei".split()
    ),
    "it": frozenset(
        "di il la che e in per con una un del della dei delle sono è stato gli nel nella "
        "alla anche come più".split()
    ),
    "nl": frozenset(
        "de het een en van in is dat op te voor met zijn niet door aan er ook werd worden "
        "bij als".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language whose stop words cover most of ``text``; "und" if unsure."""
    words = _WORD.findall(text[:SAMPLE_CHARS])
    if len(words) < SHORT_MIN_WORDS:
        return "und"
    # each word lower-cased on its own, so case rules (final sigma) stay within a word
    counts: Counter[str] = Counter()
    for word, n in Counter(words).items():  # each distinct word lower-cased once
        counts[word.lower()] += n
    scores = {lang: sum(counts[w] for w in sw) for lang, sw in STOPWORDS.items()}
    ranked = sorted(sorted(scores), key=lambda lang: -scores[lang])
    best = ranked[0]
    if len(words) >= MIN_WORDS:
        return best if scores[best] >= 0.05 * len(words) else "und"
    short_ok = (
        scores[best] >= SHORT_MIN_HITS
        and scores[best] >= SHORT_SHARE * len(words)
        and scores[best] > scores[ranked[1]]
    )
    return best if short_ok else "und"


def undetermined_reason(text: str) -> str:
    """Why ``detect_language`` said "und", in words a reader of the verdict understands."""
    words = len(_WORD.findall(text[:SAMPLE_CHARS]))
    if words < SHORT_MIN_WORDS:
        return f"{words} word{'' if words == 1 else 's'}: too little text to tell its language"
    return "its language could not be told from its common words"
