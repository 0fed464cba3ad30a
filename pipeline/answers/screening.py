"""The editor's checklist: one paper's verdict as questions, traffic lights and evidence.

Pure data: a :class:`~pipeline.results.PaperResult` (and, when at hand, its Document to place
the real-data-check sentence on a page) in, a :class:`Screening` out. Templates in
``reports/`` render it; nothing here prints or touches a file.

The rule behind every light is in :data:`~pipeline.answers.lights.LIGHT_RULES`, shown in the
report's legend and the README, so that what an editor reads and what the code does cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pipeline.answers.lights import LIGHT_RULES, LIGHTS, QUESTIONS, RULES  # noqa: F401
from pipeline.detect.evidence import evidence_order
from pipeline.detect.model import STANCES, Finding
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from pipeline.document import Document
from pipeline.results import PaperResult

MAX_EVIDENCE = 3
# The first row quotes the strongest use sentences; the rest are under Findings.
MAX_USE_EVIDENCE = 2
EXCERPT_CHARS = 70
# The checklist must print on A4 page 1 with the verdict (a test prints it with Chromium): it
# quotes at most this many distinct sentences in full, each up to QUOTE_CHARS; the rest are
# excerpts, and every sentence is in full under Findings.
MAX_FULL_QUOTES = 5
QUOTE_CHARS = 200
# A list answer names at most this many items (a paper may name a dozen generators).
MAX_ANSWER_ITEMS = 8
CHECK_PREFIX = "real-data check: "
# Roles whose results rest on the synthetic data being faithful to real data.
RESTING_ROLES = frozenset({"training", "evaluation", "replacement", "analysis"})
# Roles that need no evaluation on real data: a simulation study of a statistical method,
# a released data set.
NO_CHECK_NEEDED_ROLES = frozenset({"method_check", "release"})
# Questions with an answer even when no synthetic data is used.
ALWAYS_ANSWERED = frozenset({"uses_synthetic", "medical", "participants_replaced"})
CONCERN_LIGHTS = {"high": "red", "medium": "amber", "low": "green", "none": "green"}


@dataclass(frozen=True)
class Evidence:
    """A sentence that decided a checklist answer, with where it is in the paper."""

    sentence: str
    section: str | None
    page: int | None
    label: str = ""  # what it supports: a category, role or generator name
    repeat: bool = False  # quoted in full in an earlier checklist row
    brief: bool = False  # the page's budget of full quotes is spent: shown as an excerpt

    @property
    def excerpt(self) -> str:
        """The first words of the sentence, to point back at a sentence quoted above."""
        return _cut(self.sentence, EXCERPT_CHARS)

    @property
    def quote(self) -> str:
        """The sentence as the checklist quotes it: whole, or its first QUOTE_CHARS characters
        (a table or a run-on sentence from a PDF would push the checklist off page 1)."""
        return _cut(self.sentence, QUOTE_CHARS)

    @property
    def cut(self) -> bool:
        return self.quote != self.sentence

    @property
    def where(self) -> str:
        """``methods, p. 4``; ``section not known`` when the sentence could not be placed."""
        parts = [self.section or "section not known"]
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Check:
    """One checklist row: the question, the answer, its light, why, and the evidence."""

    key: str
    question: str
    answer: str
    light: str
    rule: str
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class FindingView:
    """A finding as the report lists it; ``counted`` is False for `use` below the threshold."""

    finding: Finding
    counted: bool

    @property
    def where(self) -> str:
        return Evidence(self.finding.sentence, self.finding.section, self.finding.page).where


@dataclass(frozen=True)
class Screening:
    """Everything the screening report shows about one paper."""

    result: PaperResult
    assessed: bool
    concern: str | None
    concern_light: str
    reasons: tuple[str, ...]
    checks: tuple[Check, ...]
    groups: tuple[tuple[str, tuple[FindingView, ...]], ...]
    min_confidence: float = MIN_USE_CONFIDENCE

    @property
    def n_findings(self) -> int:
        return len(self.result.findings)

    @property
    def sections(self) -> tuple[tuple[str, str, tuple[FindingView, ...]], ...]:
        """The findings in reading order, in runs of one section: (section, pages, views).

        A section the text returns to later (a second "methods" after the results) starts a
        run of its own, so that the runs follow the paper as it reads.
        """
        views = sorted(
            (v for _, group in self.groups for v in group),
            key=lambda v: (v.finding.char_start, v.finding.ordinal),
        )
        runs: list[tuple[str, list[FindingView]]] = []
        for v in views:
            name = v.finding.section or "section not known"
            if runs and runs[-1][0] == name:
                runs[-1][1].append(v)
            else:
                runs.append((name, [v]))
        return tuple((name, _pages(run), tuple(run)) for name, run in runs)

    @property
    def n_below_threshold(self) -> int:
        """`use` sentences the verdict does not count: their confidence is below threshold."""
        return sum(not v.counted for stance, views in self.groups for v in views if stance == "use")

    @property
    def below_threshold_note(self) -> str:
        return below_threshold_note(self.n_below_threshold, self.min_confidence)

    @property
    def check_sentence(self) -> Evidence | None:
        """The real-data-check sentence when no finding holds it: the checklist may quote it
        cut, so the Findings part quotes it whole."""
        for c in self.checks:
            if c.key == "real_data_check" and c.evidence:
                e = c.evidence[0]
                if not any(e.sentence == f.sentence for f in self.result.findings):
                    return e
        return None


def _cut(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, cut between words, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def below_threshold_note(n: int, threshold: float = MIN_USE_CONFIDENCE) -> str:
    """Why `use` sentences are listed although the verdict does not count them."""
    if n == 0:
        return ""
    sentences = "1 sentence reads" if n == 1 else f"{n} sentences read"
    return (
        f"{sentences} as use but with confidence below {threshold}, the threshold for a "
        "verdict: listed under use, not counted."
    )


def answer_text(value: object) -> str:
    """A verdict value in words: yes/no, a comma-separated list, ``none``, ``n/a``."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
        if len(items) > MAX_ANSWER_ITEMS:
            more = len(items) - MAX_ANSWER_ITEMS + 1
            items = [*items[: MAX_ANSWER_ITEMS - 1], f"and {more} more"]
        return ", ".join(items) or "none"
    return "not found" if value == "not_found" else str(value)


