"""Canned queries: one SQL file per question in ``queries/``, with a header that documents it.

A file starts with comment lines ``-- key: value`` (a line ``--   text`` continues the value):

    -- title: Prevalence by year
    -- description: Share of assessed papers that use synthetic data, per year, ...
    -- param field: '' — only papers of this research field ('' = all)
    -- param id: required — DOI, paper_id or file path
    -- stats: prevalence
    -- columns: year, n, count, proportion, ...

The SQL uses DuckDB ``$name`` parameters; every value is bound, never formatted into the text.
A parameter's default is a SQL literal (``''``, ``0``, ``true``) that also gives its type, or
``required``. ``stats: prevalence`` adds Wilson and corrected-prevalence columns after the SQL
(:mod:`pipeline.answers.stats`). The files ship inside the package as ``pipeline.queries``
(pyproject.toml maps the repository's ``queries/`` folder there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from pipeline.answers.stats import Calibration, prevalence
from pipeline.errors import QueryError

QUERIES_PACKAGE = "pipeline.queries"
HEADER_KEYS = ("title", "description", "param", "stats", "columns")
PARAM_SEPARATOR = " — "
_HEADER_LINE = re.compile(r"^--\s?(?P<key>[a-z]+)(?:\s+(?P<arg>[A-Za-z_]\w*))?:\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(?P<text>\S.*)$")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")
_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
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
class Param:
    """One ``$name`` parameter of a canned query."""

    name: str
    type: type  # str, int, float or bool
    default: Any  # None when required
    description: str
    required: bool = False

    def convert(self, value: Any, query: str) -> Any:
        """The value as this parameter's type; strings (from the command line) are parsed."""
        wrong = QueryError(
            f"parameter {self.name} of query {query} must be {_TYPE_WORDS[self.type]}, "
            f"got {value!r}"
        )
        if value is None:
            raise wrong
        if self.type is str:
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return str(value)
            raise wrong
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise wrong
        if isinstance(value, bool):
            raise wrong
        try:
            number = self.type(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise wrong from None
        if self.type is int and isinstance(value, float) and not value.is_integer():
            raise wrong
        return number

    def describe(self) -> str:
        """``name=default`` as typed on the command line, or ``name (required)``."""
        if self.required:
            return f"{self.name} (required)"
        if self.type is str:
            return f"{self.name}={self.default!r}"
        if self.type is bool:
            return f"{self.name}={str(self.default).lower()}"
        return f"{self.name}={self.default}"


_TYPE_WORDS = {str: "text", int: "an integer", float: "a number", bool: "true or false"}


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

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every parameter's value: given ones checked and converted, the rest defaulted.

        Raises QueryError for a parameter the query does not have (naming the ones it has),
        a missing required one, or a value of the wrong type.
        """
        values = dict(values or {})
        unknown = sorted(set(values) - {p.name for p in self.params})
        if unknown:
            allowed = ", ".join(p.name for p in self.params) or "none"
            raise QueryError(
                f"query {self.name} has no parameter {', '.join(unknown)}; "
                f"its parameters: {allowed}"
            )
        bound = {}
        for p in self.params:
            if p.name in values:
                bound[p.name] = p.convert(values[p.name], self.name)
            elif p.required:
                raise QueryError(
                    f"query {self.name} needs a value for parameter {p.name}: {p.description}"
                )
            else:
                bound[p.name] = p.default
        return bound


def _literal(text: str) -> tuple[type, Any]:
    """Type and value of a default written as a SQL literal."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return str, text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return bool, text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int, int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float, float(text)
    raise ValueError(f"default {text!r} is not a SQL literal ('text', 0, 0.5, true) or required")


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
            params.append(_parse_param(name, arg, value))
        elif key in fields:
            raise QueryError(f"{name}.sql: header has {key} twice")
        else:
            fields[key] = value
    for key in ("title", "description", "columns"):
        if not fields.get(key):
            raise QueryError(f"{name}.sql: header has no {key} (a line '-- {key}: ...')")
    stats = fields.get("stats") or None
    if stats is not None and stats not in STATS:
        raise QueryError(f"{name}.sql: unknown stats {stats!r}; known: {', '.join(STATS)}")
    if not sql:
        raise QueryError(f"{name}.sql: no SQL after the header")
    used = set(_PLACEHOLDER.findall(_STRING_LITERAL.sub("''", _strip_comments(sql))))
    declared = {p.name for p in params}
    if used - declared:
        raise QueryError(
            f"{name}.sql: undocumented parameter(s) {', '.join(sorted(used - declared))}"
        )
    if declared - used:
        raise QueryError(
            f"{name}.sql: parameter(s) never used: {', '.join(sorted(declared - used))}"
        )
    columns = tuple(c.strip() for c in fields["columns"].split(","))
    return CannedQuery(
        name=name,
        title=fields["title"],
        description=fields["description"],
        params=tuple(params),
        sql=sql,
        columns=columns,
        stats=stats,
    )


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def _parse_param(query: str, name: str, value: str) -> Param:
    if not name:
        raise QueryError(f"{query}.sql: a param line needs a name: '-- param NAME: DEFAULT — help'")
    default_text, sep, description = value.partition(PARAM_SEPARATOR)
    if not sep or not description.strip():
        raise QueryError(
            f"{query}.sql: parameter {name} needs a default and a description: "
            f"'-- param {name}: DEFAULT — what it does'"
        )
    default_text = default_text.strip()
    if default_text == "required":
        return Param(name, str, None, description.strip(), required=True)
    try:
        kind, default = _literal(default_text)
    except ValueError as exc:
        raise QueryError(f"{query}.sql: parameter {name}: {exc}") from None
    return Param(name, kind, default, description.strip())


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
    raise QueryError(f"no canned query {name!r}; known queries: {known}")


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run a canned query with bound parameters and return its rows as a DataFrame."""
    query = load_query(name)
    values = query.bind(params)
    try:
        frame = con.execute(query.sql, values).df()
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed: {exc}") from None
    if query.stats:
        frame = STATS[query.stats](frame)
    return frame


def add_prevalence(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the counts of a prevalence query into proportions with intervals.

    The SQL returns its grouping columns, then ``_PREVALENCE_INPUTS``: the counts, the
    calibration row's sensitivity and specificity, and its counts (cal_*). Each row gets the
    Wilson interval of count/n and the prevalence corrected with the calibration row, if any.
    """
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
        estimate = prevalence(count, n, calibration)
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
                "sensitivity": None if _missing(record["sensitivity"]) else record["sensitivity"],
                "specificity": None if _missing(record["specificity"]) else record["specificity"],
                "calibration": estimate.calibration,
                "n_failed": int(record["n_failed"]),
                "n_not_assessed": int(record["n_not_assessed"]),
            }
        )
    result = pd.DataFrame(rows, columns=[*groups, *_PREVALENCE_COLUMNS])
    for g in groups:  # keep the SQL's dtypes (a nullable INTEGER year stays integer)
        result[g] = result[g].astype(frame[g].dtype)
    result[list(_PREVALENCE_FLOATS)] = result[list(_PREVALENCE_FLOATS)].astype("float64")
    return result


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or value != value


STATS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {"prevalence": add_prevalence}
