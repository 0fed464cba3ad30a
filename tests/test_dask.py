"""The Dask engine: a scan on a real LocalCluster stores the same rows as a local scan."""

from __future__ import annotations

import hashlib
import shutil
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.install import install_hint
from pipeline.scan import dask_engine
from pipeline.scan.dask_child import child_for
from pipeline.scan.dask_engine import DASK_HINT, ingest_shards, shard_folders, shard_root
from pipeline.scan.discover import discover
from pipeline.scan.pool import Limits
from pipeline.scan.run import ScanOptions, scan
from pipeline.scan.work import Settings, Task
from pipeline.store import SCHEMA_VERSION, Store, connect_readonly

# mixed formats, each under half a second to read, most of them with findings
PAPERS = (
    "pdf/vdslab__data_and_baselines_description.pdf",
    "pdf/sp__seung08.pdf",
    "pdf/hw__1610.05755.pdf",
    "pdf/unst__teaching-lm-reason.pdf",
    "jats/plos__journal.pone.0119074.xml",
    "jats/plos__journal.pbio.0030408.xml",
    "other/oastm__S0001870812002101.txt",
    "other/docling__2310.06825_main.tex",
    "other/researchmat__2402.04559_agent_trust.md",
    "other/s2d__10002293.json",
)
TIMEOUT_S = 5
# differ between any two runs by design
RUN_COLUMNS = ("run_id", "scanned_at", "seconds", "seen_at")


@pytest.fixture(scope="module")
def papers(tmp_path_factory, corpus):
    folder = tmp_path_factory.mktemp("papers")
    for rel in PAPERS:
        shutil.copy(corpus / rel, folder / rel.split("/")[-1])
    # far more than TIMEOUT_S of candidate sentences: must be stopped on both engines
    (folder / "huge.txt").write_text(
        "Methods\n\n" + "We generated synthetic data with GPT-4. " * 80_000
    )
    return folder


@pytest.fixture(scope="module")
def local_db(tmp_path_factory, papers):
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    with Store(db) as store:
        scan(list(discover([papers])), store, ScanOptions(workers=2, timeout_s=TIMEOUT_S))
    return db


@pytest.fixture(scope="module")
def dask_db(tmp_path_factory, papers):
    db = tmp_path_factory.mktemp("dask") / "dask.duckdb"
    args = ["scan", str(papers), "--db", str(db), "--engine", "dask", "--workers", "2"]
    result = CliRunner().invoke(main, [*args, "--timeout", str(TIMEOUT_S), "--format", "json"])
    assert result.exit_code == 0, result.output + str(result.exception)
    return db


def _table(db, table, order):
    con = connect_readonly(db)
    try:
        rel = con.execute(f"SELECT * FROM {table} ORDER BY {order}")
        names = [d[0] for d in rel.description]
        return [
            {k: v for k, v in zip(names, row, strict=True) if k not in RUN_COLUMNS}
            for row in rel.fetchall()
        ]
    finally:
        con.close()


def test_dask_scan_stores_the_same_papers_and_findings_as_a_local_scan(local_db, dask_db):
    local_papers = _table(local_db, "papers", "paper_id")
    dask_papers = _table(dask_db, "papers", "paper_id")
    assert len(dask_papers) == len(PAPERS) + 1
    assert {p["status"] for p in dask_papers} == {"ok", "timeout"}
    assert sum(p["n_findings"] for p in dask_papers) > 50
    for ours, theirs in zip(dask_papers, local_papers, strict=True):
        assert ours == theirs
    local_findings = _table(local_db, "findings", "finding_id")
    dask_findings = _table(dask_db, "findings", "finding_id")
    assert len(dask_findings) == len(local_findings)
    for ours, theirs in zip(dask_findings, local_findings, strict=True):
        assert ours == theirs


