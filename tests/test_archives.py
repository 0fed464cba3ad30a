"""Archives read in place: PMC packages, arXiv source tarballs, zips; hostile members refused."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from pipeline.scan.archives import MAX_RATIO
from pipeline.scan.discover import discover
from pipeline.scan.run import ScanOptions, scan
from pipeline.store import Store, connect_readonly
from tests.conftest import DEMO, FIXTURES

NXML = DEMO / "jats" / "heart-failure-ctgan.xml"  # a JATS paper with findings
PDF = FIXTURES / "synthpop__synthpop.pdf"
TEX = DEMO / "latex" / "weed-stable-diffusion.tex"
TEXTS = sorted((DEMO / "text").glob("*.txt"))
OPTIONS = ScanOptions(workers=1, timeout_s=60)
SYNTHWATCH = str(Path(sys.executable).with_name("synthwatch"))


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _scan(db: Path, paths: list[Path], **kw) -> object:
    with Store(db) as store:
        return scan(discover(paths), store, ScanOptions(**{**OPTIONS.__dict__, **kw}))


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect_readonly(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _papers(db: Path) -> dict[str, tuple[str, str | None]]:
    rows = _rows(db, "SELECT source_path, status, error FROM papers")
    return {path.split("!/", 1)[1]: (status, error) for path, status, error in rows}


def test_a_pmc_package_is_one_paper_its_nxml_and_the_pdf_beside_it_is_not(tmp_path):
    package = _tar(
        tmp_path / "PMC7000001.tar.gz",
        {
            "PMC7000001/article.nxml": NXML.read_bytes(),
            "PMC7000001/article.pdf": PDF.read_bytes(),
            "PMC7000001/fig1.jpg": b"\xff\xd8\xff not really a jpeg",
        },
    )
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [tmp_path])
    assert (summary.files, summary.scanned) == (1, 1)
    rows = _rows(db, "SELECT paper_id, source_path, status FROM papers")
    paper_id = hashlib.sha256(NXML.read_bytes()).hexdigest()
    assert rows == [(paper_id, f"{package}!/PMC7000001/article.nxml", "ok")]
    files = _rows(db, "SELECT path, resolved, n_bytes, mtime_ns FROM files")
    member = f"{package}!/PMC7000001/article.nxml"
    assert files == [(member, member, NXML.stat().st_size, package.stat().st_mtime_ns)]


def test_a_member_has_the_findings_of_the_same_file_unpacked(tmp_path):
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    (unpacked / "article.nxml").write_bytes(NXML.read_bytes())
    packed = tmp_path / "packed"
    packed.mkdir()
    _tar(packed / "pkg.tgz", {"pkg/article.nxml": NXML.read_bytes()})
    sql = (
        "SELECT finding_id, section, page, char_start, char_end, sentence, stance, category, "
        "pattern_ids, confidence FROM findings ORDER BY finding_id"
    )
    _scan(tmp_path / "a.duckdb", [unpacked])
    _scan(tmp_path / "b.duckdb", [packed])
    findings = _rows(tmp_path / "a.duckdb", sql)
    assert findings and findings == _rows(tmp_path / "b.duckdb", sql)


def test_an_arxiv_source_tarball_is_its_main_tex(tmp_path):
    _tar(
        tmp_path / "2401.00001.tar.gz",
        {
            "sections/intro.tex": b"\\section{Introduction}\nWe used GPT-4 to write text.\n",
            "main.tex": TEX.read_bytes(),
            "figures/plot.pdf": PDF.read_bytes(),
        },
    )
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    assert list(_papers(db)) == ["main.tex"]


def test_a_zip_of_papers_is_one_paper_a_member(tmp_path):
    _zip(tmp_path / "texts.zip", {f"texts/{p.name}": p.read_bytes() for p in TEXTS})
    db = tmp_path / "s.duckdb"
    summary = _scan(db, [tmp_path])
    assert summary.files == summary.scanned == len(TEXTS)
    assert sorted(_papers(db)) == [f"texts/{p.name}" for p in TEXTS]
    assert all(status == "ok" for status, _ in _papers(db).values())


def test_an_unchanged_archive_is_skipped_without_being_read(tmp_path):
    archive = _zip(tmp_path / "texts.zip", {p.name: p.read_bytes() for p in TEXTS})
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    before = archive.stat()
    # other bytes, the old time put back: only reading the archive could tell
    _zip(archive, {p.name: p.read_bytes() + b"\nMore.\n" for p in TEXTS})
    os.utime(archive, ns=(before.st_atime_ns, before.st_mtime_ns))
    summary = _scan(db, [tmp_path])
    assert (summary.files, summary.skipped, summary.scanned) == (len(TEXTS), len(TEXTS), 0)
    # once its time changes, its members are read again; unchanged ones are known by hash
    os.utime(archive, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    summary = _scan(db, [tmp_path])
    assert summary.scanned == len(TEXTS)


def test_hostile_archive_members_are_refused_with_reasons_and_nothing_is_written(tmp_path):
    inside = tmp_path / "inside"
    inside.mkdir()
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("paper.txt", TEXTS[0].read_bytes())
    archive = inside / "hostile.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in {
            "../../escaped.txt": b"climbing out",
            "/etc/absolute.txt": b"absolute",
            "nested.zip": nested.getvalue(),
            "big.txt": b"x" * (2 * 1024 * 1024),
            "fine.txt": TEXTS[1].read_bytes(),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    listing = sorted(str(p) for p in tmp_path.rglob("*"))
    db = tmp_path / "s.duckdb"
    _scan(db, [inside], max_mb=1)
    papers = _papers(db)
    assert papers["fine.txt"][0] == "ok"
    assert (
        papers["../../escaped.txt"][0] == "failed" and "traversal" in papers["../../escaped.txt"][1]
    )
    assert papers["/etc/absolute.txt"][0] == "failed"
    assert papers["link.txt"][0] == "failed" and "link" in papers["link.txt"][1]
    assert papers["nested.zip"][0] == "skipped" and "inside an archive" in papers["nested.zip"][1]
    assert papers["big.txt"][0] == "skipped" and "--max-mb" in papers["big.txt"][1]
    # no member was unpacked anywhere: the folders hold what they held, and the database
    after = sorted(str(p) for p in tmp_path.rglob("*") if not p.name.startswith("s.duckdb"))
    assert after == listing
    assert not (tmp_path / "escaped.txt").exists() and not Path("/escaped.txt").exists()


def test_a_zip_bomb_member_is_refused_unread(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"\0" * (80 * 1024 * 1024))
        z.writestr("fine.txt", TEXTS[1].read_bytes())
    assert archive.stat().st_size * MAX_RATIO < 80 * 1024 * 1024
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    papers = _papers(db)
    assert papers["bomb.txt"][0] == "failed" and "zip bomb" in papers["bomb.txt"][1]
    assert papers["fine.txt"][0] == "ok"


def test_a_broken_archive_is_one_failed_row_with_its_reason(tmp_path):
    whole = _tar(tmp_path / "whole.tar.gz", {p.name: p.read_bytes() for p in TEXTS})
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    rows = _rows(db, "SELECT source_path, status, error FROM papers")
    assert len(rows) == 1
    path, status, error = rows[0]
    assert path == str(broken) and status == "failed" and "cannot read archive" in error


def test_an_archive_without_papers_says_so(tmp_path):
    _zip(tmp_path / "figures.zip", {"fig1.png": b"\x89PNG not really"})
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    [(status, error)] = _rows(db, "SELECT status, error FROM papers")
    assert status == "skipped" and "no paper" in error


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz", ".zip"])
def test_each_archive_kind_is_found_in_folders(tmp_path, suffix):
    members = {"a/paper.txt": TEXTS[0].read_bytes()}
    path = tmp_path / f"pkg{suffix}"
    if suffix == ".zip":
        _zip(path, members)
    else:
        _tar(path, members, "w" if suffix == ".tar" else "w:gz")
    assert [i.path for i in discover([tmp_path])] == [str(path)]
    db = tmp_path / "s.duckdb"
    _scan(db, [tmp_path])
    assert list(_papers(db)) == ["a/paper.txt"]


def zips_of_papers(folder: Path, n_archives: int, per_archive: int) -> None:
    """``n_archives`` zips of ``per_archive`` small papers each, all different."""
    folder.mkdir()
    for a in range(n_archives):
        members = {
            f"paper-{a}-{m}.txt": (
                f"Paper {a}.{m}\n\nMethods\n\nWe generated {m + 10} synthetic records with "
                f"a GAN and compared them with the registry of site {a}.\n"
            ).encode()
            for m in range(per_archive)
        }
        _zip(folder / f"batch-{a}.zip", members)


def test_kill_9_during_an_archive_scan_resumes_with_every_member_once(tmp_path):
    folder = tmp_path / "archives"
    n_archives, per_archive = 10, 40
    zips_of_papers(folder, n_archives, per_archive)
    db = tmp_path / "crash.duckdb"
    proc = subprocess.Popen(
        [SYNTHWATCH, "scan", str(folder), "--db", str(db), "-v", "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    n = 0
    for line in proc.stderr:
        n += line.startswith("ok ")
        if n >= per_archive + 1:  # more than the first archive's papers are stored
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _rows(db, "SELECT count(*) FROM papers")[0][0]
    assert 0 < stored < n_archives * per_archive, "the kill must land mid-scan"
    with Store(db) as store:
        summary = scan(discover([folder]), store, ScanOptions(workers=1))
    assert summary.scanned + summary.skipped == n_archives * per_archive
    total, distinct = _rows(db, "SELECT count(*), count(DISTINCT source_path) FROM papers")[0]
    assert total == distinct == n_archives * per_archive
    files = _rows(db, "SELECT count(*), count(DISTINCT resolved) FROM files")[0]
    assert files == (n_archives * per_archive, n_archives * per_archive)
    assert _rows(db, "SELECT count(*) - count(DISTINCT finding_id) FROM findings") == [(0,)]
