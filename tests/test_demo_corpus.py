"""The demo corpus scanned end to end matches corpora/demo/expected.csv."""

from __future__ import annotations

import csv

import pytest

from pipeline.store import connect_readonly
from tests.conftest import DEMO

EXACT = (
    "status",
    "uses_synthetic",
    "categories",
    "medical",
    "participants_replaced",
    "in_abstract",
    "concern",
    "generators",
)
EXPECTED = list(csv.DictReader((DEMO / "expected.csv").open(encoding="utf-8")))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(sorted(value))
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


@pytest.fixture(scope="module")
def stored(demo_db):
    con = connect_readonly(demo_db)
    rel = con.execute("SELECT f.path, p.* FROM files f JOIN papers p USING (paper_id)")
    cols = [d[0] for d in rel.description]
    rows = {r[0]: dict(zip(cols, r, strict=True)) for r in rel.fetchall()}
    con.close()
    return {path.split("corpora/demo/", 1)[1]: row for path, row in rows.items()}


def test_every_demo_file_is_in_the_database(stored):
    assert sorted(stored) == sorted(row["file"] for row in EXPECTED)


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"] for r in EXPECTED])
def test_demo_paper_verdict_matches_expected(stored, row):
    got = stored[row["file"]]
    diffs = {c: (row[c], _as_text(got[c])) for c in EXACT if row[c] != _as_text(got[c])}
    assert not diffs, f"expected vs got: {diffs}"
    if row["status"] == "ok":
        assert got["language"] == row["language"]
        assert got["format"] == row["format"]
    else:
        assert got["error"], "a failed file must say why"


def test_evidence_sentence_of_each_demo_paper_is_a_finding(demo_db):
    con = connect_readonly(demo_db)
    rows = con.execute(
        "SELECT f.path, x.stance, x.sentence FROM files f JOIN findings x USING (paper_id)"
    ).fetchall()
    con.close()
    by_file: dict[str, list[tuple[str, str]]] = {}
    for path, stance, sentence in rows:
        by_file.setdefault(path.split("corpora/demo/", 1)[1], []).append((stance, sentence))
    for row in EXPECTED:
        if row["uses_synthetic"] != "1":
            continue
        uses = [s for stance, s in by_file.get(row["file"], []) if stance == "use"]
        assert any(row["evidence"] in s or s in row["evidence"] for s in uses), row["file"]


def _agreement(stored, column: str) -> float:
    positives = [r for r in EXPECTED if r["uses_synthetic"] == "1"]
    same = sum(r[column] == _as_text(stored[r["file"]][column]) for r in positives)
    return same / len(positives)


def test_roles_and_real_data_check_mostly_agree(stored):
    # roles are the fuzziest field; both are measured here so a regression shows
    assert _agreement(stored, "roles") >= 0.75
    assert _agreement(stored, "real_data_check") >= 0.9


def test_traps_and_negatives_give_no_use(stored):
    for row in EXPECTED:
        if row["uses_synthetic"] == "0":
            assert stored[row["file"]]["uses_synthetic"] is False, row["file"]


def test_same_input_and_version_give_byte_identical_findings(demo_db, tmp_path):
    from tests.conftest import scan_into

    again = tmp_path / "again.duckdb"
    scan_into(again, [DEMO], workers=1)
    dumps = []
    for db in (demo_db, again):
        con = connect_readonly(db)
        findings = con.execute("SELECT * FROM findings ORDER BY finding_id").fetchall()
        papers = con.execute(
            "SELECT * EXCLUDE (run_id, scanned_at, seconds) FROM papers ORDER BY paper_id"
        ).fetchall()
        con.close()
        dumps.append((repr(findings), repr(papers)))
    assert dumps[0] == dumps[1]
