"""``synthwatch query``: the canned queries of ``queries/``, listed and run read-only."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from typing import Any

import click
import duckdb
import numpy as np
import pandas as pd

from pipeline.answers.queries import CannedQuery, list_queries, load_query, run_query
from pipeline.cli import CONTEXT_SETTINGS
from pipeline.cli.common import (
    _cell,
    db_option,
    dumps,
    emit_rows,
    format_option,
    stderr_console,
    translate_errors,
)
from pipeline.errors import QueryError, UsageError
from pipeline.store import connect_readonly

FORMATS = ("table", "csv", "json", "parquet", "markdown")
# In a prevalence table for people: shown once under the table when every row has the value.
PREVALENCE_CONSTANTS = ("sensitivity", "specificity", "calibration")
PARQUET_NEEDS_FILE = "--format parquet writes a binary file: give one with -o FILE"


class QueryGroup(click.Group):
    """A group whose unknown first word is a query name: ``query NAME`` runs ``query run NAME``."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


@click.group("query", cls=QueryGroup, context_settings=CONTEXT_SETTINGS)
def query_group() -> None:
    """Run a canned query: prevalence with intervals, high-concern papers, evidence.

    `synthwatch query NAME` runs the query NAME (short for `synthwatch query run NAME`);
    `synthwatch query list` shows the queries and their parameters. The queries are SQL files
    with a documented header, in the repository's queries/ folder.

    \b
    Example:
        synthwatch query list
        synthwatch query prevalence_by_year -p field=medicine
        synthwatch query search -p phrase="silicon sample" --format csv
    """


@query_group.command("list", context_settings=CONTEXT_SETTINGS)
@click.argument("name", required=False)
@format_option("table", "csv", "json", "markdown", default="table")
@translate_errors
def list_command(name: str | None, fmt: str) -> None:
    """List the canned queries with their parameters, or describe one query in full.

    \b
    Example:
        synthwatch query list
        synthwatch query list prevalence_by_year
        synthwatch query list --format json
    """
    if name is not None:
        describe(load_query(name), fmt)
        return
    queries = list_queries()
    if fmt == "json":
        click.echo(dumps([query_dict(q) for q in queries]))
        return
    columns = ["name", "title", "params"]
    rows = [(q.name, q.title, ", ".join(p.describe() for p in q.params)) for q in queries]
    write_rows(columns, rows, fmt, title="canned queries (synthwatch query NAME -p key=value)")


def query_dict(q: CannedQuery) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "params": [
            {
                "name": p.name,
                "type": p.type.__name__,
                "default": p.default,
                "required": p.required,
                "description": p.description,
            }
            for p in q.params
        ],
        "columns": list(q.columns),
    }


def describe(q: CannedQuery, fmt: str) -> None:
    if fmt == "json":
        click.echo(dumps(query_dict(q)))
        return
    if fmt in ("csv", "markdown"):
        rows = [(p.name, p.describe(), p.description) for p in q.params]
        write_rows(["param", "default", "description"], rows, fmt)
        return
    click.echo(f"{q.name}: {q.title}\n")
    click.echo(q.description + "\n")
    click.echo("parameters (-p key=value):" if q.params else "parameters: none")
    for p in q.params:
        click.echo(f"  {p.describe():<28} {p.description}")
    click.echo("\ncolumns: " + ", ".join(q.columns))


