"""``synthwatch fetch europepmc|arxiv|openalex``: build a corpus folder with its manifest."""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.acquire import arxiv, europepmc, openalex
from pipeline.acquire.download import DEFAULT_MAX_MB, FAILED, fetch_all
from pipeline.acquire.http import DEFAULT_RETRIES, DEFAULT_TIMEOUT_S, Client
from pipeline.acquire.manifest import MANIFEST_NAME, Journal, Record
from pipeline.cli.common import dumps, emit_rows, format_option, stderr_console, translate_errors

F = TypeVar("F", bound=Callable[..., Any])
# Publishers' hosts that OpenAlex points to: one request a second each.
OTHER_HOSTS_INTERVAL_S = 1.0


class Service(Protocol):
    total: int | None

    def count(self) -> int: ...

    def records(self) -> Any: ...


def shared_options(default_api_url: str) -> Callable[[F], F]:
    """The options every fetch command takes."""

    def deco(func: F) -> F:
        for option in reversed(
            [
                click.option(
                    "-o",
                    "--output",
                    "output",
                    required=True,
                    type=click.Path(file_okay=False),
                    help="Folder for the files and manifest.csv (created; a rerun resumes).",
                ),
                click.option(
                    "--limit",
                    type=click.IntRange(min=1),
                    help="At most N records (fetched before or now: a rerun covers the same).",
                ),
                click.option(
                    "--dry-run", is_flag=True, help="Only say how many records the query finds."
                ),
                click.option(
                    "--api-url",
                    default=default_api_url,
                    show_default=True,
                    help="The service's endpoint (a mirror, or a test server).",
                ),
                click.option(
                    "--mailto",
                    envvar="SYNTHWATCH_MAILTO",
                    metavar="EMAIL",
                    help="Your e-mail, sent in the User-Agent (and to OpenAlex's polite pool); "
                    "env SYNTHWATCH_MAILTO.",
                ),
                click.option(
                    "--timeout",
                    type=click.FloatRange(min=0.1),
                    default=DEFAULT_TIMEOUT_S,
                    show_default=True,
                    help="Seconds to wait for an answer before trying again.",
                ),
                click.option(
                    "--retries",
                    type=click.IntRange(min=0),
                    default=DEFAULT_RETRIES,
                    show_default=True,
                    help="Retries of a request that failed in a way that may pass (429, 5xx, "
                    "time-out, truncated body), with back-off and jitter.",
                ),
                click.option(
                    "--max-mb",
                    type=click.IntRange(min=1),
                    default=DEFAULT_MAX_MB,
                    show_default=True,
                    help="Larger full texts are not downloaded (recorded as failed).",
                ),
                format_option("table", "json", default="table"),
            ]
        ):
            func = option(func)
        return func

    return deco


@click.group("fetch")
def fetch_group() -> None:
    """Fetch open-access papers and their metadata into a folder that scan reads.

    Every fetch writes DIR/manifest.csv (path, doi, pmcid, arxiv_id, title, year, venue,
    field, licence, source_url, retrieved_at, sha256) and DIR/failed.csv (path, source_url,
    reason). A file is written under a temporary name, checked (format, length) and renamed;
    an interrupted run resumes from the manifest without fetching a finished file again.
    Requests name synthwatch and your --mailto in the User-Agent, keep to each service's pace,
    and retry 429/5xx/time-outs with back-off (honouring Retry-After).

    \b
    Example:
        synthwatch fetch europepmc --query '"synthetic data"' --from 2020 --limit 50 -o epmc
        synthwatch scan --manifest epmc/manifest.csv --db corpus.duckdb
        synthwatch query prevalence_by_year --db corpus.duckdb
    """


@fetch_group.command("europepmc")
@click.option("--query", required=True, help="Europe PMC search syntax, e.g. '\"GAN\" AND MRI'.")
@click.option("--from", "year_from", type=int, help="First publication year.")
@click.option("--to", "year_to", type=int, help="Last publication year.")
@click.option("--licence", help="Only this licence, e.g. cc-by (Europe PMC's LICENSE field).")
@shared_options(europepmc.DEFAULT_API_URL)
@translate_errors
def europepmc_command(
    query: str,
    year_from: int | None,
    year_to: int | None,
    licence: str | None,
    **shared: Any,
) -> None:
    """Open-access articles from Europe PMC (JATS XML full texts).

    Searches with cursor paging for articles that are open access and whose full text Europe
    PMC holds, then downloads each one's JATS XML (a 404 is recorded in failed.csv).

    \b
    Example:
        synthwatch fetch europepmc --query 'synthetic AND "electronic health records"' \\
            --from 2019 --to 2024 --licence cc-by --limit 100 -o papers/epmc --mailto me@uni.edu
        synthwatch fetch europepmc --query 'diffusion model' --dry-run -o papers/epmc
    """
    client = _client(shared, europepmc.MIN_INTERVAL_S)
    full_query = europepmc.build_query(query, year_from, year_to, licence)
    _run(europepmc.EuropePMC(client, full_query, api_url=shared["api_url"]), client, **shared)


