"""Canned queries: headers, parameters, and every query's answer on a database we know.

The expected answers are computed here with plain Python from ``known_corpus.PAPERS`` (counts,
proportions, Wilson bounds and the corrections by their textbook formulas), independently of
the SQL and of ``pipeline.answers.stats``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.answers.default_calibration import shipped_calibration
from pipeline.answers.queries import STATS, list_queries, load_query, parse_query, run_query
from pipeline.detect.evidence import EVIDENCE_SECTIONS
from pipeline.detect.model import CATEGORIES, STANCES
from pipeline.errors import ParameterError, QueryError, UsageError
from pipeline.results import STATUSES
from pipeline.review.papers import assessed_papers
from pipeline.review.reviews import Review, ReviewStore
from pipeline.review.sampling import design, draw
from pipeline.store import connect_readonly
from tests.answers.known_corpus import (
    CALIBRATIONS,
    PAPERS,
    PATTERNS_VERSION,
    P,
    build,
    newest_calibration,
)

ROOT = Path(__file__).resolve().parents[2]
Z = 1.96
CHECKED: set[str] = set()


def checks(name: str) -> Callable:
    """Mark a test as checking the answers of the canned query ``name``."""
    CHECKED.add(name)
    return lambda test: test


@pytest.fixture
def con(known_db):
    con = connect_readonly(known_db)
    yield con
    con.close()


def value(v):
    """A DataFrame cell as plain Python: arrays to lists, NA/NaN to None."""
    if hasattr(v, "tolist"):
        return v.tolist()
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: value(v) for k, v in r.items()} for r in frame.to_dict("records")]


# -- independent formulas ---------------------------------------------------------------------
def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + Z * Z / n)), min(
        1.0, (centre + spread) / (1 + Z * Z / n)
    )


def clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def corrected(k: int, n: int, tp: int, fn: int, tn: int, fp: int) -> tuple[float, float, float]:
    """Rogan-Gladen estimate; Lang & Reiczigel (2014) adjusted interval."""
    se, sp = tp / (tp + fn), tn / (tn + fp)
    estimate = clip((k / n + sp - 1) / (se + sp - 1))
    z2 = Z * Z
    pa, sea, spa = (k + z2 / 2) / (n + z2), (tp + 1) / (tp + fn + 2), (tn + 1) / (tn + fp + 2)
    j = sea + spa - 1
    prev = (pa + spa - 1) / j
    vse, vsp = sea * (1 - sea) / (tp + fn + 2), spa * (1 - spa) / (tn + fp + 2)
    sd = math.sqrt(pa * (1 - pa) / (n + z2) + prev**2 * vse + (1 - prev) ** 2 * vsp) / j
    shift = 2 * z2 * (prev * vse - (1 - prev) * vsp)
    return estimate, clip(prev + shift - Z * sd), clip(prev + shift + Z * sd)


def expected_prevalence(
    group: Callable[[P], object] | None, category: str = "", keep: Callable[[P], bool] = bool
) -> dict[object, dict]:
    rows: dict[object, dict] = {}
    for p in PAPERS:
        if not keep(p):
            continue
        r = rows.setdefault(
            group(p) if group else None,
            dict.fromkeys(("n", "count", "n_failed", "n_not_assessed"), 0),
        )
        if p.status != "ok":
            r["n_failed"] += 1
        elif not p.assessed:
            r["n_not_assessed"] += 1
        else:
            r["n"] += 1
            r["count"] += (category in p.categories) if category else p.uses
    return rows


def assert_prevalence_row(row: dict, want: dict, calibration_category: str) -> None:
    for key in ("n", "count", "n_failed", "n_not_assessed"):
        assert row[key] == want[key], key
    n, k = want["n"], want["count"]
    if n == 0:
        assert row["proportion"] is None and row["wilson_low"] is None
        return
    assert row["proportion"] == pytest.approx(k / n)
    assert (row["wilson_low"], row["wilson_high"]) == pytest.approx(wilson(k, n))
    cal = newest_calibration(calibration_category)
    shipped = cal is None
    if shipped:
        # no eval in the database: the rates the package ships, measured cross-source
        default = shipped_calibration(calibration_category)
        cal = (default.tp, default.fn, default.tn, default.fp)
    tp, fn, tn, fp = cal
    assert row["sensitivity"] == pytest.approx(tp / (tp + fn) if tp + fn else None)
    assert row["specificity"] == pytest.approx(tn / (tn + fp))
    if tp + fn < 5:
        assert row["corrected"] is None and row["corrected_low"] is None
        assert row["calibration"] == f"only {tp + fn} labelled positive papers (need 5)"
        return
    got = (row["corrected"], row["corrected_low"], row["corrected_high"])
    assert got == pytest.approx(corrected(k, n, tp, fn, tn, fp))
    if shipped:
        assert row["calibration"].startswith("shipped default, measured cross-source")
        assert "not on your corpus" in row["calibration"]
    else:
        assert row["calibration"].startswith("eval ")
        assert f", {tp + fn + tn + fp} labelled papers; sensitivity" in row["calibration"]


def finding_key(finding_id: str) -> tuple[str, int]:
    """(paper key, ordinal) of a finding_id (the paper_id's first 16 characters:ordinal)."""
    prefix, ordinal = finding_id.split(":")
    return next(p.key for p in PAPERS if p.paper_id.startswith(prefix)), int(ordinal)


def lower(text: str | None) -> str | None:
    return text.lower() if text else None


# -- headers ----------------------------------------------------------------------------------
def test_every_query_file_is_documented():
    files = sorted(p.stem for p in (ROOT / "queries").glob("*.sql"))
    queries = list_queries()
    assert [q.name for q in queries] == files and len(files) >= 13
    for q in queries:
        assert q.title and len(q.description) > 40, q.name
        assert q.columns and all(q.columns), q.name
        for p in q.params:
            assert p.description, f"{q.name}: parameter {p.name} has no description"
        assert q.name not in ("list", "run"), "would be shadowed by a `synthwatch query` command"


def test_installed_package_holds_every_query_file():
    shipped = {e.name for e in resources.files("pipeline.queries").iterdir()}
    assert {p.name for p in (ROOT / "queries").glob("*.sql")} <= shipped


def test_pyproject_ships_queries_and_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["pipeline.queries"] == "queries"
    assert "*.sql" in config["package-data"]["pipeline.queries"]
    packages = {
        ".".join(d.relative_to(ROOT).parts)
        for d in (ROOT / "pipeline").rglob("*")
        if d.is_dir() and (d / "__init__.py").exists()
    }
    assert packages | {"pipeline", "pipeline.queries"} <= set(config["packages"])


HEADER = "-- title: T\n-- description: D\n-- columns: a\n"


@pytest.mark.parametrize(
    "text,message",
    [
        ("-- description: D\n-- columns: a\nSELECT 1", "no title"),
        ("-- title: T\n-- columns: a\nSELECT 1", "no description"),
        ("-- title: T\n-- description: D\nSELECT 1", "no columns"),
        (HEADER + "SELECT $x", "undocumented parameter"),
        (HEADER + "-- param x: 0 — help\nSELECT 1", "never used"),
        (HEADER + "-- param x: 0\nSELECT $x", "needs a default and a description"),
        (HEADER + "-- param x: zero — help\nSELECT $x", "not a SQL literal"),
        (HEADER + "-- stats: median\nSELECT 1", "unknown stats"),
        (HEADER + "-- colour: red\nSELECT 1", "header line 4"),
        (HEADER + "-- param: 0 — help\nSELECT 1", "header line 4"),
        ("-- title x: T\n-- description: D\n-- columns: a\nSELECT 1", "header line 1"),
        (HEADER, "no SQL"),
    ],
)
def test_header_without_what_a_reader_needs_is_refused(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query("q", text)


def test_header_continuation_lines_and_typed_defaults():
    q = parse_query(
        "q",
        "-- title: T\n-- description: one\n--   two\n-- columns: a,\n--   b\n"
        "-- param s: 'it''s' — text\n-- param i: 3 — number\n-- param b: true — flag\n"
        "-- param r: required — must\nSELECT $s, $i, $b, $r, '$notaparam'",
    )
    assert q.description == "one two" and q.columns == ("a", "b")
    assert [(p.name, p.type, p.default, p.required) for p in q.params] == [
        ("s", str, "it's", False),
        ("i", int, 3, False),
        ("b", bool, True, False),
        ("r", str, None, True),
    ]
    assert q.bind({"r": "x", "i": "7", "b": "no"}) == {"s": "it's", "i": 7, "b": False, "r": "x"}


def test_prevalence_statistics_need_the_counts_they_correct(con):
    query = parse_query(
        "bad", "-- title: T\n-- description: D\n-- stats: prevalence\n-- columns: n\nSELECT 1 AS n"
    )
    with pytest.raises(QueryError, match="must return count, proportion"):
        STATS[query.stats](con.execute(query.sql).df())


def test_unknown_query_names_the_known_ones():
    with pytest.raises(QueryError, match=r"no canned query 'nope'.*prevalence_by_year"):
        load_query("nope")


def test_unknown_parameter_names_the_allowed_ones(con):
    with pytest.raises(QueryError, match="has no parameter colour; its parameters: phrase, stance"):
        run_query(con, "search", {"phrase": "x", "colour": "red"})


@pytest.mark.parametrize(
    "name,params,message",
    [
        ("prevalence_by_year", {"year_from": "twenty"}, "must be an integer"),
        ("prevalence_by_year", {"year_from": 2020.5}, "must be an integer"),
        ("top_generators", {"limit": True}, "must be an integer"),
        ("search", {}, "needs a value for parameter phrase"),
        ("paper", {"id": None}, "must be text"),
    ],
)
def test_bad_parameter_values_are_refused(con, name, params, message):
    with pytest.raises(QueryError, match=message):
        run_query(con, name, params)


# -- answers on the known database ------------------------------------------------------------
@checks("prevalence")
def test_prevalence_counts_and_corrects(con):
    [row] = records(run_query(con, "prevalence", {}))
    want = expected_prevalence(None)[None]
    assert (want["n"], want["count"], want["n_failed"], want["n_not_assessed"]) == (11, 7, 3, 1)
    assert_prevalence_row(row, want, "any")
    assert list(run_query(con, "prevalence", {}).columns) == list(load_query("prevalence").columns)


@checks("prevalence_by_year")
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "llm_text"},
        {"category": "generated_media"},
        {"category": "simulated_participants"},
        {"field": "MEDICINE"},
        {"venue": "journal a", "year_from": 2022, "year_to": 2022},
        {"year_from": 2023},
    ],
)
def test_prevalence_by_year(con, params):
    category, field = params.get("category", ""), params.get("field", "")
    venue = params.get("venue", "")
    y0, y1 = params.get("year_from", 0), params.get("year_to", 0)

    def keep(p: P) -> bool:
        return (
            (not field or lower(p.field) == field.lower())
            and (not venue or lower(p.venue) == venue.lower())
            and (not y0 or (p.year is not None and p.year >= y0))
            and (not y1 or (p.year is not None and p.year <= y1))
        )

    want = expected_prevalence(lambda p: p.year, category, keep)
    rows = records(run_query(con, "prevalence_by_year", params))
    assert [r["year"] for r in rows] == sorted(want, key=lambda y: (y is None, y or 0))
    for row in rows:
        assert_prevalence_row(row, want[row["year"]], category or "any")


