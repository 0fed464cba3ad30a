"""``synthwatch sample``: draw a validation sample as a review sheet, or plan its size."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console
from rich.table import Table

from pipeline.cli import CONTEXT_SETTINGS
from pipeline.cli.common import (
    db_option,
    dumps,
    emit_rows,
    format_option,
    open_db,
    stderr_console,
    translate_errors,
    write_output,
)
from pipeline.errors import UsageError
from pipeline.review.papers import assessed_papers, paper_details
from pipeline.review.reviews import ReviewStore, default_reviews_path
from pipeline.review.sampling import (
    DEFAULT_SEED,
    Design,
    design,
    draw,
    parse_rates,
    parse_strata,
    plan,
)
from pipeline.review.sheet import sheet_text

F = TypeVar("F")


def reviews_option(func: F) -> F:
    return click.option(
        "--reviews",
        type=click.Path(dir_okay=False),
        help="Reviews file (DuckDB), never the scanned database [default: reviews.duckdb "
        "beside --db].",
    )(func)


@click.command("sample", context_settings=CONTEXT_SETTINGS)
@db_option
@click.option("--n", "n", type=click.IntRange(min=1), help="Papers to review.")
@click.option(
    "--strata",
    default="verdict",
    show_default=True,
    metavar="KEYS",
    help="Stratify by these, comma-separated: verdict (always), category, year, field.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option(
    "--rates",
    metavar="detected=F,undetected=F",
    help="Sample these shares of detected and undetected papers instead of choosing by --n.",
)
@click.option("--plan", "plan_only", is_flag=True, help="Only say how many papers to review.")
@click.option(
    "--width",
    type=float,
    default=0.05,
    show_default=True,
    help="With --plan: the target width of the prevalence's 95% interval.",
)
@reviews_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the sheet (CSV) to this file instead of stdout.",
)
@format_option("table", "json", "csv", default="table")
@translate_errors
def sample_command(
    db: str,
    n: int | None,
    strata: str,
    seed: int,
    rates: str | None,
    plan_only: bool,
    width: float,
    reviews: str | None,
    output: str | None,
    fmt: str,
) -> None:
    """Draw a stratified random sample of papers to review, written as a review sheet.

    Detected and undetected papers are sampled separately (and by category, year or field
    with --strata); with --n the command allocates the reviews to minimise the width of the
    prevalence's interval (Neyman allocation), with --rates you choose the shares. Every
    paper's inclusion probability is in the sheet. The same database, --n, --strata and
    --seed give the same sheet, byte for byte. The sample is recorded in the reviews file
    (--reviews), where `synthwatch review import` and the review queue add the answers;
    `synthwatch query prevalence_validated` then gives the validated prevalence.
    Reviewers fill reviewer, review_uses_synthetic (yes | no | unsure), review_category and
    review_note. --plan says how many reviews give an interval of --width. The method:
    docs/validation.md.

    \b
    Example:
        synthwatch sample --db corpus.duckdb --plan --width 0.05
        synthwatch sample --db corpus.duckdb --n 200 -o sample.csv
        synthwatch sample --db corpus.duckdb --n 300 --strata verdict,year --seed 7 -o s.csv
        synthwatch sample --db corpus.duckdb --rates detected=0.2,undetected=0.05 -o s.csv
    """
    keys = parse_strata(strata)
    con = open_db(db)
    try:
        papers = assessed_papers(con)
        if plan_only:
            if n is not None or rates is not None:
                raise UsageError("--plan chooses the size: leave out --n and --rates")
            show_plan(plan(papers, keys, width), width, fmt)
            return
        if (n is None) == (rates is None):
            raise UsageError("give either --n (papers to review) or --rates, not both")
        chosen = design(papers, keys, n=n, rates=parse_rates(rates) if rates else None)
        drawn = draw(papers, chosen, seed)
        details = paper_details(con, [d.paper_id for d in drawn])
    finally:
        con.close()
    path = Path(reviews) if reviews else default_reviews_path(db)
    with ReviewStore(path, database=db) as store:
        state = store.save_sample(drawn, keys, seed)
    write_output(sheet_text(drawn, details), output, f"review sheet of {len(drawn)} papers")
    err = stderr_console()
    show_design(chosen, err)
    said = "recorded in" if state == "saved" else "already in"
    err.print(
        f"sample of {chosen.n} papers (seed {seed}) {said} {path}; expected 95% interval width "
        f"of the prevalence: {chosen.expected_width():.3f}",
        highlight=False,
        soft_wrap=True,
    )


def _design_rows(chosen: Design) -> list[list[object]]:
    return [
        [
            s,
            chosen.populations[s],
            chosen.sizes[s],
            round(chosen.sizes[s] / chosen.populations[s], 4),
            round(chosen.rates[s], 3),
        ]
        for s in sorted(chosen.populations)
    ]


DESIGN_COLUMNS = ["stratum", "papers", "to_review", "inclusion_probability", "guessed_rate"]


def show_design(chosen: Design, console: Console) -> None:
    table = Table(title="strata (guessed_rate: expected share of true positives)")
    for c in DESIGN_COLUMNS:
        table.add_column(c)
    for row in _design_rows(chosen):
        table.add_row(*(str(v) for v in row))
    console.print(table)


def show_plan(chosen: Design, width: float, fmt: str) -> None:
    expected = chosen.expected_width()
    if fmt == "json":
        click.echo(
            dumps(
                {
                    "target_width": width,
                    "n": chosen.n,
                    "expected_width": expected,
                    "strata": [
                        dict(zip(DESIGN_COLUMNS, r, strict=True)) for r in _design_rows(chosen)
                    ],
                }
            )
        )
        return
    emit_rows(DESIGN_COLUMNS, _design_rows(chosen), fmt, title="plan")
    if fmt == "table":
        reached = "" if expected <= width else " (the whole corpus: the target is not reached)"
        click.echo(
            f"review {chosen.n} papers for a 95% interval about {expected:.3f} wide "
            f"(target {width}){reached}; the rates are guesses from the shipped calibration, "
            "so review a few more"
        )
