"""Stance of a finding: use / cited / background / negated / future (TAXONOMY.md).

Rules read the labelled pattern hits of one sentence (``Match`` objects grouped by label) and
the section it sits in. They are ordered: the first that fires decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.detect.citation import AUTHOR_CITATION, CITATION
from pipeline.detect.negation import (
    VERB_CLAUSE_BREAKS,
    clause_clear,
    hedged,
    negated,
    under_modal,
)
from pipeline.detect.nlp import Match

ACTOR_REACH = 12  # tokens from "we" to the verb it is the subject of
USE_SECTIONS = frozenset({"methods", "results", "abstract", "appendix"})
OWN_METHOD_SECTIONS = frozenset({"methods", "results", "appendix"})
CITING_SECTIONS = frozenset({"introduction", "related_work"})
FUTURE_SECTIONS = frozenset({"discussion", "conclusion", "limitations"})
MODALS = frozenset({"could", "might", "would", "may", "should", "will", "can", "shall"})
# Verbs by which authors propose rather than do: "we propose using virtual patient data",
# "we recommend synthetic cohorts" (a viewpoint's argument, not the paper's own use)
PROPOSING = frozenset(
    "propose advocate recommend speculate suggest envision envisage urge encourage support "
    "supports".split()
)


# A person noun so qualified is a simulated one: "1,000 synthetic respondents"
NOT_REAL_PEOPLE = frozenset(
    "simulated synthetic virtual silicon artificial generated llm ai digital hypothetical "
    "fictional fictitious imaginary".split()
)


# ... and so is one a model pretends to be: "GPT-4 answered it while impersonating respondents"
PRETENDING = frozenset(
    "impersonating impersonate impersonates impersonated playing plays played emulating "
    "emulate emulates emulated simulating".split()
)
_NOT_REAL_BEFORE = NOT_REAL_PEOPLE | PRETENDING  # joined once, not for every person named


def real_people(doc: Doc, by_label: dict[str, list[Match]]) -> list[Match]:
    """The real people a sentence names ("students", "nurses"), not simulated ones."""
    return [
        m
        for m in by_label.get("human_subject", [])
        if m.start == 0 or doc[m.start - 1].lower_ not in _NOT_REAL_BEFORE
    ]


@dataclass(frozen=True)
class StanceResult:
    stance: str
    rule: str  # which rule decided; stored in pattern_ids as "stance.<rule>"
    strength: float  # how sure the rule is, in [0, 1]


# After "we": words that let the verb come later ("we have then generated"), and verbs by which
# the authors think or say rather than do ("we note that", "we believe synthetic data can").
WE_SKIP = frozenset(
    "have had also then further first additionally subsequently finally now thus therefore "
    "next again here instead only still likewise similarly".split()
)
WE_NOT_ACTING = frozenset(
    "are were is was be been do did does not never hope plan intend aim believe think argue "
    "expect assume suspect note know feel wish want hypothesize hypothesise speculate suggest "
    "recommend propose caution acknowledge recognize recognise agree doubt consider "
    "need must propose advocate recommend speculate envision envisage urge encourage".split()
)
SELF_PRONOUNS = frozenset({"we", "i"})
# Between a cue and the authors' verb these close the clause the cue is in
COORDINATORS = frozenset({"and", "but", "yet", "or"})
LINK_BREAKS = frozenset(
    "; so but whereas while although because since thus therefore hence".split()
)
POSSESSIVE = frozenset({"our", "my"})
OUR_REACH = 3  # tokens from "our" to the cue it owns: "our simulated trials"


@dataclass(frozen=True)
class _Agency:
    """What the authors themselves do in a sentence."""

    acts: bool = False  # "we" + a data-handling verb ("we generated", "our model was trained")
    factual: bool = False  # ... at least once without a modal in front
    reports: bool = False  # "we" + a reporting verb only ("we evaluate", "we present")


def _agency(doc: Doc, section: str, by_label: dict[str, list[Match]], cues: list[Match]) -> _Agency:
    actors = sorted(
        (a for a in by_label.get("actor", []) if not _idiom(doc, a)), key=lambda m: m.start
    )
    if not actors:
        return _Agency()
    blockers = sorted(m.start for m in by_label.get("third_party", []))
    blockers += [t.i for t in doc if t.lower_ in VERB_CLAUSE_BREAKS]
    blockers += [t.i for t in doc if t.text in ("[", "(") and _cites_after(doc, t.i)]
    # "we will simulate a dataset" explains what the paper does, except where papers talk
    # about the future
    modals = MODALS if section in FUTURE_SECTIONS else MODALS - {"will", "shall"}

    def attributed(verb: Match) -> bool:
        before = [a for a in actors if a.start < verb.start <= a.start + ACTOR_REACH]
        if not before:
            return False
        actor = before[-1]
        return not any(actor.start < b < verb.start for b in blockers)

    acting = [v for v in by_label.get("action", []) if attributed(v) and _linked(doc, v, cues)]
    we_verbs = [v for v in _we_verbs(doc, actors, blockers) if _linked(doc, v, cues)]
    reports = any(attributed(v) for v in by_label.get("report", [])) or bool(we_verbs)
    hedges = modals | PROPOSING
    if reports:
        # "we demonstrate that our method can generate ...": what the authors show it does
        hedges = hedges - {"can"}
    if section in OWN_METHOD_SECTIONS:
        # "we propose using LLMs as teachers" in the methods is the paper's own method
        hedges = hedges - PROPOSING
    factual = any(
        not any(t.lower_ in hedges for t in doc[max(0, v.start - 3) : v.start]) for v in acting
    )
    return _Agency(acts=bool(acting), factual=factual, reports=reports)


# Words that open a clause set against the main one: "Unlike previous work that relied on
# synthetic data, we trained on real scans", "Although synthetic data are widely used, our
# model was trained on real mammograms": the authors' verb does not reach into it.
CONTRAST_OPENERS = frozenset(
    "unlike although though whereas despite notwithstanding contrary opposed".split()
)


def _contrasted(doc: Doc, verb: Match, cue: Match) -> bool:
    """``cue`` sits in a contrast clause, and ``verb`` in the clause it is set against."""
    if cue.end <= verb.start:
        if not any(t.text == "," for t in doc[cue.end : verb.start]):
            return False
        i = cue.start - 1
        while i >= 0 and doc[i].text not in (",", ";", ":"):
            if _opens_contrast(doc, i):
                return True
            i -= 1
        return False
    return any(
        _opens_contrast(doc, t.i) and t.i > 0 and doc[t.i - 1].text in (",", "in")
        for t in doc[verb.end : cue.start]
    )


def _opens_contrast(doc: Doc, i: int) -> bool:
    word = doc[i].lower_
    # "in contrast to/with" (not "contrast-enhanced")
    return word in CONTRAST_OPENERS or (word == "contrast" and i > 0 and doc[i - 1].lower_ == "in")


def _linked(doc: Doc, verb: Match, cues: list[Match]) -> bool:
    """Some cue belongs to the clause of ``verb``: not to an earlier clause that a citation or
    a conjunction closes ("Previous simulations [8] showed ..., so we used the subgroups"), nor
    to a clause set against it ("Unlike previous work that relied on synthetic data, we ...")."""
    for cue in cues:
        if _contrasted(doc, verb, cue):
            continue
        lo, hi = (cue.end, verb.start) if cue.end <= verb.start else (verb.end, cue.start)
        between = doc[lo:hi]
        coordinated = any(
            t.text == "," and t.i + 1 < hi and doc[t.i + 1].lower_ in COORDINATORS for t in between
        )
        if not (
            coordinated
            or any(t.lower_ in LINK_BREAKS for t in between)
            or (cue.end <= verb.start and CITATION.search(between.text))
        ):
            return True
    return not cues


def _we_verbs(doc: Doc, actors: list[Match], blockers: list[int]) -> list[Match]:
    """The verb right after "we" ("we prepared", "we have downsampled"): the authors act.

    spaCy's blank pipeline has no tagger, so the verb is the first lower-case word after the
    pronoun that is not an auxiliary or adverb of sequence; verbs of thinking and saying are
    not acts ("we note that", "we believe").
    """
    verbs = []
    for a in actors:
        if doc[a.start : a.end].text.lower() not in SELF_PRONOUNS:
            continue
        i = a.end
        while i < len(doc) and doc[i].lower_ in WE_SKIP:
            i += 1
        if i >= len(doc) or any(a.start < b <= i for b in blockers):
            continue
        word = doc[i]
        if word.is_alpha and word.is_lower and word.lower_ not in WE_NOT_ACTING | MODALS:
            verbs.append(Match("we_verb", i, i + 1, word.idx, word.idx + len(word)))
    return verbs


def _owned(doc: Doc, by_label: dict[str, list[Match]], cues: list[Match]) -> bool:
    """ "our simulated trials", "my synthetic corpus": the cue names the authors' own data."""
    for actor in by_label.get("actor", []):
        if doc[actor.start : actor.end].text.lower() not in POSSESSIVE:
            continue
        for cue in cues:
            if 0 <= cue.start - actor.end < OUR_REACH and clause_clear(
                doc, actor.end - 1, cue.start
            ):
                return True
    return False


