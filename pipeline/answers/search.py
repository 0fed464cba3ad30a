"""Search evidence sentences and paper titles: words, "phrases", OR and prefix*, ranked.

The library function behind ``synthwatch search``, the ``search`` canned query and the web
explorer. DuckDB's full-text extension cannot be loaded at run time (no downloads), so a search
is ILIKE, which DuckDB runs fast, to narrow the sentences, then a regular expression that checks
word boundaries on what is left. Every value the user typed is bound as a parameter; the SQL
built here holds only ``$placeholders``.

The syntax (every match case-insensitive):

    synthetic patients      both words, in any order; a word matches its plural in -s or -es
                            too (patient finds patients, patients finds patient)
    "silicon sample"        the words in this order, with spaces or hyphens between
    GAN OR diffusion        either side (``|`` too); OR binds tighter than the implicit AND:
                            ``synthetic GAN OR diffusion`` is synthetic AND (GAN OR diffusion)
    synth*                  a word that starts with synth (at least two letters before ``*``)

A hyphen inside a word is a space or a hyphen (``GPT-4`` finds "GPT 4" and "GPT-4").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pipeline.answers.queries import CannedQuery, fetch, load_query
from pipeline.errors import ParameterError, QueryError

QUERY_NAME = "search"
MAX_TERMS = 16
MIN_PREFIX = 2
SLOTS = ("{sentence_match}", "{title_match}")
# what stands between the words of a phrase or of a hyphenated word
_GAP = r"[\s\-‐‑‒–—]*"
_HYPHENS = re.compile(r"[\-‐‑‒–—]+")
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
_OR = ("OR", "|")
# ILIKE treats these as wildcards or escapes: a fragment holding one is searched with contains()
_LIKE_SPECIAL = frozenset("%_\\")
# word characters, in RE2 (DuckDB; \w there is ASCII only) and in Python's re
_RE2_NOT_WORD = r"[^\pL\pN_]"


@dataclass(frozen=True)
class Term:
    """One thing to find: a word, a prefix, or a phrase (words in order)."""

    words: tuple[str, ...]  # lower-cased
    prefix: bool = False  # the last word is the start of a word (synth*)

    def fragments(self) -> tuple[str, ...]:
        """Lower-case pieces every matching text contains, in order (for ILIKE / contains)."""
        last = self.words[-1] if self.prefix else _stem(self.words[-1])
        return (*(_stem(w) for w in self.words[:-1]), last)

    def regex(self, python: bool = False) -> str:
        """The term with its word boundaries, for RE2 (DuckDB) or Python's ``re``."""
        parts = [_word_regex(w) for w in self.words[:-1]]
        last = self.words[-1]
        if self.prefix:  # to the end of the word, so a highlight covers the whole word
            parts.append(re.escape(last) + (r"\w*" if python else ""))
        else:
            parts.append(_word_regex(last))
        body = _GAP.join(parts)
        first, end = self.words[0][0], last[-1]
        if python:
            before, after = r"(?<!\w)", r"(?!\w)"
        else:
            before, after = f"(?:^|{_RE2_NOT_WORD})", f"(?:{_RE2_NOT_WORD}|$)"
        start = before if _is_word_char(first) else ""
        stop = after if _is_word_char(end) and not self.prefix else ""
        return f"{start}{body}{stop}"

    def __str__(self) -> str:
        text = " ".join(self.words) + ("*" if self.prefix else "")
        return f'"{text}"' if len(self.words) > 1 else text