def test_prevalence_by_year_counts_failed_and_not_assessed_beside_n(con):
    rows = {r["year"]: r for r in records(run_query(con, "prevalence_by_year", {}))}
    assert (rows[2022]["n"], rows[2022]["n_failed"]) == (3, 1)  # f01 has a manifest year
    assert (rows[2023]["n"], rows[2023]["n_failed"], rows[2023]["n_not_assessed"]) == (3, 1, 1)
    assert (rows[None]["n"], rows[None]["n_failed"]) == (1, 1)  # p10; f02 has no metadata


@checks("prevalence_by_field")
@pytest.mark.parametrize("params", [{}, {"category": "llm_text"}, {"venue": "Conf D"}])
def test_prevalence_by_field_groups_case_insensitively(con, params):
    venue = params.get("venue", "")
    want = expected_prevalence(
        lambda p: lower(p.field),
        params.get("category", ""),
        lambda p: not venue or lower(p.venue) == venue.lower(),
    )
    rows = records(run_query(con, "prevalence_by_field", params))
    assert [lower(r["field"]) for r in rows] == sorted(want, key=lambda f: (f is None, f or ""))
    for row in rows:
        assert_prevalence_row(row, want[lower(row["field"])], params.get("category") or "any")


@checks("prevalence_by_venue")
@pytest.mark.parametrize("params", [{}, {"field": "medicine"}, {"year_to": 2022}])
def test_prevalence_by_venue(con, params):
    field, y1 = params.get("field", ""), params.get("year_to", 0)
    want = expected_prevalence(
        lambda p: lower(p.venue),
        "",
        lambda p: (
            (not field or lower(p.field) == field)
            and (not y1 or (p.year is not None and p.year <= y1))
        ),
    )
    rows = records(run_query(con, "prevalence_by_venue", params))
    assert sorted(lower(r["venue"]) or "" for r in rows) == sorted(v or "" for v in want)
    assert rows[-1]["venue"] is None or None not in want  # papers without a venue come last
    ns = [r["n"] for r in rows if r["venue"] is not None]
    assert ns == sorted(ns, reverse=True)
    for row in rows:
        assert_prevalence_row(row, want[lower(row["venue"])], "any")
    if not params:
        journal_a = next(r for r in rows if lower(r["venue"]) == "journal a")
        assert (journal_a["n"], journal_a["count"], journal_a["n_failed"]) == (3, 2, 1)


