"""``synthwatch enrich``: year, venue, field and more from OpenAlex for a database's papers."""

from __future__ import annotations

import sys
import urllib.parse

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from pipeline.acquire.enrich import BATCH_SIZE, Cache, enrich
from pipeline.acquire.http import DEFAULT_RETRIES, DEFAULT_TIMEOUT_S, Client
from pipeline.acquire.openalex import DEFAULT_API_URL, MIN_INTERVAL_S
from pipeline.cli.common import (
    db_option,
    dumps,
    emit_rows,
    format_option,
    stderr_console,
    translate_errors,
)

CACHE_SUFFIX = ".openalex-cache"


@click.command("enrich")
@db_option
@click.option(
    "--cache",
    type=click.Path(file_okay=False),
    help="Folder of the answers cache (a rerun asks OpenAlex nothing twice)  "
    f"[default: <db>{CACHE_SUFFIX}]",
)
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N papers with an id.")
@click.option("--dry-run", is_flag=True, help="Only say how many papers would be looked up.")
@click.option("--api-url", default=DEFAULT_API_URL, show_default=True, help="OpenAlex endpoint.")
@click.option(
    "--mailto",
    envvar="SYNTHWATCH_MAILTO",
    metavar="EMAIL",
    help="Your e-mail: OpenAlex's polite pool, and the User-Agent (env SYNTHWATCH_MAILTO).",
)
@click.option(
    "--api-key", envvar="OPENALEX_API_KEY", help="A free OpenAlex key (env OPENALEX_API_KEY)."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100),
    default=BATCH_SIZE,
    show_default=True,
    help="Identifiers per request (OR-ed in one filter; OpenAlex allows up to 100).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT_S, show_default=True
)
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True)
@format_option("table", "json", default="table")
@translate_errors
def enrich_command(
    db: str,
    cache: str | None,
    limit: int | None,
    dry_run: bool,
    api_url: str,
    mailto: str | None,
    api_key: str | None,
    batch_size: int,
    timeout: float,
    retries: int,
    fmt: str,
) -> None:
    """Add year, venue, field, topics, open-access status and licence from OpenAlex.

    Papers are looked up by DOI, or by the PMCID / arXiv id in their file name (as fetch
    names files), in batches. OpenAlex's answer for each paper is kept in the table
    paper_enrichment; in papers, only an empty year, venue or field is filled (a value the
    paper or your manifest gave is kept). Then prevalence_by_field and prevalence_by_venue
    have a row per field and venue. Run it again after a rescan: the cache answers.

    \b
    Example:
        synthwatch enrich --db corpus.duckdb --mailto me@uni.edu
        synthwatch enrich --db corpus.duckdb --dry-run
        synthwatch query prevalence_by_field --db corpus.duckdb
    """
    err = stderr_console()
    client = Client(
        mailto=mailto,
        timeout_s=timeout,
        retries=retries,
        min_interval_s={urllib.parse.urlsplit(api_url).netloc: MIN_INTERVAL_S},
    )
    client.on_retry = lambda url, why, wait: err.print(
        f"retry {url}: {why}; waiting {wait:.1f} s", highlight=False, markup=False
    )
    progress = Progress(
        TextColumn("[bold]asking OpenAlex"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task_id = progress.add_task("enrich", total=None)

    def on_batch(done: int, total: int) -> None:
        progress.update(task_id, completed=done, total=total)

    with progress:
        summary = enrich(
            db,
            client,
            Cache(cache or str(db) + CACHE_SUFFIX),
            api_url=api_url,
            mailto=mailto,
            api_key=api_key,
            batch_size=batch_size,
            limit=limit,
            dry_run=dry_run,
            on_batch=on_batch,
        )
    report = {"db": db, "dry_run": dry_run, **summary.to_dict()}
    if fmt == "json":
        click.echo(dumps(report))
        return
    if dry_run:
        click.echo(
            f"{summary.with_identifier} of {summary.papers} paper(s) have a DOI, PMCID or arXiv "
            f"id; {summary.asked} would be asked of OpenAlex ({summary.from_cache} cached)"
        )
        return
    lines: list[tuple[str, object]] = [
        ("papers in the database", summary.papers),
        ("with a DOI, PMCID or arXiv id", summary.with_identifier),
        ("asked of OpenAlex now", f"{summary.asked} in {summary.requests} request(s)"),
        ("answered from the cache", summary.from_cache),
        ("found in OpenAlex", summary.matched),
        ("not found", summary.not_found),
    ]
    lines += [(f"{column} filled (was empty)", n) for column, n in summary.filled.items()]
    emit_rows(["", "papers"], lines, "table", title=f"synthwatch enrich -> {db}")
