"""Databases written by older synthwatch versions: opened, migrated, and counted right."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.scan.discover import discover
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import SCHEMA_VERSION, Store, connect_readonly
from tests.conftest import DEMO

# Made by synthwatch 0.1.0 (schema 2) from a folder holding PAPERS:
#   synthwatch scan papers/fraud-smote.txt --db legacy.duckdb
#   synthwatch scan ./papers/../papers --db legacy.duckdb
# so one file has the rows "papers/fraud-smote.txt" and "papers/../papers/fraud-smote.txt".
LEGACY = Path(__file__).parent / "data" / "two-spellings-of-one-path-v2.duckdb.gz"
PAPERS = ("exam-timetabling-annealing.txt", "fraud-smote.txt", "tutoring-dialogues-llama2.txt")


def _legacy_db(folder: Path) -> Path:
    db = folder / "legacy.duckdb"
    with gzip.open(LEGACY) as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return db


def _papers(folder: Path) -> Path:
    papers = folder / "papers"
    papers.mkdir(parents=True)
    for name in PAPERS:
        shutil.copy(DEMO / "text" / name, papers / name)
    return papers


def _rows(db: Path, sql: str) -> list[tuple]:
    con = connect_readonly(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_fixture_is_a_schema_2_database_with_two_spellings_of_one_file(tmp_path: Path) -> None:
    db = _legacy_db(tmp_path)
    assert _rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    paths = [r[0] for r in _rows(db, "SELECT path FROM files ORDER BY path")]
    assert "papers/fraud-smote.txt" in paths and "papers/../papers/fraud-smote.txt" in paths
    assert len(paths) == 4


def test_migration_resolves_legacy_paths_and_keeps_one_row_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = _papers(tmp_path)
    db = _legacy_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    with Store(db):
        pass
    assert _rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    rows = _rows(db, "SELECT resolved, path FROM files ORDER BY resolved")
    # one row a file; `path` keeps the newest spelling
    assert rows == [(os.path.realpath(papers / n), f"papers/../papers/{n}") for n in PAPERS]
    assert _rows(db, "SELECT count(*) FROM papers") == [(3,)]


def test_rescan_of_a_migrated_database_by_absolute_path_adds_no_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = _papers(tmp_path)
    db = _legacy_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", str(papers), "--db", str(db), "--workers", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert _rows(db, "SELECT count(*) FROM files") == [(3,)]
    assert _rows(db, "SELECT count(*) FROM papers") == [(3,)]


def test_legacy_path_that_cannot_be_resolved_goes_when_its_file_is_scanned_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opened from a folder where "papers/..." does not exist: the paths stay relative
    # (normalised), and a later scan that records the file's resolved path replaces them.
    (tmp_path / "dbs").mkdir()
    db = _legacy_db(tmp_path / "dbs")
    monkeypatch.chdir(tmp_path / "dbs")
    with Store(db):
        pass
    assert sorted(r[0] for r in _rows(db, "SELECT resolved FROM files")) == [
        f"papers/{name}" for name in PAPERS
    ]
    papers = _papers(tmp_path / "elsewhere")
    with Store(db) as store:
        scan(list(discover([papers])), store, ScanOptions(workers=1))
    assert sorted(_rows(db, "SELECT resolved, path FROM files")) == [
        (os.path.realpath(papers / name), str(papers / name)) for name in PAPERS
    ]