@checks("by_category")
@pytest.mark.parametrize("params", [{}, {"field": "computer science"}])
def test_by_category_uses_each_categorys_calibration(con, params):
    field = params.get("field", "")
    rows = records(run_query(con, "by_category", params))
    assert sorted(r["category"] for r in rows) == sorted(CATEGORIES)
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    for row in rows:
        want = expected_prevalence(
            None, row["category"], lambda p: not field or lower(p.field) == field
        )[None]
        assert_prevalence_row(row, want, row["category"])
    by_name = {r["category"]: r for r in rows}
    if not params:
        assert by_name["llm_text"]["count"] == 3 and by_name["llm_text"]["corrected"] is not None
        assert by_name["generated_media"]["calibration"].startswith("only 2 labelled positive")


def test_prevalence_without_calibration_uses_the_shipped_cross_source_rates(tmp_path):
    db = build(tmp_path / "nocal.duckdb", calibrations=())
    con = connect_readonly(db)
    try:
        [row] = records(run_query(con, "prevalence", {}))
        default = shipped_calibration("any")
        assert row["sensitivity"] == pytest.approx(default.sensitivity)
        assert row["corrected"] is not None
        assert row["calibration"].startswith("shipped default, measured cross-source")
        # the rates carry their intervals and say what they rest on
        assert "sensitivity" in row["calibration"] and "labelled papers of" in row["calibration"]
        for name in ("prevalence_by_year", "by_category"):
            frame = run_query(con, name, {})
            assert all(c.startswith(("shipped default", "only ")) for c in frame["calibration"])
    finally:
        con.close()


