"""Document -> findings: pre-filter passages, split sentences, match patterns, decide stance."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from spacy.tokens import Doc

from pipeline.detect.generator_sense import (
    attitude_objects,
    drop_terms,
    generator_category,
    judged_by_model,
)
from pipeline.detect.model import CATEGORIES, ROLES, Finding
from pipeline.detect.nlp import GENERATOR_PREFIX, Match, SentenceMatcher, get_matcher
from pipeline.detect.patterns import Generator, Pattern
from pipeline.detect.segment import split_sentences
from pipeline.detect.stance import decide_stance
from pipeline.document import Document

# When a sentence matches cues of several categories the most specific one names it.
CATEGORY_PRIORITY = (
    "simulated_participants",
    "model_labels",
    "oversampling",
    "synthetic_records",
    "generated_media",
    "llm_text",
    "simulation",
    "synthetic_other",
)
assert set(CATEGORY_PRIORITY) == set(CATEGORIES)
# Generator kinds and what a generator of that kind makes when the sentence says it produced
# something. An LLM that annotates makes labels; one that answers a survey simulates people.
# Findings in the reference list are never findings (TAXONOMY.md). The acknowledgements are
# not skipped: a PDF heading misread as one would hide the paper's own methods.
SKIP_SECTIONS = frozenset({"references"})
GENERATOR_WEIGHT = 0.85
# Where the paper describes its own work a finding is a little more likely to be right; the
# sections that discuss others' work are already weighed by the stance rules.
SECTION_CONFIDENCE = {"methods": 0.05, "results": 0.05, "abstract": 0.05}


# A "sentence" of at most this many words is a heading or a label, not a statement; one of at
# most HEADING_MAX_WORDS without a final stop is a heading or a table row.
FRAGMENT_MAX_WORDS = 4
HEADING_MAX_WORDS = 12
SHORT_HEADING_WORDS = 6
MIN_TITLE_CHARS = 12  # a title shorter than this ("Paper") may begin any sentence
TITLE_CASE_SHARE = 0.5
CAPTION = re.compile(r"\s*(?:fig(?:ure)?|table|tab)\.?\s*[A-Z]?\d", re.IGNORECASE)
FRAGMENT_WORD = re.compile(r"[^\W\d_][\w'’-]*")
STATEMENT_END = re.compile(r"[.!?:;][\"'”’)\]]*\s*(?:\[[\d,\s–-]+\])?\s*$")
# Where the paper says where it was published, or how to cite it: the title it quotes ("...
# Bayesian Prior Distributions and Synthetic Data," Journal of ...) says nothing of its data
PUBLICATION_NOTE = re.compile(
    r"\b(?:published\s+as\s+(?:(?=(?-i:[A-Z]))|an?\s+(?:article|paper|chapter|preprint)\b)|"
    r"(?:slightly\s+)?(?:amended|revised|extended|abridged)\s+version\s+of|"
    r"reprinted\s+(?:from|with)|originally\s+published|cite\s+this\s+(?:article|paper)|"
    r"how\s+to\s+cite|version\s+of\s+record|accepted\s+manuscript\s+of)\b",
    re.IGNORECASE,
)
KEYWORD_LIST = re.compile(r"\s*(?:index terms|key ?words|subjects?)\s*[:—–-]", re.IGNORECASE)


# A test on real data: "on the real held-out patients", "an external test set of 3,100 real
# radiographs", "on the human-labelled reviews"
REAL_TEST = re.compile(
    r"\b(?:on|against|to)\s+(?:the\s+|an?\s+|\d[\d,]*\s+)?(?:[\w-]+\s+){0,5}?"
    r"(?:real|real-world|human-labell?ed|human-annotated|held-out real|actual|clinical)\b"
    r"(?![- ](?:time|world\s+(?:applications?|settings?|scenarios?)))",
    re.IGNORECASE,
)


class Finder:
    """Finds the synthetic-data sentences of Documents with one SentenceMatcher."""

    def __init__(self, matcher: SentenceMatcher | None = None) -> None:
        self.matcher = matcher or get_matcher()
        self._by_id: dict[str, Pattern] = self.matcher.patterns.by_id()
        self._generators = {g.name: g for g in self.matcher.patterns.generators}

    def vocabulary_size(self) -> int:
        """Strings spaCy has interned so far (it never forgets one)."""
        return len(self.matcher.nlp.vocab.strings)

    def find(self, document: Document) -> list[Finding]:
        findings: list[Finding] = []
        # one pass of the cheap pre-filter over the whole text; passages and sentences then
        # only look up whether a candidate hit starts inside them
        phrases, anchors = self.matcher.candidate_offsets(document.text)
        folded_title = fold_title(document.metadata.title or "")

        def has_hit(hits: list[int], start: int, end: int) -> bool:
            i = bisect.bisect_left(hits, start)
            return i < len(hits) and hits[i] < end

        for passage in document.passages():
            if passage.section in SKIP_SECTIONS or not (
                has_hit(phrases, passage.start, passage.end)
                or has_hit(anchors, passage.start, passage.end)
            ):
                continue
            for start, end in split_sentences(passage.text, passage.start):
                sentence = document.text[start:end]
                if not has_hit(phrases, start, end) and not (
                    has_hit(anchors, start, end) and self.matcher.may_match_anchored(sentence)
                ):
                    continue
                if is_fragment(sentence, folded_title=folded_title) or PUBLICATION_NOTE.search(
                    sentence
                ):
                    continue
                finding = self._sentence(
                    sentence, start, end, passage.section, document.page_at(start), len(findings)
                )
                if finding is not None:
                    findings.append(finding)
        return findings

    def _sentence(
        self, sentence: str, start: int, end: int, section: str, page: int | None, ordinal: int
    ) -> Finding | None:
        matched = self.matcher.match(sentence)
        if matched is None:
            return None  # no cue and no generator: no category, so no finding
        doc, matches = matched
        by_label: dict[str, list[Match]] = defaultdict(list)
        cues: list[tuple[Match, Pattern]] = []
        traps: list[Match] = []
        gens: list[tuple[Match, Generator]] = []
        for m in matches:
            if m.key.startswith(GENERATOR_PREFIX):
                gens.append((m, self._generators[m.key[len(GENERATOR_PREFIX) :]]))
                continue
            p = self._by_id[m.key]
            if p.kind == "cues":
                cues.append((m, p))
            elif p.kind == "traps":
                traps.append(m)
            else:
                by_label[p.label].append(m)
        gens = _longest(doc, gens)
        drop_terms(doc, by_label)
        # a generative model named outside the trap phrase ("a reaction-diffusion model" is
        # a trap whose "diffusion model" names no generator)
        generative_sense = any(
            not any(_overlaps(m, t) for t in traps)
            for m in [*by_label.get("generative_model", []), *(m for m, _ in gens)]
        )
        if traps and not generative_sense:
            cues = [(m, p) for m, p in cues if not any(_overlaps(m, t) for t in traps)]
        categories: dict[str, float] = {}
        cue_matches: list[Match] = []
        ids: set[str] = set()
        default_roles: set[str] = set()
        acts = bool(
            by_label.get("produce") or by_label.get("action") or by_label.get("passive_action")
        )
        cues = [(m, p) for m, p in cues if p.requires != "act" or acts]
        for m, p in cues:
            categories[p.label] = max(categories.get(p.label, 0.0), p.weight)
            cue_matches.append(m)
            ids.add(p.id)
            default_roles.update(p.roles)
        named: set[str] = set()
        topics = attitude_objects(doc, gens)
        for m, g in gens:
            cat = generator_category(g, m, by_label, doc, m.start in topics)
            if cat is not None:
                categories[cat] = max(categories.get(cat, 0.0), GENERATOR_WEIGHT)
                named.add(cat)
                cue_matches.append(m)
                ids.add(f"generator.{_slug(g.name)}")
        if not categories:
            return None
        if named:
            # a named generator ("images rendered in AirSim") outranks generic cues ("generated
            # images"), not specific ones ("GPT-4 as a judge")
            categories = {
                c: w for c, w in categories.items() if c in named or w >= GENERATOR_WEIGHT
            }
        if "synthetic_other" in categories and len(categories) > 1:
            del categories["synthetic_other"]  # a more specific kind is named
        elif "synthetic_other" in categories and by_label.get("distribution"):
            # "a synthetic dataset drawn from a Gaussian": data from a stochastic model
            categories["simulation"] = categories.pop("synthetic_other")
            ids.add("category.distribution")
        category = next(c for c in CATEGORY_PRIORITY if c in categories)
        stance = decide_stance(
            doc,
            sentence,
            section,
            by_label,
            cue_matches,
            model_judged=category == "model_labels" and judged_by_model(doc, by_label),
        )
        ids.add(f"stance.{stance.rule}")
        roles: set[str] = set()
        for role in ROLES:
            if by_label.get(role):
                roles.add(role)
                ids.update(m.key for m in by_label[role])
        roles |= default_roles
        if "evaluation" in roles and REAL_TEST.search(sentence):
            # "the model trained on synthetic records reached 0.71 on the real held-out
            # patients": the test is on real data, a real-data check, not a synthetic test set
            roles.discard("evaluation")
            ids.add("role.evaluation_on_real")
        if category == "simulated_participants":
            roles.add("replacement")
        if category == "simulation" and "method_check" in roles:
            roles.discard("evaluation")  # comparing methods on simulated data checks them
        # the stance rule decides most of the confidence; a strong cue adds the rest
        confidence = stance.strength * (0.6 + 0.4 * max(categories.values()))
        confidence += SECTION_CONFIDENCE.get(section, 0.0)
        return Finding(
            ordinal=ordinal,
            section=section,
            page=page,
            char_start=start,
            char_end=end,
            sentence=sentence,
            stance=stance.stance,
            category=category,
            roles=tuple(r for r in ROLES if r in roles),
            generators=tuple(dict.fromkeys(g.name for _, g in gens)),
            pattern_ids=tuple(sorted(ids)),
            confidence=round(max(0.05, min(0.99, confidence)), 2),
        )


def is_fragment(
    sentence: str, title: str | None = None, *, folded_title: str | None = None
) -> bool:
    """A heading, table cell, panel label, keyword list or the paper's title: no statement.

    "2.1 Fully Synthetic Data", "Policy Model, Reward Model, Algorithm", "(a) Synthetic Data"
    say nothing about what anyone did with the data. ``folded_title``: ``fold_title(title)``,
    given by a caller that asks about many sentences of one paper.
    """
    if folded_title is None:
        folded_title = fold_title(title or "")
    if len(folded_title) >= MIN_TITLE_CHARS and (
        (folded := fold_title(sentence)).startswith(folded_title)
        or (len(folded) >= MIN_TITLE_CHARS and folded in folded_title)
    ):
        # the title, a part of it cut at its "?" or ":", or the title block (title, authors,
        # journal) run together
        return True
    words = FRAGMENT_WORD.findall(sentence)
    if CAPTION.match(sentence):
        return False
    if len(words) <= FRAGMENT_MAX_WORDS or KEYWORD_LIST.match(sentence):
        return True
    if len(words) <= HEADING_MAX_WORDS and not STATEMENT_END.search(sentence):
        # a heading or a table row, not a statement cut at a page break: headings capitalise
        # their words ("2.1 Fully Synthetic Data"), or are short ("Generating synthetic data")
        capitalised = sum(w[0].isupper() for w in words)
        return len(words) <= SHORT_HEADING_WORDS or capitalised >= TITLE_CASE_SHARE * len(words)
    return False


def fold_title(text: str) -> str:
    return "".join(filter(str.isalnum, text.lower()))


def _longest(doc: Doc, gens: list[tuple[Match, Generator]]) -> list[tuple[Match, Generator]]:
    """Drop generator hits inside a longer one ("GPT-4" inside "GPT-4o-mini"), and a product
    name glossed by its model in brackets ("ChatGPT (GPT-3.5)" is GPT-3.5)."""
    out = []
    for m, g in gens:
        inside = any(
            o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
            for o, _ in gens
        )
        glossed = (
            m.end < len(doc)
            and doc[m.end].text == "("
            and any(o.start == m.end + 1 for o, _ in gens)
        )
        if not inside and not glossed:
            out.append((m, g))
    return out


def _overlaps(a: Match, b: Match) -> bool:
    return a.start < b.end and b.start < a.end


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
