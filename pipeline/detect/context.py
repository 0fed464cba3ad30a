"""The paper around a sentence: what kind of data it makes, whether it is a literature review.

A sentence alone often does not say what kind of synthetic data it means ("the synthetic data
sets were compared with the observed ones"): the paper around it does. The finder labels each
sentence on its own words first; ``refine`` then reads the paper's findings as a whole and
settles what one sentence cannot.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from pipeline.detect.confidence import stance_rule
from pipeline.detect.literals import LiteralFinder
from pipeline.detect.model import Finding
from pipeline.document import Document

GENERIC = "synthetic_other"
# A paper's kind is the specific category that holds at least this share of its specific
# findings (own use counts double): a paper about a record synthesizer that also mentions a
# GAN once is still about records.
KIND_SHARE = 0.6
OWN_USE_WEIGHT = 2.0
CONTEXT_ID = "category.paper_context"

# Article types (JATS ``article-type``, TEI) that are reviews of literature, and phrases of a
# title or abstract that say the paper reviews literature. A bare word ("reviews", "survey",
# "overview", "perspective") never does: product reviews, survey data and an overview section
# are empirical.
REVIEW_ARTICLE_TYPES = frozenset(
    {
        "review-article",
        "systematic-review",
        "literature-review",
        "meta-analysis",
        "review",
        "article-commentary",
        "editorial",
    }
)
REVIEW_PHRASE = re.compile(
    r"\b(?:a|this|our|the present)\s+(?:systematic|scoping|narrative|literature|critical|"
    r"comprehensive|rapid|umbrella|integrative|brief|short|mini[- ]?)?\s*"
    r"(?:(?:literature\s+)?review|survey)\s+(?:of|on)\s+(?:the\s+)?"
    r"(?:literature|studies|research|methods|approaches|techniques|work|recent|existing|"
    r"current|state|published|\w+\s+(?:methods|approaches|techniques|literature|research))"
    r"|\b(?:systematic|scoping|narrative|umbrella|integrative)\s+(?:literature\s+)?review\b"
    r"|\bmeta-analys[ie]s\b(?!\s+of\s+(?:the\s+)?(?:simulated|synthetic))"
    r"|\bwe\s+(?:systematically\s+)?(?:review|survey|summari[sz]e)\s+(?:the\s+)?"
    r"(?:literature|existing|recent|current|published|state|research|studies|methods|"
    r"approaches|techniques|work)"
    r"|\b(?:in\s+this|this)\s+(?:paper|article|work),?\s+(?:we\s+)?(?:review|survey)"
    # opinion pieces argue for or against uses; they report none of their own
    r"|\bin\s+this\s+(?:viewpoint|commentary|perspective|editorial|opinion\s+piece|essay|"
    r"position\s+paper)\b",
    re.IGNORECASE,
)


# Stance rules that name the authors as the actor, and those strong enough to show that a
# paper uses synthetic data itself (then its unattributed sentences may be about that data).
AUTHOR_RULES = frozenset({"we_action", "we_report", "our_data"})
# in a review, "we studied the techniques proposed ..." reports on others' work
REVIEW_AUTHOR_RULES = frozenset({"we_action", "our_data"})
STRONG_USE_RULES = frozenset({"we_action", "passive_action", "our_data", "we_report"})
PROPAGATE_RULES = frozenset({"default", "hedged"})
CITING_SECTIONS = frozenset({"introduction", "related_work"})
OWN_DATA_CONFIDENCE = 0.6
CONTEXT_CONFIDENCE = 0.5
REVIEW_CONFIDENCE = 0.6
GENERIC_RULES = frozenset({"generic", "hedged"})
FRAMING_SECTIONS = frozenset({"abstract", "introduction", "discussion", "conclusion", "other"})
CITES_OR_PROPOSES = re.compile(
    r"\[\s*\d|\bet al\b|\(\s*[A-Z][\w'’-]+[^()]*\d{4}|\b(?:proposed|developed|introduced|presented|"
    r"suggested|described)\b",
)
SYNTHETIC_CONTROL = re.compile(r"\bsynthetic[ -]control", re.IGNORECASE)
CONTROL_STUDY_MENTIONS = 3
_CONTROL_FINDER = LiteralFinder(SYNTHETIC_CONTROL)  # not tried at every character of the paper
# A sentence of a review that names the review itself: "for this review, synthetic records
# were generated to test the search strategy" is the review's own use, in the passive.
OWN_WORK = re.compile(
    r"\b(?:our|in this|for this|this|the present|the current)\s+"
    r"(?:review|study|work|paper|article|analysis|survey)\b",
    re.IGNORECASE,
)
# "the synthetic data", "these simulated trials", "each of the m synthetic data sets", a figure
# or table caption, a number of synthetic things: particular data, not synthetic data at large
POINTS_AT_DATA = re.compile(
    r"\b(?:the|these|this|those|each|both|all|our|its|their)\s+(?:[\w-]+\s+){0,2}"
    r"(?:synthe[st]i[sz]?\w*|simulat\w+|generated|artificial|silicon)\b"
    r"|^\s*(?:fig(?:ure)?\.?|table)\s*[A-Z]?\d"
    r"|\b\d[\d,.]*\s+(?:[\w-]+\s+)?(?:synthe\w+|simulat\w+|generated)\b",
    re.IGNORECASE,
)

# A title that opens with "A review of", "A comprehensive survey on", "An overview of", or
# ends with ": a systematic review". A survey *of people* ("A survey of 1,200 nurses") is
# empirical work.
# Kinds of survey that ask people (empirical work, not a review of literature)
EMPIRICAL_SURVEY = (
    r"(?:cross-sectional|national|nationwide|online|web-based|internet|questionnaire|"
    r"population-based|multicent(?:re|er)|multi-centre|multi-center|pilot|mixed-methods|"
    r"international|household|telephone|postal|panel|longitudinal|follow-up|prospective|"
    r"baseline|field|serological|seroprevalence|health|cohort|community|school-based|"
    r"hospital-based|facility-based|descriptive|exploratory|qualitative|quantitative|"
    r"repeated|delphi|e-?mail|mail)\b"
)
TITLE_REVIEW = re.compile(
    r"^\s*(?:an?\s+)?(?:[\w-]+\s+){0,2}(?:review|survey|overview)\s+(?:of|on)\s+"
    r"(?!(?:the\s+)?\d|(?:the\s+)?(?:[\w-]+\s+)?(?:nurses|physicians|doctors|students|patients|"
    r"respondents|adults|households|users|clinicians|residents|teachers|people|workers|parents|"
    r"members|participants|farmers|practitioners|consumers|employees|citizens|voters|children|"
    r"women|men|pharmacists|dentists|surgeons|veterinarians|researchers)\b)"
    r"|[:.?]\s*(?:an?\s+)?(?:[\w-]+\s+){0,2}review(?:\s+of\s+(?:the\s+)?"
    r"(?:literature|evidence|research))?\s*$"
    # ": a survey" is a review in computing; ": a cross-sectional survey" asks people
    rf"|[:.?]\s*(?:an?\s+)?(?!(?:[\w-]+\s+){{0,2}}?{EMPIRICAL_SURVEY})(?:[\w-]+\s+){{0,2}}"
    r"survey(?:\s+of\s+(?:the\s+)?(?:literature|evidence|research))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PaperContext:
    """What the whole paper says about itself."""

    review: bool = False
    review_reason: str | None = None
    kind: str | None = None  # the specific category most of its findings name


def review_reason(document: Document) -> str | None:
    """Why the paper is a literature review (article type or a phrase that says so), or None."""
    article_type = (document.metadata.article_type or "").lower()
    if article_type in REVIEW_ARTICLE_TYPES:
        return f"article type '{article_type}'"
    title = document.metadata.title or ""
    for where, text, rx in (
        ("title", title, TITLE_REVIEW),
        ("title", title, REVIEW_PHRASE),
        ("abstract", _abstract(document), REVIEW_PHRASE),
    ):
        m = rx.search(text)
        if m:
            return f"the {where} says '{m.group(0).strip(' :.?')}'"
    return None


def _abstract(document: Document) -> str:
    parts = [document.text[s.start : s.end] for s in document.sections if s.kind == "abstract"]
    return " ".join(parts) if parts else document.text[:1500]


def paper_kind(findings: list[Finding]) -> str | None:
    """The specific category that most of a paper's findings name, when one clearly leads."""
    weights: Counter[str] = Counter()
    for f in findings:
        if f.category != GENERIC and f.stance in ("use", "background"):
            weights[f.category] += OWN_USE_WEIGHT if f.stance == "use" else 1.0
    if not weights:
        return None
    kind, top = weights.most_common(1)[0]
    return kind if top >= KIND_SHARE * sum(weights.values()) else None


