"""``synthwatch serve`` keeps answering while a scan writes the database (issue 15): from the
scan's last published snapshot, with a notice; after the scan, from the database itself."""

from __future__ import annotations

import signal

from starlette.testclient import TestClient

from pipeline.store import scan_running
from pipeline.web.app import create_app
from tests.test_snapshot import start_scan, wait_for_snapshot_with_papers, write_papers


def test_pages_and_api_answer_during_a_scan_and_say_so(tmp_path):
    papers = write_papers(tmp_path / "papers", 3000)
    db = tmp_path / "corpus.duckdb"
    scan = start_scan(papers, db)
    try:
        wait_for_snapshot_with_papers(db, scan)
        client = TestClient(create_app(db, index_folder=tmp_path / "index"))
        overview = client.get("/")
        assert overview.status_code == 200
        assert "A scan is writing this database" in overview.text
        found = client.get("/api/findings", params={"q": "synthetic patient"})
        assert found.status_code == 200, found.text
        during = found.json()["total"]
        assert during > 0
        health = client.get("/healthz").json()
        assert health["scan_running"] is True
        assert client.get("/findings", params={"q": "CTGAN"}).status_code == 200
    finally:
        if scan.poll() is None:
            scan.wait(timeout=600)
    assert scan.returncode == 0, scan.stderr.read() if scan.stderr else ""
    assert scan_running(db) is None
    after = client.get("/api/findings", params={"q": "synthetic patient"})
    assert after.status_code == 200
    assert after.json()["total"] >= during  # the finished state: every paper's findings
    assert "A scan is writing this database" not in client.get("/").text


def test_a_scan_killed_while_serving_leaves_the_app_on_the_database(tmp_path):
    papers = write_papers(tmp_path / "papers", 3000)
    db = tmp_path / "corpus.duckdb"
    scan = start_scan(papers, db)
    try:
        wait_for_snapshot_with_papers(db, scan)
        client = TestClient(create_app(db, index_folder=tmp_path / "index"))
        assert client.get("/api/papers").status_code == 200
    finally:
        scan.send_signal(signal.SIGKILL)
        scan.wait(timeout=60)
    # the marker is stale (its pid is gone): pages read the database, with no notice
    page = client.get("/")
    assert page.status_code == 200 and "A scan is writing" not in page.text
    assert client.get("/api/papers").json()["total"] > 0