def test_dask_scan_times_out_a_paper_like_the_local_pool(dask_db):
    rows = _table(dask_db, "papers", "paper_id")
    stopped = [r for r in rows if r["status"] == "timeout"]
    assert [r["source_path"].rsplit("/", 1)[-1] for r in stopped] == ["huge.txt"]
    assert "--timeout" in stopped[0]["error"]


def test_reingesting_the_shards_adds_nothing(dask_db):
    root = shard_root(dask_db, None)
    shards = shard_folders(root)
    assert len(shards) >= 2  # the papers were spread over batches
    before = (_table(dask_db, "papers", "paper_id"), _table(dask_db, "findings", "finding_id"))
    with Store(dask_db) as store:
        again = ingest_shards(store, root)
        recorded = store.con.execute("SELECT count(*) FROM shards").fetchall()[0][0]
    assert (again.shards, again.papers, again.already) == (0, 0, len(shards))
    assert recorded == len(shards)
    after = (_table(dask_db, "papers", "paper_id"), _table(dask_db, "findings", "finding_id"))
    assert after == before


def test_shards_of_an_interrupted_run_are_ingested_once(tmp_path, dask_db):
    # a database that missed the ingest (the driver died): the shards alone restore the rows
    db = tmp_path / "recovered.duckdb"
    with Store(db) as store:
        first = ingest_shards(store, shard_root(dask_db, None))
        second = ingest_shards(store, shard_root(dask_db, None))
    assert first.papers == len(PAPERS) + 1 and first.findings > 50
    assert (second.shards, second.papers) == (0, 0)
    assert _table(db, "papers", "paper_id") == _table(dask_db, "papers", "paper_id")
    assert _table(db, "findings", "finding_id") == _table(dask_db, "findings", "finding_id")


def test_engine_dask_without_dask_installed_exits_1_with_install_hint(
    tmp_path, papers, monkeypatch
):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, ["scan", str(papers), "--db", str(db), "--engine", "dask"])
    assert result.exit_code == 1
    assert DASK_HINT.format(command=install_hint("dask")) in result.stderr


def test_scheduler_without_engine_dask_is_a_usage_error(tmp_path, papers):
    result = CliRunner().invoke(
        main, ["scan", str(papers), "--db", str(tmp_path / "s.duckdb"), "--scheduler", "x:1"]
    )
    assert result.exit_code == 2 and "--engine dask" in result.stderr


def test_unreachable_scheduler_exits_1_with_a_hint(tmp_path, papers, monkeypatch):
    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT_S", 2)  # nothing listens on port 9
    args = ["scan", str(papers), "--db", str(tmp_path / "s.duckdb"), "--engine", "dask"]
    result = CliRunner().invoke(main, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.stderr and "dask scheduler" in result.stderr


def test_a_version_1_database_is_migrated_to_have_the_shards_table(tmp_path):
    db = tmp_path / "v1.duckdb"
    with Store(db) as store:  # made as version 2, then taken back to what version 1 was
        store.con.execute("DROP TABLE shards")
        store.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(db) as store:
        version = store.con.execute("SELECT value FROM meta").fetchall()
        shards = store.con.execute("SELECT count(*) FROM shards").fetchall()
    assert (version, shards) == ([(str(SCHEMA_VERSION),)], [(0,)])


def test_a_worker_child_that_dies_fails_its_paper_and_is_replaced(corpus):
    path = corpus / "other/oastm__S0001870812002101.txt"
    data = path.read_bytes()
    task = Task(str(path), hashlib.sha256(data).hexdigest(), len(data))
    limits = Limits(timeout_s=60, max_memory_mb=None)
    child = child_for(None)
    child.proc.kill()  # as the system's out-of-memory killer would
    child.proc.wait()
    [result] = child.run(task, Settings(), limits)
    assert result.status == "failed" and "signal 9" in result.error
    again = child_for(None)
    try:
        assert again is not child and again.run(task, Settings(), limits)[0].status == "ok"
    finally:
        again.stop()
