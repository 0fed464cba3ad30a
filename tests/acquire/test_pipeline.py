"""Done when: fetch -> scan --manifest -> query by field, and enrich fills what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import CliRunner, Result

from pipeline.acquire.enrich import identifier_of, lookup
from pipeline.acquire.http import Client
from pipeline.cli import main
from tests.acquire.replay import Replay


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def prevalence(db: Path, query: str) -> dict[object, int]:
    rows = json.loads(run("query", query, "--db", str(db), "--format", "json").stdout)
    key = query.rsplit("_", 1)[-1]  # field, year or venue
    return {r[key]: r["n"] for r in rows}


def test_fetch_then_scan_then_query_gives_rows_per_field(replay: Replay, tmp_path: Path):
    out, db = tmp_path / "oa", tmp_path / "corpus.duckdb"
    run(
        "fetch",
        "openalex",
        "--filter",
        "is_oa:true",
        "--api-url",
        f"{replay.base}/openalex",
        "-o",
        str(out),
    )
    run("scan", "--manifest", str(out / "manifest.csv"), "--db", str(db), "--workers", "1")
    assert prevalence(db, "prevalence_by_field") == {
        "Decision Sciences": 1,
        "Earth and Planetary Sciences": 2,
        "Medicine": 1,
    }
    assert prevalence(db, "prevalence_by_year") == {2021: 1, 2022: 1, 2023: 2}
    con = duckdb.connect(str(db), read_only=True)
    venues = dict(con.execute("SELECT doi, venue FROM papers").fetchall())
    con.close()
    assert venues["10.9999/jir.2022.1"] == "Journal of Imaginary Radiology"


def test_enrich_fills_field_keeps_known_values_and_asks_nothing_twice(
    replay: Replay, tmp_path: Path
) -> None:
    out, db = tmp_path / "epmc", tmp_path / "corpus.duckdb"
    run("fetch", "europepmc", "--query", "x", "--api-url", f"{replay.base}/epmc", "-o", str(out))
    run("scan", "--manifest", str(out / "manifest.csv"), "--db", str(db), "--workers", "1")
    assert prevalence(db, "prevalence_by_field") == {None: 4}  # Europe PMC gives no field
    api = f"{replay.base}/openalex"

    dry = run("enrich", "--db", str(db), "--api-url", api, "--dry-run")
    assert "4 of 4 paper(s) have a DOI, PMCID or arXiv id; 4 would be asked" in dry.stdout
    assert replay.counts["/openalex/works"] == 0

    first = json.loads(run("enrich", "--db", str(db), "--api-url", api, "--format", "json").stdout)
    assert (first["asked"], first["requests"], first["matched"]) == (4, 1, 4)
    assert first["filled"] == {"year": 0, "venue": 0, "field": 4}
    assert prevalence(db, "prevalence_by_field") == {
        "Agricultural and Biological Sciences": 1,
        "Medicine": 2,
        "Social Sciences": 1,
    }
    con = duckdb.connect(str(db), read_only=True)
    known = con.execute(
        "SELECT p.venue, e.venue, e.is_oa, e.topics, e.licence FROM papers p "
        "JOIN paper_enrichment e USING (paper_id) WHERE p.doi = '10.9999/cdsr.2021.001'"
    ).fetchone()
    con.close()
    assert known == (
        "Clinical Data Science Reports",  # the manifest's venue is kept in papers
        "Clinical Data Science Reports (as OpenAlex names it)",
        True,
        ["Medicine topic"],
        "cc-by",
    )

    assert prevalence(db, "prevalence_by_venue") == {  # the manifest's venues, kept
        "Agronomy Letters": 1,
        "Clinical Data Science Reports": 1,
        "Oncology Notes": 1,
        "Survey Methods Letters": 1,
    }

    again = json.loads(run("enrich", "--db", str(db), "--api-url", api, "--format", "json").stdout)
    assert (again["asked"], again["requests"], again["from_cache"]) == (0, 0, 4)
    assert replay.counts["/openalex/works"] == 1


def test_enrich_needs_an_existing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["enrich", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no database at" in result.output and "synthwatch scan" in result.output


def test_identifier_of_a_paper_from_doi_or_file_name() -> None:
    assert identifier_of("https://doi.org/10.1/ABC", "x.pdf") == "doi:10.1/abc"
    assert identifier_of(None, "/data/PMC123456.xml") == "pmcid:PMC123456"
    assert identifier_of("", "/a/2401.00001v2.pdf") == "doi:10.48550/arxiv.2401.00001"
    assert identifier_of(None, "/a/paper-2024.pdf") is None


def test_lookup_by_pmcid_and_misses_are_answers_too(replay: Replay) -> None:
    found = lookup(Client(), ["pmcid:PMC9000002", "pmcid:PMC1"], api_url=f"{replay.base}/openalex")
    assert found["pmcid:PMC1"] is None
    work = found["pmcid:PMC9000002"]
    assert work is not None and work["primary_topic"]["field"]["display_name"] == "Social Sciences"
    query = replay.requests[-1][1]
    assert query["filter"] == ["ids.pmcid:PMC9000002|PMC1"] and query["per_page"] == ["2"]