@dataclass(frozen=True)
class SearchQuery:
    """Parsed search text: every group must match; a group matches when one of its terms does."""

    text: str
    groups: tuple[tuple[Term, ...], ...]

    def __str__(self) -> str:
        return " ".join(" OR ".join(str(t) for t in group) for group in self.groups)

    def highlighter(self) -> re.Pattern[str]:
        """A Python pattern that finds every term, to mark the matches in a sentence."""
        terms = sorted({t for g in self.groups for t in g}, key=lambda t: -len(" ".join(t.words)))
        return re.compile("|".join(t.regex(python=True) for t in terms), re.IGNORECASE)

    def spans(self, text: str | None) -> list[tuple[int, int]]:
        """Where the terms occur in ``text``: (start, end) pairs, in order, not overlapping."""
        if not text:
            return []
        return [m.span() for m in self.highlighter().finditer(text) if m.end() > m.start()]


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, best first, and how many there are in all."""

    query: SearchQuery
    rows: pd.DataFrame  # the columns of the search canned query
    total: int
    limit: int
    page: int

    @property
    def first(self) -> int:
        """1-based number of the first hit on this page (0 when the page is empty)."""
        return (self.page - 1) * self.limit + 1 if len(self.rows) else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if len(self.rows) else 0

    @property
    def more(self) -> bool:
        return self.last < self.total and bool(len(self.rows))


def parse(text: str) -> SearchQuery:
    """The search text as groups of terms; ParameterError says what cannot be searched."""
    if text.count('"') % 2:
        raise ParameterError(
            f'search {text!r}: a quote is not closed; put a phrase between two " marks'
        )
    groups: list[list[Term]] = []
    pending_or = False
    for m in _TOKEN.finditer(text):
        if m.group("word") in _OR:
            if not groups or pending_or:
                raise ParameterError(f"search {text!r}: OR needs a word on each side")
            pending_or = True
            continue
        term = _term(m.group("phrase") if m.group("phrase") is not None else m.group("word"), text)
        if term is None:
            continue
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise ParameterError(f"search {text!r}: OR needs a word on each side")
    if not groups:
        raise ParameterError(
            f"search {text!r} has no words to find; e.g. synthetic patients, "
            '"silicon sample", GAN OR diffusion, synth*'
        )
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise ParameterError(f"search {text!r}: at most {MAX_TERMS} words or phrases")
    return SearchQuery(text, tuple(tuple(g) for g in groups))


def _term(raw: str, text: str) -> Term | None:
    words = [w for w in _HYPHENS.sub(" ", raw.lower()).split() if w]
    if not words:
        return None
    prefix = words[-1].endswith("*")
    if prefix:
        words[-1] = words[-1].rstrip("*")
        if len(words[-1]) < MIN_PREFIX:
            raise ParameterError(
                f"search {text!r}: a prefix needs at least {MIN_PREFIX} characters before *"
            )
    if any("*" in w for w in words):
        raise ParameterError(f"search {text!r}: * only ends a word (synth*), not inside one")
    return Term(tuple(words), prefix)


def _stem(word: str) -> str:
    """The word without a plural -s: what every form the word matches contains."""
    if word.isalpha() and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def word_forms(word: str) -> tuple[str, ...]:
    """The whole words that ``word`` matches: itself, or for a letters-only word of 3 or more
    its stem with nothing, -s or -es after it (what :func:`_word_regex` allows)."""
    if word.isalpha() and len(word) >= 3:
        stem = _stem(word)
        return (stem, stem + "s", stem + "es")
    return (word,)


def _word_regex(word: str) -> str:
    """A whole word that also matches its plural in -s or -es (letters-only words)."""
    if word.isalpha() and len(word) >= 3:
        return re.escape(_stem(word)) + "(?:s|es)?"
    return re.escape(word)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def conditions(
    query: SearchQuery, column: str, *, lowered: bool = False, prefix: str = "s"
) -> tuple[str, dict[str, str]]:
    """SQL that is true when ``column`` matches the search, and the values it binds.

    Each group is a cheap narrowing (ILIKE or contains, one per alternative) AND one regular
    expression for all its alternatives; the groups are ANDed at the top, so DuckDB runs the
    expression only on the rows the narrowing kept. ``column`` is one of ours (sentence,
    title), never user text; the values are named ``<prefix><group>_...`` and bound by the
    caller. ``lowered``: the column holds lower-cased text already (the web app's search
    table), so the narrowing is a plain LIKE and the expression needs no case folding, both
    faster than their case-insensitive forms.
    """
    clauses, values = [], {}
    text = column if lowered else f"lower({column})"
    like = "LIKE" if lowered else "ILIKE"
    for g, group in enumerate(query.groups):
        narrow = []
        for t, term in enumerate(group):
            key = f"{prefix}{g}_{t}"
            fragments = term.fragments()
            if any(ch in _LIKE_SPECIAL for f in fragments for ch in f):
                parts = []
                for i, fragment in enumerate(fragments):
                    parts.append(f"contains({text}, ${key}_c{i})")
                    values[f"{key}_c{i}"] = fragment
                narrow.append("(" + " AND ".join(parts) + ")")
            else:
                narrow.append(f"{column} {like} ${key}_like")
                values[f"{key}_like"] = "%" + "%".join(fragments) + "%"
        flags = "" if lowered else "(?i)"
        values[f"{prefix}{g}_re"] = flags + "|".join(f"(?:{term.regex()})" for term in group)
        either = narrow[0] if len(narrow) == 1 else "(" + " OR ".join(narrow) + ")"
        clauses.append(f"{either} AND regexp_matches({column}, ${prefix}{g}_re)")
    return " AND ".join(clauses), values


def compile_search(query: CannedQuery, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The search query's SQL with its match slots filled, and every value to bind.

    The builder of the ``search`` canned query (``-- builder: search``): ``phrase`` becomes
    the conditions; the other parameters are bound as they are.
    """
    if values["limit"] < 0:
        raise ParameterError(f"parameter limit of query {query.name} must be 0 (all) or more")
    if values["page"] < 1:
        raise ParameterError(f"parameter page of query {query.name} must be 1 or more")
    parsed = parse(values["phrase"])
    sentence, sentence_values = conditions(parsed, "sentence")
    title, title_values = conditions(parsed, "title")
    if any(slot not in query.sql for slot in SLOTS):
        raise QueryError(f"{query.name}.sql must hold the slots {', '.join(SLOTS)}")
    sql = query.sql.replace(SLOTS[0], sentence).replace(SLOTS[1], title)
    bound = {k: v for k, v in values.items() if k != "phrase"}
    return sql, {**bound, **sentence_values, **title_values}


def search(
    con: duckdb.DuckDBPyConnection,
    text: str,
    *,
    stance: str = "",
    category: str = "",
    section: str = "",
    year_from: int = 0,
    year_to: int = 0,
    limit: int = 20,
    page: int = 1,
) -> SearchResult:
    """Page ``page`` of the hits of ``text`` (see the module's syntax), best first.

    Filters are checked as the canned query's parameters are (ParameterError names the valid
    stances, categories, sections). ``limit=0`` returns every hit.
    """
    query = load_query(QUERY_NAME)
    values = query.bind(
        {
            "phrase": text,
            "stance": stance,
            "category": category,
            "section": section,
            "year_from": year_from,
            "year_to": year_to,
            "limit": limit,
            "page": page,
        }
    )
    frame = fetch(con, query, values)
    if len(frame):
        total = int(frame["total"].iloc[0])
    elif values["page"] > 1:  # past the last page: how many there are, from the first
        total = int(fetch(con, query, {**values, "page": 1, "limit": 1})["total"].sum())
    else:
        total = 0
    return SearchResult(
        parse(values["phrase"]),
        frame[list(query.columns)],
        total,
        values["limit"],
        values["page"],
    )
