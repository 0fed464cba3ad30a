"""Review sheets: written reproducibly, imported all or nothing, bad rows named."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.errors import SheetError
from pipeline.review.reviews import ReviewStore, read_reviews, read_sample
from pipeline.review.sheet import REQUIRED_COLUMNS, read_sheet
from tests.review.conftest import PAPERS
from tests.review.helpers import draw_sheet, fill, invoke, read_rows, write_rows

KNOWN = {p.paper_id for p in PAPERS}


def _n_reviews(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        con.close()


def test_same_seed_gives_a_byte_identical_sheet_and_another_seed_another(review_db, tmp_path):
    first, _ = draw_sheet(review_db, tmp_path / "a")
    again, _ = draw_sheet(review_db, tmp_path / "b")
    other, _ = draw_sheet(review_db, tmp_path / "c", "--seed", "3")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_sheet_has_the_issue_columns_and_inclusion_probabilities(review_db, tmp_path):
    sheet, _ = draw_sheet(review_db, tmp_path)
    rows = read_rows(sheet)
    assert len(rows) == 20
    for column in (
        "paper_id",
        "source_path",
        "title",
        "doi",
        "detected",
        "evidence",
        "inclusion_probability",
        "reviewer",
        "review_uses_synthetic",
        "review_category",
        "review_note",
    ):
        assert column in rows[0]
    by_stratum = {}
    for row in rows:
        by_stratum.setdefault(row["stratum"], []).append(float(row["inclusion_probability"]))
    # 18 detected and 42 undetected papers: n_h / N_h, the same for every paper of a stratum
    n_detected = len(by_stratum["detected"])
    assert by_stratum["detected"] == pytest.approx([n_detected / 18] * n_detected)
    assert by_stratum["undetected"] == pytest.approx([(20 - n_detected) / 42] * (20 - n_detected))
    detected = [r for r in rows if r["detected"] == "yes"]
    assert all("[use, methods, p. 3]" in r["evidence"] for r in detected)


def test_a_good_sheet_imports_every_answer(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path)
    filled = write_rows(tmp_path / "filled.csv", fill(read_rows(sheet)))
    result = invoke(
        "review", "import", str(filled), "--db", str(review_db), "--reviews", str(reviews)
    )
    assert result.exit_code == 0, result.output
    assert "20 review(s) imported" in result.output
    assert _n_reviews(reviews) == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda rows: rows[3].update(paper_id="f" * 64),
            f"row 5: paper_id {'f' * 64} is not an assessed paper of this database",
        ),
        (
            lambda rows: rows[1].update(review_uses_synthetic="maybe"),
            "row 3: review_uses_synthetic 'maybe' is not one of yes, no, unsure",
        ),
        (
            lambda rows: rows[2].update(review_category="llm"),
            "row 4: review_category llm is not a category",
        ),
        (
            lambda rows: rows[0].update(inclusion_probability="1.5"),
            "row 2: inclusion_probability '1.5' is not a number in (0, 1]",
        ),
        (lambda rows: rows[6].update(reviewer=""), "row 8: an answer without a reviewer"),
        (lambda rows: rows.append(dict(rows[4])), "row 22: reviewer 'oracle' reviews paper"),
    ],
    ids=["unknown paper", "answer", "category", "probability", "no reviewer", "duplicate"],
)
def test_a_bad_sheet_names_the_row_and_imports_nothing(review_db, tmp_path, change, message):
    sheet, reviews = draw_sheet(review_db, tmp_path)
    rows = fill(read_rows(sheet))
    change(rows)
    bad = write_rows(tmp_path / "bad.csv", rows)
    result = invoke("review", "import", str(bad), "--db", str(review_db), "--reviews", str(reviews))
    assert result.exit_code == 2
    assert message in result.output
    assert "nothing imported" in result.output
    assert _n_reviews(reviews) == 0  # the 19 good rows were not written either


def test_a_sheet_without_the_review_columns_is_refused_naming_them(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path)
    rows = read_rows(sheet)
    bad = write_rows(tmp_path / "bad.csv", rows, ["paper_id", "stratum", "inclusion_probability"])
    result = invoke("review", "import", str(bad), "--db", str(review_db), "--reviews", str(reviews))
    assert result.exit_code == 2
    assert "the header lacks column(s) reviewer, review_uses_synthetic" in result.output


def test_a_paper_outside_the_sample_is_refused(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path)
    rows = fill(read_rows(sheet))
    outside = next(p.paper_id for p in PAPERS if p.paper_id not in {r["paper_id"] for r in rows})
    rows[0]["paper_id"] = outside
    with ReviewStore(reviews) as store:
        sample = {s.paper_id: s for s in read_sample(store.con)}
    with pytest.raises(SheetError, match=r"row 2: paper_id \w+ is not in the sample"):
        read_sheet(write_rows(tmp_path / "bad.csv", rows), KNOWN, sample)


def test_semicolon_sheets_from_a_spreadsheet_are_read(tmp_path):
    paper = PAPERS[0].paper_id
    sheet = tmp_path / "excel.csv"
    sheet.write_text(
        "\ufeff" + ";".join(REQUIRED_COLUMNS) + f"\n{paper};detected;0.5;ann;Yes;llm_text;fine\n",
        encoding="utf-8",
    )
    checked = read_sheet(sheet, KNOWN)
    assert [(r.reviewer, r.uses_synthetic, r.category) for r in checked.reviews] == [
        ("ann", "yes", "llm_text")
    ]


def test_rows_without_an_answer_are_skipped_and_a_new_answer_replaces_the_old(review_db, tmp_path):
    sheet, reviews = draw_sheet(review_db, tmp_path)
    rows = read_rows(sheet)
    half = fill(rows[:5]) + rows[5:]
    first = invoke(
        "review",
        "import",
        str(write_rows(tmp_path / "h.csv", half)),
        "--db",
        str(review_db),
        "--reviews",
        str(reviews),
    )
    assert "5 review(s) imported, 0 replaced, 15 row(s) without an answer skipped" in first.output
    changed = fill(rows[:5])
    changed[0]["review_uses_synthetic"] = "unsure"
    again = invoke(
        "review",
        "import",
        str(write_rows(tmp_path / "c.csv", changed)),
        "--db",
        str(review_db),
        "--reviews",
        str(reviews),
    )
    assert "0 review(s) imported, 5 replaced" in again.output
    with ReviewStore(reviews) as store:
        answers = {r.paper_id: r.uses_synthetic for r in read_reviews(store.con)}
    assert answers[rows[0]["paper_id"]] == "unsure"
