"""``synthwatch fetch`` against the replay server: every service, every failure, its reason."""

from __future__ import annotations

import csv
import json
import socket
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner, Result

from pipeline.acquire.arxiv import NS, ArXiv
from pipeline.acquire.download import fetch_all
from pipeline.acquire.europepmc import EuropePMC
from pipeline.acquire.http import Client
from pipeline.acquire.manifest import MANIFEST_COLUMNS, Journal, Record
from pipeline.acquire.openalex import OpenAlex
from pipeline.cli import main
from pipeline.errors import NetworkUnreachable
from tests.acquire.replay import Fault, Replay


def fetch(replay: Replay, service: str, out: Path, *args: str) -> Result:
    api = {"europepmc": "/epmc", "arxiv": "/arxiv/api/query", "openalex": "/openalex"}[service]
    return CliRunner().invoke(
        main,
        ["fetch", service, "--api-url", replay.base + api, "-o", str(out), *args],
    )


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_fetch_europepmc_writes_jats_files_and_the_manifest(replay: Replay, tmp_path: Path):
    out = tmp_path / "epmc"
    result = fetch(replay, "europepmc", out, "--query", "synthetic", "--mailto", "me@x.org")
    assert result.exit_code == 0, result.output
    manifest = rows(out / "manifest.csv")
    assert list(manifest[0]) == list(MANIFEST_COLUMNS)
    assert [r["path"] for r in manifest] == [f"PMC900000{i}.xml" for i in range(1, 5)]
    first = manifest[0]
    assert first["doi"] == "10.9999/cdsr.2021.001" and first["pmcid"] == "PMC9000001"
    assert (first["year"], first["venue"], first["licence"]) == (
        "2021",
        "Clinical Data Science Reports",
        "cc-by",
    )
    assert first["source_url"] == f"{replay.base}/epmc/PMC9000001/fullTextXML"
    assert len(first["sha256"]) == 64 and first["retrieved_at"].endswith("Z")
    assert (out / "PMC9000001.xml").read_bytes().startswith(b"<?xml")
    failed = rows(out / "failed.csv")
    assert [(r["path"], r["reason"]) for r in failed] == [("PMC9000005.xml", "HTTP 404 Not Found")]
    query = replay.requests[0][1]["query"][0]
    assert query == "(synthetic) AND OPEN_ACCESS:y AND IN_EPMC:y"
    assert "fetched now" in result.output and "4" in result.output


def test_fetch_europepmc_builds_year_and_licence_filters(replay: Replay, tmp_path: Path):
    result = fetch(
        replay,
        "europepmc",
        tmp_path / "e",
        "--query",
        "gan",
        "--from",
        "2020",
        "--to",
        "2022",
        "--licence",
        "cc-by",
        "--limit",
        "1",
    )
    assert result.exit_code == 0, result.output
    query = replay.requests[0][1]["query"][0]
    assert query.endswith('PUB_YEAR:[2020 TO 2022] AND LICENSE:"cc by"')
    assert len(rows(tmp_path / "e" / "manifest.csv")) == 1


def test_europepmc_pages_with_cursor_marks_until_the_mark_comes_back(replay: Replay):
    service = EuropePMC(Client(), "q", api_url=f"{replay.base}/epmc", page_size=2)
    pmcids = [r.pmcid for r in service.records()]
    assert pmcids == [f"PMC900000{i}" for i in range(1, 6)]
    marks = [q["cursorMark"][0] for path, q, _ in replay.requests if path == "/epmc/search"]
    assert marks[0] == "*" and len(marks) == 3 and len(set(marks)) == 3
    assert service.total == 6


def test_openalex_pages_with_next_cursor_until_null(replay: Replay):
    service = OpenAlex(
        Client(), "is_oa:true", api_url=f"{replay.base}/openalex", mailto="me@x.org", page_size=2
    )
    assert [r.path for r in service.records()] == [f"W400000000{i}.pdf" for i in range(1, 6)]
    cursors = [q["cursor"][0] for path, q, _ in replay.requests if path == "/openalex/works"]
    assert cursors[0] == "*" and len(cursors) == 3
    assert all(q["mailto"] == ["me@x.org"] for _, q, _ in replay.requests)


