"""Hostile requests: traversal, SQL and markup in every parameter, huge values, bad uploads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipeline.web.app import create_app
from pipeline.web.params import NAMES
from tests.conftest import DEMO

SQL = ["' OR 1=1 --", "'; DROP TABLE papers; --", "x' UNION SELECT * FROM papers --", "$q"]
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><b>x"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/..%2f..%2fapp.py",
        "/static/%2e%2e/%2e%2e/store/schema.sql",
        "/papers/..%2f..%2f..%2fetc%2fpasswd",
        "/papers/../../etc/passwd/file",
        "/papers/%2e%2e%2f%2e%2e%2fetc%2fpasswd/file",
        "/api/papers/..%2f..%2fetc%2fpasswd",
    ],
)
def test_no_path_from_the_url_reaches_the_file_system(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "import " not in r.text and "CREATE TABLE" not in r.text


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("page", "per_page")])
@pytest.mark.parametrize("value", SQL + MARKUP)
def test_sql_and_markup_in_every_parameter_are_a_400_or_inert(client, name, value):
    for url in ("/findings", "/api/findings"):
        r = client.get(url, params={name: value})
        assert r.status_code in (200, 400), (url, name, value)
        if url == "/findings":
            assert "<script>alert" not in r.text and "<img src=x" not in r.text
        else:  # JSON holds text as it is, and is never read as HTML
            assert r.headers["content-type"].startswith("application/json")
            assert r.headers["x-content-type-options"] == "nosniff"
            body = r.json()
            assert body["total"] >= 0 if r.status_code == 200 else body["error"]
    # the tables are still there: nothing was executed
    assert client.get("/api/stats").json()["papers"] > 30


def test_a_search_for_sql_finds_nothing_and_does_no_harm(client):
    r = client.get("/api/findings", params={"q": "papers; DROP TABLE findings"})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/findings").json()["total"] > 0


def test_markup_from_a_paper_is_escaped_on_every_page(client):
    found = client.get("/api/findings", params={"q": "onerror"}).json()
    assert found["total"] >= 1
    pid = found["results"][0]["paper_id"]
    for url in ("/findings?q=onerror", f"/papers/{pid}"):
        text = client.get(url).text
        assert "<img src=x onerror" not in text and "<script>alert" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text.replace("<mark>", "").replace(
            "</mark>", ""
        )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"per_page": "9" * 40},
        {"page": "-1"},
        {"year_from": "99999999999999999999"},
        {"venue": "v" * 5000},
        {"q": " ".join(["synthetic"] * 40)},
    ],
)
def test_huge_values_are_refused(client, params):
    r = client.get("/api/findings", params=params)
    assert r.status_code == 400 and r.json()["error"]


def test_a_body_over_the_limit_is_413(web_db):
    app = create_app(web_db, allow_upload=True, max_upload=1024 * 1024)
    with TestClient(app) as small:
        big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
        r = small.post("/api/screen", files={"file": ("big.pdf", big, "application/pdf")})
        assert r.status_code == 413 and "limit" in r.json()["error"]
        page = small.post("/screen", files={"file": ("big.pdf", big, "application/pdf")})
        assert page.status_code == 413


def test_upload_is_off_without_allow_upload(closed_client):
    assert closed_client.get("/screen").status_code == 403
    r = closed_client.post("/api/screen", files={"file": ("a.txt", b"text", "text/plain")})
    assert r.status_code == 403 and "--allow-upload" in r.json()["error"]
    assert 'href="/screen"' not in closed_client.get("/").text


def test_upload_without_the_file_field_or_empty_is_400(client):
    r = client.post("/api/screen", data={"other": "x"})
    assert r.status_code == 400 and "'file'" in r.json()["error"]
    r = client.post("/api/screen", files={"file": ("empty.pdf", b"", "application/pdf")})
    assert r.status_code == 400 and "empty" in r.json()["error"]
    r = client.post(
        "/api/screen", content=b"--x\r\nnot multipart", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 400


def test_upload_of_a_broken_file_gives_the_reason_not_a_500(client):
    data = (DEMO / "broken" / "truncated.pdf").read_bytes()
    r = client.post("/api/screen", files={"file": ("../../etc/passwd.pdf", data)})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "failed" and "truncated or damaged PDF" in body["error"]
    assert body["file"] == "passwd.pdf"  # the name, never a path
    page = client.post("/screen", files={"file": ("truncated.pdf", data)})
    assert page.status_code == 200 and "This paper could not be read" in page.text
    assert "truncated or damaged PDF" in page.text


def _uploads() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("synthwatch-upload-*")}


def test_upload_of_a_pdf_gives_the_screen_json_and_stores_nothing(client):
    before = client.get("/api/stats").json()["papers"]
    folders = _uploads()
    data = (DEMO / "pdf" / "chest-xray-stylegan2.pdf").read_bytes()
    r = client.post("/api/screen", files={"file": ("chest.pdf", data, "application/pdf")})
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["verdict"]["uses_synthetic"] is True
    assert {"file", "paper_id", "verdict", "findings"} <= set(body)
    page = client.post("/screen", files={"file": ("chest.pdf", data, "application/pdf")})
    assert "Concern:" in page.text and "Checklist" in page.text
    assert client.get("/api/stats").json()["papers"] == before
    assert _uploads() <= folders  # the upload was deleted


def test_a_screening_that_takes_too_long_is_stopped_with_a_message(web_db):
    app = create_app(web_db, allow_upload=True, screen_timeout_s=0.01)
    with TestClient(app) as hurried:
        data = (DEMO / "pdf" / "chest-xray-stylegan2.pdf").read_bytes()
        r = hurried.post("/api/screen", files={"file": ("chest.pdf", data)})
        assert r.status_code == 503 and "longer than" in r.json()["error"]


def test_a_slow_query_is_interrupted_with_a_message(web_db):
    from pipeline.web.db import Database, QueryTimeout

    database = Database(web_db, timeout_s=0.2)
    with pytest.raises(QueryTimeout, match=r"took longer than 0\.2 s"):
        database.run(
            lambda con: con.execute("SELECT sum(i) FROM range(100000000000) t(i)").fetchall()
        )
    # the connection still answers after the interrupt
    assert database.run(lambda con: con.execute("SELECT count(*) FROM papers").fetchone()[0]) > 30