def best_use(p: P, prefer: Callable = lambda f: 0):
    """The evidence a paper listing quotes: the paper's own statement (results, methods,
    abstract before the introduction, as pipeline.detect.evidence orders them), then the most
    confident, then the first."""
    uses = [(i, f) for i, f in enumerate(p.findings) if f.stance == "use"]

    def rank(f) -> int:
        return -EVIDENCE_SECTIONS.index(f.section) if f.section in EVIDENCE_SECTIONS else -99

    return max(uses, key=lambda t: (prefer(t[1]), rank(t[1]), t[1].confidence, -t[0]))[1]


def assert_evidence(row: dict, f) -> None:
    assert (row["evidence"], row["section"], row["page"]) == (f.sentence, f.section, f.page)
    assert row["confidence"] == pytest.approx(f.confidence)


@checks("high_concern")
@pytest.mark.parametrize(
    "params,keys",
    [
        ({}, {"p01", "p04", "p05"}),
        ({"field": "Medicine"}, {"p01", "p04"}),
        ({"category": "simulated_participants"}, {"p05"}),
        ({"year_from": 2023, "year_to": 2023}, {"p04", "p05"}),
    ],
)
def test_high_concern_with_reasons_and_best_evidence(con, params, keys):
    rows = records(run_query(con, "high_concern", params))
    papers = {p.paper_id: p for p in PAPERS}
    assert {papers[r["paper_id"]].key for r in rows} == keys
    for row in rows:
        p = papers[row["paper_id"]]
        assert row["reasons"] == list(p.reasons) and row["title"] == f"Paper {p.key}"
        assert_evidence(row, best_use(p))


@checks("medical_training_without_real_check")
def test_medical_training_without_real_check_prefers_training_evidence(con):
    rows = records(run_query(con, "medical_training_without_real_check", {}))
    papers = {p.paper_id: p for p in PAPERS}
    want = {
        p.key
        for p in PAPERS
        if p.assessed
        and p.medical
        and p.uses
        and "training" in p.roles
        and p.real_data_check == "not_found"
    }
    assert {papers[r["paper_id"]].key for r in rows} == want == {"p01", "p04"}
    for row in rows:
        p = papers[row["paper_id"]]
        assert_evidence(row, best_use(p, lambda f: "training" in f.roles))
    p04 = next(r for r in rows if papers[r["paper_id"]].key == "p04")
    assert p04["section"] == "methods"  # the training sentence, not the likelier abstract one