def check_sentence(reasons: Iterable[str]) -> str | None:
    """The real-data-check sentence the verdict quotes in its reasons, or None."""
    for r in reasons:
        if r.startswith(CHECK_PREFIX):
            return r[len(CHECK_PREFIX) :]
    return None


def _check_evidence(
    v: dict[str, Any], sentence: str, findings: Sequence[Finding], document: Document | None
) -> Evidence:
    """The real-data-check sentence with the place the verdict recorded for it."""
    if v.get("real_data_sentence") == sentence and v.get("real_data_section"):
        return Evidence(sentence, v["real_data_section"], v.get("real_data_page"))
    return place_sentence(sentence, findings, document)


def place_sentence(
    sentence: str, findings: Sequence[Finding], document: Document | None
) -> Evidence:
    """Find the section and page of a sentence: in the Document's text, else among findings."""
    if document is not None:
        at = document.text.find(sentence)
        if at >= 0:
            sec = document.section_at(at)
            return Evidence(sentence, sec.kind if sec else "other", document.page_at(at))
    for f in findings:
        if sentence in f.sentence or f.sentence in sentence:
            return Evidence(sentence, f.section, f.page)
    return Evidence(sentence, None, None)


def _evidence(f: Finding, label: str = "") -> Evidence:
    return Evidence(f.sentence, f.section, f.page, label)


def _best(findings: Iterable[Finding]) -> Finding | None:
    """The paper's strongest statement among ``findings``: from where papers say what they did
    (results, methods, abstract) before the discussion or introduction, then the most
    confident, then the earliest (the order the verdict quotes by)."""
    ranked = sorted(findings, key=evidence_order)
    return ranked[0] if ranked else None


def _per_label(
    uses: Sequence[Finding], labels: Sequence[str], has: Callable[[Finding, str], bool]
) -> tuple[Evidence, ...]:
    """For each label (a category, role, generator), the best use finding that shows it."""
    out = []
    for label in labels:
        f = _best(u for u in uses if has(u, label))
        if f is not None:
            out.append(_evidence(f, label))
    return tuple(out[:MAX_EVIDENCE])


def _mark_repeats(checks: list[Check]) -> tuple[Check, ...]:
    """Flag evidence already quoted in an earlier row, so that the page quotes it once, and
    evidence past the page's budget of MAX_FULL_QUOTES sentences, shown as an excerpt."""
    seen: set[str] = set()
    out = []
    for c in checks:
        evidence = []
        for e in c.evidence:
            repeat = e.sentence in seen
            brief = not repeat and len(seen) >= MAX_FULL_QUOTES
            evidence.append(replace(e, repeat=repeat, brief=brief))
            seen.add(e.sentence)
        out.append(replace(c, evidence=tuple(evidence)))
    return tuple(out)


