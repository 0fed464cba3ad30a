"""``synthwatch paper ID``: the screening page of a scanned paper, from the database alone."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import scan_into

SEPSIS = "pdf/sepsis-synthea.pdf"
# verdict fields the database does not keep: where the scan found the real-data check
NOT_STORED = {"real_data_sentence", "real_data_section", "real_data_page"}


def paper(*args: str):
    return CliRunner().invoke(main, ["paper", *args])


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
@pytest.mark.parametrize(
    "name", [SEPSIS, "pdf/chest-xray-stylegan2.pdf", "jats/silicon-sample-survey.xml"]
)
def test_paper_from_the_database_is_the_page_screen_makes_from_the_file(demo, demo_db, fmt, name):
    stored = paper(str(demo / name), "--db", str(demo_db), "--format", fmt)
    screened = CliRunner().invoke(main, ["screen", str(demo / name), "--format", fmt])
    assert stored.exit_code == 0 and screened.exit_code == 0, stored.stderr
    # the database holds the path as the scan was given it; everything else is the same
    assert stored.stdout == screened.stdout


def test_paper_json_is_the_screen_contract(demo, demo_db):
    stored = json.loads(paper(str(demo / SEPSIS), "--db", str(demo_db), "--format", "json").stdout)
    screened = json.loads(
        CliRunner().invoke(main, ["screen", str(demo / SEPSIS), "--format", "json"]).stdout
    )
    for data in (stored, screened):
        for key in NOT_STORED:
            data["verdict"].pop(key)
    assert stored == screened


def test_paper_by_id_and_by_unique_prefix(demo, demo_db):
    paper_id = hashlib.sha256((demo / SEPSIS).read_bytes()).hexdigest()
    full = paper(paper_id, "--db", str(demo_db), "--format", "json")
    prefix = paper(paper_id[:6].upper(), "--db", str(demo_db), "--format", "json")
    assert full.exit_code == 0 and prefix.exit_code == 0
    assert json.loads(full.stdout)["paper_id"] == paper_id
    assert prefix.stdout == full.stdout


def test_paper_by_a_copy_of_the_file_under_another_name(demo, demo_db, tmp_path):
    copy = tmp_path / "submission-1234.pdf"
    shutil.copy(demo / SEPSIS, copy)
    result = paper(str(copy), "--db", str(demo_db), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"].startswith("Predicting sepsis onset")


def test_paper_the_scan_could_not_read_shows_why(demo, demo_db):
    result = paper(str(demo / "broken" / "truncated.pdf"), "--db", str(demo_db))
    assert result.exit_code == 0
    assert "status: failed" in result.stdout and "truncated or damaged PDF" in result.stdout


def test_unknown_paper_exits_1_and_says_how_to_find_ids(demo_db):
    result = paper("no-such-paper", "--db", str(demo_db))
    assert result.exit_code == 1
    assert "no paper with id, id prefix or path 'no-such-paper'" in result.stderr
    assert "SELECT paper_id, title, source_path FROM papers" in result.stderr


def test_ambiguous_prefix_is_a_usage_error_listing_the_matches(tmp_path):
    # two papers whose ids (sha256 of their bytes) share the first four hex digits
    seen: dict[str, bytes] = {}
    for i in itertools.count():
        text = f"Paper {i}\n\nAbstract\n\nWe measured rainfall in {i} towns.\n".encode()
        prefix = hashlib.sha256(text).hexdigest()[:4]
        if prefix in seen:
            break
        seen[prefix] = text
    (tmp_path / "a.txt").write_bytes(seen[prefix])
    (tmp_path / "b.txt").write_bytes(text)
    db = tmp_path / "two.duckdb"
    scan_into(db, [tmp_path / "a.txt", tmp_path / "b.txt"], workers=1)
    result = paper(prefix, "--db", str(db))
    assert result.exit_code == 2
    assert f"'{prefix}' matches 2 papers" in result.stderr
    assert "give more of the id" in result.stderr


def test_a_prefix_shorter_than_four_characters_is_no_id(demo_db):
    assert paper("a", "--db", str(demo_db)).exit_code == 1


def test_without_the_file_the_check_sentence_has_no_place_but_the_page_renders(demo, tmp_path):
    # the silicon-sample paper's real-data check is a sentence of its own, not a finding
    paper_file = tmp_path / "silicon.xml"
    shutil.copy(demo / "jats" / "silicon-sample-survey.xml", paper_file)
    db = tmp_path / "one.duckdb"
    scan_into(db, [paper_file], workers=1)
    with_file = paper(str(paper_file), "--db", str(db), "--format", "markdown")
    paper_file.unlink()
    without = paper(str(paper_file), "--db", str(db), "--format", "markdown")
    assert with_file.exit_code == 0 and without.exit_code == 0, without.stderr
    check = json.loads(
        CliRunner()
        .invoke(main, ["screen", str(demo / "jats" / "silicon-sample-survey.xml"), "--format",
                       "json"])
        .stdout
    )["verdict"]  # fmt: skip
    assert check["real_data_sentence"] and check["real_data_section"]
    row = next(line for line in with_file.stdout.splitlines() if "validated on real data" in line)
    assert f"({check['real_data_section']})" in row
    row = next(line for line in without.stdout.splitlines() if "validated on real data" in line)
    assert "(section not known)" in row
