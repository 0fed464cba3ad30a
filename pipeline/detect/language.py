"""Cheap language identification from stop-word profiles (no model download)."""

from __future__ import annotations

import re
from collections import Counter

SAMPLE_CHARS = 30_000
MIN_WORDS = 30

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
    if len(words) < MIN_WORDS:
        return "und"
    # each word lower-cased on its own, so case rules (final sigma) stay within a word
    counts: Counter[str] = Counter()
    for word, n in Counter(words).items():  # each distinct word lower-cased once
        counts[word.lower()] += n
    scores = {lang: sum(counts[w] for w in sw) for lang, sw in STOPWORDS.items()}
    best = max(sorted(scores), key=lambda lang: scores[lang])
    return best if scores[best] >= 0.05 * len(words) else "und"
