"""``synthwatch serve --review FILE``: the review queue inside the web app, and the overview's
validated figures once reviews exist (issue 16 in the web app)."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from pipeline.cli import main
from pipeline.web.app import create_app
from tests.review.conftest import build
from tests.review.helpers import draw_sheet, fill, invoke, read_rows, write_rows

ORIGIN = "http://testserver"


@pytest.fixture()
def served(tmp_path):
    db = build(tmp_path / "corpus.duckdb")
    sheet, reviews = draw_sheet(db, tmp_path / "sample", n="60")
    return db, sheet, reviews


def test_the_queue_is_served_and_writes_to_the_reviews_file_only(served, tmp_path):
    db, sheet, reviews = served
    before = db.read_bytes()
    client = TestClient(create_app(db, reviews=reviews, index_folder=tmp_path / "index"))
    start = client.get("/review")
    assert start.status_code == 200 and 'name="reviewer"' in start.text
    assert "content-security-policy" in {k.lower() for k in start.headers}
    first = read_rows(sheet)[0]
    answer = client.post(
        "/review/paper/1",
        data={"reviewer": "ann", "answer": "yes", "category": "llm_text", "note": ""},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert db.read_bytes() == before  # the scanned database is never written
    con = duckdb.connect(str(reviews), read_only=True)
    try:
        rows = con.execute("SELECT paper_id, reviewer, uses_synthetic FROM reviews").fetchall()
    finally:
        con.close()
    assert rows and rows[0][1] == "ann" and rows[0][2] == "yes"
    assert first["paper_id"]  # the sheet and the queue share the sample


def test_without_reviews_there_is_no_queue_and_the_overview_says_not_validated(served, tmp_path):
    db, _, _ = served
    client = TestClient(create_app(db, index_folder=tmp_path / "index"))
    assert client.get("/review").status_code == 404
    overview = client.get("/")
    assert overview.status_code == 200
    assert 'href="/review"' not in overview.text
    assert "not validated on this corpus" in overview.text


def test_the_overview_shows_the_validated_prevalence_once_reviews_exist(served, tmp_path):
    db, sheet, reviews = served
    filled = write_rows(tmp_path / "filled.csv", fill(read_rows(sheet)))
    result = invoke("review", "import", str(filled), "--db", str(db), "--reviews", str(reviews))
    assert result.exit_code == 0, result.output
    client = TestClient(create_app(db, reviews=reviews, index_folder=tmp_path / "index"))
    text = client.get("/").text
    assert "Validated on this corpus" in text and "papers of a stratified sample" in text
    assert 'href="/review">Review queue</a>' in text


def test_serve_refuses_a_reviews_file_that_does_not_exist(served, tmp_path):
    db, _, _ = served
    result = CliRunner().invoke(
        main, ["serve", "--db", str(db), "--review", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2
    assert "no reviews file" in result.output and "synthwatch sample" in result.output
