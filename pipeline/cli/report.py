"""``synthwatch report``: the corpus report of a database, as HTML or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.answers.charts import require_matplotlib
from pipeline.answers.corpus import gather_corpus
from pipeline.answers.report import render_corpus
from pipeline.cli.common import db_option, stderr_console, translate_errors
from pipeline.review.reviews import default_reviews_path
from pipeline.store import connect_readonly

DEFAULT_OUTPUT = Path("reports") / "out" / "corpus"
SUFFIXES = {"html": ".html", "markdown": ".md"}


@click.command("report")
@db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Report file [default: reports/out/corpus.html, or .md for markdown].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(SUFFIXES)),
    default="html",
    show_default=True,
    help="HTML (one self-contained file, charts inline) or Markdown (PNG charts beside it).",
)
@click.option(
    "--reviews",
    type=click.Path(dir_okay=False),
    help="Reviews file: show the prevalence validated on this corpus [default: "
    "reviews.duckdb beside --db, when there is one].",
)
@translate_errors
def report_command(db: str, output: str | None, fmt: str, reviews: str | None) -> None:
    """Write the corpus report: prevalence with intervals, concern, generators, evidence.

    For meta-researchers and journalists: the scan summary (failures grouped by reason),
    prevalence over time per category with 95% intervals, by field and by venue, the concern
    breakdown, the top generators, every high-concern paper with its evidence sentence
    (section, page), and a methods note (versions, calibration, what counts as use); with a
    reviews file (synthwatch sample, review import), the prevalence, precision and recall
    validated on this corpus, else a plain note that the figures are not validated. The HTML
    opens offline: inline CSS and SVG, no scripts. Needs matplotlib (the report extra).

    \b
    Example:
        synthwatch report --db synthwatch.duckdb
        synthwatch report --db corpus.duckdb -o corpus.html
        synthwatch report --format markdown -o reports/out/corpus.md
    """
    require_matplotlib()
    path = Path(output) if output else DEFAULT_OUTPUT.with_suffix(SUFFIXES[fmt])
    con = connect_readonly(db)
    try:
        report = gather_corpus(con, database=db, reviews=reviews or default_reviews_path(db))
    finally:
        con.close()
    rendered = render_corpus(report, fmt, stem=path.stem)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered.text, encoding="utf-8")
        for name, data in rendered.files.items():
            (path.parent / name).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    extra = f" and {len(rendered.files)} chart(s) beside it" if rendered.files else ""
    stderr_console().print(
        f"corpus report of {report.n_papers} papers written to {path}{extra}",
        highlight=False,
        soft_wrap=True,
    )
