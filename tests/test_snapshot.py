"""Readers while a scan writes: real scans in subprocesses, real DuckDB files, real readers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.api import Corpus
from pipeline.cli import main
from pipeline.errors import DatabaseLocked
from pipeline.store import Store, connect_readonly, scan_running, snapshot_of
from pipeline.store.snapshot import marker_path

NOTICE = re.compile(
    r"a scan is running \(pid (\d+), since \d\d:\d\d\); answers are as of \d\d:\d\d:\d\d"
)
SCAN = [sys.executable, "-c", "from pipeline.cli import main; main()", "scan"]


def write_papers(folder: Path, n: int) -> Path:
    """``n`` small text papers that each report synthetic data (a scan reads ~200 a second)."""
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"p{i:05d}.txt").write_text(
            f"Title: Study number {i}\n\nAbstract\nWe study topic {i}. To train the classifier "
            "we generated 5000 synthetic patient records with a GAN.\n\nMethods\nThe synthetic "
            f"data were produced with CTGAN and used to augment the training set of study {i}. "
            f"We also collected real measurements from {i % 50 + 1} hospitals.\n",
            encoding="utf-8",
        )
    return folder


def start_scan(papers: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*SCAN, str(papers), "--db", str(db), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def n_papers(db: Path) -> int:
    con = connect_readonly(db)
    try:
        return con.execute("SELECT count(*) FROM papers").fetchall()[0][0]
    finally:
        con.close()


def wait_for_snapshot_with_papers(db: Path, scan: subprocess.Popen[str]) -> int:
    """Papers in the first snapshot that holds some, while the scan runs."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert scan.poll() is None, f"the scan ended before readers could try: {scan.stderr}"
        if scan_running(db) is not None:
            try:
                n = n_papers(db)
            except DatabaseLocked:  # the scan has not published its first snapshot yet
                n = 0
            if n > 0:
                return n
        time.sleep(0.1)
    raise AssertionError("no snapshot with papers within 120 s")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".snapshot" in p.name or "scanning" in p.name)


