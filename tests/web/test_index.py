"""The search table: the word index gives the scan's answers; it is rebuilt when the db changes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from pipeline.web import finder
from pipeline.web.app import create_app
from pipeline.web.index import SUFFIX, SearchIndex
from pipeline.web.params import parse_filters
from tests.conftest import scan_into

ZEBRAFISH = """Zebrafish larvae imaging with synthetic training data

Abstract

We generated 2,000 synthetic zebrafish images with StyleGAN2 and trained the segmentation
model on them. The model was then evaluated on real microscopy images from our laboratory.

Methods

The synthetic images were produced by a generative adversarial network trained on the public
atlas. We used these images as the training set of a U-Net for the segmentation of the heart.
"""
SEARCHES = [
    "synthetic patients",
    "silicon sample",
    '"silicon sample"',
    "GAN OR diffusion",
    "synth*",
    "GPT-4",
    "records",
    "synthetic patients OR respondents",
    '"synthetic data" generated',
    "Synthea",
    "c++",  # not in the index: the scan answers
]


@pytest.mark.parametrize("q", SEARCHES)
@pytest.mark.parametrize("extra", [[], [("stance", "use")], [("sort", "newest")]])
def test_word_index_and_scan_give_the_same_rows(app, q, extra):
    index = app.state.web.index
    con = index.cursor()
    try:
        f, _ = parse_filters([("q", q), ("per_page", "500"), *extra])
        fast, slow = finder.plan(con, f), finder.plan(con, f, use_index=False)
        assert slow.source == "hits"
        assert finder.total(con, f, fast) == finder.total(con, f, slow)
        assert finder.page(con, f, fast) == finder.page(con, f, slow)
        assert finder.facets(con, f, fast) == finder.facets(con, f, slow)
    finally:
        con.close()


def test_narrow_searches_use_the_word_index(app):
    con = app.state.web.index.cursor()
    try:
        f, _ = parse_filters([("q", "silicon sample")])
        assert finder.plan(con, f).source.startswith("hits JOIN")
    finally:
        con.close()


def test_the_cache_is_beside_the_database_and_the_database_is_not_written(db_copy):
    before = db_copy.read_bytes()
    index = SearchIndex(db_copy)
    index.ensure()
    assert index.path is not None and index.path.parent == db_copy.parent
    assert index.path.name.startswith("copy.duckdb.") and index.path.name.endswith(SUFFIX)
    assert index.path.is_file() and index.build_seconds is not None
    assert db_copy.read_bytes() == before
    index.close()
    again = SearchIndex(db_copy)
    again.ensure()
    assert again.build_seconds is None  # reused, not rebuilt
    again.close()


def test_the_app_answers_with_new_papers_after_the_database_changes(db_copy, tmp_path):
    app = create_app(db_copy)
    with TestClient(app) as client:
        before = client.get("/api/findings", params={"q": "zebrafish"}).json()["total"]
        assert before == 0
        paper = tmp_path / "zebrafish.txt"
        paper.write_text(ZEBRAFISH, encoding="utf-8")
        # the server holds no lock on the database between requests: a scan can write it
        scan_into(db_copy, [paper])
        after = client.get("/api/findings", params={"q": "zebrafish"}).json()
        assert after["total"] >= 1
        # one table per state of the database: the old one is gone
        assert len(list(db_copy.parent.glob(f"*{SUFFIX}"))) == 1
        pid = after["results"][0]["paper_id"]
        assert client.get(f"/papers/{pid}").status_code == 200
        assert (
            client.get("/api/stats").json()["papers"] == (client.get("/api/papers").json()["total"])
        )
