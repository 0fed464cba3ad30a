"""The journalist's and the editor's walk-through in a real Chromium, against `synthwatch serve`.

Playwright drives the system's Chromium (no browser download) against a server this test starts
on 127.0.0.1 on a free port. Skips only when no Chromium is installed, and says so.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import DEMO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason=f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) to run this test",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_db):
    port = _free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pipeline.cli import main; main()",
            "serve",
            "--db",
            str(web_db),
            "--port",
            str(port),
            "--allow-upload",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            if child.poll() is not None or time.monotonic() > deadline:
                child.kill()
                raise RuntimeError(f"serve did not start: {child.stderr.read().decode()}") from None
            time.sleep(0.2)
    yield base
    child.terminate()
    child.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


def _api_total(base: str, url: str) -> int:
    query = urllib.parse.urlsplit(url).query
    with urllib.request.urlopen(f"{base}/api/findings?{query}") as r:
        return int(json.load(r)["total"])


def test_journalist_searches_filters_opens_a_paper_and_downloads(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/findings")
    page.get_by_label("Search evidence sentences and titles").fill("synthetic patients")
    page.keyboard.press("Enter")
    expect(page.locator("#count")).to_contain_text("for “synthetic patients”")
    assert page.locator("mark").count() > 0

    page.locator("details:has(summary:text-is('Medical')) a", has_text="true").click()
    page.locator("details:has(summary:text-is('Concern')) a", has_text="high").click()
    assert "medical=true" in page.url and "concern=high" in page.url
    total = _api_total(server, page.url)
    assert total > 0
    expect(page.locator("#count")).to_contain_text(f"{total} finding")

    # the CSV download holds every row the API counts
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    saved = tmp_path / "findings.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert len(rows) == total

    # open a paper, then its permalink in a new page
    page.locator("ol.hits li.hit .meta a").first.click()
    title = page.locator("h1").inner_text()
    expect(page.locator("#checklist")).to_be_visible()
    permalink = page.locator("dt:text-is('Permalink') + dd a").first.get_attribute("href")
    other = context.new_page()
    other.goto(permalink)
    assert other.locator("h1").inner_text() == title
    expect(other.locator(".verdict h2")).to_contain_text("Concern: high")

    # keyboard: the skip link is the first stop and it is visible when focused
    page.goto(server + "/findings")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    context.close()


def test_on_a_phone_the_results_come_before_the_filters(server, browser, tmp_path):
    """A narrow window shows the first finding at once, with a link down to the filters; a wide
    one keeps the filters in the left column, beside the results."""
    phone = browser.new_page(viewport={"width": 390, "height": 800})
    phone.goto(server + "/findings?q=synthetic")
    first = phone.locator("ol.hits li.hit").first.bounding_box()
    filters = phone.locator("#filters").bounding_box()
    assert first["y"] + first["height"] < 800, "the first finding is below the fold"
    assert first["y"] < filters["y"]
    phone.screenshot(path=str(tmp_path / "phone.png"))
    phone.get_by_role("link", name="Filter these findings").click()
    assert phone.url.endswith("#filters")
    expect(phone.locator("#filters summary").first).to_be_in_viewport()

    desk = browser.new_page(viewport={"width": 1280, "height": 800})
    desk.goto(server + "/findings?q=synthetic")
    expect(desk.get_by_role("link", name="Filter these findings")).to_be_hidden()
    filters = desk.locator("#filters").bounding_box()
    results = desk.locator("section.results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]
    assert abs(filters["y"] - results["y"]) < 5
    phone.close()
    desk.close()


def test_editor_uploads_a_pdf_and_a_broken_file(server, browser):
    page = browser.new_page()
    page.goto(server + "/screen")
    page.get_by_label("Paper file").set_input_files(str(DEMO / "pdf" / "sepsis-synthea.pdf"))
    page.get_by_role("button", name="Screen").click()
    expect(page.locator(".verdict h2")).to_contain_text("Concern: high", timeout=60_000)
    expect(page.locator("#checklist")).to_be_visible()

    page.get_by_label("Paper file").set_input_files(str(DEMO / "broken" / "truncated.pdf"))
    page.get_by_role("button", name="Screen").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "truncated or damaged PDF", timeout=60_000
    )
    page.close()
