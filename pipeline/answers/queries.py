"""Canned queries: one SQL file per question in ``queries/``, with a header that documents it.

A file starts with comment lines ``-- key: value`` (a line ``--   text`` continues the value):

    -- title: Prevalence by year
    -- description: Share of assessed papers that use synthetic data, per year, ...
    -- param field: '' — only papers of this research field ('' = all)
    -- param id: required — DOI, paper_id or file path
    -- stats: prevalence
    -- columns: year, n, count, proportion, ...
    -- show: title, year, section, page, evidence
    -- once: title, doi

The SQL uses DuckDB ``$name`` parameters; every value is bound, never formatted into the text.
A parameter's default is a SQL literal (``''``, ``0``, ``true``) that also gives its type, or
``required``; parameters with a closed list of values (category, stance, ...) are checked
against it (:mod:`pipeline.answers.params`). ``stats: prevalence`` adds Wilson and
corrected-prevalence columns after the SQL (:mod:`pipeline.answers.stats`). ``show`` names the
columns a person sees by default on a terminal (machines get every column); ``once`` the
columns said once above the table when every row has the same value (the paper of
``paper``). ``builder: search`` marks SQL with ``{slots}`` that a Python builder fills with
conditions made from a parameter (the search text): the conditions hold ``$placeholders``
only, the values are still bound.
The files ship inside the package as ``pipeline.queries`` (pyproject.toml maps the repository's
``queries/`` folder there).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.answers.default_calibration import shipped_calibration
from pipeline.answers.params import Param, parse_param
from pipeline.answers.stats import Calibration, prevalence
from pipeline.errors import ParameterError, QueryError, UnknownQuery, UsageError

QUERIES_PACKAGE = "pipeline.queries"
HEADER_KEYS = ("title", "description", "param", "stats", "columns", "show", "once", "builder")
# builder name -> (module, function(query, bound values) -> (sql, values)); imported on use
BUILDERS = {"search": ("pipeline.answers.search", "compile_search")}
# stats computed with a second file, the reviews of a validation sample: name -> (module,
# function(frame, values, reviews=PATH, columns=...)); imported on use (pipeline.review)
REVIEW_STATS = {"validated": ("pipeline.review.validated", "validated_rows")}
_HEADER_LINE = re.compile(r"^--\s?(?P<key>[a-z]+)(?:\s+(?P<arg>[A-Za-z_]\w*))?:\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(?P<text>\S.*)$")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")
_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
# What the SQL of a `stats: prevalence` query returns after its grouping columns; the cal_*
# counts of the calibration row are replaced by the statistics.
_PREVALENCE_INPUTS = (
    "n",
    "count",
    "proportion",
    "n_failed",
    "n_not_assessed",
    "sensitivity",
    "specificity",
    "cal_category",
    "cal_created_at",
    "cal_tp",
    "cal_fn",
    "cal_tn",
    "cal_fp",
)
_PREVALENCE_COLUMNS = (
    "n",
    "count",
    "proportion",
    "wilson_low",
    "wilson_high",
    "corrected",
    "corrected_low",
    "corrected_high",
    "sensitivity",
    "specificity",
    "calibration",
    "n_failed",
    "n_not_assessed",
)
_PREVALENCE_FLOATS = _PREVALENCE_COLUMNS[2:10]  # proportion .. specificity: NaN when unknown


@dataclass(frozen=True)
class CannedQuery:
    """A documented SQL file from ``queries/``."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sql: str
    columns: tuple[str, ...]
    stats: str | None = None
    show: tuple[str, ...] = ()  # the columns for people; () = every column
    once: tuple[str, ...] = ()  # said once above the table when the same in every row
    builder: str | None = None

    @property
    def needs_reviews(self) -> bool:
        """Whether the query reads a reviews file (``--reviews``) besides the database."""
        return self.stats in REVIEW_STATS

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every parameter's value: given ones checked and converted, the rest defaulted.

        Raises ParameterError (a QueryError and a UsageError) for a parameter the query does
        not have (naming the ones it has), a missing required one, a value of the wrong type or
        outside its list (naming the valid ones), or a category that is also excluded.
        """
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            allowed = ", ".join(p.name for p in self.params) or "none"
            raise ParameterError(
                f"query {self.name} has no parameter {', '.join(unknown)}; "
                f"its parameters: {allowed}"
            )
        bound = {}
        for p in self.params:
            if p.name in values:
                bound[p.name] = p.convert(values[p.name], self.name)
            elif p.required:
                raise ParameterError(
                    f"query {self.name} needs a value for parameter {p.name}: {p.description}"
                )
            else:
                bound[p.name] = p.default
        category, exclude = bound.get("category"), bound.get("exclude")
        if category and exclude and category in exclude.split(","):
            raise ParameterError(
                f"query {self.name}: category {category} is also in exclude ({exclude}); "
                "counting a category while excluding it answers nothing: drop one of them"
            )
        return bound

    def given(self, bound: Mapping[str, Any]) -> dict[str, Any]:
        """The bound values that differ from their defaults: the filters a reader set."""
        return {
            p.name: bound[p.name]
            for p in self.params
            if p.name in bound and bound[p.name] != p.default
        }


def parse_query(name: str, text: str) -> CannedQuery:
    """A CannedQuery from a SQL file's text; QueryError names what the header lacks."""
    entries: list[list[str]] = []  # [key, arg, value]
    lines = text.splitlines()
    body_start = len(lines)
    for i, line in enumerate(lines):
        if not line.startswith("--"):
            body_start = i
            break
        if cont := _CONTINUATION.match(line):
            if not entries:
                raise QueryError(f"{name}.sql: continuation line before any header key")
            entries[-1][2] += " " + cont.group("text").strip()
            continue
        if line.strip() == "--":
            continue
        head = _HEADER_LINE.match(line)
        if (
            head is None
            or head.group("key") not in HEADER_KEYS
            or bool(head.group("arg")) != (head.group("key") == "param")
        ):
            raise QueryError(
                f"{name}.sql: header line {i + 1} is not '-- key: value' with key one of "
                f"{', '.join(HEADER_KEYS)}: {line!r}"
            )
        entries.append([head.group("key"), head.group("arg") or "", head.group("value").strip()])
    sql = "\n".join(lines[body_start:]).strip()
    fields: dict[str, str] = {}
    params: list[Param] = []
    for key, arg, value in entries:
        if key == "param":
            params.append(parse_param(name, arg, value))
        elif key in fields:
            raise QueryError(f"{name}.sql: header has {key} twice")
        else:
            fields[key] = value
    for key in ("title", "description", "columns"):
        if not fields.get(key):
            raise QueryError(f"{name}.sql: header has no {key} (a line '-- {key}: ...')")
    stats = fields.get("stats") or None
    if stats is not None and stats not in {**STATS, **REVIEW_STATS}:
        known = ", ".join([*STATS, *REVIEW_STATS])
        raise QueryError(f"{name}.sql: unknown stats {stats!r}; known: {known}")
    builder = fields.get("builder") or None
    if builder is not None and builder not in BUILDERS:
        raise QueryError(f"{name}.sql: unknown builder {builder!r}; known: {', '.join(BUILDERS)}")
    if not sql:
        raise QueryError(f"{name}.sql: no SQL after the header")
    used = set(_PLACEHOLDER.findall(_STRING_LITERAL.sub("''", _strip_comments(sql))))
    declared = {p.name for p in params}
    if used - declared:
        raise QueryError(
            f"{name}.sql: undocumented parameter(s) {', '.join(sorted(used - declared))}"
        )
    if declared - used and builder is None:  # a builder turns some parameters into SQL itself
        raise QueryError(
            f"{name}.sql: parameter(s) never used: {', '.join(sorted(declared - used))}"
        )
    columns = tuple(c.strip() for c in fields["columns"].split(","))
    show, once = (_column_list(name, key, fields.get(key, ""), columns) for key in ("show", "once"))
    return CannedQuery(
        name=name,
        title=fields["title"],
        description=fields["description"],
        params=tuple(params),
        sql=sql,
        columns=columns,
        stats=stats,
        show=show,
        once=once,
        builder=builder,
    )