def _idiom(doc: Doc, actor: Match) -> bool:
    """ "to the best of our knowledge", "in our view": an actor that does nothing."""
    nxt = doc[actor.end].lower_ if actor.end < len(doc) else ""
    return nxt in ("knowledge", "view", "opinion", "understanding", "experience")


def _cites_after(doc: Doc, i: int) -> bool:
    """A bracket opening a citation: "[12" or "(Smith et al., 2020"."""
    nxt = doc[i + 1 : i + 4].text
    return bool(re.match(r"\d|[A-Z][\w'’-]+(\s+et al|,\s*\d{4}|\s+and\s)", nxt))


EARLIER = re.compile(r"\b(?:previous|prior|earlier|existing|other|recent|past)\s+$", re.IGNORECASE)


# Words for a tool that a citation after them credits: "an invasion percolation simulator
# (Permedia, 2012)"
TOOL_NOUNS = frozenset(
    "simulator simulators software package program toolbox toolkit library engine code "
    "generator platform".split()
)
OURS_BEFORE = re.compile(r"\b(?:our|my)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _names_something(sentence: str, cue: Match) -> bool:
    """A citation after the cue credits what it names: a name ("Synthea", "CycleGAN", "GPT-4":
    a capital letter or a digit), a tool ("simulator"), or the authors' own ("our simulations
    [Horton2024]"); not data or a kind of study ("synthetic images", "simulation study")."""
    last = sentence[cue.char_start : cue.char_end].split()[-1:]
    if not last:
        return False
    word = last[0]
    return (
        any(ch.isupper() or ch.isdigit() for ch in word)
        or word.lower() in TOOL_NOUNS
        or bool(OURS_BEFORE.search(sentence[: cue.char_start]))
    )


def _attributes(sentence: str, section: str, cues: list[Match]) -> bool:
    """A citation that attributes the sentence to others.

    A citation right after the name of a tool or data set ("CycleGAN [1]", "Synthea (Walonoski
    et al., 2018)") credits what the authors use, so it does not count.
    """
    # "previous simulations [8]" is others' work, not a tool the authors credit; and where
    # papers cite others (introduction, related work) only a name is credited ("Synthea [3]"),
    # not data or a kind of study ("Several groups have trained detectors on GAN-synthesised
    # images [4-7]", "In a simulation study, Austin (2011) compared ...")
    ends = {
        c.char_end
        for c in cues
        if not EARLIER.search(sentence[: c.char_start])
        and (section not in CITING_SECTIONS or _names_something(sentence, c))
    }
    for m in CITATION.finditer(sentence):
        before = sentence[: m.start()].rstrip()
        if any(0 <= len(before) - e <= 3 for e in ends):
            continue
        return True
    return False


# The paper itself: "in this work", "the present study", "here"
THIS_WORK = re.compile(
    r"\b(?:this|the\s+present|the\s+current)\s+(?:work|paper|study|article|thesis|manuscript)\b"
    r"|\bhere\b",
    re.IGNORECASE,
)


# Before a verb of the authors' own that follows a review of others' work: "we reviewed
# existing methods and generated synthetic data with each"
OWN_STEP = frozenset({"and", "then", ","})


def _reviews_others(doc: Doc, by_label: dict[str, list[Match]]) -> bool:
    """The sentence reviews others' work ("different synthetic data generation techniques are
    reviewed", "this survey includes prominent research work on ...") and goes on to no step
    of the authors' own ("... and generated synthetic data with each of them")."""
    reviews = by_label.get("reviewed_work", [])
    if not reviews:
        return False
    first_end = min(m.end for m in reviews)
    return not any(
        v.start >= first_end and v.start > 0 and doc[v.start - 1].lower_ in OWN_STEP
        for v in by_label.get("action", [])
    )


def decide_stance(
    doc: Doc,
    sentence: str,
    section: str,
    by_label: dict[str, list[Match]],
    cues: list[Match],
    model_judged: bool = False,
) -> StanceResult:
    """Apply the stance rules to one sentence (see module docstring). ``model_judged``: the
    sentence's labels are a model's, and it says something was judged ("scored", "rated"),
    not by people."""
    if negated(doc, by_label, cues):
        return StanceResult("negated", "negated", 0.85)
    if by_label.get("future"):
        return StanceResult("future", "future_phrase", 0.85)
    if _reviews_others(doc, by_label) and not _owned(doc, by_label, cues):
        # "Section 2 reviews existing methods of generating synthetic data": a review's
        # account of others' work, even where its verb is "we review"
        return StanceResult("cited", "reviewed_work", 0.75)
    agency = _agency(doc, section, by_label, cues)
    if agency.acts and not agency.factual:
        return StanceResult("future", "we_modal", 0.7)
    cited = _attributes(sentence, section, cues) or bool(by_label.get("third_party"))
    # "could be used to generate deepfakes": a passive under a modal is a possibility, not an
    # account of what was done ("will be generated" in a protocol's methods still is)
    passive = [m for m in by_label.get("passive_action", []) if not under_modal(doc, m)]
    if agency.acts:
        strength = 0.9 if section in USE_SECTIONS else 0.7 if section in CITING_SECTIONS else 0.8
        return StanceResult("use", "we_action", strength)
    if _owned(doc, by_label, cues) and not cited:
        return StanceResult("use", "our_data", 0.8 if section in USE_SECTIONS else 0.7)
    if agency.reports:
        # "we evaluate X and show that it can ...": the authors report their own work
        return StanceResult("use", "we_report", 0.7 if section in USE_SECTIONS else 0.6)
    # in methods, "Records were produced with Synthea ... [2]" credits a tool: a bare numeric
    # citation does not outweigh a passive description of what was done
    tool_credit = (
        section in USE_SECTIONS
        and passive
        and not by_label.get("third_party")
        and not AUTHOR_CITATION.search(sentence)
    )
    # a cited sentence whose "we" does nothing with the data ("..., so we used the subgroups")
    if cited and not tool_credit and not (agency.acts or agency.reports):
        return StanceResult("cited", "citation", 0.8)
    if hedged(doc, by_label) and not passive:
        return StanceResult("background", "hedged", 0.7)
    if by_label.get("background"):
        return StanceResult("background", "generic", 0.7)
    if passive and section not in CITING_SECTIONS:
        return StanceResult("use", "passive_action", 0.75 if section in USE_SECTIONS else 0.65)
    if cited:
        return StanceResult("cited", "citation_with_actor", 0.6)
    if (
        any(doc[m.start].lower_ in ("was", "were") for m in passive)
        and CITATION.search(sentence)
        and not THIS_WORK.search(sentence)
    ):
        # "Alpaca was trained on demonstrations generated by text-davinci-003 [12]": in the
        # introduction a past passive with a citation tells of the cited work, even where the
        # citation credits a tool ("synthetic dialogues are generated with GPT-4 [3]" is the
        # paper's own approach)
        return StanceResult("cited", "cited_passive", 0.6)
    if passive:
        # a passive description in the introduction: usually the paper's own approach
        return StanceResult("use", "passive_intro", 0.5)
    if section in USE_SECTIONS and by_label.get("action"):
        return StanceResult("use", "section_action", 0.5)
    if section in USE_SECTIONS and by_label.get("answering") and not real_people(doc, by_label):
        # "GPT-4 answered every item of the questionnaire": in the methods, the simulated
        # respondents of the study answer (real people answering is no use of synthetic data)
        return StanceResult("use", "section_answering", 0.5)
    if section in USE_SECTIONS and model_judged:
        # "An LLM judge (GPT-4) scored each response": in the methods, the study's own labels
        return StanceResult("use", "section_judged", 0.5)
    return StanceResult("background", "default", 0.5)
