"""Query results made for people: a few readable columns, labelled blanks, notes said once.

The machine formats (JSON, CSV, Parquet) get every column of a canned query as it is; a person
reading a terminal, Markdown or an HTML page gets the query's ``show`` columns, the paper said
once above its findings, prevalence estimates folded with their intervals and what each share
is of, calibration notes said once under the table, and blank groups labelled ``(no year)``.
Pure functions of a result frame; the CLI and the web explorer print what they return.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from pipeline.answers.queries import CannedQuery
from pipeline.errors import UsageError
from pipeline.version import __version__

TEMPLATE_PACKAGE = "pipeline.templates"
HTML_TEMPLATE = "query.html"
# A group without a value (papers whose files state no year) is often the largest group: a
# blank cell at the bottom of the table reads as a glitch, so people see a label. JSON keeps
# null, CSV an empty cell (machines test for those).
BLANK_LABELS = {"year": "(no year)", "venue": "(no venue)", "field": "(no field)"}
ALL_COLUMNS = "all"
# In a prevalence table for people: said once under the table when every row has the value.
PREVALENCE_CONSTANTS = ("sensitivity", "specificity", "calibration")
# What a result lists, by its key column: "no papers match ..."
_NOUNS = (("paper_id", "papers"), ("finding_id", "findings"), ("generator", "generators"))


@dataclass
class Shown:
    """A result ready to print: columns, rows of plain values, and the words around them."""

    title: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    above: list[tuple[str, Any]] = field(default_factory=list)  # said once: (column, value)
    notes: list[str] = field(default_factory=list)  # under the table
    empty: str = ""  # the one line shown instead of a table with no rows


def python(value: Any) -> Any:
    """A DataFrame cell as a plain Python value (arrays to lists, NA/NaN to None)."""
    if isinstance(value, np.ndarray):
        return [python(v) for v in value.tolist()]
    if isinstance(value, list):
        return [python(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def cell_text(value: Any) -> str:
    """A cell as text, as the terminal table writes it: lists joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def rows_of(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(python(v) for v in row) for row in frame.itertuples(index=False, name=None)]


def parse_columns(option: str | None, available: Sequence[str]) -> list[str] | None:
    """The columns of ``--columns a,b`` (None: the query's default; ``all``: every one).

    UsageError names the columns there are when one is not among them.
    """
    if option is None:
        return None
    names = [c.strip() for c in option.split(",") if c.strip()]
    if names == [ALL_COLUMNS]:
        return list(available)
    unknown = [c for c in names if c not in available]
    if unknown or not names:
        raise UsageError(
            f"--columns: no column {', '.join(unknown) or '(none given)'}; "
            f"columns: {', '.join(available)} (or all)"
        )
    return list(dict.fromkeys(names))


def filters_text(given: Mapping[str, Any]) -> str:
    """The parameters a reader set, as typed: ``field=medicine, year_from=2020``."""
    return ", ".join(f"{k}={v}" for k, v in given.items()) or "none"


def nothing_matches(query: CannedQuery, given: Mapping[str, Any]) -> str:
    noun = next((word for key, word in _NOUNS if key in query.columns), "rows")
    if query.stats == "prevalence":
        noun = "papers"
    return f"no {noun} match (filters: {filters_text(given)})"


def is_empty(query: CannedQuery, frame: pd.DataFrame) -> bool:
    """No rows, or a prevalence whose every row counts no paper at all (n, failed, not assessed)."""
    if frame.empty:
        return True
    if query.stats == "prevalence":
        return int(frame[["n", "n_failed", "n_not_assessed"]].to_numpy().sum()) == 0
    return False


def for_people(
    query: CannedQuery,
    frame: pd.DataFrame,
    values: Mapping[str, Any],
    columns: list[str] | None = None,
) -> Shown:
    """What a person sees of a result: chosen columns, the paper once, labels and notes.

    ``columns`` (from ``--columns``) replaces the query's ``show`` columns and folds nothing.
    """
    given = query.given(values)
    shown = Shown(query.title, [], [])
    if is_empty(query, frame):
        shown.empty = nothing_matches(query, given)
        return shown
    if columns is not None:
        view = label_blank_groups(query, frame[columns])
    elif query.stats == "prevalence":
        view, shown.notes = prevalence_for_people(frame, values)
        view = label_blank_groups(query, view)
    else:
        picked = list(query.show or frame.columns)
        for c in query.once:
            distinct = {repr(python(v)) for v in frame[c]}
            if len(distinct) == 1:
                value = python(frame[c].iloc[0])
                if value is not None and value != []:
                    shown.above.append((c, value))
            elif c not in picked:
                picked.append(c)
        view = label_blank_groups(query, frame[picked])
    shown.columns, shown.rows = list(view.columns), rows_of(view)
    return shown


def label_blank_groups(query: CannedQuery, frame: pd.DataFrame) -> pd.DataFrame:
    """Blank year/venue/field groups of a prevalence table labelled for people."""
    if query.stats != "prevalence":
        return frame
    out = frame.copy()
    for column, label in BLANK_LABELS.items():
        if column in out.columns:
            out[column] = [label if python(v) is None else python(v) for v in out[column]]
    return out


