"""``synthwatch export``: every column, lists kept, read back with DuckDB."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.cli.export import LIST_COLUMNS, export_connection
from pipeline.store import FINDING_COLUMNS, PAPER_COLUMNS

KEYS = {"papers": "paper_id", "findings": "finding_id"}
COLUMNS = {"papers": PAPER_COLUMNS, "findings": FINDING_COLUMNS}
READERS = {"parquet": "read_parquet", "jsonl": "read_json"}


def export(db: Path, table: str, fmt: str, out: Path):
    return CliRunner().invoke(
        main, ["export", "--table", table, "--format", fmt, "-o", str(out), "--db", str(db)]
    )


def stored(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        lists = ", ".join(LIST_COLUMNS[table])
        return con.execute(
            f"SELECT {KEYS[table]}, {lists} FROM {table} ORDER BY {KEYS[table]}"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("table", ["papers", "findings"])
@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_export_round_trips_rows_columns_and_lists(demo_db, tmp_path, table, fmt):
    out = tmp_path / f"{table}.{fmt}"
    result = export(demo_db, table, fmt, out)
    assert result.exit_code == 0, result.output
    assert f"row(s) written to {out}" in result.stderr
    con = duckdb.connect()
    rel = f"{READERS[fmt]}('{out}')"
    described = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    assert [r[0] for r in described] == list(COLUMNS[table])
    types = {r[0]: r[1] for r in described}
    for column in LIST_COLUMNS[table]:
        assert types[column] == "VARCHAR[]", column
    lists = ", ".join(LIST_COLUMNS[table])
    back = con.execute(f"SELECT {KEYS[table]}, {lists} FROM {rel} ORDER BY 1").fetchall()
    assert back == stored(demo_db, table)


def test_export_csv_writes_lists_as_json_arrays(demo_db, tmp_path):
    out = tmp_path / "findings.csv"
    assert export(demo_db, "findings", "csv", out).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(FINDING_COLUMNS)
    by_id = {r["finding_id"]: r for r in rows}
    expected = stored(demo_db, "findings")
    assert len(rows) == len(expected)
    for finding_id, roles, generators, pattern_ids in expected:
        row = by_id[finding_id]
        assert json.loads(row["roles"]) == roles
        assert json.loads(row["generators"]) == generators
        assert json.loads(row["pattern_ids"]) == pattern_ids


def test_export_replaces_an_existing_file(demo_db, tmp_path):
    out = tmp_path / "papers.parquet"
    out.write_text("old")
    assert export(demo_db, "papers", "parquet", out).exit_code == 0
    n = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchall()[0][0]
    assert n == len(stored(demo_db, "papers"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers.parquet"]


def test_export_connection_may_write_only_the_output_file(demo_db, tmp_path):
    out = tmp_path / "out.parquet"
    con = export_connection(demo_db, out)
    try:
        for stmt in (
            "SELECT * FROM read_csv('/etc/passwd')",
            f"COPY papers TO '{tmp_path / 'other.csv'}'",
            "SET enable_external_access = true",
            "DELETE FROM papers",
            "INSTALL httpfs",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(stmt)
    finally:
        con.close()
    assert not (tmp_path / "other.csv").exists()


def test_export_of_a_missing_database_exits_2(tmp_path):
    result = export(tmp_path / "none.duckdb", "papers", "csv", tmp_path / "p.csv")
    assert result.exit_code == 2 and "synthwatch scan" in result.stderr
    assert not (tmp_path / "p.csv").exists()


def test_export_needs_table_and_format(demo_db, tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--table" in result.stderr
