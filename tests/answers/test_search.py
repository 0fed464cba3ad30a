"""The search engine: its syntax, what it finds on the known database, ranking and pages.

Every expected hit below is read off the sentences of ``known_corpus.PAPERS`` by hand, as
(paper key, finding ordinal); the titles there are "Paper <key>".
"""

from __future__ import annotations

import pytest

from pipeline.answers.queries import load_query, run_query
from pipeline.answers.search import MAX_TERMS, compile_search, parse, search
from pipeline.errors import ParameterError, UsageError
from pipeline.store import connect_readonly
from tests.answers.known_corpus import PAPERS


@pytest.fixture
def con(known_db):
    con = connect_readonly(known_db)
    yield con
    con.close()


def key(finding_id: str) -> tuple[str, int]:
    prefix, ordinal = finding_id.split(":")
    return next(p.key for p in PAPERS if p.paper_id.startswith(prefix)), int(ordinal)


def found(con, text: str, **filters) -> list[tuple[str, int]]:
    return [key(f) for f in search(con, text, limit=0, **filters).rows["finding_id"]]


SYNTHETIC = {("p02", 0), ("p02", 1), ("p03", 0), ("p03", 1), ("p04", 1), ("p06", 0), ("p10", 0)}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("synthetic", SYNTHETIC),  # a whole word: "synthetic", any case
        ("SYNTHETIC records", {("p02", 1)}),  # both words, any order
        ("records synthetic", {("p02", 1)}),
        ("patient", {("p02", 0)}),  # a word finds its plural ...
        ("respondents", {("p05", 1)}),
        ("personas", {("p05", 0), ("p05", 1)}),
        ("persona", {("p05", 0), ("p05", 1)}),  # ... and the plural its singular
        ('"synthetic minority"', {("p10", 0)}),  # a phrase: these words in this order
        ('"minority synthetic"', set()),
        ('"synthetic or simulated"', {("p06", 0)}),
        ("gan", {("p03", 1)}),  # not StyleGAN2: whole words only
        ("GAN OR StyleGAN2", {("p03", 1), ("p04", 0)}),
        ("GAN | StyleGAN2", {("p03", 1), ("p04", 0)}),
        ("synthetic GAN OR StyleGAN2", {("p03", 1)}),  # OR binds tighter than AND
        ("synth*", SYNTHETIC),  # Synthea, synthetic: words that start with synth
        ("style*", {("p04", 0)}),
        ("gpt-4", {("p01", 0), ("p01", 1), ("p01", 2), ("p07", 0), ("p07", 1)}),  # not GPT-4o
        ("gpt 4", {("p01", 0), ("p01", 1), ("p01", 2), ("p07", 0), ("p07", 1)}),
        ("x-rays", {("p04", 0), ("p04", 1)}),
        ("50%", {("p02", 1)}),  # % and _ are text, not wildcards
        ("model's", {("p02", 1)}),
        ("%", {("p02", 1)}),
        ("_", set()),
        ("survey respondents", set()),  # every word must occur
    ],
)
def test_search_finds_what_the_syntax_promises(con, text, expected):
    assert set(found(con, text)) == expected


def test_a_title_match_shows_the_papers_strongest_finding_after_sentence_hits(con):
    result = search(con, "p07", limit=0)
    [row] = result.rows.to_dict("records")
    assert row["matched"] == "title" and row["title"] == "Paper p07"
    assert row["sentence"] == "We distilled instructions from GPT-4 and Llama 3."  # use, 0.90
    mixed = search(con, "gpt-4 OR p04", limit=0).rows
    assert list(mixed["matched"]) == ["sentence"] * 5 + ["title"]
    assert key(mixed["finding_id"].iloc[-1]) == ("p04", 0)  # its strongest use finding
    assert set(mixed["matched"][:5]) == {"sentence"}