def _column_list(query: str, key: str, text: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns a ``show`` or ``once`` line names; each must be one the query returns."""
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    if unknown := [c for c in names if c not in columns]:
        raise QueryError(
            f"{query}.sql: {key} names column(s) the query does not return: {', '.join(unknown)}"
        )
    return names


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


@cache
def list_queries() -> tuple[CannedQuery, ...]:
    """Every canned query, by name."""
    try:
        folder = resources.files(QUERIES_PACKAGE)
    except ModuleNotFoundError:
        raise QueryError(
            "the canned queries are not installed (package pipeline.queries is missing): "
            "reinstall synthwatch"
        ) from None
    found = sorted(
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )
    return tuple(parse_query(name, text) for name, text in found)


def load_query(name: str) -> CannedQuery:
    """The canned query called ``name``; QueryError lists the known names otherwise."""
    for query in list_queries():
        if query.name == name:
            return query
    known = ", ".join(q.name for q in list_queries())
    raise UnknownQuery(f"no canned query {name!r}; known queries: {known}")


def run_query(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
    reviews: str | Path | None = None,
) -> pd.DataFrame:
    """Run a canned query with bound parameters and return its rows as a DataFrame.

    ``reviews``: the reviews file a validated query reads (UsageError when it needs one and
    none is given).
    """
    query = load_query(name)
    values = query.bind(params)
    if query.needs_reviews:
        if reviews is None:
            raise UsageError(f"query {name} needs a reviews file (--reviews FILE)")
        module, function = REVIEW_STATS[query.stats]  # type: ignore[index]
        compute = getattr(importlib.import_module(module), function)
        # it runs the SQL itself: counted in DuckDB, not fetched paper by paper
        return compute(con, query.sql, values, reviews=reviews, columns=query.columns)
    frame = fetch(con, query, values)
    if query.stats:
        frame = STATS[query.stats](frame, values)
    if query.builder:  # a built query may return helper columns (the search's total)
        frame = frame[list(query.columns)]
    return frame


def fetch(
    con: duckdb.DuckDBPyConnection, query: CannedQuery, values: Mapping[str, Any]
) -> pd.DataFrame:
    """The rows of a query's SQL (built first, for a builder query) with bound values."""
    sql, bound = query.sql, dict(values)
    if query.builder:
        module, function = BUILDERS[query.builder]
        sql, bound = getattr(importlib.import_module(module), function)(query, values)
    try:
        return con.execute(sql, bound).df()
    except duckdb.Error as exc:
        raise QueryError(f"query {query.name} failed: {exc}") from None


def add_prevalence(frame: pd.DataFrame, values: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Turn the counts of a prevalence query into proportions with intervals.

    The SQL returns its grouping columns, then ``_PREVALENCE_INPUTS``: the counts, the
    calibration row's sensitivity and specificity, and its counts (cal_*). Each row gets the
    Wilson interval of count/n and the prevalence corrected with the calibration row, if any.
    With ``exclude`` (and no category) the row looked up is ``any excluding ...``, which
    ``synthwatch eval`` does not measure yet: the note then says so, rather than correcting
    with the rates of "any use", which would be rates of another question.
    """
    values = values or {}
    missing = [c for c in _PREVALENCE_INPUTS if c not in frame.columns]
    if missing:
        raise QueryError(f"a prevalence query must return {', '.join(missing)}")
    groups = list(frame.columns[: list(frame.columns).index("n")])
    rows = []
    for record in frame.to_dict("records"):
        n, count = int(record["n"]), int(record["count"])
        calibration = None
        if not _missing(record["cal_category"]):
            calibration = Calibration(
                category=record["cal_category"],
                tp=int(record["cal_tp"]),
                fn=int(record["cal_fn"]),
                tn=int(record["cal_tn"]),
                fp=int(record["cal_fp"]),
                created_at=record["cal_created_at"],
            )
        if calibration is None:
            # no synthwatch eval in this database: the rates measured cross-source on the
            # labelled papers, said as such
            calibration = shipped_calibration(_question(record, values))
        estimate = prevalence(count, n, calibration)
        note = estimate.calibration
        if calibration is None and values.get("exclude") and not values.get("category"):
            note = (
                f"no calibration for use excluding {values['exclude']}: synthwatch eval "
                "measures any use, each category and use excluding simulation"
            )
        rows.append(
            {
                **{g: record[g] for g in groups},
                "n": n,
                "count": count,
                "proportion": estimate.proportion,
                "wilson_low": estimate.wilson_low,
                "wilson_high": estimate.wilson_high,
                "corrected": estimate.corrected,
                "corrected_low": estimate.corrected_low,
                "corrected_high": estimate.corrected_high,
                "sensitivity": calibration.sensitivity if calibration else None,
                "specificity": calibration.specificity if calibration else None,
                "calibration": note,
                "n_failed": int(record["n_failed"]),
                "n_not_assessed": int(record["n_not_assessed"]),
            }
        )
    result = pd.DataFrame(rows, columns=[*groups, *_PREVALENCE_COLUMNS])
    for g in groups:  # keep the SQL's dtypes (a nullable INTEGER year stays integer)
        result[g] = result[g].astype(frame[g].dtype)
    result[list(_PREVALENCE_FLOATS)] = result[list(_PREVALENCE_FLOATS)].astype("float64")
    return result


def _question(record: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """The calibration a prevalence row needs: its category (a by_category row, or the
    category parameter), 'any excluding ...' with exclude, else 'any'."""
    if not _missing(record.get("category")):
        return str(record["category"])
    if values.get("category"):
        return str(values["category"])
    if values.get("exclude"):
        return f"any excluding {values['exclude']}"
    return "any"


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or value != value


STATS: dict[str, Callable[..., pd.DataFrame]] = {"prevalence": add_prevalence}