def read_context(document: Document, findings: list[Finding]) -> PaperContext:
    reason = review_reason(document)
    return PaperContext(review=reason is not None, review_reason=reason, kind=paper_kind(findings))


def _with(finding: Finding, pattern_id: str, **changes: object) -> Finding:
    ids = set(finding.pattern_ids)
    if "stance" in changes:
        ids = {p for p in ids if not p.startswith("stance.")}
    return replace(finding, pattern_ids=tuple(sorted({*ids, pattern_id})), **changes)


def own_use(findings: list[Finding]) -> bool:
    """The authors state their own use somewhere outside the introduction and related work."""
    return any(
        f.stance == "use"
        and stance_rule(f) in STRONG_USE_RULES
        and f.section not in CITING_SECTIONS
        for f in findings
    )


def refine(document: Document, findings: list[Finding]) -> tuple[list[Finding], PaperContext]:
    """Settle from the paper what a sentence alone leaves open.

    - the kind of a generic finding ("the synthetic data") is the paper's kind;
    - in a literature review a sentence without the authors as its actor, and that does not
      name the review itself, describes others' work (cited when it cites or proposes, or
      sits in the review's body; background in its framing sections);
    - in a paper whose authors state their own use, a sentence without actor or citation that
      points at particular data ("the synthetic data sets", "Figure 2: ... synthetic") is
      about the paper's own data.
    """
    context = read_context(document, findings)
    mine = own_use(findings)
    # in a synthetic-control study "California and its synthetic version" is the method's
    # weighted donor pool, not data: a generic cue there names no synthetic data
    control_study = len(_CONTROL_FINDER.starts(document.text)) >= CONTROL_STUDY_MENTIONS
    out = []
    for f in findings:
        if control_study and f.category == GENERIC:
            continue
        if f.category == GENERIC and context.kind is not None:
            f = _with(f, CONTEXT_ID, category=context.kind)
        rule = stance_rule(f)
        if (
            context.review
            and f.stance in ("use", "background")
            and rule not in REVIEW_AUTHOR_RULES | GENERIC_RULES
            and not (rule not in AUTHOR_RULES and OWN_WORK.search(f.sentence))
        ):
            # a review's body describes the studies it reviews; its framing sections speak
            # of the field at large
            cites = CITES_OR_PROPOSES.search(f.sentence) or f.section not in FRAMING_SECTIONS
            f = _with(
                f,
                "stance.review_others",
                stance="cited" if cites else "background",
                confidence=REVIEW_CONFIDENCE,
            )
        elif (
            not context.review
            and mine
            and f.stance == "background"
            and rule in PROPAGATE_RULES
            and f.section not in CITING_SECTIONS
        ):
            # pointing at particular data ("the synthetic data sets") is the stronger sign;
            # below MIN_USE_CONFIDENCE the other kind is evidence, never a verdict on its own
            if POINTS_AT_DATA.search(f.sentence):
                f = _with(f, "stance.paper_own_data", stance="use", confidence=OWN_DATA_CONFIDENCE)
            else:
                f = _with(f, "stance.paper_context", stance="use", confidence=CONTEXT_CONFIDENCE)
        out.append(f)
    return out, context