def test_fetch_arxiv_pdfs_with_field_from_the_category(replay: Replay, tmp_path: Path):
    out = tmp_path / "arxiv"
    result = fetch(replay, "arxiv", out, "--category", "cs.CV", "--query", "synthetic images")
    assert result.exit_code == 0, result.output
    manifest = rows(out / "manifest.csv")
    assert [(r["path"], r["arxiv_id"], r["field"], r["year"]) for r in manifest] == [
        ("2401.00001v1.pdf", "2401.00001v1", "Computer Science", "2024"),
        ("2401.00002v2.pdf", "2401.00002v2", "Computer Science", "2024"),
    ]
    assert manifest[1]["doi"] == "10.9999/rs.2024.9"
    # the third entry's PDF link answers 404 with an HTML page
    assert rows(out / "failed.csv")[0]["reason"] == "HTTP 404 Not Found"
    search = replay.requests[0][1]["search_query"][0]
    assert search == "all:synthetic AND all:images AND cat:cs.CV"


def test_fetch_arxiv_latex_keeps_the_main_tex_file(replay: Replay, tmp_path: Path):
    out = tmp_path / "tex"
    result = fetch(replay, "arxiv", out, "--category", "cs.CV", "--source", "latex")
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in rows(out / "manifest.csv")] == [
        "2401.00001v1.tex",
        "2401.00002v2.tex",
        "2401.00003v1.tex",
    ]
    assert b"\\documentclass" in (out / "2401.00003v1.tex").read_bytes()


def test_fetch_arxiv_reports_a_refused_query(replay: Replay, tmp_path: Path):
    result = fetch(replay, "arxiv", tmp_path / "a", "--query", "bad:query")
    assert result.exit_code == 2
    assert "arXiv refused the query: incorrect id format" in result.output


def test_fetch_openalex_records_works_without_a_pdf(replay: Replay, tmp_path: Path):
    out = tmp_path / "oa"
    result = fetch(replay, "openalex", out, "--filter", "is_oa:true", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["fetched"], report["failed"], report["matched"]) == (4, 1, 5)
    manifest = {r["path"]: r for r in rows(out / "manifest.csv")}
    assert manifest["W4000000002.pdf"]["field"] == "Decision Sciences"
    assert manifest["W4000000002.pdf"]["venue"] == "Operations Notes"
    assert rows(out / "failed.csv")[0]["reason"] == "no open-access PDF listed by OpenAlex"


