"""Every page and API route of `synthwatch serve`, over a real scanned database."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from pipeline.detect.model import STANCES
from pipeline.store import connect_readonly
from pipeline.web.params import MAX_PER_PAGE
from pipeline.web.security import CSP

SEPSIS_DOI = "10.5555/demo.001"


def _paper_id(client, q: str = "synthetic patients") -> str:
    return client.get("/api/findings", params={"q": q}).json()["results"][0]["paper_id"]


def test_overview_shows_corpus_size_prevalence_concern_and_generators(client, web_db):
    r = client.get("/")
    assert r.status_code == 200
    con = connect_readonly(web_db)
    n = con.execute("SELECT count(*) FROM papers").fetchone()[0]
    con.close()
    assert f"Synthetic data in {n} papers" in r.text
    assert "What the numbers say" in r.text and "95% interval" in r.text
    assert "Concern" in r.text and "Top generators" in r.text and "Synthea" in r.text
    assert "Why papers could not be read" in r.text  # corpora/demo/broken
    assert "<svg" in r.text  # the chart over time


def test_every_html_page_has_the_csp_and_no_inline_script(client):
    pid = _paper_id(client)
    for url in ("/", "/findings", "/findings?q=synthetic", f"/papers/{pid}", "/about", "/screen"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in r.text.lower(), url
        assert "http://" not in r.text.replace("http://testserver", ""), url  # nothing external


def test_static_css_is_served(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "focus-visible" in r.text


def test_findings_search_highlights_words_and_counts(client):
    r = client.get("/findings", params={"q": "synthetic patients"})
    assert r.status_code == 200
    total = client.get("/api/findings", params={"q": "synthetic patients"}).json()["total"]
    assert total > 0
    assert f"{total} finding" in r.text
    assert "<mark>" in r.text
    assert 'value="synthetic patients"' in r.text  # the search box keeps the search


def test_findings_facets_have_counts_that_match_the_filtered_totals(client):
    r = client.get("/findings", params={"q": "synthetic"})
    api = client.get("/api/findings", params={"q": "synthetic", "stance": "use"}).json()
    # the stance facet's count of "use" is the total of the view filtered by it
    assert f'stance=use">use</a> <span class="count">{api["total"]}</span>' in r.text
    for label in ("Category", "Stance", "Role", "Concern", "Medical", "Generator"):
        assert f"<summary>{label}</summary>" in r.text


def test_filters_narrow_and_every_view_is_a_permalink(client):
    params = {"q": "synthetic patients", "medical": "true", "concern": "high"}
    narrowed = client.get("/api/findings", params=params).json()
    broad = client.get("/api/findings", params={"q": "synthetic patients"}).json()
    assert 0 < narrowed["total"] < broad["total"]
    assert all(row["concern"] == "high" and row["medical"] for row in narrowed["results"])
    page = client.get("/findings", params=params)
    # the permalink holds the whole state; following it shows the same count
    assert 'rel="bookmark"' in page.text
    link = page.text.split('rel="bookmark"')[0].rsplit('href="', 1)[1].split('"')[0]
    again = client.get(link.replace("&amp;", "&"))
    assert f"{narrowed['total']} finding" in again.text


def test_sort_and_pagination(client):
    one = client.get("/api/findings", params={"per_page": 3, "page": 1}).json()
    two = client.get("/api/findings", params={"per_page": 3, "page": 2}).json()
    assert one["total"] == two["total"] > 6
    assert (one["page"], one["per_page"], len(one["results"])) == (1, 3, 3)
    ids_one = {r["finding_id"] for r in one["results"]}
    assert not ids_one & {r["finding_id"] for r in two["results"]}
    newest = client.get("/api/findings", params={"sort": "newest", "per_page": 50}).json()
    years = [r["year"] for r in newest["results"] if r["year"] is not None]
    assert years == sorted(years, reverse=True)
    html = client.get("/findings", params={"per_page": 3, "page": 2}).text
    assert 'rel="next"' in html and 'rel="prev"' in html


def test_api_findings_contract(client):
    body = client.get("/api/findings", params={"q": "synthetic", "per_page": 5}).json()
    assert set(body) == {"total", "page", "per_page", "results"}
    for row in body["results"]:
        assert {"paper_id", "sentence", "section", "page", "stance", "category"} <= set(row)


def test_csv_download_streams_every_matching_row(client):
    params = {"q": "synthetic", "per_page": 2}
    total = client.get("/api/findings", params=params).json()["total"]
    assert total > 2
    r = client.get("/api/findings", params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == total  # every row, not one page
    page = client.get("/findings", params={"q": "synthetic", "download": "csv"})
    assert "attachment" in page.headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(page.text)))) == total


def test_json_download_streams_every_matching_row(client):
    total = client.get("/api/findings", params={"q": "synthetic"}).json()["total"]
    r = client.get("/findings", params={"q": "synthetic", "download": "json"})
    assert r.status_code == 200
    assert len(json.loads(r.text)) == total


def test_paper_page_shows_checklist_context_quote_and_pdf_link(client):
    pid = _paper_id(client)
    r = client.get(f"/papers/{pid}")
    assert r.status_code == 200
    text = r.text
    assert "Checklist" in text and "light-red" in text  # sepsis-synthea: concern high
    assert f"https://doi.org/{SEPSIS_DOI}" in text
    assert 'class="ctx"' in text  # the sentence among its neighbours (file is on disk)
    assert "Quote this" in text and f"/papers/{pid}#f" in text
    assert "patterns <code>" in text
    assert f"/papers/{pid}/file#page=" in text
    pdf = client.get(f"/papers/{pid}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_paper_page_lists_findings_in_reading_order_by_section_or_by_stance(client):
    pid = _paper_id(client)
    findings = client.get(f"/api/papers/{pid}").json()["findings"]
    assert len({f["section"] for f in findings}) > 1 and len({f["stance"] for f in findings}) > 1
    reading = sorted(findings, key=lambda f: (f["char_start"], f["ordinal"]))
    page = client.get(f"/papers/{pid}").text
    part = page[page.index('id="findings"') :]
    # each finding once, in the order of the text, under the heading of its section
    assert re.findall(r'<li class="hit" id="f(\d+)"', part) == [str(f["ordinal"]) for f in reading]
    headings = re.findall(r"<h3>([^<]+?)(?: <span|</h3>)", part)
    runs = [
        f["section"]
        for i, f in enumerate(reading)
        if i == 0 or reading[i - 1]["section"] != f["section"]
    ]
    assert headings == runs
    assert "group by stance" in part
    stance = client.get(f"/papers/{pid}", params={"by": "stance"}).text
    part = stance[stance.index('id="findings"') :]
    present = {f["stance"] for f in findings}
    assert re.findall(r"<h3>(\w+) <span", part) == [s for s in STANCES if s in present]
    assert "in reading order, by section" in part
    bad = client.get(f"/papers/{pid}", params={"by": "stanse"})
    assert bad.status_code == 400 and "did you mean stance?" in bad.text


def test_paper_file_is_404_for_a_paper_that_is_not_a_pdf(client):
    pid = _paper_id(client, "silicon sample")  # a JATS paper
    r = client.get(f"/papers/{pid}/file")
    assert r.status_code == 404 and "not on this computer" in r.text


def test_unknown_paper_is_404_with_a_message(client):
    r = client.get("/papers/" + "0" * 64)
    assert r.status_code == 404 and "no paper with id" in r.text
    api = client.get("/api/papers/" + "0" * 64)
    assert api.status_code == 404 and "no paper with id" in api.json()["error"]
    assert client.get("/papers/not-an-id").status_code == 404


def test_api_paper_is_the_screen_json_contract(client):
    pid = _paper_id(client)
    body = client.get(f"/api/papers/{pid}").json()
    assert body["paper_id"] == pid
    assert {"verdict", "findings", "status", "title", "doi"} <= set(body)
    assert body["verdict"]["concern"] == "high"


def test_api_papers_lists_and_filters(client):
    body = client.get("/api/papers", params={"status": "failed"}).json()
    assert body["total"] == 3 and all(p["status"] == "failed" for p in body["results"])
    everything = client.get("/api/papers", params={"per_page": 500}).json()
    assert everything["total"] == len(everything["results"]) > 30
    assert client.get("/api/papers", params={"status": "bogus"}).status_code == 400


def test_api_stats_and_healthz(client):
    stats = client.get("/api/stats").json()
    assert stats["papers"] > 30 and 0 < stats["prevalence"]["proportion"] < 1
    assert "high" in stats["concern"]
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["papers"] == stats["papers"]
    assert health["scan_running"] is False


def test_about_reads_accuracy_from_the_shipped_calibration(client):
    from pipeline.answers.default_calibration import _shipped

    shipped = _shipped()
    r = client.get("/about")
    assert r.status_code == 200
    any_counts = shipped["categories"]["any"]
    assert f'<td class="num">{any_counts["tp"]}</td>' in r.text
    assert f"{shipped['n_papers']} labelled papers" in r.text
    assert "simulated_participants" in r.text and "negated" in r.text


def test_openapi_describes_every_api_route(client):
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/api/findings",
        "/api/papers",
        "/api/papers/{paper_id}",
        "/api/stats",
        "/api/screen",
        "/healthz",
    }
    names = {p["name"] for p in doc["paths"]["/api/findings"]["get"]["parameters"]}
    assert {
        "q",
        "category",
        "stance",
        "role",
        "concern",
        "medical",
        "participants_replaced",
        "real_data_check",
        "generator",
        "year_from",
        "year_to",
        "venue",
        "field",
        "page",
        "per_page",
        "format",
    } <= names


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "unknown parameter"),
        ({"categroy": "llm_text"}, "did you mean category"),
        ({"category": "llm"}, "valid:"),
        ({"per_page": str(MAX_PER_PAGE + 1)}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "whole number"),
        ({"year_from": "2020", "year_to": "2010"}, "swap"),
        ({"q": '"unclosed'}, "quote"),
        ({"q": "a OR"}, "OR needs"),
        ({"format": "xml"}, "json, csv"),
        ({"page": "100000", "per_page": "500"}, "download"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, params, message):
    api = client.get("/api/findings", params=params)
    assert api.status_code == 400
    assert message in api.json()["error"]
    if "format" not in params:
        page = client.get("/findings", params=params)
        assert page.status_code == 400 and message in page.text.replace("&#39;", "'")


def test_a_repeated_parameter_is_refused(client):
    r = client.get("/api/findings?category=llm_text&category=simulation")
    assert r.status_code == 400 and "twice" in r.json()["error"]


def test_unknown_page_is_a_404_page_and_wrong_method_a_405(client):
    r = client.get("/nothing-here")
    assert r.status_code == 404 and "no such page" in r.text
    assert client.post("/findings").status_code == 405


def test_a_view_too_large_for_facet_counts_says_so_and_keeps_its_filters(client, monkeypatch):
    from pipeline.web import findings

    monkeypatch.setattr(findings, "MAX_FACET_ROWS", 3)
    r = client.get("/findings", params={"q": "synthetic"})
    assert r.status_code == 200
    assert "holds more than 3 findings" in r.text
    assert 'href="/findings?q=synthetic&amp;stance=use"' in r.text
    assert '<span class="count">' not in r.text


def test_facet_counts_that_take_too_long_leave_the_page_without_counts(client, monkeypatch):
    from pipeline.web import findings

    monkeypatch.setattr(findings, "FACET_TIMEOUT_S", 0.0)
    r = client.get("/findings", params={"q": "synthetic", "stance": "use"})
    assert r.status_code == 200
    assert "took too long" in r.text and "finding" in r.text
    assert '<span class="count">' not in r.text
