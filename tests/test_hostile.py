"""Hostile and broken inputs: each gets a row with a status and a reason; the scan goes on."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.scan.discover import discover
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import Store, connect_readonly
from tests.conftest import DEMO, FIXTURES
from tests.sources.test_pdf import _image_only_pdf, _pdf_with_text

DATA = Path(__file__).parent / "sources" / "data"
# real papers that ship with the repository: a CC BY fixture and a demo text
GOOD = (FIXTURES / "plos__journal.pone.0119074.xml", DEMO / "text" / "fraud-smote.txt")


def _rows(db: Path) -> dict[str, tuple[str, str | None, list[str]]]:
    con = connect_readonly(db)
    rows = con.execute(
        "SELECT f.path, p.status, p.error, p.notes FROM files f JOIN papers p USING (paper_id)"
    ).fetchall()
    con.close()
    return {os.path.basename(r[0]): (r[1], r[2], r[3]) for r in rows}


@pytest.fixture(scope="module")
def hostile_scan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for path in GOOD:
        shutil.copy(path, folder / path.name)
    real = (FIXTURES / "synthpop__synthpop.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 2])
    (folder / "random.pdf").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.pdf").write_bytes(b"")
    shutil.copy(DATA / "encrypted-needs-password.pdf", folder / "locked.pdf")
    shutil.copy(DATA / "encrypted-empty-user-password.pdf", folder / "open-encrypted.pdf")
    (folder / "scanned.pdf").write_bytes(_image_only_pdf())
    (folder / "long.pdf").write_bytes(_pdf_with_text("We measured rainfall in 1,200 gardens.", 700))
    secret = folder / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    (folder / "xxe.xml").write_text(
        (DATA / "xxe_local_file.xml").read_text().replace("/etc/hostname", str(secret))
    )
    shutil.copy(DATA / "billion_laughs.xml", folder / "bomb.xml")
    (folder / "latin1.txt").write_bytes("Über synthetische Daten: café.".encode("latin-1") * 50)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    db = tmp_path_factory.mktemp("db") / "h.duckdb"
    started = time.monotonic()
    with Store(db) as store:
        summary = scan(
            list(discover([folder])), store, ScanOptions(workers=2, timeout_s=60, max_pages=500)
        )
    return db, summary, time.monotonic() - started


def test_hostile_scan_finishes_with_every_file_recorded(hostile_scan):
    db, summary, seconds = hostile_scan
    rows = _rows(db)
    assert summary.files == len(rows) == 13
    assert rows["plos__journal.pone.0119074.xml"][0] == "ok"
    assert rows["fraud-smote.txt"][0] == "ok"
    assert seconds < 120


@pytest.mark.parametrize(
    "name,status,reason",
    [
        ("truncated.pdf", "failed", "truncated or damaged PDF"),
        ("random.pdf", "failed", "binary data"),
        ("empty.pdf", "failed", "empty file"),
        ("locked.pdf", "failed", "password"),
        ("scanned.pdf", "no_text", "OCR"),
        ("bomb.xml", "failed", "entit"),
        ("latin1.txt", "failed", "UTF-8"),
    ],
)
def test_bad_file_gets_status_and_readable_reason(hostile_scan, name, status, reason):
    got_status, error, _ = _rows(hostile_scan[0])[name]
    assert got_status == status
    assert reason.lower() in error.lower()


def test_pdf_with_empty_user_password_is_read(hostile_scan):
    assert _rows(hostile_scan[0])["open-encrypted.pdf"][0] == "ok"


def test_thousand_page_pdf_is_cut_at_max_pages_with_a_note(hostile_scan):
    status, _, notes = _rows(hostile_scan[0])["long.pdf"]
    assert status == "ok"
    assert "read first 500 of 700 pages" in notes


def test_external_entity_content_never_reaches_the_database(hostile_scan):
    db = hostile_scan[0]
    con = connect_readonly(db)
    dump = " ".join(
        str(v)
        for table in ("papers", "findings")
        for row in con.execute(f"SELECT * FROM {table}").fetchall()
        for v in row
    )
    con.close()
    assert "TOP-SECRET-CONTENT-4711" not in dump.replace("secret.txt", "")
    # the secret file itself was scanned as a paper: its own row may hold its text; the XXE
    # paper's row must not
    status, error, _ = _rows(db)["xxe.xml"]
    assert status == "failed" and "entit" in error.lower()


def test_file_that_changes_or_vanishes_during_the_scan(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    for path in GOOD:
        shutil.copy(path, folder / path.name)
    changing = folder / "fraud-smote.txt"
    vanishing = folder / "plos__journal.pone.0119074.xml"

    def meddle(summary, n):  # called once the files are found, before any paper is read
        changing.write_text(changing.read_text() + "\nA new line.\n")
        vanishing.unlink()

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        scan(list(discover([folder])), store, ScanOptions(workers=1), on_plan=meddle)
    rows = _rows(db)
    # the worker hashes the bytes it reads: the paper stored is the file as it is now
    assert rows[changing.name][0] == "ok"
    con = connect_readonly(db)
    stored = con.execute("SELECT paper_id FROM files WHERE path = ?", [str(changing)]).fetchall()
    con.close()
    assert stored == [(hashlib.sha256(changing.read_bytes()).hexdigest(),)]
    assert rows[vanishing.name][0] == "failed" and "cannot read file" in rows[vanishing.name][1]


def test_file_that_changes_between_hashing_and_reading_is_failed_with_a_reason(tmp_path):
    """The driver hashes a file it knows (same size, new time); bytes changed after that are
    not passed off as the hashed paper."""
    folder = tmp_path / "p"
    folder.mkdir()
    changing = folder / "fraud-smote.txt"
    shutil.copy(GOOD[1], changing)
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        scan(list(discover([folder])), store, ScanOptions(workers=1))
    text = changing.read_text()
    changing.write_text(text.replace("the", "teh", 1))  # same size, new bytes, new time

    def meddle(summary, n):
        changing.write_text(text.replace("the", "hte", 1))

    with Store(db) as store:
        scan(list(discover([folder])), store, ScanOptions(workers=1), on_plan=meddle)
    status, error, _ = _rows(db)[changing.name]
    assert status == "failed" and "changed during the scan" in error


def test_memory_cap_fails_the_paper_not_the_scan(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(GOOD[1], folder / "fine.txt")
    line = "We generated synthetic data with GPT-4 and wrote many more words here. "
    (folder / "huge.txt").write_text("Methods\n\n" + line * 1_500_000)  # ~110 MB of text
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        scan(
            list(discover([folder])), store, ScanOptions(workers=1, max_memory_mb=600, timeout_s=60)
        )
    rows = _rows(db)
    assert rows["fine.txt"][0] == "ok"
    assert rows["huge.txt"][0] == "failed" and "memory" in rows["huge.txt"][1]


SYNTHWATCH = str(Path(sys.executable).parent / "synthwatch")


def test_kill_9_mid_scan_leaves_only_complete_papers_and_rescan_finishes(tmp_path, corpus):
    db = tmp_path / "crash.duckdb"
    folder = corpus / "jats"
    # -v prints a line per paper as its batch is committed (256 papers, or every second)
    proc = subprocess.Popen(
        [SYNTHWATCH, "scan", str(folder), "--db", str(db), "-v", "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    n = 0
    for line in proc.stderr:
        n += line.startswith(("ok ", "failed ", "no_text "))
        if n >= 70:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = connect_readonly(db)
    stored = con.execute("SELECT count(*) FROM papers").fetchall()[0][0]
    assert 0 < stored < len(os.listdir(folder)), "the kill must land mid-scan"
    incomplete = con.execute(
        "SELECT p.paper_id FROM papers p LEFT JOIN findings f USING (paper_id) "
        "GROUP BY p.paper_id, p.n_findings HAVING count(f.paper_id) <> p.n_findings"
    ).fetchall()
    runs = con.execute("SELECT status FROM runs").fetchall()
    con.close()
    assert incomplete == []
    assert runs == [("running",)]  # the killed run is visible as such
    with Store(db) as store:
        summary = scan(list(discover([folder])), store, ScanOptions(workers=2))
    assert summary.skipped == stored
    con = connect_readonly(db)
    total, distinct = con.execute(
        "SELECT count(*), count(DISTINCT paper_id) FROM papers"
    ).fetchall()[0]
    dup_findings = con.execute(
        "SELECT count(*) - count(DISTINCT finding_id) FROM findings"
    ).fetchall()[0][0]
    con.close()
    assert total == distinct == len(os.listdir(folder))
    assert dup_findings == 0


def test_second_concurrent_scan_fails_fast_with_a_clear_message(tmp_path):
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from pipeline.store import Store; "
            "s=Store(sys.argv[1]); print('open', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        started = time.monotonic()
        result = CliRunner().invoke(main, ["scan", str(GOOD[1]), "--db", str(db)])
        assert time.monotonic() - started < 20
        assert result.exit_code == 1
        assert "database is locked" in result.stderr and "one writer" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    con = connect_readonly(db)  # the file is intact
    assert con.execute("SELECT count(*) FROM papers").fetchall() == [(0,)]
    con.close()
