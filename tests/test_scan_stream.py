"""The streamed scan: inputs read a window at a time, files known by size and time, the hashing
done by the workers."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator

import pytest

from pipeline.scan.discover import Input, discover
from pipeline.scan.plan import WINDOW
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import Store, connect_readonly
from tests.conftest import DEMO, FIXTURES

JATS = FIXTURES / "plos__journal.pone.0119074.xml"
TEXT = DEMO / "text" / "fraud-smote.txt"
OPTIONS = ScanOptions(workers=1, timeout_s=60)


@pytest.fixture
def papers(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    for path in (JATS, TEXT):
        shutil.copy(path, folder / path.name)
    return folder


def _scan(db, paths, **kw):
    with Store(db) as store:
        return scan(discover(paths), store, ScanOptions(**{**OPTIONS.__dict__, **kw}))


def _rows(db, sql, params=None):
    con = connect_readonly(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_a_file_of_unchanged_size_and_time_is_skipped_without_being_read(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    text = papers / TEXT.name
    before = os.stat(text)
    # new bytes, same size, the old time put back: only reading the file could tell
    text.write_bytes(text.read_bytes().replace(b"the", b"teh", 1))
    os.utime(text, ns=(before.st_atime_ns, before.st_mtime_ns))
    summary = _scan(db, [papers])
    assert (summary.files, summary.skipped, summary.scanned) == (2, 2, 0)
    stored = _rows(db, "SELECT paper_id FROM files WHERE path = ?", [str(text)])
    assert stored != [(hashlib.sha256(text.read_bytes()).hexdigest(),)]


def test_the_size_and_time_of_every_file_are_recorded(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    rows = _rows(db, "SELECT path, n_bytes, mtime_ns FROM files ORDER BY path")
    expected = sorted(
        (str(p), os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in papers.iterdir()
    )
    assert rows == expected


def test_a_touched_file_is_hashed_again_not_scanned_again(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    text = papers / TEXT.name
    os.utime(text, ns=(1_000_000_000, 1_000_000_000))  # same bytes, another time
    summary = _scan(db, [papers])
    assert (summary.skipped, summary.scanned) == (2, 0)
    assert _rows(db, "SELECT mtime_ns FROM files WHERE path = ?", [str(text)]) == [(1_000_000_000,)]


def test_rows_from_before_schema_4_are_filled_in_without_a_new_scan(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    with Store(db) as store:  # what the migration leaves: files without their time
        store.con.execute("UPDATE files SET mtime_ns = NULL")
    summary = _scan(db, [papers])
    assert (summary.skipped, summary.scanned) == (2, 0)
    assert _rows(db, "SELECT count(*) FROM files WHERE mtime_ns IS NULL") == [(0,)]


def test_a_renamed_file_is_known_by_its_bytes_and_not_stored_again(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    run_before = _rows(db, "SELECT run_id FROM papers ORDER BY paper_id")
    os.rename(papers / TEXT.name, papers / "renamed.txt")
    summary = _scan(db, [papers])
    # the worker hashed the new path's bytes: a paper already stored, so it is skipped
    assert (summary.skipped, summary.scanned) == (2, 0)
    assert _rows(db, "SELECT run_id FROM papers ORDER BY paper_id") == run_before
    assert ("renamed.txt",) in [
        (os.path.basename(p),) for (p,) in _rows(db, "SELECT path FROM files")
    ]


def test_copies_in_one_scan_store_the_first_path_and_every_file(tmp_path, papers):
    for name in ("c.txt", "a.txt", "b.txt"):
        shutil.copy(TEXT, papers / name)
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [papers], workers=2)
    assert summary.duplicates == 3
    paper_id = hashlib.sha256(TEXT.read_bytes()).hexdigest()
    # discovery order (sorted names): a.txt comes first, whichever worker finished first
    assert _rows(db, "SELECT source_path FROM papers WHERE paper_id = ?", [paper_id]) == [
        (str(papers / "a.txt"),)
    ]
    assert _rows(db, "SELECT count(*) FROM files WHERE paper_id = ?", [paper_id]) == [(4,)]


class Stop(Exception):
    pass


def test_the_scan_reads_its_inputs_a_window_at_a_time(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    n = 3 * WINDOW
    for i in range(n):
        (folder / f"{i:05d}.txt").write_text(f"Paper {i}. We generated synthetic data.\n")
    pulled = 0

    def inputs() -> Iterator[Input]:
        nonlocal pulled
        for item in discover([folder]):
            pulled += 1
            yield item

    seen: list[int] = []

    def on_result(result, summary):
        seen.append(pulled)
        raise Stop

    with Store(tmp_path / "s.duckdb") as store, pytest.raises(Stop):
        scan(inputs(), store, OPTIONS, on_result=on_result)
    # the first paper was stored while the most of the folder was still unread
    assert seen and seen[0] <= 2 * WINDOW < n
    runs = _rows(tmp_path / "s.duckdb", "SELECT status, n_files FROM runs")
    assert runs == [("interrupted", seen[0])]
