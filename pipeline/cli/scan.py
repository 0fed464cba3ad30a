"""``synthwatch scan``: papers -> DuckDB."""

from __future__ import annotations

import itertools
import os
import shlex
import sys
from typing import Any

import click

from pipeline.cli.common import (
    db_option,
    dumps,
    emit_rows,
    extractor_option,
    format_option,
    max_pages_option,
    stderr_console,
    translate_errors,
)
from pipeline.cli.progress import DEFAULT_EVERY_S, LogProgress, terminal_bar
from pipeline.results import PaperResult
from pipeline.scan.discover import Unique, check_paths, discover, read_manifest
from pipeline.scan.run import DEFAULT_MAX_MB, ENGINES, ScanOptions, ScanSummary
from pipeline.scan.run import scan as run_scan
from pipeline.store import Store, connect_readonly

METADATA_FIELDS = ("year", "venue", "field")
# Where a user can supply what the files do not say.
MANIFEST_HINT = (
    "add them with --manifest FILE.csv (columns path,doi,title,year,venue,field) and scan "
    "again, or fill them from OpenAlex for papers with a DOI: synthwatch enrich --db DB; see "
    "docs/commands.md, 'Metadata'"
)
SUMMARY_SQL = """
WITH run_papers AS (SELECT DISTINCT paper_id FROM files WHERE run_id = $run_id)
SELECT p.* FROM papers p JOIN run_papers USING (paper_id)
"""
COUNTS_SQL = """
SELECT count(*), count(*) FILTER (status = 'ok' AND NOT coalesce(assessed, false)),
    count(*) FILTER (assessed), count(*) FILTER (uses_synthetic),
    count(*) FILTER (uses_synthetic AND NOT list_has_all(['simulation'], categories)),
    count(*) FILTER (status = 'ok'),
    count(*) FILTER (status = 'ok' AND year IS NULL),
    count(*) FILTER (status = 'ok' AND coalesce(venue, '') = ''),
    count(*) FILTER (status = 'ok' AND coalesce(field, '') = '')
FROM run
"""
STATUS_SQL = "SELECT status, count(*) FROM run GROUP BY status ORDER BY status"
CATEGORY_SQL = """
SELECT c, count(*) FROM (SELECT unnest(categories) AS c FROM run WHERE uses_synthetic)
GROUP BY c
"""
CONCERN_SQL = "SELECT concern, count(*) FROM run WHERE concern IS NOT NULL GROUP BY concern"


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with a 'path' column (relative to the CSV) and optional doi, title, "
    "year, venue, field that override extracted metadata.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes (with --engine dask and no --scheduler: local Dask workers).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: a Dask cluster (needs the dask extra).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: the scheduler of your cluster (tcp://host:8786); without it a "
    "local cluster of --workers processes is started.",
)
@click.option(
    "--shards",
    type=click.Path(file_okay=False),
    help="With --engine dask: folder for the workers' Parquet shards, on a filesystem the "
    "workers share  [default: <db>.shards]",
)
@extractor_option
@click.option("--force", is_flag=True, help="Rescan papers even if unchanged since last scan.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120,
    show_default=True,
    help="Seconds one document may take before it is stopped (status timeout).",
)
@max_pages_option
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=4096,
    show_default=True,
    help="Memory cap per worker in MB (0: none); a paper over it is failed.",
)
@click.option(
    "--max-mb",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_MB,
    show_default=True,
    help="Files larger than this many MB are recorded as skipped.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Print every paper and tracebacks of internal errors."
)
@click.option(
    "--progress-every",
    type=click.FloatRange(min=0.01),
    default=DEFAULT_EVERY_S,
    show_default=True,
    metavar="S",
    help="With no terminal (nohup, SLURM, > log): a progress line to stderr every S seconds "
    "(files done/found so far, positives, failed, files/s, ETA) and one at the end.",
)
@format_option("table", "json", default="table")
@translate_errors
def scan_command(
    paths: tuple[str, ...],
    db: str,
    manifest: str | None,
    workers: int,
    engine: str,
    scheduler: str | None,
    shards: str | None,
    extractor: str,
    force: bool,
    timeout: float,
    max_pages: int,
    max_memory: int,
    max_mb: int,
    verbose: bool,
    progress_every: float,
    fmt: str,
) -> None:
    """Scan papers (files, folders, or a manifest) into a DuckDB file.

    Folders are searched recursively for .pdf .xml .nxml .tei .json .txt .md .tex .html files
    (README and LICENSE files are left out); the format is decided from each file's content.
    Archives (.tar.gz .tgz .tar .zip: PMC packages, arXiv sources) are read in place, one paper
    per article member (ARCHIVE!/MEMBER). Files are found as the scan goes: the workers start at
    once, whatever the size of the tree. Files whose size and time, or whose bytes, and
    pipeline version are unchanged since the last scan are skipped. A paper that cannot be
    read is stored with status failed / no_text / timeout and its reason.

    On a terminal a progress bar shows files done of those found so far, files/s and the time
    left; with no terminal a line every --progress-every seconds says the same, so a batch
    job's log shows how far it is.

    Exit codes: 0 the scan ran (failed papers are data, counted in the summary); 1 nothing
    could be scanned or the database could not be opened; 2 usage error.

    \b
    Example:
        synthwatch scan corpora/demo --db synthwatch.duckdb
        synthwatch scan ../shared/corpora/pdf --workers 2 --extractor pdfminer
        synthwatch scan --manifest papers.csv --db meta.duckdb --force
        synthwatch scan papers/ --engine dask --scheduler tcp://10.0.0.5:8786
        nohup synthwatch scan papers/ --progress-every 60 2> scan.log &
    """
    if not paths and not manifest:
        raise click.UsageError("give at least one PATH or --manifest CSV")
    if engine != "dask" and (scheduler or shards):
        raise click.UsageError("--scheduler and --shards need --engine dask")
    check_paths(paths)
    # The files are found as the scan goes, never listed beforehand: only the first is
    # looked for here, to say so at once if there is none.
    found = discover(paths)
    first = next(found, None)
    rows = read_manifest(manifest) if manifest else []
    if first is None and not rows:
        raise click.ClickException(
            f"no paper files found in {', '.join(paths)} (looked for .pdf .xml .nxml .tei .json "
            ".txt .md .tex .html and .tar.gz .tgz .tar .zip); name files directly to scan other "
            "extensions"
        )
    inputs = Unique(itertools.chain([first] if first else [], found), rows)
    options = ScanOptions(
        workers=workers,
        extractor=extractor,
        max_pages=max_pages,
        timeout_s=timeout,
        max_memory_mb=max_memory or None,
        max_mb=max_mb,
        force=force,
        engine=engine,
        scheduler=scheduler,
        shards=shards,
    )
    arguments = {
        "paths": list(paths),
        "manifest": manifest,
        "workers": workers,
        "extractor": extractor,
        "force": force,
        "timeout": timeout,
        "max_pages": max_pages,
        "max_memory": max_memory,
        "max_mb": max_mb,
        "engine": engine,
        "scheduler": scheduler,
        "shards": shards,
        "progress_every": progress_every,
    }
    err = stderr_console()
    interactive = sys.stderr.isatty()
    progress = terminal_bar(err, disable=not interactive)
    task_id = progress.add_task("scan", total=None, last="")
    log = (
        None
        if interactive
        else LogProgress(lambda line: click.echo(line, err=True), progress_every)
    )

    def on_progress(summary: ScanSummary) -> None:
        # files found so far are the total: it grows while the scan walks the folders
        progress.update(task_id, total=summary.files, completed=summary.done)
        if log is not None:
            log.update(
                found=summary.files,
                more=summary.discovering,
                done=summary.done,
                failed=summary.failed,
            )

    def on_result(result: PaperResult, summary: ScanSummary) -> None:
        progress.update(task_id, last=os.path.basename(result.source_path)[:40])
        if log is not None:
            log.advance(positive=bool(result.verdict and result.verdict.uses_synthetic))
        if result.status != "ok" or verbose:
            line = _result_line(result)
            if interactive:
                progress.console.print(line, highlight=False, markup=False)
            else:
                click.echo(line, err=True)
        if verbose and result.detail:
            click.echo(result.detail, err=True)

    with Store(db) as store, progress:
        if log is not None:
            log.start()
        try:
            summary = run_scan(
                inputs,
                store,
                options,
                arguments=arguments,
                on_result=on_result,
                on_progress=on_progress,
            )
        except KeyboardInterrupt:
            if log is not None:
                log.stop()
            err.print(
                "interrupted: papers finished so far are saved; run the same command "
                "again to continue"
            )
            raise SystemExit(130) from None
        finally:
            if log is not None:
                log.stop()
    msg = (
        f"{summary.files} file(s): {summary.scanned} scanned, {summary.skipped} unchanged (skipped)"
    )
    if summary.duplicates:
        msg += f", {summary.duplicates} duplicate(s)"
    if summary.named_twice:
        msg += f", {summary.named_twice} named twice (one file, two paths: scanned once)"
    if summary.recovered_shards:
        msg += f"; {summary.recovered_shards} shard(s) of an interrupted run ingested"
    err.print(msg, highlight=False)
    _print_summary(db, summary, fmt)
    ok_or_known = summary.statuses.get("ok", 0) + summary.skipped
    if ok_or_known == 0 and summary.scanned == summary.failed and summary.failed > 0:
        raise SystemExit(1)


