"""The DuckDB store: schema, replace-on-rescan, versions, read-only connections."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.detect.model import Finding, Verdict
from pipeline.document import Metadata
from pipeline.errors import DatabaseLocked, SchemaTooNew, StoreError
from pipeline.results import PaperResult
from pipeline.store import FINDING_COLUMNS, PAPER_COLUMNS, SCHEMA_VERSION, Store, connect_readonly


def _finding(ordinal: int, stance: str = "use") -> Finding:
    return Finding(
        ordinal=ordinal,
        section="methods",
        page=2,
        char_start=10 * ordinal,
        char_end=10 * ordinal + 9,
        sentence=f"We generated synthetic data {ordinal}.",
        stance=stance,
        category="synthetic_other",
        roles=("training",),
        generators=("GPT-4",),
        pattern_ids=("synth.synthetic_data",),
        confidence=0.9,
    )


def _result(paper_id: str, n_findings: int, status: str = "ok") -> PaperResult:
    verdict = Verdict(
        language="en",
        assessed=True,
        uses_synthetic=n_findings > 0,
        categories=("synthetic_other",),
        roles=("training",),
        generators=("GPT-4",),
        medical=False,
        participants_replaced=False,
        real_data_check="not_found",
        in_abstract=False,
        concern="medium",
        reasons=("because",),
    )
    return PaperResult(
        paper_id=paper_id,
        source_path=f"/x/{paper_id}.pdf",
        status=status,
        n_bytes=100,
        format="pdf",
        extractor="pypdfium2",
        metadata=Metadata(title="T", authors=("A B",), doi="10.1/x", year=2024),
        language="en",
        n_pages=3,
        n_chars=1000,
        verdict=verdict,
        findings=tuple(_finding(i) for i in range(n_findings)),
    )


def _write(store: Store, *results: PaperResult) -> None:
    store.write(list(results), run_id="r1", version="0.1.0", patterns_version="p1")


def test_new_database_has_every_table_and_schema_version(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {"papers", "findings", "runs", "files", "calibration", "meta"} <= tables
    cols = [r[0] for r in con.execute("DESCRIBE papers").fetchall()]
    assert cols == list(PAPER_COLUMNS)
    assert [r[0] for r in con.execute("DESCRIBE findings").fetchall()] == list(FINDING_COLUMNS)
    version = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)


def test_rewriting_a_paper_replaces_its_rows_without_duplicates(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        _write(store, _result("a" * 64, 3), _result("b" * 64, 1))
        _write(store, _result("a" * 64, 2))
    con = connect_readonly(db)
    assert con.execute("SELECT count(*) FROM papers").fetchone() == (2,)
    rows = con.execute("SELECT paper_id, count(*) FROM findings GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("a" * 64, 2), ("b" * 64, 1)]


def test_lists_are_stored_as_lists(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        _write(store, _result("c" * 64, 1))
    con = connect_readonly(db)
    roles, gens, authors = con.execute(
        "SELECT f.roles, f.generators, p.authors FROM findings f JOIN papers p USING (paper_id)"
    ).fetchone()
    assert roles == ["training"] and gens == ["GPT-4"] and authors == ["A B"]


def test_failed_paper_is_stored_with_its_reason(tmp_path):
    db = tmp_path / "s.duckdb"
    bad = PaperResult(
        paper_id="d" * 64, source_path="/x/bad.pdf", status="failed", error="truncated PDF"
    )
    with Store(db) as store:
        _write(store, bad)
    con = connect_readonly(db)
    assert con.execute("SELECT status, error, concern FROM papers").fetchone() == (
        "failed",
        "truncated PDF",
        None,
    )


def test_read_only_connection_refuses_writes_and_file_access(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    con = connect_readonly(db)
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM papers")
    with pytest.raises(duckdb.Error, match="disabled"):
        con.execute("SELECT * FROM read_csv('/etc/passwd')")


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="run `synthwatch scan"):
        connect_readonly(tmp_path / "nope.duckdb")


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaTooNew, match="upgrade synthwatch"):
        Store(db)


def test_second_writer_fails_fast_with_lock_message(tmp_path):
    db = tmp_path / "s.duckdb"
    import subprocess
    import sys
    import textwrap

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pipeline.store import Store
            s = Store({str(db)!r})
            print('open', flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseLocked, match="one writer"):
            Store(db)
    finally:
        holder.kill()
        holder.wait()
