"""The review queue in a real Chromium: three papers answered with the keyboard, then a reload.

The system's Chromium through Playwright, as tests/answers/test_print.py; the server is uvicorn
on 127.0.0.1 in a thread of this process. Skips only when no Chromium is installed.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import duckdb
import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from pipeline.review.web import create_review_app
from tests.review.helpers import draw_sheet, read_rows

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) to test the queue",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path, n="10")
    port = _free_port()
    config = uvicorn.Config(
        create_review_app(review_db, reviews), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", read_rows(sheet), reviews
    instance.should_exit = True
    thread.join(timeout=10)


def test_three_papers_reviewed_with_the_keyboard_and_progress_kept_on_reload(server):
    url, rows, reviews = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{url}/review")
        page.fill("#reviewer", "ann")
        page.press("#reviewer", "Enter")
        expect(page.locator("#progress")).to_have_text("0 of 10 reviewed")
        expect(page.locator("#legend")).to_contain_text("Keys: y yes · n no · u unsure")
        for key, done in (("y", 1), ("n", 2), ("u", 3)):
            # the keys work once review.js has run on the page that just loaded
            expect(page.locator("html[data-keys=ready]")).to_have_count(1)
            page.keyboard.press(key)
            expect(page.locator("#progress")).to_have_text(f"{done} of 10 reviewed")
        assert page.url.endswith("/review/paper/4?reviewer=ann")
        page.reload()
        expect(page.locator("#progress")).to_have_text("3 of 10 reviewed")
        expect(page.locator("html[data-keys=ready]")).to_have_count(1)
        # typing in the note is not an answer
        page.locator("input[name=note]").press_sequentially("unsure about y")
        expect(page.locator("#progress")).to_have_text("3 of 10 reviewed")
        page.goto(f"{url}/review")  # a new visit resumes where ann stopped (name from cookie)
        assert page.url.endswith("/review/paper/4?reviewer=ann")
        browser.close()
    con = duckdb.connect(str(reviews), read_only=True)
    answers = con.execute(
        "SELECT paper_id, reviewer, uses_synthetic FROM reviews ORDER BY uses_synthetic DESC"
    ).fetchall()
    con.close()
    expected = {(rows[i]["paper_id"], "ann", a) for i, a in enumerate(("yes", "no", "unsure"))}
    assert set(answers) == expected
