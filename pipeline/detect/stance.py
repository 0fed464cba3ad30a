"""Stance of a finding: use / cited / background / negated / future (TAXONOMY.md).

Rules read the labelled pattern hits of one sentence (``Match`` objects grouped by label) and
the section it sits in. They are ordered: the first that fires decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.detect.nlp import Match

NEGATION_WINDOW = 4  # tokens from a negation to the cue it scopes over
CLAUSE_BREAKS = frozenset(
    {",", ";", ":", "but", "whereas", "while", "although", "however", "though", "which", "that"}
)
USE_SECTIONS = frozenset({"methods", "results", "abstract", "appendix"})
CITING_SECTIONS = frozenset({"introduction", "related_work"})
MODALS = frozenset({"could", "might", "would", "may", "should", "will", "can", "shall"})
PAST_IRREGULAR = frozenset(
    {
        "built",
        "drawn",
        "drew",
        "ran",
        "made",
        "wrote",
        "written",
        "took",
        "taken",
        "chose",
        "chosen",
        "found",
        "put",
        "set",
        "began",
        "begun",
        "carried",
        "fed",
        "run",
    }
)
CITATION = re.compile(
    r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]"  # [12], [3, 4], [5-7]
    r"|\[[A-Za-z][\w:\-]*(?:,\s*[\w:\-]+)*\]"  # [smith2020] from LaTeX \cite
    r"|\(\s*[A-Z][\w'’\-]+(?:\s+(?:et\s+al\.?|and|&)\s*[A-Z]?[\w'’\-]*)*,?\s+\d{4}[a-z]?"
    r"|\b[A-Z][\w'’\-]+\s+et\s+al\.?\s*(?:\(\s*\d{4}|\[\d+\])"
)


@dataclass(frozen=True)
class StanceResult:
    stance: str
    rule: str  # which rule decided; stored in pattern_ids as "stance.<rule>"
    strength: float  # how sure the rule is, in [0, 1]


def _clause_clear(doc: Doc, i: int, j: int) -> bool:
    return not any(t.lower_ in CLAUSE_BREAKS for t in doc[min(i, j) + 1 : max(i, j)])


def _negated(doc: Doc, by_label: dict[str, list[Match]], cues: list[Match]) -> bool:
    for neg in by_label.get("negation", []):
        for cue in cues:
            # "no synthetic data", "we did not use synthetic data"
            if 0 <= cue.start - neg.end <= NEGATION_WINDOW - 1 and _clause_clear(
                doc, neg.end - 1, cue.start
            ):
                return True
            # "synthetic data were not used"
            if 0 <= neg.start - cue.end <= 2 and neg.end < len(doc):
                nxt = doc[neg.end].lower_
                if nxt.endswith("ed") or nxt in PAST_IRREGULAR or nxt == "used":
                    return True
    return False


def _is_past(word: str) -> bool:
    return word.endswith("ed") or word in PAST_IRREGULAR


def _first_person_action(doc: Doc, by_label: dict[str, list[Match]]) -> tuple[bool, bool]:
    """(first person acts on something, and does so without a modal in front)."""
    actors = by_label.get("actor", [])
    actions = by_label.get("action", [])
    if not actors or not actions:
        return False, False
    first_actor = min(a.start for a in actors)
    acting = [a for a in actions if a.start > first_actor]
    if not acting:
        return False, False
    factual = any(
        not any(t.lower_ in MODALS for t in doc[max(first_actor, a.start - 3) : a.start])
        for a in acting
    )
    return True, factual


def decide_stance(
    doc: Doc, sentence: str, section: str, by_label: dict[str, list[Match]], cues: list[Match]
) -> StanceResult:
    """Apply the stance rules to one sentence (see module docstring)."""
    if _negated(doc, by_label, cues):
        return StanceResult("negated", "negated", 0.85)
    if by_label.get("future"):
        return StanceResult("future", "future_phrase", 0.85)
    acts, factual = _first_person_action(doc, by_label)
    if acts and not factual:
        return StanceResult("future", "we_modal", 0.7)
    cited = bool(CITATION.search(sentence)) or bool(by_label.get("third_party"))
    if acts and factual:
        return StanceResult("use", "we_action", 0.9 if section in USE_SECTIONS else 0.8)
    if by_label.get("hedge") and not by_label.get("passive_action"):
        return StanceResult("background", "hedged", 0.7)
    if cited:
        return StanceResult("cited", "citation", 0.8)
    if by_label.get("passive_action") and section not in CITING_SECTIONS:
        return StanceResult("use", "passive_action", 0.75 if section in USE_SECTIONS else 0.6)
    if by_label.get("background"):
        return StanceResult("background", "generic", 0.7)
    if section in USE_SECTIONS and by_label.get("action"):
        return StanceResult("use", "section_action", 0.55)
    return StanceResult("background", "default", 0.5)
