"""``synthwatch review``: import a filled review sheet, check reviewer agreement, export."""

from __future__ import annotations

import click

from pipeline.cli import CONTEXT_SETTINGS
from pipeline.cli.common import (
    db_option,
    dumps,
    emit_rows,
    format_option,
    open_db,
    stderr_console,
    translate_errors,
)
from pipeline.cli.query import destination
from pipeline.cli.sample import reviews_option
from pipeline.review.agreement import agreement, resolve, to_adjudicate
from pipeline.review.papers import assessed_papers
from pipeline.review.reviews import (
    ReviewStore,
    default_reviews_path,
    read_reviews,
    read_sample,
    read_strata,
    reading,
)
from pipeline.review.sampling import stratum_of
from pipeline.review.sheet import read_sheet

EXPORT_COLUMNS = (
    "paper_id",
    "stratum",
    "inclusion_probability",
    "stratum_size",
    "detected",
    "detected_categories",
    "year",
    "field",
    "reviewer",
    "uses_synthetic",
    "category",
    "note",
    "answer",
)


@click.group("review", context_settings=CONTEXT_SETTINGS)
def review_group() -> None:
    """Reviews of a validation sample: import a filled sheet, agreement, export.

    Reviews live in a DuckDB file of their own (--reviews, default reviews.duckdb beside the
    database), never in the scanned database.

    \b
    Example:
        synthwatch review import sample.csv --db corpus.duckdb
        synthwatch review agreement --db corpus.duckdb
        synthwatch review export --db corpus.duckdb --format csv > reviews.csv
    """


def _reviews_path(db: str, reviews: str | None) -> str:
    return reviews or str(default_reviews_path(db))


@review_group.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("sheet", type=click.Path(dir_okay=False))
@db_option
@reviews_option
@translate_errors
def import_command(sheet: str, db: str, reviews: str | None) -> None:
    """Import the answers of a filled review sheet (CSV), all or nothing.

    Every row is checked first: the columns, that each paper_id is an assessed paper of the
    database (and of the sample, when the reviews file holds one), one row per paper and
    reviewer, answers yes | no | unsure, categories of the taxonomy, inclusion probabilities
    in (0, 1]. Any refused row stops the import, naming the rows; nothing is written. Rows
    without an answer are skipped (not reviewed yet). A reviewer's new answer on a paper
    replaces the old one.

    \b
    Example:
        synthwatch review import sample.csv --db corpus.duckdb
        synthwatch review import alice.csv --db corpus.duckdb --reviews reviews.duckdb
    """
    con = open_db(db)
    try:
        known = {p.paper_id for p in assessed_papers(con)}
    finally:
        con.close()
    path = _reviews_path(db, reviews)
    with ReviewStore(path, database=db) as store:
        sample = {s.paper_id: s for s in read_sample(store.con)} or None
        checked = read_sheet(sheet, known, sample)
        new, replaced = store.import_reviews(checked.reviews, checked.sample)
    stderr_console().print(
        f"{new} review(s) imported, {replaced} replaced, {checked.skipped} row(s) without an "
        f"answer skipped, into {path}",
        highlight=False,
        soft_wrap=True,
    )


@review_group.command("agreement", context_settings=CONTEXT_SETTINGS)
@db_option
@reviews_option
@format_option("table", "json", "csv", default="table")
@translate_errors
def agreement_command(db: str, reviews: str | None, fmt: str) -> None:
    """Agreement between reviewers of the same papers (Cohen's kappa), and what to adjudicate.

    Papers on which reviewers disagree count in no estimate until a review by the reviewer
    named `adjudicator` settles them. CSV lists the papers to adjudicate.

    \b
    Example:
        synthwatch review agreement --db corpus.duckdb
        synthwatch review agreement --db corpus.duckdb --format json
    """
    with reading(_reviews_path(db, reviews)) as con:
        answers = read_reviews(con)
    pairs = agreement(answers)
    pending = to_adjudicate(answers)
    if fmt == "json":
        click.echo(
            dumps(
                {
                    "pairs": [p.__dict__ for p in pairs],
                    "to_adjudicate": [{"paper_id": p, "reviews": r} for p, r in pending],
                }
            )
        )
        return
    if fmt == "csv":
        emit_rows(["paper_id", "reviews"], pending, "csv")
        return
    rows = [
        [
            p.reviewer_a,
            p.reviewer_b,
            p.n_papers,
            f"{p.agreement:.2f}",
            "undefined" if p.kappa is None else f"{p.kappa:.2f}",
        ]
        for p in pairs
    ]
    if rows:
        emit_rows(["reviewer", "reviewer", "papers", "agreement", "kappa"], rows, "table")
    else:
        click.echo("no paper has two reviewers: no agreement to measure")
    if pending:
        emit_rows(["paper_id", "reviews"], pending, "table", title="to adjudicate")
        click.echo("settle each with a review by the reviewer named 'adjudicator'")
    else:
        click.echo("nothing to adjudicate")


@review_group.command("export", context_settings=CONTEXT_SETTINGS)
@db_option
@reviews_option
@format_option("csv", "json", default="csv")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write."
)
@translate_errors
def export_command(db: str, reviews: str | None, fmt: str, output: str | None) -> None:
    """The sample with every review, for pandas: one row per review (or per unreviewed paper).

    `answer` is the answer that counts for the paper (the adjudicator's, or the reviewers'
    when they agree; `disagree` otherwise); stratum_size is the stratum's number of assessed
    papers in the database now. docs/validation.md reproduces every validated figure from this
    file and `synthwatch export papers`.

    \b
    Example:
        synthwatch review export --db corpus.duckdb -o reviews.csv
        synthwatch review export --db corpus.duckdb --format json
    """
    with reading(_reviews_path(db, reviews)) as con:
        sample, strata, answers = read_sample(con), read_strata(con), read_reviews(con)
    con = open_db(db)
    try:
        papers = {p.paper_id: p for p in assessed_papers(con)}
    finally:
        con.close()
    sizes: dict[str, int] = {}
    for p in papers.values():
        key = stratum_of(p, strata)
        sizes[key] = sizes.get(key, 0) + 1
    final = resolve(answers)
    by_paper: dict[str, list] = {}
    for r in answers:
        by_paper.setdefault(r.paper_id, []).append(r)
    rows = []
    for s in sorted(sample, key=lambda s: s.paper_id):
        p = papers.get(s.paper_id)
        base = [
            s.paper_id,
            s.stratum,
            s.inclusion_probability,
            sizes.get(s.stratum, 0),
            None if p is None else p.detected,
            None if p is None else ";".join(p.categories),
            None if p is None else p.year,
            None if p is None else p.field,
        ]
        answer = final[s.paper_id].answer if s.paper_id in final else None
        for r in by_paper.get(s.paper_id) or [None]:
            review = [None] * 4 if r is None else [r.reviewer, r.uses_synthetic, r.category, r.note]
            rows.append([*base, *review, answer])
    with destination(output):
        emit_rows(list(EXPORT_COLUMNS), rows, fmt)
    if output:
        stderr_console().print(f"{len(rows)} row(s) written to {output}", highlight=False)
