"""Query results on the terminal and in Markdown: tables sized for reading, matches marked."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.answers.present import Shown, cell_text
from pipeline.cli.common import emit_rows

# Columns of running text: they share the width (by these ratios) and wrap at spaces; the
# others keep their width, so "2022" or "p. 3" is never folded to fit a sentence.
TEXT_COLUMNS = {
    "sentence": 4,
    "evidence": 4,
    "error": 3,
    "title": 2,
    "reasons": 2,
    "source_path": 2,
    "description": 2,
    "note": 3,
}
MATCH_STYLE = "bold black on yellow"
# a single row with more columns than this is printed one column a line
VERTICAL_FROM = 4
Marks = Mapping[str, Sequence[Sequence[tuple[int, int]]]]


def write_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, title=None) -> None:
    if fmt == "markdown":
        click.echo(markdown_table(columns, rows))
    else:
        emit_rows(columns, rows, fmt, title=title)


def _markdown_cell(value: Any) -> str:
    """The table cell of the other formats, made safe inside a Markdown table row."""
    return cell_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; pipes in cells escaped."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def shown_markdown(shown: Shown) -> str:
    """A result for people as Markdown: title, the paper once, the table, the notes."""
    parts = [f"## {_markdown_cell(shown.title)}", ""]
    parts += [f"- **{c}**: {_markdown_cell(v)}" for c, v in shown.above]
    if shown.above:
        parts.append("")
    parts.append(shown.empty or markdown_table(shown.columns, shown.rows))
    if shown.notes:
        parts.append("")
        parts += [_markdown_cell(note) + "  " for note in shown.notes]
    return "\n".join(parts)


def marked(text: str, spans: Sequence[tuple[int, int]]) -> Text:
    """Text with the spans styled as matches (plain when the output is not a terminal)."""
    out = Text(text)
    for start, end in spans:
        out.stylize(MATCH_STYLE, start, end)
    return out


def print_shown(shown: Shown, marks: Marks | None = None) -> None:
    """A result on the terminal: the paper once, a table of running text, notes under it."""
    console = Console(file=sys.stdout, soft_wrap=False, highlight=False)
    if shown.empty:
        console.print(shown.empty, markup=False)
        return
    for column, value in shown.above:
        console.print(Text(f"{column}: ", style="bold") + Text(cell_text(value)))
    marks = marks or {}
    wide = any(c in TEXT_COLUMNS for c in shown.columns)
    if len(shown.rows) == 1 and not wide and len(shown.columns) > VERTICAL_FROM:
        # one row of many numbers (a prevalence): one line per column reads better
        table = Table(title=shown.title, show_header=False)
        table.add_column("", style="bold")
        table.add_column("")
        for c, value in zip(shown.columns, shown.rows[0], strict=True):
            table.add_row(c, cell_text(value))
        console.print(table)
        for note in shown.notes:
            console.print(note, markup=False)
        return
    table = Table(title=shown.title, expand=wide, show_lines=wide)
    texts = [[cell_text(v) for v in row] for row in shown.rows]
    widths = [
        max([len(row[j]) for row in texts] + [len(word) for word in c.split()])
        for j, c in enumerate(shown.columns)
    ]
    # values keep their width when they all fit (a long header wraps at its spaces); on a
    # console too narrow for that, rich folds them rather than cut columns off
    fits = sum(widths) + 3 * len(widths) + 1 <= console.width
    for j, c in enumerate(shown.columns):
        if c in TEXT_COLUMNS:
            table.add_column(c, ratio=TEXT_COLUMNS[c], overflow="fold")
        else:
            table.add_column(c, width=widths[j] if fits else None, overflow="fold")
    for i, row in enumerate(texts):
        spans = [marks[c][i] if c in marks else () for c in shown.columns]
        table.add_row(*(marked(text, s) for text, s in zip(row, spans, strict=True)))
    console.print(table)
    for note in shown.notes:
        console.print(note, markup=False)
