"""The review queue's pages and form posts, in-process (Starlette's TestClient)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from starlette.testclient import TestClient

from pipeline.review.web import create_review_app
from tests.review.conftest import HOSTILE_TITLE, PAPERS
from tests.review.helpers import draw_sheet, read_rows

ORIGIN = "http://testserver"


@pytest.fixture()
def queue(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path, n="60")
    client = TestClient(create_review_app(review_db, reviews))
    return client, read_rows(sheet), reviews


def _answers(reviews) -> list[tuple]:
    con = duckdb.connect(str(reviews), read_only=True)
    try:
        return con.execute(
            "SELECT paper_id, reviewer, uses_synthetic, category, note, source FROM reviews"
        ).fetchall()
    finally:
        con.close()


def test_importing_the_review_package_does_not_import_starlette():
    code = (
        "import sys, pipeline.review.validated, pipeline.review.sheet; "
        "print('starlette' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_start_page_asks_for_a_name_then_goes_to_the_first_paper(queue):
    client, _, _ = queue
    start = client.get("/review")
    assert start.status_code == 200 and 'name="reviewer"' in start.text
    first = client.get("/review?reviewer=ann", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/review/paper/1?reviewer=ann"


def test_a_plain_form_post_records_the_answer_and_moves_on(queue):
    client, rows, reviews = queue
    response = client.post(
        "/review/paper/1",
        data={"reviewer": "ann", "answer": "yes", "category": "llm_text", "note": "clear"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/review/paper/2?reviewer=ann"
    assert _answers(reviews) == [(rows[0]["paper_id"], "ann", "yes", "llm_text", "clear", "web")]
    page = client.get("/review/paper/2?reviewer=ann")
    assert "1 of 60 reviewed" in page.text


def test_a_cross_origin_post_is_refused_and_writes_nothing(queue):
    client, _, reviews = queue
    for headers in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/x"}, {}):
        response = client.post(
            "/review/paper/1", data={"reviewer": "ann", "answer": "yes"}, headers=headers
        )
        assert response.status_code == 403
    assert _answers(reviews) == []


def test_a_bad_answer_or_category_is_refused(queue):
    client, _, reviews = queue
    bad = client.post(
        "/review/paper/1", data={"reviewer": "ann", "answer": "maybe"}, headers={"Origin": ORIGIN}
    )
    assert bad.status_code == 400 and "answer must be one of yes, no, unsure" in bad.text
    category = client.post(
        "/review/paper/1",
        data={"reviewer": "ann", "answer": "yes", "category": "x"},
        headers={"Origin": ORIGIN},
    )
    assert category.status_code == 400
    missing = client.get("/review/paper/99?reviewer=ann")
    assert missing.status_code == 404
    assert _answers(reviews) == []


def test_paper_text_is_escaped_and_no_script_is_inline(queue):
    client, rows, _ = queue
    number = 1 + next(i for i, r in enumerate(rows) if r["paper_id"] == PAPERS[0].paper_id)
    page = client.get(f"/review/paper/{number}?reviewer=<b>ann</b>")
    assert HOSTILE_TITLE not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in page.text
    assert "model &lt;b&gt;bold&lt;/b&gt;." in page.text
    assert "&lt;b&gt;ann&lt;/b&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.text.count("<script") == page.text.count('<script src="/review/static/review.js"')
    assert "[use, methods, p. 3]" not in page.text  # the queue lists findings, not the sheet
    assert "Keys:" in page.text and "<kbd>y</kbd> yes" in page.text


def test_static_files_are_served_and_nothing_else(queue):
    client, _, _ = queue
    assert (
        client.get("/review/static/review.js").headers["content-type"].startswith("text/javascript")
    )
    assert client.get("/review/static/..%2Fweb.py").status_code == 404


def test_when_every_paper_is_reviewed_the_queue_says_so(review_db, tmp_path):
    _, reviews = draw_sheet(review_db, tmp_path, n="4")
    client = TestClient(create_review_app(review_db, reviews))
    for number in (1, 2, 3, 4):
        client.post(
            f"/review/paper/{number}",
            data={"reviewer": "ann", "answer": "no"},
            headers={"Origin": ORIGIN},
        )
    done = client.get("/review?reviewer=ann")
    assert "All 4 papers reviewed" in done.text
