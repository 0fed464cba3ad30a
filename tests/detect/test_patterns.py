"""Every cue pattern and every named generator, with sentences that must and must not fire it;
and the loader that validates the pattern files."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from pipeline.detect import patterns_version
from pipeline.detect.finder import Finder
from pipeline.detect.model import CATEGORIES, Finding
from pipeline.detect.patterns import load_from_texts, load_patterns
from pipeline.errors import PatternError
from tests.detect.sentences import PATTERN_CASES, build_document

POSITIVES = [
    pytest.param(pid, case.category, sentence, id=f"{pid}-{i}")
    for pid, case in PATTERN_CASES.items()
    for i, sentence in enumerate(case.positives)
]
NEGATIVES = [
    pytest.param(pid, sentence, id=f"{pid}-{i}")
    for pid, case in PATTERN_CASES.items()
    for i, sentence in enumerate(case.negatives)
]


@pytest.fixture(scope="module")
def finder() -> Finder:
    return Finder()


def methods_findings(finder: Finder, sentence: str) -> list[Finding]:
    return finder.find(build_document(("Methods", sentence)))


def generator_id(name: str) -> str:
    """The pattern id a generator leaves in a finding: "GPT-3.5" -> "generator.gpt_3_5"."""
    return "generator." + re.sub(r"[^a-z0-9]", "_", name.lower()).strip("_")


def shipped_files() -> dict[str, str]:
    folder = resources.files("pipeline.detect") / "patterns"
    return {
        f.name: f.read_text(encoding="utf-8")
        for f in folder.iterdir()
        if f.name.endswith((".jsonl", ".toml")) or f.name == "confidence.json"
    }


# ---- the table covers the pattern files ------------------------------------------------------


def test_every_pattern_id_has_sentences() -> None:
    shipped = load_patterns()
    ids = {p.id for p in shipped.patterns if p.kind == "cues"}
    ids |= {generator_id(g.name) for g in shipped.generators}
    assert sorted(ids - set(PATTERN_CASES)) == [], "pattern ids without test sentences"
    assert sorted(set(PATTERN_CASES) - ids) == [], "test sentences for ids that do not exist"


@pytest.mark.parametrize("pid", sorted(PATTERN_CASES))
def test_every_pattern_id_has_two_positives_and_a_negative(pid: str) -> None:
    case = PATTERN_CASES[pid]
    assert len(case.positives) >= 2
    assert len(case.negatives) >= 1
    assert case.category is None or case.category in CATEGORIES


# ---- each pattern fires on its positives and not on its negatives ------------------------------


@pytest.mark.parametrize(("pid", "category", "sentence"), POSITIVES)
def test_pattern_fires_on_use_sentence(
    finder: Finder, pid: str, category: str | None, sentence: str
) -> None:
    findings = methods_findings(finder, sentence)
    hits = [f for f in findings if pid in f.pattern_ids]
    assert hits, f"{pid} did not fire; got {[(f.category, f.pattern_ids) for f in findings]}"
    if category is not None:
        assert hits[0].category == category


@pytest.mark.parametrize(("pid", "sentence"), NEGATIVES)
def test_pattern_does_not_fire_on_near_miss(finder: Finder, pid: str, sentence: str) -> None:
    findings = methods_findings(finder, sentence)
    fired = [(f.stance, f.category, f.pattern_ids) for f in findings if pid in f.pattern_ids]
    assert fired == []


def test_generator_finding_names_the_generator(finder: Finder) -> None:
    (finding,) = methods_findings(finder, "We prompted GPT-4 to write 300 cover letters.")
    assert finding.generators == ("GPT-4",)
    assert finding.generator == "GPT-4"
    assert "generator.gpt_4" in finding.pattern_ids


def test_finding_records_the_stance_rule(finder: Finder) -> None:
    (finding,) = methods_findings(finder, "We simulated data for 200 hypothetical trials.")
    assert any(p.startswith("stance.") for p in finding.pattern_ids)


# ---- the loader rejects bad records and names file:line ---------------------------------------

GOOD_CUE = '{"id": "synth.example", "label": "synthetic_other", "phrases": ["example data"]}'


@pytest.mark.parametrize(
    ("cues", "where", "message"),
    [
        pytest.param(
            GOOD_CUE + '\n{"id": "synth.other", "label": "synthetic_stuff", "phrases": ["x"]}',
            "cues.jsonl:2:",
            "label 'synthetic_stuff' is not one of",
            id="unknown-label",
        ),
        pytest.param(
            GOOD_CUE + "\n\n" + GOOD_CUE,
            "cues.jsonl:3:",
            "duplicate id 'synth.example'",
            id="duplicate-id",
        ),
        pytest.param(
            '{"id": "synth.empty", "label": "synthetic_other"}',
            "cues.jsonl:1:",
            "give exactly one of 'phrases' (a list) or 'pattern'",
            id="no-phrases-or-pattern",
        ),
        pytest.param(
            '{"id": "synth.both", "label": "synthetic_other", "phrases": ["x"], '
            '"pattern": [{"LOWER": "x"}], "anchor": "x"}',
            "cues.jsonl:1:",
            "give exactly one of 'phrases' (a list) or 'pattern'",
            id="phrases-and-pattern",
        ),
        pytest.param(
            '{"id": "synth.token", "label": "synthetic_other", "pattern": [{"LOWER": "x"}]}',
            "cues.jsonl:1:",
            "needs an 'anchor' regex",
            id="pattern-without-anchor",
        ),
        pytest.param(
            GOOD_CUE + '\n{"id": "synth.token", "label": "synthetic_other", '
            '"pattern": [{"LOWER": "x"}], "anchor": "(unclosed"}',
            "cues.jsonl:2:",
            "bad 'anchor' regex",
            id="bad-anchor-regex",
        ),
        pytest.param(
            GOOD_CUE + '\n{"id": "synth.broken", "label": ',
            "cues.jsonl:2:",
            "not valid JSON",
            id="bad-json",
        ),
        pytest.param(
            '{"id": "Synth Example", "label": "synthetic_other", "phrases": ["x"]}',
            "cues.jsonl:1:",
            "'id' must look like 'group.name'",
            id="bad-id",
        ),
        pytest.param(
            '{"id": "synth.roles", "label": "synthetic_other", "phrases": ["x"], '
            '"roles": ["decoration"]}',
            "cues.jsonl:1:",
            "unknown roles ['decoration']",
            id="unknown-role",
        ),
        pytest.param(
            '{"id": "synth.heavy", "label": "synthetic_other", "phrases": ["x"], "weight": 2}',
            "cues.jsonl:1:",
            "'weight' must be a number in [0, 1]",
            id="weight-out-of-range",
        ),
        pytest.param(
            '{"id": "synth.typo", "label": "synthetic_other", "phrase": ["x"]}',
            "cues.jsonl:1:",
            "unknown keys ['phrase']",
            id="unknown-key",
        ),
    ],
)
def test_loader_rejects_bad_record_naming_file_and_line(
    cues: str, where: str, message: str
) -> None:
    with pytest.raises(PatternError) as excinfo:
        load_from_texts({"cues.jsonl": cues})
    text = str(excinfo.value)
    assert text.startswith(where), text
    assert message in text


def test_loader_skips_blank_and_comment_lines() -> None:
    loaded = load_from_texts({"cues.jsonl": "// cues for tests\n\n" + GOOD_CUE + "\n"})
    assert [p.id for p in loaded.patterns] == ["synth.example"]


def test_loader_rejects_duplicate_id_across_files() -> None:
    trap = '{"id": "synth.example", "label": "trap", "phrases": ["example data"]}'
    with pytest.raises(PatternError, match=r"^traps\.jsonl:1: duplicate id 'synth\.example'"):
        load_from_texts({"cues.jsonl": GOOD_CUE, "traps.jsonl": trap})


def test_loader_rejects_label_of_another_file() -> None:
    with pytest.raises(PatternError, match=r"^traps\.jsonl:1: .*label 'synthetic_other'"):
        load_from_texts({"traps.jsonl": GOOD_CUE})


def test_loader_rejects_unknown_file() -> None:
    with pytest.raises(PatternError, match=r"^extras\.jsonl: unknown pattern file"):
        load_from_texts({"extras.jsonl": GOOD_CUE})


@pytest.mark.parametrize(
    "toml",
    [
        pytest.param('[[generator]]\nname = "X"\ncategory = "llm_text"\n', id="no-aliases"),
        pytest.param(
            '[[generator]]\nname = "X"\ncategory = "chatbots"\naliases = ["x"]\n',
            id="unknown-category",
        ),
        pytest.param('[[generator]\nname = "X"\n', id="bad-toml"),
    ],
)
def test_loader_rejects_bad_generator(toml: str) -> None:
    with pytest.raises(PatternError, match=r"^generators\.toml: "):
        load_from_texts({"generators.toml": toml})


def test_shipped_pattern_files_load() -> None:
    shipped = load_patterns()
    assert {p.kind for p in shipped.patterns} == {"cues", "traps", "roles", "stance", "context"}
    assert shipped.generators


# ---- patterns_version -----------------------------------------------------------------------


def test_patterns_version_is_the_hash_of_the_shipped_files() -> None:
    assert load_from_texts(shipped_files()).version == patterns_version()


def test_patterns_version_changes_when_a_pattern_file_changes() -> None:
    files = shipped_files()
    extra = '{"id": "synth.new_cue", "label": "synthetic_other", "phrases": ["made-up data"]}'
    changed = {**files, "cues.jsonl": files["cues.jsonl"].rstrip("\n") + "\n" + extra + "\n"}
    assert load_from_texts(changed).version != patterns_version()


def test_patterns_version_changes_when_generators_change() -> None:
    files = shipped_files()
    changed = {**files, "generators.toml": files["generators.toml"].replace("gpt4o", "gpt 4o")}
    assert changed["generators.toml"] != files["generators.toml"]
    assert load_from_texts(changed).version != patterns_version()


def test_patterns_version_is_stable_for_the_same_content() -> None:
    files = {"cues.jsonl": GOOD_CUE}
    assert load_from_texts(files).version == load_from_texts(dict(files)).version
    assert re.fullmatch(r"[0-9a-f]{12}", load_from_texts(files).version)


def test_every_token_pattern_match_has_its_anchor() -> None:
    """A token pattern runs only on sentences where its anchor is found (and the whole-text
    pre-filter looks for the cue anchors), so an anchor must hold wherever its pattern matches:
    checked on every test sentence, with each pattern run alone and ungated."""
    from spacy.matcher import Matcher

    from pipeline.detect.nlp import get_matcher
    from tests.detect.test_stance import REVIEW_CASES, STANCE_TABLES, UNSEEN_CASES
    from tests.detect.test_traps import TRAP_SENTENCES

    nlp = get_matcher().nlp
    sentences = [s for case in PATTERN_CASES.values() for s in (*case.positives, *case.negatives)]
    sentences += [s for _, s in TRAP_SENTENCES]
    # stance patterns are anchored too (a gate only): their sentences are in the stance tables
    sentences += [row[1] for rows in STANCE_TABLES.values() for row in rows]
    sentences += [row[1] for row in (*REVIEW_CASES, *UNSEEN_CASES)]
    anchored = [p for p in load_patterns().patterns if p.pattern is not None and p.anchor]
    assert anchored
    fired: set[str] = set()
    for p in anchored:
        matcher = Matcher(nlp.vocab)
        matcher.add(p.id, [list(p.pattern)])
        for sentence in sentences:
            if matcher(nlp.make_doc(sentence)):
                fired.add(p.id)
                assert re.search(p.anchor, sentence.lower()), (p.id, sentence)
    assert fired == {p.id for p in anchored}  # every anchored pattern is exercised


def test_matchers_are_rebuilt_when_the_vocabulary_grows(monkeypatch) -> None:
    """A worker that reads many papers rebuilds its spaCy pipeline once the vocabulary passes
    the limit; the findings are the same before and after."""
    import pipeline.detect as detect_package

    document = build_document(
        ("Methods", "We generated 5,000 synthetic patient records (cohort Qzvx-417) with Synthea.")
    )
    before = detect_package.find(document)
    first = detect_package._finder()
    monkeypatch.setattr(detect_package, "VOCABULARY_LIMIT", 0)
    again = detect_package.find(document)  # passes the limit: the next call builds anew
    rebuilt = detect_package._finder()
    assert rebuilt is not first
    assert rebuilt.vocabulary_size() < first.vocabulary_size()  # "Qzvx-417" is forgotten
    assert [f.to_dict() for f in again] == [f.to_dict() for f in before] != []
    assert [f.to_dict() for f in detect_package.find(document)] == [f.to_dict() for f in before]


def test_patterns_version_changes_when_the_confidence_counts_change() -> None:
    files = shipped_files()
    changed = {**files, "confidence.json": files["confidence.json"].replace("]", "] ", 1)}
    assert changed["confidence.json"] != files["confidence.json"]
    assert load_from_texts(changed).version != patterns_version()