def test_hits_are_ranked_own_use_first_then_confidence(con):
    assert found(con, "synthetic") == [
        ("p04", 1),  # use 0.88
        ("p10", 0),  # use 0.86
        ("p02", 0),  # use 0.85
        ("p02", 1),  # use 0.70
        ("p06", 0),  # negated 0.80
        ("p03", 1),  # cited 0.60
        ("p03", 0),  # background 0.50
    ]


def test_pages_cut_the_same_ranking_and_say_how_many_there_are(con):
    everything = found(con, "synthetic")
    page2 = search(con, "synthetic", limit=3, page=2)
    assert [key(f) for f in page2.rows["finding_id"]] == everything[3:6]
    assert (page2.total, page2.first, page2.last, page2.more) == (7, 4, 6, True)
    last = search(con, "synthetic", limit=3, page=3)
    assert (len(last.rows), last.first, last.last, last.more) == (1, 7, 7, False)
    past = search(con, "synthetic", limit=3, page=9)
    assert past.rows.empty and past.total == 7 and past.first == 0
    assert search(con, "nowhere", limit=3).total == 0


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({"stance": "use"}, {("p02", 0), ("p02", 1), ("p04", 1), ("p10", 0)}),
        ({"section": "methods"}, {("p02", 0), ("p04", 1), ("p06", 0)}),
        ({"category": "generated_media"}, {("p03", 1), ("p04", 1)}),
        ({"year_from": 2023}, {("p04", 1), ("p06", 0)}),
        ({"year_to": 2022}, {("p02", 0), ("p02", 1), ("p03", 0), ("p03", 1)}),
    ],
)
def test_filters_narrow_the_hits(con, filters, expected):
    assert set(found(con, "synthetic", **filters)) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ('"silicon sample', "quote is not closed"),
        ("OR synthetic", "OR needs a word on each side"),
        ("synthetic OR", "OR needs a word on each side"),
        ("a OR OR b", "OR needs a word on each side"),
        ("s*", "at least 2 characters before"),
        ("syn*tic", r"\* only ends a word"),
        ("", "has no words to find"),
        ('  "" -- ', "has no words to find"),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), f"at most {MAX_TERMS}"),
    ],
)
def test_text_that_cannot_be_searched_is_refused_with_what_to_do(con, text, message):
    with pytest.raises(ParameterError, match=message) as caught:
        search(con, text)
    assert isinstance(caught.value, UsageError)


def test_bad_filters_and_pages_are_refused(con):
    with pytest.raises(ParameterError, match="'usee' is not a stance"):
        search(con, "synthetic", stance="usee")
    with pytest.raises(ParameterError, match="page of query search must be 1 or more"):
        search(con, "synthetic", page=0)
    with pytest.raises(ParameterError, match="limit of query search must be 0"):
        search(con, "synthetic", limit=-1)


def test_values_are_bound_never_put_in_the_sql():
    query = load_query("search")
    text = 'x\'; DROP TABLE papers; -- "a b" OR cl*'
    sql, values = compile_search(query, query.bind({"phrase": text}))
    assert "DROP" not in sql and "x'" not in sql and "'%" not in sql
    assert any("drop" in str(v) for v in values.values())
    assert "phrase" not in values


def test_the_canned_query_is_the_same_search(con):
    frame = run_query(con, "search", {"phrase": "synthetic", "stance": "use", "limit": 2})
    result = search(con, "synthetic", stance="use", limit=2)
    assert frame.equals(result.rows)
    assert list(frame.columns) == list(load_query("search").columns)


def test_spans_mark_each_match_for_highlighting():
    query = parse('synthetic patient* "real records"')
    text = "Synthetic patients and synthetically made real  records."
    marked = [text[a:b] for a, b in query.spans(text)]
    assert marked == ["Synthetic", "patients", "real  records"]
    assert parse("gan").spans("StyleGAN2 and a GAN") == [(16, 19)]
    assert parse("x").spans(None) == []


def test_parse_says_how_it_understood_the_text():
    assert str(parse('Synthetic  "Silicon Sample" GAN OR diffusion synth*')) == (
        'synthetic "silicon sample" gan OR diffusion synth*'
    )