def test_fetch_retries_429_and_500_then_keeps_the_file(replay: Replay, tmp_path: Path):
    replay.fail("/files/W4000000001.pdf", Fault("status", 429, {"Retry-After": "2"}))
    replay.fail("/files/W4000000002.pdf", Fault("status", 500), Fault("status", 503))
    out = tmp_path / "oa"
    result = fetch(replay, "openalex", out, "--filter", "x", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert len(rows(out / "manifest.csv")) == 2
    assert "retry" in result.stderr and "HTTP 429" in result.stderr


def test_fetch_records_each_failure_with_its_reason(replay: Replay, tmp_path: Path):
    replay.fail("/files/W4000000001.pdf", Fault("truncate"), Fault("truncate"))
    replay.fail("/files/W4000000002.pdf", Fault("slow", seconds=1.0), Fault("slow", seconds=1.0))
    replay.fail("/files/W4000000003.pdf", Fault("html"))
    out = tmp_path / "oa"
    result = fetch(replay, "openalex", out, "--filter", "x", "--retries", "1", "--timeout", "0.3")
    assert result.exit_code == 0, result.output
    reasons = {r["path"]: r["reason"] for r in rows(out / "failed.csv")}
    assert reasons["W4000000001.pdf"].startswith("truncated body: ")
    assert "(after 2 attempts)" in reasons["W4000000001.pdf"]
    assert reasons["W4000000002.pdf"].startswith("no answer within 0.3 s (time-out)")
    assert reasons["W4000000003.pdf"] == (
        "wrong format: expected a PDF, got an HTML page (a landing or login page?)"
    )
    assert [r["path"] for r in rows(out / "manifest.csv")] == ["W4000000004.pdf"]
    assert not list(out.glob(".*.part"))  # no partial file kept
    assert "failed  W4000000001.pdf  truncated body" in result.stderr


def test_fetch_stops_with_a_message_on_malformed_json(replay: Replay, tmp_path: Path):
    replay.fail("/epmc/search", Fault("malformed"))
    result = fetch(replay, "europepmc", tmp_path / "e", "--query", "x")
    assert result.exit_code == 1
    assert "malformed JSON" in result.stderr and "changed its API" in result.stderr


def test_fetch_stops_with_a_message_when_the_service_is_unreachable(tmp_path: Path):
    result = CliRunner().invoke(
        main,
        [
            "fetch",
            "openalex",
            "--filter",
            "x",
            "--api-url",
            "http://127.0.0.1:9",
            "--retries",
            "0",
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "cannot reach 127.0.0.1:9" in result.stderr and "--api-url" in result.stderr


def test_fetch_dry_run_counts_without_fetching(replay: Replay, tmp_path: Path):
    out = tmp_path / "dry"
    result = fetch(replay, "europepmc", out, "--query", "x", "--dry-run", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"6 record(s) match; 3 would be fetched into {out}\n"
    assert not out.exists()
    assert all(path == "/epmc/search" for path, _, _ in replay.requests)


def test_fetch_rerun_fetches_nothing_twice(replay: Replay, tmp_path: Path):
    out = tmp_path / "oa"
    assert fetch(replay, "openalex", out, "--filter", "x").exit_code == 0
    before = dict(replay.counts)
    again = fetch(replay, "openalex", out, "--filter", "x", "--format", "json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert (report["fetched"], report["already_fetched"]) == (0, 4)
    for n in range(1, 5):
        path = f"/files/W400000000{n}.pdf"
        assert replay.counts[path] == before[path] == 1
    assert len(rows(out / "manifest.csv")) == 4


def _dead_url() -> str:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/paper.pdf"


def _pdf_record(path: str, url: str) -> Record:
    return Record(path=path, source_url=url, expected=("pdf",))


def test_an_unreachable_full_text_host_fails_only_its_record(replay: Replay, tmp_path: Path):
    records = [
        _pdf_record("a.pdf", _dead_url()),
        _pdf_record("b.pdf", f"{replay.base}/files/W4000000001.pdf"),
    ]
    summary = fetch_all(records, Journal(tmp_path), Client(retries=0))
    assert (summary.fetched, summary.failed) == (1, 1)
    assert rows(tmp_path / "failed.csv")[0]["reason"].startswith("cannot reach 127.0.0.1:")


def test_three_unreachable_hosts_in_a_row_stop_the_run(tmp_path: Path):
    records = [_pdf_record(f"{n}.pdf", _dead_url()) for n in range(5)]
    with pytest.raises(NetworkUnreachable):
        fetch_all(records, Journal(tmp_path), Client(retries=0))
    assert len(rows(tmp_path / "failed.csv")) == 2  # the first two, then the run stopped


def test_arxiv_entry_ids_that_are_not_arxiv_ids_are_left_out(replay: Replay) -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://x/abs/../../etc/passwd</id>'
        "</entry><entry><id>http://x/abs/hep-th/9901001v1</id><title>Old</title>"
        '<primary_category xmlns="http://arxiv.org/schemas/atom" term="hep-th"/></entry></feed>'
    )
    service = ArXiv(Client(), "q")
    entries = SafeET.fromstring(feed).findall("atom:entry", NS)
    assert service.record(entries[0]) is None
    old = service.record(entries[1])
    assert old is not None and old.path == "hep-th_9901001v1.pdf"
    assert old.field == "Physics and Astronomy"