def _pages(views: list[FindingView]) -> str:
    """``p. 4``, ``pp. 4-6`` or '' (no page known) for the sentences of a run."""
    pages = sorted({v.finding.page for v in views if v.finding.page is not None})
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def build_screening(result: PaperResult, document: Document | None = None) -> Screening:
    """Turn one paper's result into the editor's checklist and grouped findings."""
    v = result.verdict_dict()
    groups = []
    for stance in STANCES:
        views = tuple(
            FindingView(f, f.stance != "use" or f.confidence >= MIN_USE_CONFIDENCE)
            for f in result.findings
            if f.stance == stance
        )
        if views:
            groups.append((stance, views))
    reasons = tuple(r for r in v["reasons"] if not r.startswith(CHECK_PREFIX))
    if not v["assessed"]:
        return Screening(result, False, None, "grey", reasons, (), tuple(groups))
    return Screening(
        result=result,
        assessed=True,
        concern=v["concern"],
        concern_light=CONCERN_LIGHTS.get(v["concern"], "grey"),
        reasons=reasons,
        checks=_mark_repeats(_checks(result, v, document)),
        groups=tuple(groups),
    )


def _checks(result: PaperResult, v: dict[str, Any], document: Document | None) -> list[Check]:
    """The eight questions, in LIGHT_RULES order, each with its light and evidence."""
    used = bool(v["uses_synthetic"])
    uses = [
        f
        for f in result.findings
        if used and f.stance == "use" and f.confidence >= MIN_USE_CONFIDENCE
    ]
    categories, roles, generators = v["categories"], v["roles"], v["generators"]
    no_check = v["real_data_check"] != "found"
    checks: list[Check] = []

    def add(key: str, light: str, evidence: Iterable[Evidence] = (), note: str = "") -> None:
        answer = answer_text(v[key]) if used or key in ALWAYS_ANSWERED else "n/a"
        checks.append(
            Check(key, QUESTIONS[key], answer, light, RULES[key][light], tuple(evidence), note)
        )

    if used:
        ranked = sorted(uses, key=evidence_order)
        add(
            "uses_synthetic",
            "amber",
            [_evidence(f) for f in ranked[:MAX_USE_EVIDENCE]],
            f"{len(uses)} use sentence(s) counted (confidence ≥ {MIN_USE_CONFIDENCE}); "
            "all are listed under Findings",
        )
    else:
        negated = [f for f in result.findings if f.stance == "negated"]
        add("uses_synthetic", "green", [_evidence(f) for f in negated[:1]])

    if not used:
        light = "grey"
    elif "simulated_participants" in categories:
        light = "red"
    elif set(categories) <= {"synthetic_other"}:
        light = "amber"
    else:
        light = "green"
    add("categories", light, _per_label(uses, categories, lambda f, c: f.category == c))

    if not used:
        light = "grey"
    elif "replacement" in roles and no_check:
        light = "red"
    elif not roles or set(roles) & RESTING_ROLES:
        light = "amber"
    else:
        light = "green"
    add("roles", light, _per_label(uses, roles, lambda f, r: r in f.roles))

    light = "grey" if not used else "green" if generators else "amber"
    add("generators", light, _per_label(uses, generators, lambda f, g: g in f.generators))

    sentence = v.get("real_data_sentence") or check_sentence(v["reasons"])
    if not used:
        light = "grey"
    elif not no_check:
        light = "green"
    elif roles and set(roles) <= NO_CHECK_NEEDED_ROLES:
        light = "amber"
    else:
        light = "red"
    add(
        "real_data_check",
        light,
        [_check_evidence(v, sentence, result.findings, document)] if sentence else [],
        "" if sentence or not used else "no sentence evaluates or validates on real data",
    )

    add(
        "medical",
        ("amber" if v["medical"] else "green") if used else "grey",
        note="judged from clinical and patient terms in the title and abstract, "
        "or their density in the body",
    )

    replaced = [f for f in uses if f.category == "simulated_participants"]
    add(
        "participants_replaced",
        "red" if v["participants_replaced"] else "green",
        [_evidence(f) for f in replaced[:MAX_EVIDENCE]],
    )

    if used:
        in_abstract = [f for f in uses if f.section == "abstract"]
        shown = in_abstract[:1] or sorted(uses, key=lambda f: f.ordinal)[:1]
        add(
            "in_abstract",
            "green" if v["in_abstract"] else "amber",
            [_evidence(f) for f in shown],
            "" if in_abstract else "the first use sentence, outside the abstract",
        )
    else:
        add("in_abstract", "grey")
    return checks