@checks("participants_replaced")
def test_participants_replaced_quotes_the_simulated_participants_sentence(con):
    [row] = records(run_query(con, "participants_replaced", {}))
    p = next(p for p in PAPERS if p.key == "p05")
    assert row["paper_id"] == p.paper_id and row["concern"] == "high"
    assert_evidence(row, best_use(p, lambda f: f.category == "simulated_participants"))
    assert records(run_query(con, "participants_replaced", {"year_from": 2024})) == []


@checks("buried_disclosure")
def test_buried_disclosure_lists_use_found_only_outside_the_abstract(con):
    rows = records(run_query(con, "buried_disclosure", {}))
    papers = {p.paper_id: p for p in PAPERS}
    want = {p.key for p in PAPERS if p.uses and p.in_abstract is False}
    assert {papers[r["paper_id"]].key for r in rows} == want == {"p02", "p05", "p08"}
    for row in rows:
        p = papers[row["paper_id"]]
        uses = [f for f in p.findings if f.stance == "use"]
        assert row["n_use_findings"] == len(uses)
        assert row["sections"] == sorted({f.section for f in uses})
        assert "abstract" not in row["sections"]
        assert_evidence(row, best_use(p))
    medicine = records(run_query(con, "buried_disclosure", {"field": "medicine"}))
    assert [papers[r["paper_id"]].key for r in medicine] == ["p02"]


def expected_generators(category: str = "") -> list[tuple]:
    users = [p for p in PAPERS if p.uses and (not category or category in p.categories)]
    found: dict[str, dict] = {}
    for p in users:
        for f in p.findings:
            if f.stance != "use" or (category and f.category != category):
                continue
            for g in f.generators:
                if g not in p.generators:
                    continue
                e = found.setdefault(
                    g, {"papers": set(), "findings": 0, "cats": set(), "years": set()}
                )
                e["papers"].add(p.key)
                e["findings"] += 1
                e["cats"].add(f.category)
                e["years"].add(p.year)
    rows = [
        (
            g,
            len(e["papers"]),
            len(e["papers"]) / len(users),
            e["findings"],
            sorted(e["cats"]),
            min((y for y in e["years"] if y), default=None),
            max((y for y in e["years"] if y), default=None),
        )
        for g, e in found.items()
    ]
    return sorted(rows, key=lambda r: (-r[1], -r[3], r[0]))


@checks("top_generators")
@pytest.mark.parametrize("params", [{}, {"category": "llm_text"}, {"limit": 2}, {"limit": 0}])
def test_top_generators_counts_named_generators_of_use_findings(con, params):
    want = expected_generators(params.get("category", ""))
    if params.get("limit"):
        want = want[: params["limit"]]
    rows = records(run_query(con, "top_generators", params))
    got = [
        (
            r["generator"],
            r["papers"],
            r["share"],
            r["findings"],
            r["categories"],
            r["first_year"],
            r["last_year"],
        )
        for r in rows
    ]
    assert [g[0] for g in got] == [w[0] for w in want]
    for g, w in zip(got, want, strict=True):
        assert g[2] == pytest.approx(w[2])
        assert (g[1], g[3], g[4], g[5], g[6]) == (w[1], w[3], w[4], w[5], w[6])
    assert "Claude" not in [g[0] for g in got] and "GAN" not in [g[0] for g in got]


@checks("paper")
@pytest.mark.parametrize(
    "id_,key",
    [
        ("https://doi.org/10.1000/p01", "p01"),  # stored as 10.1000/P01
        ("10.1000/P07", "p07"),
        ("p02.pdf", "p02"),
        ("/corpus/p04.pdf", "p04"),
    ],
)
def test_paper_by_doi_path_or_id_returns_every_finding_in_order(con, id_, key):
    p = next(p for p in PAPERS if p.key == key)
    for ident in (id_, p.paper_id, p.paper_id[:16]):
        rows = records(run_query(con, "paper", {"id": ident}))
        assert {r["paper_id"] for r in rows} == {p.paper_id}
        assert [r["ordinal"] for r in rows] == list(range(len(p.findings)))
        assert [r["sentence"] for r in rows] == [f.sentence for f in p.findings]
        assert [r["stance"] for r in rows] == [f.stance for f in p.findings]


