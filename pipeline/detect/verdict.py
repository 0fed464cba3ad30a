"""Findings -> the paper verdict and its concern level, exactly as TAXONOMY.md rules it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.detect.citation import cites_others
from pipeline.detect.context import review_reason
from pipeline.detect.language import detect_language, undetermined_reason
from pipeline.detect.lexicon import Lexicon, Tokens
from pipeline.detect.literals import LiteralFinder
from pipeline.detect.model import CATEGORIES, ROLES, Finding, Verdict
from pipeline.detect.patterns import load_patterns
from pipeline.detect.segment import split_sentences
from pipeline.document import Document

SUPPORTED_LANGUAGES = frozenset({"en"})
# A `use` finding below this confidence is kept as evidence but does not make a paper positive.
MIN_USE_CONFIDENCE = 0.6
# A paper is medical when its title and abstract name clinical things, or its body does densely.
MEDICAL_HEAD_HITS = 3
MEDICAL_BODY_PER_1000_WORDS = 12.0
TRAINING_ROLES = frozenset({"training", "replacement"})
EVAL_ROLES = frozenset({"training", "evaluation"})
# A real-data check is a sentence that names real data and an evaluation act.
CHECK_VERBS = re.compile(
    r"\b(evaluat|validat|test|compar|appl(?:y|ied)|assess|benchmark|achiev|perform|verif|"
    r"confirm|generali[sz]|transfer|held-out|hold-out|external|accuracy|recall|precision|"
    r"auroc|auc|f1|error|reached|improv|rose|than those|agree|kappa)\w*",
    re.IGNORECASE,
)
CHECK_NEGATION = re.compile(
    # "has not been externally validated" (but "not only compared": a check)
    r"\b(not|never)\s+(yet\s+)?(been\s+)?((?!only\b)\w+ly\s+)?"
    r"(validat|evaluat|test|appl|compar|assess|check|confirm|verif|replicat|reproduc)\w*"
    # "deployed without validation on real patients", "without testing on real radiographs"
    r"|\bwithout\s+(?:any\s+|further\s+|external\s+|independent\s+|prior\s+|an?\s+)?"
    r"(?:validat|evaluat|test|compar|assess|check)\w*"
    r"|\bno\s+(real|external|validation|evaluation)\b|\bremains? to be\b|\byet to be\b"
    r"|\bfuture (work|research|studies)\b|\b(could|would|should|might|hopefully)\b"
    # a check still to come: "is planned", "is still needed", "needs to be", "is warranted"
    r"|\b(?:is|are)\s+(?:still\s+|also\s+)?(?:planned|needed|required|warranted|necessary)\b"
    r"|\bneeds?\s+to\s+be\b|\b(?:lacks?|lacking|lack\s+of)\b"
    # hypothetical ("our method can readily be tested on real data") or real data imitated
    r"|\bcan\s+(?:\w+\s+)?be\s+(?:tested|applied|used|validated|evaluated|extended)\b"
    r"|\b(?:simulat|mimic|resembl|imitat|emulat)\w*\s+(?:the\s+|a\s+)?(?:real|actual)\b",
    re.IGNORECASE,
)
# Sections that speak of other people's work: a real-data check there is not the paper's own
OTHERS_SECTIONS = frozenset({"introduction", "related_work", "references", "acknowledgements"})
# Where the paper's own real-data check is best quoted from, best first
CHECK_SECTION_RANK = {
    k: i
    for i, k in enumerate(
        ("results", "methods", "abstract", "discussion", "conclusion", "appendix", "other")
    )
}
OWN_ACTOR = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)
# "real" as in real data, not "real time", "real numbers" or "real-world applications"
REAL_WORD = re.compile(
    r"\b(real|real-world|actual)\b(?! time| numbers?| line|[- ]world\b)"
    r"(?! (applications?|problems?|scenarios?|settings?|use|impact|deployments?|tasks?)\b)",
    re.IGNORECASE,
)

# People who made the labels of real data: "notes annotated by two pharmacists", "graded by
# three board-certified ophthalmologists", "the radiologists' labels", "pharmacist labels"
_EXPERTS = (
    r"(?:pharmacists?|clinicians?|physicians?|radiologists?|pathologists?|ophthalmologists?|"
    r"dermatologists?|cardiologists?|psychiatrists?|psychologists?|nurses?|doctors?|surgeons?|"
    r"experts?|annotators?|coders?|raters?|linguists?|specialists?|humans?|crowdworkers?)"
)
REAL_LABELS = re.compile(
    r"\b(?:annotated|labell?ed|graded|rated|coded|adjudicated|read|scored|reviewed)\s+by\s+"
    r"(?:(?:one|two|three|four|five|six|\d+|several|independent|board-certified|experienced|"
    rf"trained|expert|senior|human|the)\s+){{0,3}}{_EXPERTS}\b"
    rf"|\b{_EXPERTS}(?:'|’s?)?\s+(?:labels|annotations|ratings|grades|gradings|judgments|judgements)\b",
    re.IGNORECASE,
)


# found where their words start, not tried at every character (literals.LiteralFinder)
_REAL_WORDS = LiteralFinder(REAL_WORD)
_REAL_LABELS = LiteralFinder(REAL_LABELS)


@dataclass(frozen=True)
class _Context:
    medical: Lexicon
    real_check: Lexicon


@cache
def judge_context() -> _Context:
    phrases: dict[str, list[str]] = {"medical": [], "real_check": []}
    for p in load_patterns().patterns:
        if p.kind == "context" and p.label in phrases:
            phrases[p.label].extend(p.phrases)
    return _Context(Lexicon(phrases["medical"]), Lexicon(phrases["real_check"]))


def _body_spans(document: Document) -> list[tuple[int, int]]:
    """(start, end) of the text outside the references: the title block and every section."""
    if not document.sections:
        return [(0, len(document.text))]
    spans = [(0, document.sections[0].start)]
    spans += [(s.start, s.end) for s in document.sections if s.kind != "references"]
    return [(a, b) for a, b in spans if b > a]


def _head_text(document: Document) -> str:
    head = [document.metadata.title or ""]
    head += [document.text[s.start : s.end] for s in document.sections if s.kind == "abstract"]
    if len(head) == 1:  # no abstract found: the first 1,500 characters stand in for it
        head.append(document.text[:1500])
    return "\n".join(head)


def is_medical(document: Document) -> bool:
    """Clinical / patient / health-care work, judged from title+abstract and body density."""
    lexicon = judge_context().medical
    # a Tokens of its own: the shared one stays the whole text's, which the body needs
    if lexicon.count(Tokens(_head_text(document))) >= MEDICAL_HEAD_HITS:
        return True
    spans = _body_spans(document)
    hits = sum(len(found) for found in _hits_by_span(lexicon, document.text, spans))
    if not hits:
        return False  # no density to weigh: spare counting the body's words
    n_words = max(1, sum(len(document.text[a:b].split()) for a, b in spans))
    return hits * 1000 / n_words >= MEDICAL_BODY_PER_1000_WORDS


def find_real_data_check(document: Document) -> tuple[str, int] | None:
    """The paper's own strongest sentence that evaluates on real data, with its offset.

    A sentence qualifies when it names real data ("real photographs", "real-world data",
    "human annotators", "a trial of 2,140 patients": the ``real_check`` context patterns), an
    evaluation act (tested, held-out, accuracy, compared, applied ...) and no negation ("has
    not been validated on real data", "remains to be established"); and when it speaks of the
    paper's own work: not in the introduction or related work, without a citation or another
    group's work ("Argyle et al. (2023) assess whether ..."). Of those, the one in the results
    (then methods, abstract, discussion ...) that names the authors ("we", "our") is quoted.
    """
    spans = _body_spans(document)
    phrases = _hits_by_span(judge_context().real_check, document.text, spans)
    best: tuple[tuple[int, int, int], str, int] | None = None
    for (lo, hi), found in zip(spans, phrases, strict=True):
        section = document.section_at(lo)
        kind = section.kind if section else "other"
        if kind in OTHERS_SECTIONS:
            continue
        body = document.text[lo:hi]
        seen: set[int] = set()
        for m in _real_mentions(body, [start - lo for start in found]):
            # the paragraph around the mention, at most 600 characters each way: a heading
            # or the paragraph before is not part of the sentence
            w0 = max(0, m - 600, body.rfind("\n\n", 0, m) + 1)
            w1 = body.find("\n\n", m)
            window = body[w0 : min(m + 600, w1 if w1 >= 0 else len(body))]
            for s, e in split_sentences(window):
                if s <= m - w0 < e:
                    at = lo + w0 + s
                    sentence = window[s:e]
                    if at not in seen and _own_check(sentence):
                        seen.add(at)
                        rank = (
                            CHECK_SECTION_RANK.get(kind, len(CHECK_SECTION_RANK)),
                            0 if OWN_ACTOR.search(sentence) else 1,
                            at,
                        )
                        if best is None or rank < best[0]:
                            best = (rank, sentence, at)
                    break
    return (best[1], best[2]) if best else None


def _own_check(sentence: str) -> bool:
    return bool(
        CHECK_VERBS.search(sentence)
        and not CHECK_NEGATION.search(sentence)
        and not cites_others(sentence)
    )


def _real_mentions(body: str, phrases: list[int]) -> list[int]:
    hits = set(_REAL_WORDS.starts(body))
    hits.update(_REAL_LABELS.starts(body))
    hits.update(phrases)
    return sorted(hits)


def _hits_by_span(lexicon: Lexicon, text: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Start offsets of the lexicon's hits in ``text`` that lie inside each span.

    The whole text is looked up once (its words are shared with the other lexicons).
    """
    hits = list(lexicon.finditer(text))
    out = []
    for lo, hi in spans:
        i = bisect.bisect_left(hits, (lo, lo))
        found = []
        while i < len(hits) and hits[i][0] < hi:
            if hits[i][1] <= hi:
                found.append(hits[i][0])
            i += 1
        out.append(found)
    return out


def _specific(names: dict[str, None]) -> list[str]:
    """Drop a generic family name ("GAN") when a specific one of its category is named."""
    gens = {g.name: g for g in load_patterns().generators}
    named = [gens[n] for n in names if n in gens]
    return [
        n
        for n in names
        if not (
            n in gens
            and gens[n].generic
            and any(o.category == gens[n].category and not o.generic for o in named)
        )
    ]


def _unglossed(names: list[str], text: str) -> list[str]:
    """Drop a product name that the paper glosses by its model once ("ChatGPT (GPT-3.5)"):
    its later bare mentions name the same model."""
    gens = {g.name: g for g in load_patterns().generators}
    lowered = text.lower()
    # "<alias> (" once per alias: most aliases are never glossed, which spares the search
    # of every pair in the whole text
    opens: dict[str, bool] = {}

    def opens_bracket(alias: str) -> bool:
        if alias not in opens:
            opens[alias] = f"{alias} (" in lowered
        return opens[alias]

    out = []
    for n in names:
        glossed = n in gens and any(
            opens_bracket(a) and f"{a} ({b}" in lowered
            for other in names
            if other != n and other in gens
            for a in gens[n].aliases
            for b in gens[other].aliases
        )
        if not glossed:
            out.append(n)
    return out


def judge(document: Document, findings: list[Finding], *, language: str | None = None) -> Verdict:
    """Roll the findings of one paper up into its Verdict, with the reasons for its concern."""
    language = language or detect_language(document.text)
    if language not in SUPPORTED_LANGUAGES:
        reason = f"language not supported: {language}"
        if language == "und":  # ISO 639 for undetermined: say why
            reason += f" ({undetermined_reason(document.text)})"
        return Verdict(language=language, assessed=False, reasons=(reason,))
    # a literature review's sentences about others' work were read as such by the finder
    # (context.refine); the verdict says that it did
    review = review_reason(document)
    review_note = (
        (
            f"read as a literature review or opinion piece ({review}): only sentences in "
            "which the authors state their own use count",
        )
        if review
        else ()
    )
    uses = [f for f in findings if f.stance == "use" and f.confidence >= MIN_USE_CONFIDENCE]
    medical = is_medical(document)
    if not uses:
        return Verdict(
            language=language,
            assessed=True,
            uses_synthetic=False,
            medical=medical,
            participants_replaced=False,
            concern="none",
            reasons=("no sentence in which the authors use synthetic data", *review_note),
        )
    categories = {f.category for f in uses}
    if len(categories) > 1:
        categories.discard("synthetic_other")  # the paper names what kind elsewhere
    roles = {r for f in uses for r in f.roles}
    generators = _unglossed(
        _specific(dict.fromkeys(g for f in uses for g in f.generators)), document.text
    )
    participants_replaced = "simulated_participants" in categories
    check = find_real_data_check(document)
    real_check = "found" if check else "not_found"
    in_abstract = any(f.section == "abstract" for f in uses)
    reasons: list[str] = []
    if medical and roles & TRAINING_ROLES and real_check == "not_found":
        reasons.append(
            "synthetic data trains or replaces data for a medical model, "
            "and no evaluation on real data was found"
        )
    if participants_replaced:
        reasons.append("simulated people stand in for human participants")
    if reasons:
        concern = "high"
    elif roles & EVAL_ROLES and real_check == "not_found":
        concern = "medium"
        reasons.append(
            "synthetic data is used for "
            + " and ".join(sorted(roles & EVAL_ROLES))
            + " and no evaluation on real data was found"
        )
    elif medical:
        concern = "medium"
        reasons.append(
            "medical work that uses synthetic data"
            + (" (checked against real data)" if real_check == "found" else "")
        )
    else:
        concern = "low"
        reasons.append(
            "synthetic data is used ("
            + ", ".join(c for c in CATEGORIES if c in categories)
            + ")"
            + (", checked against real data" if real_check == "found" else "")
        )
    reasons.extend(review_note)
    evidence: dict[str, Any] = {}
    if check:
        sentence, at = check
        reasons.append(f"real-data check: {sentence[:300]}")
        section = document.section_at(at)
        evidence = {
            "real_data_sentence": sentence,
            "real_data_section": section.kind if section else "other",
            "real_data_page": document.page_at(at),
        }
    return Verdict(
        language=language,
        assessed=True,
        uses_synthetic=True,
        categories=tuple(c for c in CATEGORIES if c in categories),
        roles=tuple(r for r in ROLES if r in roles),
        generators=tuple(generators),
        medical=medical,
        participants_replaced=participants_replaced,
        real_data_check=real_check,
        in_abstract=in_abstract,
        concern=concern,
        reasons=tuple(reasons),
        **evidence,
    )
