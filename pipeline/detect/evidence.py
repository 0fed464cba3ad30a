"""Which sentence a verdict quotes: the paper's own strongest `use` sentence.

A journalist quotes the first sentence shown, so it must be the paper's own statement of use
from where papers state what they did (results, methods, abstract) before one from the
discussion or the introduction; within a section the most confident comes first.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.detect.model import Finding

# Where a paper's own use is best quoted from, best first (the SQL of the canned queries
# orders by the same list: keep them together)
EVIDENCE_SECTIONS = (
    "results",
    "methods",
    "abstract",
    "appendix",
    "discussion",
    "conclusion",
    "limitations",
    "other",
    "introduction",
    "related_work",
)
_RANK = {s: i for i, s in enumerate(EVIDENCE_SECTIONS)}


def evidence_order(finding: Finding) -> tuple[int, float, int]:
    """Sort key: section first, then confidence (higher first), then text order."""
    return (_RANK.get(finding.section, len(_RANK)), -finding.confidence, finding.ordinal)


def headline_uses(findings: Iterable[Finding], min_confidence: float) -> list[Finding]:
    """The paper's `use` findings that count for its verdict, best evidence first."""
    uses = [f for f in findings if f.stance == "use" and f.confidence >= min_confidence]
    return sorted(uses, key=evidence_order)