def test_paper_without_findings_or_unreadable_is_one_row_and_unknown_is_none(con):
    [failed] = records(run_query(con, "paper", {"id": "f01.pdf"}))
    assert failed["status"] == "failed" and failed["error"] == "truncated PDF: repair it"
    assert failed["finding_id"] is None
    [quiet] = records(run_query(con, "paper", {"id": "10.1000/p09"}))
    assert quiet["status"] == "ok" and quiet["sentence"] is None
    assert records(run_query(con, "paper", {"id": "10.9999/none"})) == []


@checks("search")
@pytest.mark.parametrize(
    "params,keys",
    [
        # (paper key, ordinal) of every sentence each search must find; more in test_search.py
        ({"phrase": "SYNTHETIC records"}, {("p02", 1)}),
        (
            {"phrase": "synthetic", "stance": "use"},
            {("p02", 0), ("p02", 1), ("p04", 1), ("p10", 0)},
        ),
        (
            {"phrase": "gpt-4", "category": "llm_text"},
            {("p01", 0), ("p01", 1), ("p01", 2), ("p07", 0)},
        ),
        ({"phrase": "model's 50%"}, {("p02", 1)}),
        ({"phrase": '"synthetic minority"'}, {("p10", 0)}),
        ({"phrase": "survey respondents"}, set()),
        ({"phrase": "respondent"}, {("p05", 1)}),
    ],
)
def test_search_finds_every_word_in_any_order_and_case(con, params, keys):
    rows = records(run_query(con, "search", params))
    assert {finding_key(r["finding_id"]) for r in rows} == keys
    assert all(r["matched"] == "sentence" for r in rows)
    assert all(r["page"] is None or r["page"] >= 1 for r in rows)


def test_search_phrase_with_sql_in_it_is_only_a_value(con, known_db):
    for phrase in ("x'; DROP TABLE papers; --", "x' OR '1'='1", "$phrase", "_"):
        assert records(run_query(con, "search", {"phrase": phrase})) == []
    assert con.execute("SELECT count(*) FROM papers").fetchall() == [(len(PAPERS),)]


@checks("failures")
@pytest.mark.parametrize("status", ["", "timeout", "no_text"])
def test_failures_lists_unreadable_papers_with_their_error(con, status):
    want = sorted(
        (p.path, p.status, p.error)
        for p in PAPERS
        if p.status != "ok" and (not status or p.status == status)
    )
    rows = records(run_query(con, "failures", {"status": status}))
    assert sorted((r["source_path"], r["status"], r["error"]) for r in rows) == want
    assert all(r["paths"] == [r["source_path"]] for r in rows)


@checks("not_assessed")
@pytest.mark.parametrize("language,expected", [("", ["pt1"]), ("PT", ["pt1"]), ("es", [])])
def test_not_assessed_lists_papers_in_other_languages(con, language, expected):
    rows = records(run_query(con, "not_assessed", {"language": language}))
    assert [r["source_path"] for r in rows] == [f"/corpus/{k}.pdf" for k in expected]
    assert all(r["reasons"] == ["language not supported: pt"] for r in rows)


def census_reviews(db: Path, path: Path) -> Path:
    """A reviews file over ``db``: every assessed paper sampled, answered with its verdict."""
    con = connect_readonly(db)
    try:
        papers = assessed_papers(con)
    finally:
        con.close()
    drawn = draw(papers, design(papers, ("verdict",), n=len(papers)), seed=1)
    with ReviewStore(path, database=db) as store:
        store.save_sample(drawn, ("verdict",), 1)
        answer = {True: "yes", False: "no"}
        store.import_reviews([Review(p.paper_id, "t", answer[p.detected]) for p in papers])
    return path


@pytest.fixture
def reviews(known_db, tmp_path) -> Path:
    return census_reviews(known_db, tmp_path / "reviews.duckdb")


