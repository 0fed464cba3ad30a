"""Shared CLI pieces: options used by several commands, error translation, table output."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click
import duckdb
from rich.console import Console
from rich.table import Table

from pipeline.errors import DatabaseLocked, StoreError, SynthwatchError, UsageError
from pipeline.sources import DEFAULT_EXTRACTOR, DEFAULT_MAX_PAGES, EXTRACTORS
from pipeline.store import DEFAULT_DB, ScanInfo, connect_readonly, snapshot_of

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        envvar="SYNTHWATCH_DB",
        help="DuckDB file (env SYNTHWATCH_DB).",
    )(func)


def extractor_option(func: F) -> F:
    return click.option(
        "--extractor",
        type=click.Choice(EXTRACTORS),
        default=DEFAULT_EXTRACTOR,
        show_default=True,
        help="PDF text extractor (pdfminer.six is slower; pypdfium2 measured as accurate).",
    )(func)


def max_pages_option(func: F) -> F:
    return click.option(
        "--max-pages",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_PAGES,
        show_default=True,
        help="Read at most this many pages of a PDF.",
    )(func)


def format_option(*choices: str, default: str) -> Callable[[F], F]:
    def deco(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format: for people (table/text) or for machines.",
        )(func)

    return deco


def explain_option(func: F) -> F:
    return click.option(
        "--explain",
        is_flag=True,
        help="Show the ids of the patterns behind each finding (to trace a verdict to its rules).",
    )(func)


def output_option(func: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        help="Write the report to this file instead of stdout.",
    )(func)


# Text for people is wrapped to the terminal, at most this wide (and this wide in a file or a
# pipe, so that the same paper gives the same bytes).
TEXT_WIDTH = 100


def text_width(output: str | None = None) -> int:
    """Columns to wrap text at: the terminal's (up to TEXT_WIDTH), else TEXT_WIDTH."""
    if output is None and sys.stdout.isatty():
        return min(shutil.get_terminal_size((TEXT_WIDTH, 24)).columns - 1, TEXT_WIDTH)
    return TEXT_WIDTH


def write_output(text: str, output: str | None, what: str) -> None:
    """``text`` to the file ``output`` (saying so on stderr), or to stdout."""
    if not output:
        click.echo(text, nl=False)
        return
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    stderr_console().print(f"{what} written to {output}", highlight=False, soft_wrap=True)


def open_db(db: str | Path, *, config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """The read commands' connection (``connect_readonly``). While a scan writes, it reads the
    scan's last snapshot, and stderr says so: the answer may lag the scan."""
    con = connect_readonly(db, config=config)
    info = snapshot_of(con)
    if info is not None:
        stderr_console().print(scan_notice(info), highlight=False, soft_wrap=True)
    return con


def scan_notice(info: ScanInfo) -> str:
    """One line for people: which scan runs, and the time of the state they are shown."""

    def local(at: datetime) -> datetime:  # stored as naive UTC; shown in the local zone
        return at.replace(tzinfo=UTC).astimezone()

    as_of = f"; answers are as of {local(info.snapshot_at):%H:%M:%S}" if info.snapshot_at else ""
    return f"a scan is running (pid {info.pid}, since {local(info.started_at):%H:%M}){as_of}"


def translate_errors(func: F) -> F:
    """Turn library errors into one-line messages on stderr with the README's exit codes.

    A usage error (a bad argument, a path that does not exist, such as a --db file to read)
    exits 2 with the command's usage line; any other library error exits 1.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except DatabaseLocked as exc:
            raise click.ClickException(f"database is locked: {exc}") from None
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        except SynthwatchError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def dumps(obj: Any) -> str:
    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def emit_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, title: str | None = None
) -> None:
    """Write rows to stdout as a rich table, CSV or JSON (a list of objects)."""
    if fmt == "json":
        click.echo(dumps([dict(zip(columns, r, strict=True)) for r in rows]))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in r] for r in rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        Console(file=sys.stdout, soft_wrap=False).print(table)


def stderr_console() -> Console:
    return Console(file=sys.stderr)