def _estimate(value: Any, low: Any, high: Any) -> str:
    value, low, high = python(value), python(low), python(high)
    if value is None:
        return "n/a"
    return f"{value:.3f} ({low:.3f}-{high:.3f})"


def counted_words(values: Mapping[str, Any]) -> str:
    """What a positive paper is in this result, in words."""
    if values.get("category"):
        return f"use {values['category']}"
    if values.get("exclude"):
        return f"use, excluding {values['exclude'].replace(',', ', ')}"
    return "use synthetic data"


def prevalence_for_people(
    frame: pd.DataFrame, values: Mapping[str, Any]
) -> tuple[pd.DataFrame, list[str]]:
    """A prevalence result narrowed for a reader, and the notes to print under it.

    Each estimate and its interval in one column whose header says what the share is of;
    calibration columns that are the same in every row said once under the table, a
    calibration that differs by row (by category) as numbered footnotes; a sensitivity or
    specificity that differs by row is left to the machine formats (the corrected column uses
    it), so the table fits a terminal.
    """
    groups = list(frame.columns[: list(frame.columns).index("n")])
    ns = {int(n) for n in frame["n"]}
    of = f"of {ns.pop()} assessed" if len(ns) == 1 else "of assessed"
    shown = frame[groups].copy()
    shown["assessed"] = frame["n"]
    by_category = groups == ["category"]
    shown["papers with a use" if by_category else counted_words(values)] = frame["count"]
    shown[f"share {of} (95% CI)"] = [
        _estimate(*r)
        for r in frame[["proportion", "wilson_low", "wilson_high"]].itertuples(index=False)
    ]
    shown["corrected (95% CI)"] = [
        _estimate(*r)
        for r in frame[["corrected", "corrected_low", "corrected_high"]].itertuples(index=False)
    ]
    notes: list[str] = []
    said: list[str] = []
    per_row: list[str] = []
    for c in PREVALENCE_CONSTANTS:
        cells = [python(v) for v in frame[c]]
        if len({repr(v) for v in cells}) == 1:
            value = cells[0]
            said.append(
                f"{c} {value:.3f}" if isinstance(value, float) else f"{c}: {value or 'n/a'}"
            )
        elif c == "calibration":
            marks = {text: i + 1 for i, text in enumerate(dict.fromkeys(cells))}
            shown[c] = [f"[{marks[v]}]" for v in cells]
            notes += [f"[{i}] calibration: {text or 'n/a'}" for text, i in marks.items()]
        else:  # differs by row (by category): in the machine formats, not in the table
            per_row.append(c)
    counts = {
        "assessed": frame["n"],
        "failed": frame["n_failed"],
        "not assessed": frame["n_not_assessed"],
    }
    if len(frame) > 1 and all(len(set(v)) == 1 for v in counts.values()):
        # the same papers in every row (by category): say the counts once
        shown = shown.drop(columns=["assessed"])
        said.insert(
            0,
            f"{int(frame['n'].iloc[0])} assessed papers; {int(frame['n_failed'].iloc[0])} "
            f"failed and {int(frame['n_not_assessed'].iloc[0])} not assessed, left out",
        )
    else:
        shown["failed"] = frame["n_failed"]
        shown["not assessed"] = frame["n_not_assessed"]
    if said:
        notes.insert(0, "; ".join(said))
    if per_row:
        notes.insert(1 if said else 0, f"{' and '.join(per_row)} per row: --format csv or json")
    if values.get("exclude"):
        left_out = values["exclude"].replace(",", ", ")
        notes.append(
            f"left out: {left_out}"
            if "category" in shown.columns
            else f"counted: papers with a use of a category other than {left_out}"
        )
    return shown, notes


def segments(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut at ``spans``: (piece, is a match) pairs, for highlighting."""
    out, at = [], 0
    for start, end in spans:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, "."),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(
    shown: Shown,
    *,
    description: str,
    given: Mapping[str, Any],
    name: str,
    marks: Mapping[str, Sequence[Sequence[tuple[int, int]]]] | None = None,
) -> str:
    """A standalone HTML page of a result: title, description, parameters, table, notes.

    Every text is escaped by Jinja2's autoescape (paper text is untrusted). ``marks`` gives,
    for a column, the match spans of each row's cell, shown as ``<mark>``.
    """
    marks = marks or {}
    rows = []
    for i, row in enumerate(shown.rows):
        cells = []
        for column, value in zip(shown.columns, row, strict=True):
            text = cell_text(value)
            spans = marks[column][i] if column in marks and i < len(marks[column]) else ()
            cells.append(segments(text, spans) if spans else [(text, False)])
        rows.append(cells)
    return (
        _environment()
        .get_template(HTML_TEMPLATE)
        .render(
            title=shown.title,
            description=description,
            params=list(given.items()),
            above=[(c, cell_text(v)) for c, v in shown.above],
            columns=shown.columns,
            rows=rows,
            notes=shown.notes,
            empty=shown.empty,
            name=name,
            version=__version__,
        )
    )