@checks("prevalence_validated")
@checks("prevalence_validated_by_year")
@checks("prevalence_validated_by_field")
@checks("prevalence_validated_by_category")
def test_validated_queries_on_a_census_that_agrees_with_the_detector(con, reviews):
    """Reviews that confirm every verdict: the validated prevalence is the detector's, exactly,
    with no sampling error, precision and recall 1 (tests/review checks the estimator)."""
    [row] = records(run_query(con, "prevalence_validated", reviews=reviews))
    [plain] = records(run_query(con, "prevalence"))
    assert row["estimate"] == pytest.approx(plain["proportion"])
    assert row["ci_low"] == row["ci_high"] == row["estimate"]
    assert (row["precision"], row["recall"]) == (1, 1)
    years = records(run_query(con, "prevalence_validated_by_year", reviews=reviews))
    plain_years = records(run_query(con, "prevalence_by_year"))
    assert [(r["year"], r["n"]) for r in years] == [
        (r["year"], r["n"]) for r in plain_years if r["n"]
    ]
    fields = records(run_query(con, "prevalence_validated_by_field", reviews=reviews))
    assert sum(r["n"] for r in fields) == plain["n"]
    categories = records(run_query(con, "prevalence_validated_by_category", reviews=reviews))
    assert {r["category"] for r in categories} == set(CATEGORIES)
    with pytest.raises(UsageError, match="needs a reviews file"):
        run_query(con, "prevalence_validated")


def test_every_query_is_checked_against_known_answers():
    assert {q.name for q in list_queries()} == CHECKED


def default_params(con, name: str) -> dict[str, str]:
    q = load_query(name)
    if q.param("id"):
        return {"id": con.execute("SELECT min(paper_id) FROM papers").fetchall()[0][0]}
    if q.param("phrase"):
        return {"phrase": "synthetic"}
    return {}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_query_returns_its_documented_columns(con, name, reviews):
    frame = run_query(con, name, default_params(con, name), reviews=reviews)
    assert list(frame.columns) == list(load_query(name).columns)


