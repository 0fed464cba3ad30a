"""Resume: a fetch killed with SIGKILL mid-download is finished by a rerun, each record once."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.acquire.http import DELAY_SCALE_ENV
from pipeline.acquire.manifest import MANIFEST_COLUMNS, Journal, Record
from tests.acquire.replay import Fault, Replay

SYNTHWATCH = Path(sys.executable).parent / "synthwatch"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def run_fetch(replay: Replay, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(SYNTHWATCH),
            "fetch",
            "openalex",
            "--filter",
            "is_oa:true",
            "--api-url",
            f"{replay.base}/openalex",
            "-o",
            str(out),
            "--timeout",
            "20",
        ],
        env={**os.environ, DELAY_SCALE_ENV: "0.001"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_fetch_killed_mid_download_resumes_without_refetching(replay: Replay, tmp_path: Path):
    out = tmp_path / "oa"
    partial = out / ".W4000000003.pdf.part"
    replay.fail("/files/W4000000003.pdf", Fault("stall"))  # half the PDF, then nothing
    proc = run_fetch(replay, out)
    try:
        assert replay.stalled.wait(30), "the fetch never reached the third PDF"
        deadline = time.monotonic() + 10
        while not partial.exists():
            assert time.monotonic() < deadline, "no partial file was written"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        replay.release.set()
    assert proc.returncode == -signal.SIGKILL
    assert [r["path"] for r in rows(out / "manifest.csv")] == ["W4000000001.pdf", "W4000000002.pdf"]
    assert partial.exists() and not (out / "W4000000003.pdf").exists()

    again = run_fetch(replay, out)
    _, stderr = again.communicate(timeout=60)
    assert again.returncode == 0, stderr.decode()
    assert "1 partial file(s) of an interrupted run deleted" in stderr.decode()

    manifest = rows(out / "manifest.csv")
    paths = [r["path"] for r in manifest]
    assert paths == [f"W400000000{i}.pdf" for i in range(1, 5)]  # every record once
    assert list(manifest[0]) == list(MANIFEST_COLUMNS)
    for row in manifest:  # consistent: each row's file is whole and has its checksum
        data = (out / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
    assert not list(out.glob(".*.part"))
    assert replay.counts["/files/W4000000001.pdf"] == 1  # finished before the kill: not again
    assert replay.counts["/files/W4000000002.pdf"] == 1
    assert replay.counts["/files/W4000000003.pdf"] == 2  # the interrupted one, fetched anew
    assert replay.counts["/files/W4000000004.pdf"] == 1


def _record(path: str) -> Record:
    return Record(path=path, source_url=f"http://x/{path}", expected=("pdf",))


def test_journal_drops_a_torn_line_and_rows_without_their_file(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 b changed")
    header = ",".join(MANIFEST_COLUMNS)
    sha_a = hashlib.sha256(b"%PDF-1.4 a").hexdigest()
    sha_b = hashlib.sha256(b"%PDF-1.4 b").hexdigest()
    (tmp_path / "manifest.csv").write_text(
        f"{header}\n"
        f"a.pdf,,,,A,2020,,,,http://x/a.pdf,2026-01-01T00:00:00Z,{sha_a}\n"
        f"b.pdf,,,,B,2020,,,,http://x/b.pdf,2026-01-01T00:00:00Z,{sha_b}\n"
        f"gone.pdf,,,,G,2020,,,,http://x/gone.pdf,2026-01-01T00:00:00Z,{sha_a}\n"
        "c.pdf,,,,C,20",  # torn by a kill mid-write
        encoding="utf-8",
    )
    (tmp_path / ".d.pdf.part").write_bytes(b"%PDF-1.4 half")
    journal = Journal(tmp_path)
    assert journal.done("a.pdf")
    assert not journal.done("b.pdf")  # its file changed since: fetched again
    assert not journal.done("gone.pdf") and not journal.done("c.pdf")
    assert journal.dropped == ["b.pdf", "gone.pdf"] and journal.removed_partials == 1
    assert not (tmp_path / ".d.pdf.part").exists()
    assert [r["path"] for r in rows(tmp_path / "manifest.csv")] == ["a.pdf"]


def test_journal_finish_and_fail_are_kept_across_runs(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    tmp = journal.partial_path("x.pdf")
    tmp.write_bytes(b"%PDF-1.4 x")
    journal.finish(_record("x.pdf"), tmp, hashlib.sha256(b"%PDF-1.4 x").hexdigest())
    journal.fail(_record("y.pdf"), "HTTP 404 Not Found")
    journal.fail(_record("y.pdf"), "HTTP 404 Not Found")
    again = Journal(tmp_path)
    assert again.done("x.pdf") and (tmp_path / "x.pdf").exists() and not tmp.exists()
    assert list(again.failures) == ["y.pdf"]  # one row per record after the rewrite
    assert len(rows(tmp_path / "failed.csv")) == 1
