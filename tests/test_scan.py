"""Scanning: discovery, resolved paths, hashing, incremental skips, failures as rows, manifests."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys

import pytest

from pipeline.errors import UsageError, WorkerStartError
from pipeline.scan.discover import Input, discover, read_manifest, unique_inputs
from pipeline.scan.run import ScanOptions, scan
from pipeline.scan.work import screen_file
from pipeline.store import Store, connect_readonly
from tests.conftest import DEMO, FIXTURES

# real papers that ship with the repository: CC BY fixtures and a demo text
PDF = FIXTURES / "synthpop__synthpop.pdf"
JATS = FIXTURES / "plos__journal.pone.0119074.xml"
TEXT = DEMO / "text" / "fraud-smote.txt"
OPTIONS = ScanOptions(workers=2, timeout_s=60)


@pytest.fixture
def papers(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    for path in (PDF, JATS, TEXT):
        shutil.copy(path, folder / path.name)
    return folder


def _scan(db, paths, **kw):
    opts = ScanOptions(**{**OPTIONS.__dict__, **kw})
    with Store(db) as store:
        return scan(list(discover(paths)), store, opts)


def _rows(db, sql):
    con = connect_readonly(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_scan_stores_every_paper_with_findings_and_a_run(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [papers])
    assert summary.scanned == 3 and summary.statuses["ok"] == 3
    rows = _rows(db, "SELECT format, status, n_findings FROM papers ORDER BY format")
    assert [r[:2] for r in rows] == [("jats", "ok"), ("pdf", "ok"), ("text", "ok")]
    n = _rows(db, "SELECT count(*) FROM findings")[0][0]
    assert n == sum(r[2] for r in rows) and n > 0
    run = _rows(db, "SELECT status, n_files, n_scanned FROM runs")
    assert run == [("finished", 3, 3)]


def test_the_driver_of_a_scan_loads_no_pandas(tmp_path, papers):
    # pandas costs half a second of CPU to import, taken from the workers on a busy machine:
    # the writer hands DuckDB lists instead
    code = (
        "import sys; from pipeline.cli import main; "
        f"main(['scan', {str(papers)!r}, '--db', {str(tmp_path / 's.duckdb')!r}], "
        "standalone_mode=False); print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
    assert _rows(tmp_path / "s.duckdb", "SELECT count(*) FROM papers") == [(3,)]


def test_rescan_skips_unchanged_papers_and_force_rescans_without_duplicates(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    before = _rows(db, "SELECT count(*) FROM findings")[0][0]
    again = _scan(db, [papers])
    assert (again.scanned, again.skipped) == (0, 3)
    forced = _scan(db, [papers], force=True)
    assert forced.scanned == 3
    assert _rows(db, "SELECT count(*) FROM papers") == [(3,)]
    assert _rows(db, "SELECT count(*) FROM findings")[0][0] == before
    assert _rows(db, "SELECT count(*) FROM runs") == [(3,)]


def test_changed_file_is_rescanned(tmp_path, papers):
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    txt = papers / os.path.basename(TEXT)
    txt.write_text(txt.read_text() + "\nWe generated synthetic data with CTGAN.\n")
    summary = _scan(db, [papers])
    assert (summary.scanned, summary.skipped) == (1, 2)
    # the old version of the file is a different paper (new bytes, new id): both are kept
    assert _rows(db, "SELECT count(*) FROM papers") == [(4,)]


def test_bad_files_are_rows_with_reasons_and_the_scan_goes_on(tmp_path, papers):
    (papers / "empty.pdf").write_bytes(b"")
    (papers / "random.pdf").write_bytes(os.urandom(5000))
    data = PDF.read_bytes()
    (papers / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (papers / "broken.xml").write_text("<article><front><article-meta><title-group>")
    (papers / "latin1.txt").write_bytes(
        "Résumé of synthetic data in café studies.".encode("latin-1")
    )
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [papers])
    assert summary.scanned == 8 and summary.statuses["ok"] == 3
    rows = dict(
        _rows(
            db,
            "SELECT regexp_extract(source_path, '[^/]+$'), status || ': ' || error "
            "FROM papers WHERE status <> 'ok'",
        )
    )
    assert rows["empty.pdf"].startswith("failed: empty file")
    assert rows["random.pdf"].startswith("failed:")
    assert rows["truncated.pdf"].startswith("failed:") and "PDF" in rows["truncated.pdf"]
    assert rows["broken.xml"].startswith("failed: malformed XML")
    assert rows["latin1.txt"].startswith("failed:") and "UTF-8" in rows["latin1.txt"]


def test_unreadable_file_is_recorded(tmp_path, papers):
    if os.geteuid() == 0:
        # root reads everything; a dangling symlink is the unreadable file root also meets
        (papers / "gone.pdf").symlink_to(tmp_path / "does-not-exist.pdf")
    else:
        secret = papers / "secret.pdf"
        secret.write_bytes(b"%PDF-1.4")
        secret.chmod(0)
    db = tmp_path / "s.duckdb"
    _scan(db, [papers])
    rows = _rows(db, "SELECT status, error FROM papers WHERE error LIKE 'cannot read file%'")
    assert len(rows) == 1 and rows[0][0] == "failed"


def test_timeout_stops_one_paper_and_records_it(tmp_path, papers):
    # ~3 MB of candidate sentences: far more than one second of detection
    (papers / "huge.txt").write_text(
        "Methods\n\n" + "We generated synthetic data with GPT-4. " * 80_000
    )
    db = tmp_path / "s.duckdb"
    # the three real papers take well under 3 s each on this machine; the huge file far more
    summary = _scan(db, [papers], timeout_s=3, workers=1)
    assert summary.statuses == {"ok": 3, "timeout": 1}
    rows = _rows(db, "SELECT source_path, error FROM papers WHERE status = 'timeout'")
    assert rows[0][0].endswith("huge.txt") and "--timeout" in rows[0][1]


def test_a_fresh_workers_set_up_is_not_charged_to_its_first_paper(tmp_path):
    # Importing spaCy and building the matchers takes about a second, far over this timeout; a
    # short text paper takes milliseconds. Its clock starts once the detector is built.
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "short.txt").write_text(
        "Sepsis prediction\n\nMethods\n\nWe trained a gradient-boosted classifier on "
        "10,000 synthetic patient records that were generated with Synthea for this study. "
        "The model was then evaluated on a held-out set of real patient records from the "
        "hospital, and the results of that evaluation are reported in the next section.\n"
    )
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [folder], timeout_s=0.4, workers=1)
    assert summary.statuses == {"ok": 1}
    assert _rows(db, "SELECT n_findings > 0 FROM papers") == [(True,)]


def test_a_worker_that_cannot_build_its_detector_stops_the_scan(tmp_path, papers, monkeypatch):
    # A broken install: the workers, spawned with this sys.path, find a spaCy that cannot be
    # imported. The detector is built beside the first paper's reading; its failure must stop
    # the scan with the cause, not be recorded as a failure of every paper.
    broken = tmp_path / "broken"
    (broken / "spacy").mkdir(parents=True)
    (broken / "spacy" / "__init__.py").write_text("raise ImportError('this spaCy is broken')\n")
    monkeypatch.syspath_prepend(str(broken))
    db = tmp_path / "s.duckdb"
    with pytest.raises(WorkerStartError, match="this spaCy is broken"):
        _scan(db, [papers], workers=1)
    assert _rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert _rows(db, "SELECT count(*) FROM papers") == [(0,)]


def test_screening_in_the_callers_process_leaves_its_garbage_collector_alone(papers):
    # workers freeze the detector out of the collector's sight; the caller's objects must stay
    # collectable (frozen ones never are)
    frozen = gc.get_freeze_count()
    result = screen_file(papers / os.path.basename(TEXT))
    assert result.status == "ok"
    assert gc.get_freeze_count() == frozen


def test_identical_files_are_one_paper_and_every_path_is_kept(tmp_path, papers):
    shutil.copy(papers / os.path.basename(PDF), papers / "copy.pdf")
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [papers])
    assert summary.duplicates == 1
    assert _rows(db, "SELECT count(*) FROM papers") == [(3,)]
    assert _rows(db, "SELECT count(*) FROM files") == [(4,)]


def test_discover_follows_symlinks_without_looping(tmp_path, papers):
    (papers / "loop").symlink_to(papers, target_is_directory=True)
    (papers / "README.md").write_text("# not a paper")
    (papers / "notes.csv").write_text("a,b")
    found = sorted(os.path.basename(i.path) for i in discover([papers]))
    assert found == sorted(os.path.basename(p) for p in (PDF, JATS, TEXT))


def test_discover_rejects_missing_path(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        list(discover([tmp_path / "missing"]))


def test_manifest_overrides_metadata(tmp_path, papers):
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "path,doi,year,venue,field\n"
        f"papers/{os.path.basename(JATS)},10.9999/override,1999,Override Journal,medicine\n"
    )
    inputs = read_manifest(manifest)
    assert inputs == [
        Input(
            str(papers / os.path.basename(JATS)),
            {
                "doi": "10.9999/override",
                "year": 1999,
                "venue": "Override Journal",
                "field": "medicine",
            },
        )
    ]
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        scan(inputs, store, OPTIONS)
    assert _rows(db, "SELECT doi, year, venue, field FROM papers") == [
        ("10.9999/override", 1999, "Override Journal", "medicine")
    ]


def test_manifest_without_path_column_is_a_usage_error(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,doi\na.pdf,10.1/x\n")
    with pytest.raises(UsageError, match="no 'path' column"):
        read_manifest(manifest)


def test_one_file_by_relative_absolute_and_symlinked_paths_is_one_file_row(
    tmp_path, papers, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.duckdb"
    _scan(db, ["papers"])
    (tmp_path / "link").symlink_to(papers, target_is_directory=True)
    for spelling in (str(papers), "./papers/../papers", "link"):
        summary = _scan(db, [spelling])
        assert summary.skipped == 3 and summary.scanned == 0
    rows = _rows(db, "SELECT resolved, path FROM files ORDER BY resolved")
    names = sorted(os.path.basename(p) for p in (PDF, JATS, TEXT))
    # one row a file, known by its resolved path; `path` is the spelling of the latest scan
    assert rows == [(os.path.realpath(papers / name), f"link/{name}") for name in names]
    assert _rows(db, "SELECT count(*) FROM papers") == [(3,)]


def test_one_file_named_twice_in_one_scan_is_scanned_once(tmp_path, papers, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = os.path.basename(TEXT)
    inputs = [Input(f"papers/{name}"), Input(str(papers / ".." / "papers" / name))]
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        summary = scan(inputs, store, OPTIONS)
    assert (summary.files, summary.named_twice, summary.scanned, summary.duplicates) == (1, 1, 1, 0)
    assert _rows(db, "SELECT resolved, path FROM files") == [(str(papers / name), f"papers/{name}")]


def test_unique_inputs_keeps_the_manifest_metadata_of_a_repeat(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    first, again = Input(str(tmp_path / "a.txt")), Input(f"{tmp_path}/./a.txt", {"year": 2020})
    assert unique_inputs([first, again]) == ([Input(first.path, {"year": 2020})], 1)
