"""``synthwatch query``: the canned queries of ``queries/``, listed and run read-only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import click
import duckdb
import pandas as pd

from pipeline.answers.present import (
    Shown,
    for_people,
    is_empty,
    nothing_matches,
    parse_columns,
    render_html,
    rows_of,
)
from pipeline.answers.queries import CannedQuery, list_queries, load_query, run_query
from pipeline.cli import CONTEXT_SETTINGS
from pipeline.cli.common import db_option, dumps, format_option, stderr_console, translate_errors
from pipeline.cli.output import (
    markdown_table,
    print_shown,
    shown_markdown,
    write_rows,
)
from pipeline.errors import UsageError
from pipeline.review.reviews import default_reviews_path
from pipeline.store import connect_readonly

FORMATS = ("table", "csv", "json", "parquet", "markdown", "html")
# every column, as the query returns it; the others are for people (a few columns, labels)
MACHINE_FORMATS = ("csv", "json", "parquet")
PARQUET_NEEDS_FILE = "--format parquet writes a binary file: give one with -o FILE"
# free-text filters: when nothing matches, the values the database holds are named
FREE_TEXT_FILTERS = ("field", "venue")
KNOWN_VALUES_SHOWN = 12

__all__ = ["markdown_table", "query_group"]


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
        synthwatch query prevalence_by_year -p field=medicine -p exclude=simulation
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
                "values": list(p.choices) or None,
                "comma_separated": p.many,
            }
            for p in q.params
        ],
        "columns": list(q.columns),
        "shown": list(q.show or q.columns),
    }


def describe(q: CannedQuery, fmt: str) -> None:
    if fmt == "json":
        click.echo(dumps(query_dict(q)))
        return
    rows = [
        (p.name, p.describe(), p.description, ", ".join(p.choices) if p.choices else "")
        for p in q.params
    ]
    if fmt in ("csv", "markdown"):
        write_rows(["param", "default", "description", "values"], rows, fmt)
        return
    click.echo(f"{q.name}: {q.title}\n")
    click.echo(q.description + "\n")
    click.echo("parameters (-p key=value):" if q.params else "parameters: none")
    for p in q.params:
        click.echo(f"  {p.describe():<28} {p.description}")
        if p.choices:
            several = ", comma-separated" if p.many else ""
            click.echo(f"  {'':<28} values{several}: {', '.join(p.choices)}")
    click.echo("\ncolumns: " + ", ".join(q.columns))
    if q.show:
        click.echo("shown on a terminal: " + ", ".join(q.show) + " (--columns all for every one)")


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


def output_option(func: Any) -> Any:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to FILE instead of stdout (`--format parquet` needs one).",
    )(func)


def columns_option(func: Any) -> Any:
    return click.option(
        "--columns",
        metavar="A,B,...",
        help="The columns to show (`all`: every one). Default: a few readable ones on the "
        "terminal, in Markdown and HTML; every one in the machine formats.",
    )(func)


@query_group.command("run", context_settings=CONTEXT_SETTINGS)
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_parse_params,
    help="A query parameter; repeat for several. `synthwatch query list NAME` shows them.",
)
@db_option
@click.option(
    "--reviews",
    type=click.Path(dir_okay=False),
    help="Reviews file of the validated queries [default: reviews.duckdb beside --db].",
)
@format_option(*FORMATS, default="table")
@columns_option
@output_option
@translate_errors
def run_command(
    name: str,
    params: dict[str, str],
    db: str,
    reviews: str | None,
    fmt: str,
    columns: str | None,
    output: str | None,
) -> None:
    """Run the canned query NAME on the database, read-only.

    Parameter values are bound to the query, never pasted into its SQL; a value outside a
    parameter's list (category, stance, ...) is refused with the valid ones. Prevalence
    queries add Wilson 95% intervals and a prevalence corrected with the detector's measured
    sensitivity and specificity (run `synthwatch eval` to measure them); the
    prevalence_validated queries correct with a reviewed sample of this corpus instead
    (`synthwatch sample`, then `--reviews FILE`); `exclude=simulation`
    counts papers only for a use other than simulation. Paper lists show a few columns on a
    terminal; `--columns all` shows every one; CSV and JSON have every one unless `--columns`
    names some.

    \b
    Example:
        synthwatch query run prevalence_by_year -p category=llm_text
        synthwatch query prevalence -p exclude=simulation
        synthwatch query high_concern --columns title,year,reasons,evidence
        synthwatch query high_concern --format html -o high-concern.html
        synthwatch query paper -p id=10.1371/journal.pone.0119074 --format json
        synthwatch query by_category --format parquet -o categories.parquet
        synthwatch query prevalence_validated_by_year --reviews reviews.duckdb --format json
    """
    query = load_query(name)  # unknown name: exit 1 with the known names
    values = query.bind(params)  # a parameter or value it does not take: exit 2
    if reviews is not None and not query.needs_reviews:
        raise UsageError(f"query {name} reads no reviews file: --reviews is for the validated ones")
    reviews_path = (reviews or str(default_reviews_path(db))) if query.needs_reviews else None
    chosen = parse_columns(columns, query.columns)
    if fmt == "parquet" and not output:
        raise UsageError(PARQUET_NEEDS_FILE)
    con = connect_readonly(db)
    try:
        frame = run_query(con, name, params, reviews=reviews_path)
        hint = known_values_hint(con, query, values) if is_empty(query, frame) else ""
    finally:
        con.close()
    if fmt in MACHINE_FORMATS:
        write_machine(frame[chosen] if chosen else frame, fmt, output)
        if is_empty(query, frame):
            stderr_console().print(nothing_matches(query, query.given(values)) + hint)
    else:
        write_for_people(query, frame, values, chosen, fmt, output, hint)
    if output:
        stderr_console().print(f"{len(frame)} row(s) written to {output}", highlight=False)


def write_for_people(
    query: CannedQuery,
    frame: pd.DataFrame,
    values: dict[str, Any],
    chosen: list[str] | None,
    fmt: str,
    output: str | None,
    hint: str = "",
) -> None:
    """A result as a table on the terminal, as Markdown or as an HTML page."""
    shown = for_people(query, frame, values, chosen)
    if shown.empty:
        shown.empty += hint
    marks = sentence_marks(query, values, shown)
    with destination(output):
        if fmt == "html":
            page = render_html(
                shown,
                description=query.description,
                given=query.given(values),
                name=query.name,
                marks=marks,
            )
            click.echo(page, nl=False)
        elif fmt == "markdown":
            click.echo(shown_markdown(shown))
        else:
            print_shown(shown, marks=marks)


def sentence_marks(
    query: CannedQuery, values: dict[str, Any], shown: Shown
) -> dict[str, list[list[tuple[int, int]]]]:
    """Where the search words are in each shown sentence and title (search queries only)."""
    if query.builder != "search" or shown.empty:
        return {}
    from pipeline.answers.search import parse

    parsed = parse(values["phrase"])
    marks = {}
    for column in ("sentence", "title"):
        if column in shown.columns:
            i = shown.columns.index(column)
            marks[column] = [parsed.spans(row[i]) for row in shown.rows]
    return marks


def known_values_hint(con: duckdb.DuckDBPyConnection, query: CannedQuery, values: dict) -> str:
    """For a free-text filter that matched nothing: the values the database holds.

    ``column`` comes from FREE_TEXT_FILTERS, never from the user, so it can be in the SQL.
    """
    parts = []
    for column in FREE_TEXT_FILTERS:
        if values.get(column) and query.param(column):
            found = con.execute(
                f"SELECT DISTINCT {column} FROM papers WHERE {column} IS NOT NULL "
                f"ORDER BY {column} LIMIT {KNOWN_VALUES_SHOWN + 1}"
            ).fetchall()
            names = [str(r[0]) for r in found[:KNOWN_VALUES_SHOWN]]
            more = ", ..." if len(found) > KNOWN_VALUES_SHOWN else ""
            if names:
                parts.append(f"{column}s in this database: {', '.join(names)}{more}")
            else:
                parts.append(f"no paper here has a {column} (scan --manifest can set one)")
    return "; " + "; ".join(parts) if parts else ""


def write_machine(frame: pd.DataFrame, fmt: str, output: str | None) -> None:
    """Every row and column for a program: CSV, JSON (nulls stay null) or Parquet."""
    if fmt == "parquet":
        write_parquet(frame, output)  # type: ignore[arg-type]
        return
    with destination(output):
        write_rows(list(frame.columns), rows_of(frame), fmt)


@contextlib.contextmanager
def destination(output: str | None) -> Iterator[None]:
    """stdout, or the -o file: the shared writers print to stdout, so send stdout there."""
    if output is None:
        yield
        return
    with open(output, "w", encoding="utf-8", newline="") as fh, contextlib.redirect_stdout(fh):
        yield


def write_parquet(frame: pd.DataFrame, path: str) -> None:
    """Parquet through an in-memory DuckDB (no pyarrow needed); list columns stay lists."""
    con = duckdb.connect()
    try:
        con.from_df(frame).write_parquet(path)
    finally:
        con.close()
