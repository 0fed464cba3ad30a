"""Detection: Document -> findings -> verdict. No I/O, no DuckDB, no terminal."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pipeline.detect.confidence import shipped_calibration
from pipeline.detect.context import refine
from pipeline.detect.language import detect_language
from pipeline.detect.model import CATEGORIES, CONCERNS, ROLES, STANCES, Finding, Verdict
from pipeline.detect.patterns import load_patterns
from pipeline.detect.verdict import SUPPORTED_LANGUAGES, judge, judge_context
from pipeline.document import Document

if TYPE_CHECKING:
    from pipeline.detect.finder import Finder

__all__ = [
    "CATEGORIES",
    "CONCERNS",
    "ROLES",
    "STANCES",
    "Finding",
    "Verdict",
    "analyse",
    "find",
    "judge",
    "patterns_version",
]


# Strings in spaCy's vocabulary after which the matchers are built anew (~60-150 new ones a
# paper; a rebuild takes well under a second).
VOCABULARY_LIMIT = 200_000


@cache
def _finder() -> Finder:
    # spaCy is imported here, on first use: the driver of a scan and the query commands
    # import this package (for the models and the patterns' version) without needing it
    from pipeline.detect.finder import Finder

    return Finder()


def find(document: Document) -> list[Finding]:
    """Every finding of ``document`` outside its reference list, in text order."""
    finder = _finder()
    findings, _ = refine(document, finder.find(document))
    findings = shipped_calibration().apply(findings)
    if finder.vocabulary_size() > VOCABULARY_LIMIT:
        # spaCy keeps every word it has tokenised in its vocabulary; a process that has read
        # many papers starts afresh, so that its memory does not grow with the corpus
        from pipeline.detect.nlp import get_matcher

        _finder.cache_clear()
        get_matcher.cache_clear()
    return findings


def analyse(document: Document) -> tuple[list[Finding], Verdict]:
    """Findings and verdict of one Document; papers in unsupported languages get no findings."""
    language = detect_language(document.text)
    if language not in SUPPORTED_LANGUAGES:
        return [], judge(document, [], language=language)
    findings = find(document)
    return findings, judge(document, findings, language=language)


def warm_up() -> None:
    """Build the matchers and context regexes now (a worker does this before its memory cap)."""
    _finder()
    judge_context()


def patterns_version() -> str:
    """A short hash of the shipped pattern files; stored with every scanned paper."""
    return load_patterns().version