def test_query_file_runs_in_a_plain_duckdb_session_with_prepare(known_db):
    # What the README tells duckdb shell users: PREPARE the file, EXECUTE it with the params.
    text = (ROOT / "queries" / "prevalence_by_year.sql").read_text()
    con = duckdb.connect(str(known_db), read_only=True)
    try:
        con.execute("PREPARE prevalence_by_year AS " + text)
        rows = con.execute(
            "EXECUTE prevalence_by_year(category := '', exclude := '', field := '', "
            "venue := '', year_from := 0, year_to := 0)"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == len(expected_prevalence(lambda p: p.year))


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_query_runs_on_the_scanned_shared_corpus(corpus_db, name, tmp_path):
    reviews = census_reviews(corpus_db, tmp_path / "reviews.duckdb")
    con = connect_readonly(corpus_db)
    try:
        frame = run_query(con, name, default_params(con, name), reviews=reviews)
    finally:
        con.close()
    assert list(frame.columns) == list(load_query(name).columns)
    if name == "prevalence":
        [row] = records(frame)
        assert row["n"] > 400 and 0 < row["count"] < row["n"]
        assert row["wilson_low"] < row["proportion"] < row["wilson_high"]


# -- enumerated parameters: a value outside its list is refused, never answered with zero -------
@pytest.mark.parametrize(
    "name,params,message",
    [
        ("prevalence", {"category": "llm"}, r"'llm' is not a category \(did you mean llm_text\?\)"),
        (
            "prevalence_by_year",
            {"exclude": "simulation,simulaton"},
            "'simulaton' is not a category",
        ),
        ("by_category", {"exclude": "nope"}, "valid: llm_text, model_labels, generated_media"),
        ("search", {"phrase": "x", "stance": "used"}, "'used' is not a stance"),
        ("search", {"phrase": "x", "section": "method"}, "'method' is not a section"),
        ("failures", {"status": "ok"}, "valid: failed, no_text, timeout, skipped"),
        ("not_assessed", {"language": "xx"}, "'xx' is not a language code"),
        ("high_concern", {"category": "llm_text,simulation"}, "is not a category"),
        ("prevalence", {"category": "simulation", "exclude": "simulation"}, "also in exclude"),
    ],
)
def test_values_outside_a_parameters_list_are_refused_with_the_valid_ones(
    con, name, params, message
):
    with pytest.raises(ParameterError, match=message) as caught:
        run_query(con, name, params)
    assert isinstance(caught.value, QueryError) and isinstance(caught.value, UsageError)


def test_enumerations_come_from_the_taxonomy_and_store_constants():
    assert load_query("prevalence").param("category").choices == CATEGORIES
    assert load_query("search").param("stance").choices == STANCES
    assert "ok" not in load_query("failures").param("status").choices
    assert set(load_query("failures").param("status").choices) < set(STATUSES)
    assert load_query("prevalence").param("exclude").many


def test_enumerated_values_are_normalised_and_lists_sorted():
    query = load_query("prevalence")
    bound = query.bind({"category": " LLM_Text ", "exclude": ""})
    assert bound["category"] == "llm_text" and bound["exclude"] == ""
    bound = query.bind({"exclude": " Simulation , oversampling,simulation,"})
    assert bound["exclude"] == "oversampling,simulation"
    assert query.bind({"exclude": ["simulation", "oversampling"]})["exclude"] == (
        "oversampling,simulation"
    )


@pytest.mark.parametrize(
    "text,message",
    [
        (HEADER + "-- param category: 0 — n\nSELECT $category", "must be text from that list"),
        (HEADER + "-- param stance: 'used' — s\nSELECT $stance", "must be text from that list"),
        (HEADER + "-- show: a, b\nSELECT 1", "show names column"),
        (HEADER + "-- once: z\nSELECT 1", "once names column"),
        (HEADER + "-- builder: magic\nSELECT 1", "unknown builder"),
    ],
)
def test_header_with_a_bad_list_default_show_or_builder_is_refused(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query("q", text)


# -- exclude: the headline without simulation ------------------------------------------------
def expected_excluding(exclude: set[str], group=None) -> dict[object, dict]:
    rows: dict[object, dict] = {}
    for p in PAPERS:
        r = rows.setdefault(
            group(p) if group else None,
            dict.fromkeys(("n", "count", "n_failed", "n_not_assessed"), 0),
        )
        if p.status != "ok":
            r["n_failed"] += 1
        elif not p.assessed:
            r["n_not_assessed"] += 1
        else:
            r["n"] += 1
            r["count"] += p.uses and any(c not in exclude for c in p.categories)
    return rows


@pytest.mark.parametrize(
    "name,group",
    [
        ("prevalence", None),
        ("prevalence_by_year", lambda p: p.year),
        ("prevalence_by_field", lambda p: lower(p.field)),
        ("prevalence_by_venue", lambda p: lower(p.venue)),
    ],
)
def test_exclude_counts_a_paper_only_for_a_use_outside_the_excluded_categories(con, name, group):
    want = expected_excluding({"simulation"}, group)
    rows = records(run_query(con, name, {"exclude": "simulation"}))
    key = {"prevalence": None, "prevalence_by_year": "year"}.get(name, name.split("_")[-1])
    for row in rows:
        got = row[key] if key else None
        got = lower(got) if isinstance(got, str) else got
        for column in ("n", "count", "n_failed", "n_not_assessed"):
            assert row[column] == want[got][column], (got, column)
        # no eval row for the question in the database: the shipped cross-source one
        assert row["calibration"].startswith("shipped default, measured cross-source")
        assert row["sensitivity"] == pytest.approx(
            shipped_calibration("any excluding simulation").sensitivity
        )
    everything = records(run_query(con, "prevalence", {}))[0]["count"]
    assert records(run_query(con, "prevalence", {"exclude": "simulation"}))[0]["count"] == (
        everything - 1  # p08, a simulation study and nothing else
    )
    both = expected_excluding({"simulation", "oversampling"})[None]["count"]
    assert (
        records(run_query(con, "prevalence", {"exclude": "oversampling,simulation"}))[0]["count"]
        == both
        == everything - 2
    )


def test_exclude_uses_a_calibration_measured_for_that_question_when_there_is_one(tmp_path):
    rows = (*CALIBRATIONS, (PATTERNS_VERSION, "any excluding simulation", 20, 2, 150, 3))
    db = build(tmp_path / "cal.duckdb", calibrations=rows)
    con = connect_readonly(db)
    try:
        [row] = records(run_query(con, "prevalence", {"exclude": "simulation"}))
    finally:
        con.close()
    assert row["sensitivity"] == pytest.approx(20 / 22) and row["corrected"] is not None
    assert "175 labelled papers;" in row["calibration"]


def test_by_category_leaves_the_excluded_categories_out(con):
    rows = records(run_query(con, "by_category", {"exclude": "simulation,oversampling"}))
    assert sorted(r["category"] for r in rows) == sorted(
        set(CATEGORIES) - {"simulation", "oversampling"}
    )
    full = {r["category"]: r["count"] for r in records(run_query(con, "by_category", {}))}
    assert all(r["count"] == full[r["category"]] for r in rows)
