"""Parameters of the canned queries: a type from the header's default, a closed list by name.

A parameter's type comes from its default in the query header (``''`` text, ``0`` an integer,
``true`` a flag). A parameter whose name is in ``ENUMERATIONS`` takes only the values of that
list (or ``''``, "all"): ``category=llm`` is refused with the list of categories instead of
answering "0 papers", a number someone would print. ``LIST_PARAMS`` take several values,
comma-separated, each checked. The lists are the taxonomy's and the store's own constants, so
a new category is valid here the day the detector can produce it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from pipeline.detect.language import STOPWORDS
from pipeline.detect.model import CATEGORIES, CONCERNS, ROLES, STANCES
from pipeline.document import SECTION_KINDS
from pipeline.errors import ParameterError, QueryError
from pipeline.results import STATUSES
from pipeline.sources.sniff import FORMATS

PARAM_SEPARATOR = " — "
# Statuses of papers that could not be read: the `failures` query lists only these, so `ok`
# there would be an answer of zero rows that looks like "no failures".
FAILED_STATUSES = tuple(s for s in STATUSES if s != "ok")
# The codes the language identification gives; "und" when it is unsure.
LANGUAGES = (*sorted(STOPWORDS), "und")
# parameter name -> (what one value is, in words; the valid values)
ENUMERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "category": ("category", CATEGORIES),
    "exclude": ("category", CATEGORIES),
    "stance": ("stance", STANCES),
    "role": ("role", ROLES),
    "concern": ("concern level", CONCERNS),
    "status": ("failure status", FAILED_STATUSES),
    "format": ("format", FORMATS),
    "section": ("section", SECTION_KINDS),
    "language": ("language code", LANGUAGES),
}
# Parameters that take several values, comma-separated ("simulation,oversampling").
LIST_PARAMS = frozenset({"exclude"})
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_TYPE_WORDS = {str: "text", int: "an integer", float: "a number", bool: "true or false"}


@dataclass(frozen=True)
class Param:
    """One ``$name`` parameter of a canned query."""

    name: str
    type: type  # str, int, float or bool
    default: Any  # None when required
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()  # the valid values of an enumerated parameter; () = any
    many: bool = False  # comma-separated values, each one of choices

    def convert(self, value: Any, query: str) -> Any:
        """The value as this parameter's type; strings (from the command line) are parsed.

        An enumerated value is lower-cased and checked against its list; a list parameter's
        items are checked one by one and bound as one sorted, comma-joined text (the SQL splits
        it), so the same set of values always gives the same query.
        """
        wrong = ParameterError(
            f"parameter {self.name} of query {query} must be {_TYPE_WORDS[self.type]}, "
            f"got {value!r}"
        )
        if value is None:
            raise wrong
        if self.type is str:
            if isinstance(value, list | tuple | set | frozenset) and self.many:
                value = ",".join(str(v) for v in value)
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise wrong
            return self._checked(str(value), query) if self.choices else str(value)
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

    def _checked(self, text: str, query: str) -> str:
        pieces = text.split(",") if self.many else [text]
        items = [t.strip().lower() for t in pieces if t.strip()]
        if not items:
            return ""
        word = ENUMERATIONS[self.name][0] if self.name in ENUMERATIONS else "value"
        for item in items:
            if item not in self.choices:
                close = difflib.get_close_matches(item, self.choices, n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]}?)" if close else ""
                raise ParameterError(
                    f"parameter {self.name} of query {query}: {item!r} is not a {word}{hint}; "
                    f"valid: {', '.join(self.choices)}"
                    + (" (comma-separated for several)" if self.many else "")
                )
        return ",".join(sorted(set(items)))

    def describe(self) -> str:
        """``name=default`` as typed on the command line, or ``name (required)``."""
        if self.required:
            return f"{self.name} (required)"
        if self.type is str:
            return f"{self.name}={self.default!r}"
        if self.type is bool:
            return f"{self.name}={str(self.default).lower()}"
        return f"{self.name}={self.default}"


def literal(text: str) -> tuple[type, Any]:
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


def parse_param(query: str, name: str, value: str) -> Param:
    """A Param from a header line's ``DEFAULT — description``; QueryError says what is wrong."""
    if not name:
        raise QueryError(f"{query}.sql: a param line needs a name: '-- param NAME: DEFAULT — help'")
    default_text, sep, description = value.partition(PARAM_SEPARATOR)
    if not sep or not description.strip():
        raise QueryError(
            f"{query}.sql: parameter {name} needs a default and a description: "
            f"'-- param {name}: DEFAULT — what it does'"
        )
    default_text = default_text.strip()
    choices = ENUMERATIONS[name][1] if name in ENUMERATIONS else ()
    many = name in LIST_PARAMS
    if default_text == "required":
        return Param(name, str, None, description.strip(), True, choices, many)
    try:
        kind, default = literal(default_text)
    except ValueError as exc:
        raise QueryError(f"{query}.sql: parameter {name}: {exc}") from None
    if choices and (kind is not str or (default and default not in choices)):
        raise QueryError(
            f"{query}.sql: parameter {name} takes one of its list ({', '.join(choices)}) "
            f"or '', so its default must be text from that list"
        )
    return Param(name, kind, default, description.strip(), False, choices, many)