@fetch_group.command("arxiv")
@click.option("--query", help="Words (each in any field) or arXiv syntax (ti:, abs:, au:).")
@click.option("--category", help="An arXiv category, e.g. cs.CL.")
@click.option("--from", "year_from", type=int, help="First submission year.")
@click.option("--to", "year_to", type=int, help="Last submission year.")
@click.option(
    "--source",
    type=click.Choice(["pdf", "latex"]),
    default="pdf",
    show_default=True,
    help="Download the PDF, or the LaTeX source (its main .tex file).",
)
@shared_options(arxiv.DEFAULT_API_URL)
@translate_errors
def arxiv_command(
    query: str | None,
    category: str | None,
    year_from: int | None,
    year_to: int | None,
    source: str,
    **shared: Any,
) -> None:
    """Preprints from arXiv: metadata from the API's Atom feed, then the PDF or LaTeX.

    arXiv asks for one request every 3 seconds: a run of N papers takes at least 3N seconds.
    The field is the primary category's (cs -> Computer Science, as OpenAlex names fields).

    \b
    Example:
        synthwatch fetch arxiv --category cs.CL --query 'synthetic data' --from 2023 \\
            --limit 20 -o papers/arxiv --mailto me@uni.edu
        synthwatch fetch arxiv --category stat.ME --source latex --limit 5 -o papers/stat
    """
    client = _client(shared, arxiv.MIN_INTERVAL_S)
    full_query = arxiv.build_query(query, category, year_from, year_to)
    service = arxiv.ArXiv(client, full_query, source=source, api_url=shared["api_url"])
    _run(service, client, **shared)


@fetch_group.command("openalex")
@click.option(
    "--filter",
    "oa_filter",
    required=True,
    help="OpenAlex filter syntax, e.g. 'title.search:synthetic,publication_year:2023,is_oa:true'.",
)
@click.option(
    "--api-key", envvar="OPENALEX_API_KEY", help="A free OpenAlex key (env OPENALEX_API_KEY)."
)
@shared_options(openalex.DEFAULT_API_URL)
@translate_errors
def openalex_command(oa_filter: str, api_key: str | None, **shared: Any) -> None:
    """Works from OpenAlex (cursor paging) and their open-access PDF where one is listed.

    Year, venue, field (the primary topic's), licence and PMCID come from OpenAlex; a work
    without a listed PDF is recorded in failed.csv, not fetched.

    \b
    Example:
        synthwatch fetch openalex --filter 'title.search:synthetic data,is_oa:true' \\
            --limit 50 -o papers/openalex --mailto me@uni.edu
    """
    client = _client(shared, OTHER_HOSTS_INTERVAL_S, api_interval=openalex.MIN_INTERVAL_S)
    service = openalex.OpenAlex(
        client, oa_filter, api_url=shared["api_url"], mailto=shared["mailto"], api_key=api_key
    )
    _run(service, client, **shared)


def _client(shared: dict[str, Any], interval: float, api_interval: float | None = None) -> Client:
    host = urllib.parse.urlsplit(shared["api_url"]).netloc
    return Client(
        mailto=shared["mailto"],
        timeout_s=shared["timeout"],
        retries=shared["retries"],
        default_interval_s=interval,
        min_interval_s={host: api_interval if api_interval is not None else interval},
    )


def _run(
    service: Service,
    client: Client,
    *,
    output: str,
    limit: int | None,
    dry_run: bool,
    fmt: str,
    max_mb: int,
    **_: Any,
) -> None:
    err = stderr_console()
    if dry_run:
        matched = service.count()
        would = min(matched, limit) if limit else matched
        if fmt == "json":
            click.echo(dumps({"matched": matched, "would_fetch": would}))
        else:
            click.echo(f"{matched} record(s) match; {would} would be fetched into {output}")
        return
    journal = Journal(output)
    if journal.removed_partials or journal.dropped:
        err.print(
            f"resuming {output}: {journal.removed_partials} partial file(s) of an interrupted "
            f"run deleted, {len(journal.dropped)} manifest row(s) without their file dropped",
            highlight=False,
            soft_wrap=True,
        )
    interactive = sys.stderr.isatty()
    progress = Progress(
        TextColumn("[bold]fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=err,
        transient=True,
        disable=not interactive,
    )
    task_id = progress.add_task("fetch", total=None, last="")

    def say(line: str) -> None:
        if interactive:
            progress.console.print(line, highlight=False, markup=False)
        else:
            click.echo(line, err=True)

    def on_record(record: Record, outcome: str, reason: str | None) -> None:
        if service.total is not None:
            progress.update(task_id, total=min(service.total, limit or service.total))
        progress.update(task_id, advance=1, last=record.path[:40])
        if outcome == FAILED:
            say(f"failed  {record.path}  {reason}")
        elif not interactive:
            say(f"{outcome:<7} {record.path}")

    client.on_retry = lambda url, why, wait: say(f"retry   {url}  {why}; waiting {wait:.1f} s")
    with progress:
        try:
            summary = fetch_all(
                service.records(), journal, client, limit=limit, max_mb=max_mb, on_record=on_record
            )
        except KeyboardInterrupt:
            err.print(
                "interrupted: the files in manifest.csv are complete; run the same command "
                "again to resume",
                soft_wrap=True,
            )
            raise SystemExit(130) from None
    report = {"output": output, "matched": service.total, **summary.to_dict()}
    if fmt == "json":
        click.echo(dumps(report))
    else:
        lines: list[tuple[str, object]] = [
            ("matched by the query", service.total if service.total is not None else ""),
            ("listed (up to --limit)", summary.listed),
            ("fetched now", summary.fetched),
            ("fetched before (skipped)", summary.already),
            ("failed (see failed.csv)", summary.failed),
        ]
        reasons = sorted(summary.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += [(f"  {why}", n) for why, n in reasons]
        emit_rows(["", "records"], lines, "table", title=f"synthwatch fetch -> {output}")
    err.print(
        f"next: synthwatch scan --manifest {output}/{MANIFEST_NAME} --db corpus.duckdb",
        highlight=False,
        soft_wrap=True,
    )
    if summary.listed and summary.fetched + summary.already == 0:
        raise SystemExit(1)