def _parse_params(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not key=value (e.g. -p field=medicine)")
        if key in parsed:
            raise click.BadParameter(f"{key} given twice")
        parsed[key] = value
    return parsed


@query_group.command("run", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_parse_params,
    help="A query parameter; repeat for several. `synthwatch query list` shows them.",
)
@db_option
@format_option(*FORMATS, default="table")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the rows to FILE instead of stdout (required for parquet).",
)
@translate_errors
def run_command(name: str, params: dict[str, str], db: str, fmt: str, output: str | None) -> None:
    """Run the canned query NAME on the database, read-only.

    Parameter values are bound to the query, never pasted into its SQL. Prevalence queries
    add Wilson 95% intervals and a prevalence corrected with the detector's measured
    sensitivity and specificity (run `synthwatch eval` to measure them).

    \b
    Example:
        synthwatch query run prevalence_by_year -p category=llm_text
        synthwatch query high_concern --format markdown -o high-concern.md
        synthwatch query paper -p id=10.1371/journal.pone.0119074 --format json
        synthwatch query by_category --format parquet -o categories.parquet
    """
    query = load_query(name)  # unknown name: exit 1 with the known names
    try:
        query.bind(params)
    except QueryError as exc:  # a parameter the query lacks, or a value of the wrong type
        raise UsageError(str(exc)) from None
    if fmt == "parquet" and not output:
        raise UsageError(PARQUET_NEEDS_FILE)
    con = connect_readonly(db)
    try:
        frame = run_query(con, name, params)
    finally:
        con.close()
    if fmt == "parquet":
        write_parquet(frame, output)  # type: ignore[arg-type]
    else:
        shown, footer = frame, ""
        if fmt == "table" and query.stats == "prevalence":
            shown, footer = prevalence_for_people(frame)
        with _destination(output):
            write_rows(list(shown.columns), rows_of(shown), fmt, title=query.title)
            if footer:
                click.echo(footer)
    if output:
        stderr_console().print(f"{len(frame)} row(s) written to {output}", highlight=False)
    elif frame.empty:
        stderr_console().print("no rows", highlight=False)


@contextlib.contextmanager
def _destination(output: str | None) -> Iterator[None]:
    """stdout, or the -o file: the shared writers print to stdout, so send stdout there."""
    if output is None:
        yield
        return
    with open(output, "w", encoding="utf-8", newline="") as fh, contextlib.redirect_stdout(fh):
        yield


def write_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, title=None) -> None:
    if fmt == "markdown":
        click.echo(markdown_table(columns, rows))
    else:
        emit_rows(columns, rows, fmt, title=title)


def _estimate(value: Any, low: Any, high: Any) -> str:
    value, low, high = _python(value), _python(low), _python(high)
    if value is None:
        return "n/a"
    return f"{value:.3f} ({low:.3f}-{high:.3f})"


def prevalence_for_people(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A prevalence result narrowed for a terminal: each estimate with its interval in one
    column, and calibration columns that are the same in every row said once, under the table.
    The machine formats keep every column."""
    groups = list(frame.columns[: list(frame.columns).index("n")])
    shown = frame[[*groups, "n", "count"]].copy()
    shown["proportion (95% CI)"] = [
        _estimate(*r)
        for r in frame[["proportion", "wilson_low", "wilson_high"]].itertuples(index=False)
    ]
    shown["corrected (95% CI)"] = [
        _estimate(*r)
        for r in frame[["corrected", "corrected_low", "corrected_high"]].itertuples(index=False)
    ]
    for c in PREVALENCE_CONSTANTS:
        shown[c] = frame[c]
    shown["failed"] = frame["n_failed"]
    shown["not assessed"] = frame["n_not_assessed"]
    same = [c for c in PREVALENCE_CONSTANTS if len({repr(_python(v)) for v in frame[c]}) == 1]
    if frame.empty or not same:
        return shown, ""
    parts = []
    for c in same:
        value = _python(frame[c].iloc[0])
        parts.append(f"{c} {value:.3f}" if isinstance(value, float) else f"{c}: {value or 'n/a'}")
    return shown.drop(columns=same), "; ".join(parts)


def write_parquet(frame: pd.DataFrame, path: str) -> None:
    """Parquet through an in-memory DuckDB (no pyarrow needed); list columns stay lists."""
    con = duckdb.connect()
    try:
        con.from_df(frame).write_parquet(path)
    finally:
        con.close()


def _python(value: Any) -> Any:
    """A DataFrame cell as a plain Python value (arrays to lists, NA/NaN to None)."""
    if isinstance(value, np.ndarray):
        return [_python(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_python(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def rows_of(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(_python(v) for v in row) for row in frame.itertuples(index=False, name=None)]


def _markdown_cell(value: Any) -> str:
    """The table cell of the other formats, made safe inside a Markdown table row."""
    return _cell(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; pipes in cells escaped."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
