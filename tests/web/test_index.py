"""The search table: the word index gives the scan's answers; it is rebuilt when the db changes."""

from __future__ import annotations

import duckdb
import pytest
from starlette.testclient import TestClient

from pipeline.web import finder
from pipeline.web.app import create_app
from pipeline.web.index import SUFFIX, SearchIndex, build
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


def test_searches_use_the_keys_not_the_text(app):
    con = app.state.web.index.cursor()
    try:
        f, _ = parse_filters([("q", "silicon sample")])
        assert "sentence_lc" not in finder.plan(con, f).clause
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


# Sentences where the keys and the regular expression could disagree: a phrase written as one
# word, separated by punctuation or by a space that is not a gap (no-break space), plurals.
TRICKY = [
    "We prompted GPT4 for the answers.",
    "We prompted GPT-4 and GPT 4 for the answers.",
    "We prompted gpt, 4 times a day.",
    "The silicon   samples were drawn; a silicon-sample, a silicon\u00a0sample.",
    "Synthetic survey-answers and surveyanswers and surveys answer.",
    "Synthea records, CTGAN tables and synthesised text.",
    "Patient records from synthetic patientes.",
]
TRICKY_SEARCHES = [
    "GPT-4",
    '"gpt 4"',
    '"silicon sample"',
    '"survey answers"',
    "survey answers",
    "synth*",
    '"silicon sam*"',
    '"synthetic survey*"',
    "patients",
    "Synthea OR CTGAN",
    "synthetic records OR tables",
    '"synthetic survey answers"',  # three words: the text is checked
]


@pytest.fixture(scope="module")
def tricky_db(tmp_path_factory):
    """A database of the two tables the search table reads, holding the tricky sentences."""
    db = tmp_path_factory.mktemp("tricky") / "tricky.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE papers AS SELECT 'p' || i AS paper_id, 'Paper ' || i || "
        "CASE WHEN i = 1 THEN ' on GPT-4 silicon samples' ELSE '' END AS title, "
        "NULL::VARCHAR AS doi, 2020 + i AS year, 'V' AS venue, 'F' AS field, 'text' AS format, "
        "'low' AS concern, false AS medical, false AS participants_replaced, "
        "'not_found' AS real_data_check, NULL::VARCHAR AS source_path FROM range(3) t(i)"
    )
    con.execute(
        "CREATE TABLE findings (paper_id VARCHAR, ordinal INTEGER, finding_id VARCHAR, "
        "section VARCHAR, page INTEGER, sentence VARCHAR, stance VARCHAR, category VARCHAR, "
        "roles VARCHAR[], generators VARCHAR[], pattern_ids VARCHAR[], confidence DOUBLE)"
    )
    for i, sentence in enumerate(TRICKY):
        con.execute(
            "INSERT INTO findings VALUES (?, ?, ?, 'methods', 1, ?, ?, 'llm_text', ['x'], "
            "['GPT-4'], ['p1'], ?)",
            [f"p{i % 3}", i, f"f{i}", sentence, "use" if i % 2 else "cited", 0.5 + i / 100],
        )
    con.close()
    return db


@pytest.mark.parametrize("bits", [(128, 64), (0, 0), (2, 1)])
def test_keys_give_the_rows_of_the_regular_expression(tricky_db, tmp_path, bits):
    """With every key a bit, none, or a few, the keys find what the text scan finds."""
    target = tmp_path / "t.web-index.duckdb"
    build(tricky_db, target, bits=bits)
    con = duckdb.connect(str(target), read_only=True)
    try:
        found_some = 0
        for q in TRICKY_SEARCHES:
            f, _ = parse_filters([("q", q), ("per_page", "500")])
            fast, slow = finder.plan(con, f), finder.plan(con, f, use_index=False)
            rows = finder.page(con, f, slow)
            assert finder.page(con, f, fast) == rows, q
            assert finder.total(con, f, fast) == finder.total(con, f, slow) == len(rows), q
            found_some += bool(rows)
        assert found_some >= len(TRICKY_SEARCHES) - 1
    finally:
        con.close()