def _result_line(r: PaperResult) -> str:
    if r.status == "ok":
        v = r.verdict
        what = (
            "not assessed (" + v.reasons[0] + ")"
            if v and not v.assessed
            else f"uses_synthetic={v.uses_synthetic} concern={v.concern}"
            if v
            else ""
        )
        return f"ok      {r.source_path}  {len(r.findings)} finding(s)  {what}"
    return f"{r.status:<7} {r.source_path}  {r.error}"


def _print_summary(db: str, summary: ScanSummary, fmt: str) -> None:
    # counted in SQL: a run of a million papers is not a million dictionaries in the driver
    con = connect_readonly(db)
    try:
        run = {"run_id": summary.run_id}
        counts = con.execute(f"WITH run AS ({SUMMARY_SQL}) {COUNTS_SQL}", run).fetchall()[0]
        statuses = dict(con.execute(f"WITH run AS ({SUMMARY_SQL}) {STATUS_SQL}", run).fetchall())
        categories = dict(
            con.execute(f"WITH run AS ({SUMMARY_SQL}) {CATEGORY_SQL}", run).fetchall()
        )
        concerns = dict(con.execute(f"WITH run AS ({SUMMARY_SQL}) {CONCERN_SQL}", run).fetchall())
    finally:
        con.close()
    n_papers, not_assessed, assessed, positives, model_generated, n_read, *lacking = counts
    missing = dict(zip(METADATA_FIELDS, lacking, strict=True))
    report: dict[str, Any] = {
        "run_id": summary.run_id,
        "db": db,
        "files": summary.files,
        "named_twice": summary.named_twice,
        "scanned": summary.scanned,
        "skipped_unchanged": summary.skipped,
        "duplicates": summary.duplicates,
        "papers": n_papers,
        "status": dict(sorted(statuses.items())),
        "not_assessed_language": not_assessed,
        "assessed": assessed,
        "uses_synthetic": positives,
        "model_generated": model_generated,
        "by_category": dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        "concern": {k: concerns[k] for k in ("high", "medium", "low", "none") if k in concerns},
        "papers_read": n_read,
        "missing_metadata": missing,
    }
    if fmt == "json":
        click.echo(dumps(report))
        return

    def share(n: int) -> str:
        return f"{n / assessed:.1%} of {assessed} assessed" if assessed else ""

    lines: list[tuple[str, object, str]] = [
        ("files", summary.files, ""),
        ("scanned now", summary.scanned, ""),
        ("skipped (unchanged)", summary.skipped, ""),
        ("duplicates (same bytes)", summary.duplicates, ""),
    ]
    lines += [(f"status {k}", v, "") for k, v in report["status"].items()]
    lines += [
        ("not assessed (language)", not_assessed, ""),
        ("uses synthetic data", positives, share(positives)),
        ("model-generated data (excluding simulation)", model_generated, share(model_generated)),
    ]
    lines += [
        (f"  category {k}", v, f"{v / assessed:.1%}") for k, v in report["by_category"].items()
    ]
    lines += [(f"concern {k}", v, "") for k, v in report["concern"].items()]
    lines += [(f"no {k}", n, f"of {n_read} read") for k, n in missing.items()]
    emit_rows(["", "papers", "share"], lines, "table", title=f"synthwatch scan -> {db}")
    if n_read and any(missing.values()):
        lacking = ", ".join(f"{n} no {k}" for k, n in missing.items() if n)
        hint = MANIFEST_HINT.replace("--db DB", f"--db {shlex.quote(str(db))}")
        click.echo(f"{lacking} (of {n_read} papers read): {hint}", err=True)
