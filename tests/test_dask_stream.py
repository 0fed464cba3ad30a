"""The Dask engine streams like the local one: archives read in place on the workers, files
known by size and time, a killed scan resumed with every member once (real LocalClusters)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.scan.dask_engine import shard_folders, shard_root
from pipeline.scan.discover import discover
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import Store, connect_readonly
from tests.conftest import DEMO, FIXTURES
from tests.test_archives import _tar, _zip, zips_of_papers
from tests.test_dask import _table

NXML = DEMO / "jats" / "heart-failure-ctgan.xml"
PDF = FIXTURES / "synthpop__synthpop.pdf"
TEXTS = sorted((DEMO / "text").glob("*.txt"))
SYNTHWATCH = str(Path(sys.executable).with_name("synthwatch"))
TABLES = {"papers": "paper_id", "findings": "finding_id", "files": "resolved"}


def _hostile(path: Path) -> Path:
    """A tar with a member that climbs out, a link, a nested archive, and one fine paper."""
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("paper.txt", TEXTS[0].read_bytes())
    _tar(
        path,
        {
            "../../escaped.txt": b"climbing out",
            "nested.zip": nested.getvalue(),
            "fine.txt": TEXTS[1].read_bytes(),
        },
        "w",
    )
    with tarfile.open(path, "a") as tar:
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    return path


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    _tar(
        folder / "PMC7000001.tar.gz",
        {"PMC7000001/article.nxml": NXML.read_bytes(), "PMC7000001/article.pdf": PDF.read_bytes()},
    )
    _zip(folder / "texts.zip", {f"texts/{p.name}": p.read_bytes() for p in TEXTS})
    _hostile(folder / "hostile.tar")
    (folder / "loose").mkdir()
    for p in TEXTS[:3]:  # the same papers as zip members: copies, stored once
        shutil.copy(p, folder / "loose" / p.name)
    shutil.copy(NXML, folder / "loose" / NXML.name)
    return folder


def _dask_scan(db: Path, folder: Path, *extra: str) -> dict:
    args = ["scan", str(folder), "--db", str(db), "--engine", "dask", "--workers", "2"]
    result = CliRunner().invoke(main, [*args, *extra, "--timeout", "60", "--format", "json"])
    assert result.exit_code == 0, result.output + str(result.exception)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def dbs(tmp_path_factory, corpus_dir):
    base = tmp_path_factory.mktemp("dbs")
    with Store(base / "local.duckdb") as store:
        scan(discover([corpus_dir]), store, ScanOptions(workers=2, timeout_s=60))
    report = _dask_scan(base / "dask.duckdb", corpus_dir)
    return base / "local.duckdb", base / "dask.duckdb", report


def test_archives_under_dask_store_the_same_rows_as_the_local_engine(dbs):
    local, dask, report = dbs
    for name, order in TABLES.items():
        assert _table(dask, name, order) == _table(local, name, order), name
    members = {r["source_path"].rsplit("!/", 1)[-1]: r for r in _table(dask, "papers", "paper_id")}
    assert members["PMC7000001/article.nxml"]["n_findings"] > 0
    assert len([m for m in members if m.startswith("texts/")]) == len(TEXTS) - 1
    # the loose copies of zip and package members, and a zip member copied in hostile.tar
    assert report["duplicates"] == 5


def test_hostile_members_under_dask_are_refused_with_their_reasons(dbs, corpus_dir):
    _, dask, _ = dbs
    papers = {
        r["source_path"].split("!/", 1)[1]: (r["status"], r["error"])
        for r in _table(dask, "papers", "paper_id")
        if "hostile.tar" in r["source_path"]
    }
    assert papers["fine.txt"][0] == "ok"
    assert (
        papers["../../escaped.txt"][0] == "failed" and "traversal" in papers["../../escaped.txt"][1]
    )
    assert papers["link.txt"][0] == "failed" and "link" in papers["link.txt"][1]
    assert papers["nested.zip"][0] == "skipped" and "inside an archive" in papers["nested.zip"][1]
    # nothing was unpacked beside the archives, nor into the shards
    assert not (corpus_dir.parent / "escaped.txt").exists()
    shards = shard_folders(shard_root(dask, None))
    assert shards and all(p.suffix == ".parquet" for s in shards for p in s.iterdir())


def test_a_dask_rescan_reads_no_unchanged_file(tmp_path, corpus_dir):
    folder = tmp_path / "papers"
    shutil.copytree(corpus_dir, folder)
    db = tmp_path / "s.duckdb"
    first = _dask_scan(db, folder)
    loose = folder / "loose" / TEXTS[0].name
    before = loose.stat()
    # other bytes of the same size, the old time put back: only reading the file could tell
    loose.write_bytes(loose.read_bytes().upper())
    os.utime(loose, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = _dask_scan(db, folder)
    assert (again["files"], again["scanned"]) == (first["files"], 0)
    assert again["skipped_unchanged"] + again["duplicates"] == again["files"]
    # a new file is read, and only it
    shutil.copy(PDF, folder / "loose" / PDF.name)
    third = _dask_scan(db, folder)
    assert (third["scanned"], third["files"]) == (1, first["files"] + 1)


def test_a_killed_dask_scan_resumes_with_every_member_once(tmp_path):
    folder = tmp_path / "archives"
    n_archives, per_archive = 12, 60
    zips_of_papers(folder, n_archives, per_archive)
    db = tmp_path / "crash.duckdb"
    args = [SYNTHWATCH, "scan", str(folder), "--db", str(db), "-v", "--engine", "dask"]
    proc = subprocess.Popen([*args, "--workers", "1"], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    n = 0
    for line in proc.stderr:
        n += line.startswith("ok ")
        if n >= per_archive + 1:  # more than the first archive's papers are stored
            break
    cluster = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the cluster's processes leave with the driver
    _, alive = psutil.wait_procs(cluster, timeout=30)
    for p in alive:
        p.kill()
    assert not alive
    stored = _rows(db, "SELECT count(*) FROM papers")
    assert 0 < stored < n_archives * per_archive, "the kill must land mid-scan"
    with Store(db) as store:
        options = ScanOptions(workers=1, engine="dask")
        summary = scan(discover([folder]), store, options)
    assert summary.scanned + summary.skipped == n_archives * per_archive
    total, distinct = _rows(db, "SELECT count(*), count(DISTINCT source_path) FROM papers", True)
    assert total == distinct == n_archives * per_archive
    files = _rows(db, "SELECT count(*), count(DISTINCT resolved) FROM files", True)
    assert files == (n_archives * per_archive, n_archives * per_archive)
    assert _rows(db, "SELECT count(*) - count(DISTINCT finding_id) FROM findings") == 0


def _rows(db: Path, sql: str, whole: bool = False):
    con = connect_readonly(db)
    try:
        row = con.execute(sql).fetchall()[0]
        return row if whole else row[0]
    finally:
        con.close()