def test_readers_answer_from_the_snapshot_while_a_scan_writes(tmp_path):
    papers = write_papers(tmp_path / "papers", 4000)
    db = tmp_path / "corpus.duckdb"
    scan = start_scan(papers, db)
    try:
        first = wait_for_snapshot_with_papers(db, scan)
        runner = CliRunner()

        query = runner.invoke(main, ["query", "by_category", "--db", str(db), "--format", "json"])
        assert query.exit_code == 0, query.output
        notice = NOTICE.search(query.stderr)
        assert notice and int(notice.group(1)) == scan.pid
        assert json.loads(query.stdout)  # rows: the snapshot holds papers with findings

        report = tmp_path / "report.md"
        result = runner.invoke(
            main, ["report", "--db", str(db), "--format", "markdown", "-o", str(report)]
        )
        assert result.exit_code == 0, result.output
        assert NOTICE.search(result.stderr) and report.read_text(encoding="utf-8")

        out = tmp_path / "papers.csv"
        result = runner.invoke(
            main,
            ["export", "--table", "papers", "--format", "csv", "-o", str(out), "--db", str(db)],
        )
        assert result.exit_code == 0, result.output
        assert NOTICE.search(result.stderr)
        exported = len(out.read_text(encoding="utf-8").splitlines()) - 1
        assert exported >= first

        result = runner.invoke(main, ["search", "synthetic", "--db", str(db), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert NOTICE.search(result.stderr) and json.loads(result.stdout)

        result = runner.invoke(
            main,
            ["sql", "SELECT min(paper_id) AS id FROM papers", "--db", str(db), "--format", "json"],
        )
        assert result.exit_code == 0, result.output
        assert NOTICE.search(result.stderr)
        paper_id = json.loads(result.stdout)[0]["id"]
        result = runner.invoke(main, ["paper", paper_id, "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert NOTICE.search(result.stderr) and "Study number" in result.stdout

        corpus = Corpus(db)
        running = corpus.scan_running
        assert running is not None and running.pid == scan.pid and running.snapshot_at
        seen = len(corpus.papers())
        assert seen >= exported
        grown = seen
        deadline = time.monotonic() + 60
        while grown == seen and time.monotonic() < deadline:
            time.sleep(0.2)
            grown = len(corpus.papers())
        assert grown > seen  # later snapshots hold more: the count only grows
        assert scan.poll() is None, "the scan ended before every reader had answered"
    finally:
        scan.wait(timeout=600)
    assert scan.returncode == 0, scan.stderr.read() if scan.stderr else ""
    assert leftovers(tmp_path) == []
    assert scan_running(db) is None and Corpus(db).scan_running is None
    con = connect_readonly(db)
    assert snapshot_of(con) is None  # the database itself, complete
    assert con.execute("SELECT count(*) FROM papers").fetchall() == [(4000,)]
    con.close()
    result = CliRunner().invoke(main, ["query", "by_category", "--db", str(db)])
    assert result.exit_code == 0 and "scan is running" not in result.stderr


# enough papers that the scan is still running when it is killed (~200 papers a second)
N_KILLED = 3000


def test_a_killed_scan_leaves_readers_working_and_the_next_scan_cleans_up(tmp_path):
    papers = write_papers(tmp_path / "papers", N_KILLED)
    db = tmp_path / "corpus.duckdb"
    scan = start_scan(papers, db)
    try:
        wait_for_snapshot_with_papers(db, scan)
    finally:
        os.kill(scan.pid, signal.SIGKILL)
        scan.wait()
    assert marker_path(db).is_file()  # stale: its pid is gone
    assert scan_running(db) is None

    result = CliRunner().invoke(main, ["query", "by_category", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "scan is running" not in result.stderr
    stored = n_papers(db)
    assert 0 < stored < N_KILLED

    again = CliRunner().invoke(main, ["scan", str(papers), "--db", str(db), "--workers", "1"])
    assert again.exit_code == 0, again.output
    assert f"{stored} unchanged (skipped)" in again.stderr
    assert leftovers(tmp_path) == []
    assert n_papers(db) == N_KILLED


WRITER = textwrap.dedent(
    """
    import sys, time
    from pipeline.store import Store
    store = Store(sys.argv[1], publish_interval_s=0)
    print("open", flush=True)
    for i, line in enumerate(sys.stdin):
        time.sleep(max(0.0, store.publisher.next_at - time.monotonic()))  # let it be due
        store.record_files([(f"/papers/{i}.txt", f"id{i}", 10)], "run")
        print("published", flush=True)
    store.close()
    """
)


def test_a_reader_on_a_snapshot_keeps_reading_when_a_newer_one_is_published(tmp_path):
    db = tmp_path / "corpus.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        old = connect_readonly(db)
        first = snapshot_of(old)
        assert first is not None and first.pid == writer.pid
        assert old.execute("SELECT count(*) FROM files").fetchall() == [(0,)]

        writer.stdin.write("record\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "published"
        assert not (tmp_path / first.snapshot).exists()  # replaced, and unlinked

        # the old snapshot, open before the new one came: still whole, still its state
        assert old.execute("SELECT count(*) FROM files").fetchall() == [(0,)]
        assert old.execute("SELECT count(*) FROM papers").fetchall() == [(0,)]
        new = connect_readonly(db)
        second = snapshot_of(new)
        assert second is not None and second.snapshot != first.snapshot
        assert second.snapshot_at > first.snapshot_at
        assert new.execute("SELECT count(*) FROM files").fetchall() == [(1,)]
        old.close()
        new.close()
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert leftovers(tmp_path) == []


def test_a_second_store_is_refused_by_the_live_marker_and_says_whose_it_is(tmp_path):
    db = tmp_path / "corpus.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseLocked, match=f"pid {writer.pid}.*one writer"):
            Store(db)
        assert scan_running(db).pid == writer.pid  # the refused Store left the marker alone
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert leftovers(tmp_path) == []


def test_a_stale_marker_and_snapshot_are_removed_by_the_next_store(tmp_path):
    db = tmp_path / "corpus.duckdb"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    marker_path(db).write_text(
        json.dumps(
            {
                "pid": pid,
                "host": os.uname().nodename,
                "started_at": "2026-01-01T00:00:00",
                "snapshot": f".{db.name}.snapshot-7",
                "snapshot_at": "2026-01-01T00:00:01",
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / f".{db.name}.snapshot-7").write_bytes(b"not a database")
    assert scan_running(db) is None
    with Store(db) as store:
        info = scan_running(db)
        assert (
            info is not None
            and info.pid == os.getpid()
            and info.snapshot != f".{db.name}.snapshot-7"
        )
        assert store.publisher is not None and store.publisher.count == 1
    assert leftovers(tmp_path) == []


def test_publishing_is_throttled_between_writes(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with Store(db, publish_interval_s=3600) as store:
        run_id = store.start_run({}, "v", "p")
        store.record_files([("/papers/a.txt", "a", 1)], run_id)
        assert store.publisher.count == 1  # at open only: the next is an hour away
    with Store(db, publish_interval_s=0) as store:
        publisher = store.publisher
        assert publisher.count == 1 and publisher.cost_s > 0
        # the next one waits 9x the last one's cost: publishing takes at most 10% of the time
        assert publisher.next_at - publisher.last_end == pytest.approx(9 * publisher.cost_s)
        time.sleep(max(0.0, publisher.next_at - time.monotonic()) + 0.01)
        run_id = store.start_run({}, "v", "p")
        assert publisher.count == 2
        assert scan_running(db).snapshot_at is not None
    assert leftovers(tmp_path) == []


def test_an_in_memory_store_publishes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store(":memory:") as store:
        assert store.publisher is None
    assert list(tmp_path.iterdir()) == []


def test_a_database_held_by_another_duckdb_client_is_still_locked_for_readers(tmp_path):
    db = tmp_path / "other.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = CliRunner().invoke(main, ["query", "by_category", "--db", str(db)])
        assert result.exit_code == 1
        assert "database is locked" in result.stderr and "one writer" in result.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_a_publication_that_fails_leaves_the_last_snapshot_and_the_scan_going(tmp_path):
    db = tmp_path / "corpus.duckdb"
    with Store(db, publish_interval_s=0) as store:
        publisher = store.publisher
        first = scan_running(db)
        assert first is not None and first.snapshot == f".{db.name}.snapshot-1"
        blocker = tmp_path / f".{db.name}.snapshot-2.tmp"
        blocker.mkdir()  # the copy cannot be written (as a full disk would refuse it)
        time.sleep(max(0.0, publisher.next_at - time.monotonic()) + 0.01)
        run_id = store.start_run({}, "v", "p")  # publishes: fails, and must not raise
        assert publisher.count == 1
        assert scan_running(db).snapshot == first.snapshot
        con = duckdb.connect(str(tmp_path / first.snapshot), read_only=True)  # still whole
        assert con.execute("SELECT count(*) FROM runs").fetchall() == [(0,)]
        con.close()
        blocker.rmdir()
        time.sleep(max(0.0, publisher.next_at - time.monotonic()) + 0.01)
        store.record_files([("/papers/a.txt", "a", 1)], run_id)
        assert publisher.count == 2
        assert scan_running(db).snapshot == f".{db.name}.snapshot-3"
    assert leftovers(tmp_path) == []
