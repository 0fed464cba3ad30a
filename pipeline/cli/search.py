"""``synthwatch search TEXT``: evidence sentences and titles, ranked, the matches marked."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.text import Text

from pipeline.answers.present import (
    Shown,
    cell_text,
    filters_text,
    for_people,
    parse_columns,
    python,
    render_html,
    rows_of,
)
from pipeline.answers.search import QUERY_NAME, SearchResult, search
from pipeline.cli import CONTEXT_SETTINGS
from pipeline.cli.common import (
    db_option,
    dumps,
    format_option,
    open_db,
    stderr_console,
    translate_errors,
)
from pipeline.cli.output import marked, shown_markdown, write_rows
from pipeline.cli.query import columns_option, destination, output_option

FORMATS = ("text", "csv", "json", "markdown", "html")
DEFAULT_LIMIT = 20
INDENT = 5


@click.command("search", context_settings=CONTEXT_SETTINGS)
@click.argument("text", nargs=-1, required=True)
@click.option("--stance", default="", help="Only findings of this stance (use, cited, ...).")
@click.option("--category", default="", help="Only findings of this category (llm_text, ...).")
@click.option("--section", default="", help="Only findings in this section (methods, ...).")
@click.option("--year-from", type=int, default=0, help="First publication year.")
@click.option("--year-to", type=int, default=0, help="Last publication year.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Hits a page (0 = all).",
)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page.")
@db_option
@format_option(*FORMATS, default="text")
@columns_option
@output_option
@translate_errors
def search_command(
    text: tuple[str, ...],
    stance: str,
    category: str,
    section: str,
    year_from: int,
    year_to: int,
    limit: int,
    page: int,
    db: str,
    fmt: str,
    columns: str | None,
    output: str | None,
) -> None:
    """Search the evidence sentences and paper titles, best hits first.

    Words must all occur, in any order and any case; a word also finds its plural (patient,
    patients). "Quoted words" must occur in that order; a OR b finds either; synth* finds
    words that start with synth. Hits whose sentence matches come first, then the papers'
    own use (stance use), then higher confidence; a paper whose title matches and no sentence
    does shows its strongest finding after them. The same search as
    `synthwatch query search -p phrase=...`.

    \b
    Example:
        synthwatch search synthetic patients
        synthwatch search '"silicon sample"' --stance use
        synthwatch search 'GAN OR diffusion' --category generated_media --page 2
        synthwatch search 'synth* survey' --format json
    """
    query_text = " ".join(text)
    con = open_db(db)
    try:
        result = search(
            con,
            query_text,
            stance=stance,
            category=category,
            section=section,
            year_from=year_from,
            year_to=year_to,
            limit=limit,
            page=page,
        )
    finally:
        con.close()
    frame = result.rows
    chosen = parse_columns(columns, list(frame.columns))
    filters = {
        k: v
        for k, v in (
            ("stance", stance),
            ("category", category),
            ("section", section),
            ("year_from", year_from),
            ("year_to", year_to),
        )
        if v
    }
    with destination(output):
        if fmt == "json":
            hits = [dict(zip(frame.columns, r, strict=True)) for r in rows_of(frame)]
            click.echo(dumps(search_dict(result, hits)))
        elif fmt == "csv":
            shown = frame[chosen] if chosen else frame
            write_rows(list(shown.columns), rows_of(shown), "csv")
        elif fmt in ("markdown", "html"):
            people = people_view(result, filters, chosen)
            if fmt == "markdown":
                click.echo(shown_markdown(people))
            else:
                click.echo(
                    render_html(
                        people,
                        description=f"Findings and titles that match {query_text}.",
                        given={"search": query_text, **filters},
                        name=QUERY_NAME,
                        marks=marks_of(result, people),
                    ),
                    nl=False,
                )
        else:
            print_hits(result, filters)
    if output:
        stderr_console().print(f"{len(frame)} hit(s) written to {output}", highlight=False)


def search_dict(result: SearchResult, hits: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "search": result.query.text,
        "understood_as": str(result.query),
        "total": result.total,
        "page": result.page,
        "limit": result.limit,
        "hits": hits,
    }


def summary(result: SearchResult, filters: dict[str, Any]) -> str:
    """One line: how many hits, which are shown, what was searched."""
    what = f"{result.query}" + (f" (filters: {filters_text(filters)})" if filters else "")
    if not result.total:
        return f"no findings match {what}"
    if not len(result.rows):
        return f"{result.total} hit(s) for {what}; page {result.page} is past the last one"
    return f"{result.total} hit(s) for {what}; {result.first}-{result.last} shown, best first"


def people_view(result: SearchResult, filters: dict[str, Any], chosen: list[str] | None) -> Shown:
    from pipeline.answers.queries import load_query

    query = load_query(QUERY_NAME)
    shown = for_people(query, result.rows, {}, chosen)
    shown.title = f"Search: {result.query.text}"
    if shown.empty or not len(result.rows):
        shown.empty = summary(result, filters)
    else:
        shown.notes.append(summary(result, filters))
    return shown


def marks_of(result: SearchResult, shown: Shown) -> dict[str, list[list[tuple[int, int]]]]:
    marks = {}
    for column in ("sentence", "title"):
        if column in shown.columns:
            i = shown.columns.index(column)
            marks[column] = [result.query.spans(row[i]) for row in shown.rows]
    return marks


def print_hits(result: SearchResult, filters: dict[str, Any]) -> None:
    """The hits as a numbered list: title and year, where, the sentence with matches marked."""
    console = Console(highlight=False, soft_wrap=False)
    console.print(summary(result, filters), markup=False)
    for number, row in enumerate(result.rows.itertuples(index=False), start=result.first):
        title = cell_text(row.title) or "(no title)"
        year, page = python(row.year), python(row.page)
        head = marked(title, result.query.spans(title)) + (f" ({year})" if year is not None else "")
        indented(console, head, first=Text(f"{number:>3}. ", style="bold"))
        place = row.section + (f", p. {page}" if page is not None else "")
        where = f"{place} · {row.stance} · {row.category} · confidence {row.confidence:.2f}"
        if row.matched == "title":
            where += " · the title matches"
        sentence = cell_text(row.sentence)
        indented(console, Text(where, style="dim"))
        indented(console, marked(sentence, result.query.spans(sentence)))
    if result.more:
        console.print(f"more: --page {result.page + 1}", markup=False)


def indented(console: Console, text: Text, first: Text | None = None) -> None:
    """``text`` wrapped to the console, each line indented (the first after ``first``)."""
    for i, line in enumerate(text.wrap(console, max(20, console.width - INDENT))):
        line.rstrip()
        lead = first if i == 0 and first is not None else Text(" " * INDENT)
        console.print(lead + line)
