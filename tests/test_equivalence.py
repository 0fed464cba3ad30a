"""benchmarks/equivalence.py: two scans compared table by table, row for row."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DEMO, ROOT, scan_into

_SCRIPT = ROOT / "benchmarks" / "equivalence.py"
_SPEC = importlib.util.spec_from_file_location("equivalence", _SCRIPT)
assert _SPEC is not None and _SPEC.loader is not None
equivalence = importlib.util.module_from_spec(_SPEC)
sys.modules["equivalence"] = equivalence
_SPEC.loader.exec_module(equivalence)


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory) -> tuple[Path, Path]:
    """The demo corpus scanned twice, into two databases (other run ids, other timestamps)."""
    folder = tmp_path_factory.mktemp("equivalence")
    first, second = folder / "first.duckdb", folder / "second.duckdb"
    scan_into(first, [DEMO])
    scan_into(second, [DEMO], workers=1)
    return first, second


def test_two_scans_of_the_same_papers_are_equivalent(two_scans):
    first, second = two_scans
    assert equivalence.compare(first, second) == []


def test_a_changed_finding_is_reported_with_its_rows(two_scans, tmp_path):
    first, second = two_scans
    changed = tmp_path / "changed.duckdb"
    shutil.copy(second, changed)
    con = duckdb.connect(str(changed))
    try:
        (finding_id,) = con.execute("SELECT min(finding_id) FROM findings").fetchone()
        con.execute("UPDATE findings SET stance = 'mention' WHERE finding_id = ?", [finding_id])
    finally:
        con.close()
    problems = equivalence.compare(first, changed)
    assert problems[0].startswith("findings: ")
    assert "1 only in the reference, 1 only in the new scan" in problems[0]
    assert any(line.startswith("  new: ") and "'mention'" in line for line in problems)
    assert not any(line.startswith("papers") for line in problems)


def test_a_changed_verdict_column_is_reported(two_scans, tmp_path):
    first, second = two_scans
    changed = tmp_path / "changed.duckdb"
    shutil.copy(second, changed)
    con = duckdb.connect(str(changed))
    try:
        con.execute(
            "UPDATE papers SET concern = 'changed' "
            "WHERE paper_id = (SELECT min(paper_id) FROM papers)"
        )
    finally:
        con.close()
    summaries = [p for p in equivalence.compare(first, changed) if not p.startswith("  ")]
    assert len(summaries) == 1
    assert summaries[0].startswith("papers: ")
    assert summaries[0].endswith("1 only in the reference, 1 only in the new scan")
