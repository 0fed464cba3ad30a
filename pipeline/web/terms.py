"""A search as a test of each row's key bits and short lists of rows: no scan of the text.

The search table (:mod:`pipeline.web.index`) holds, for each finding, the keys of its sentence
and of its paper's title: every word, and every pair of words with only spaces or hyphens
between them. The most frequent keys are bits of ``sbits``/``tbits``; the others are lists of
row numbers in ``terms``, sorted by key. Each term of a search is a set of keys, exactly:

- a word: its forms (``patient``, ``patients``, ``patientes``: :func:`word_forms`);
- a prefix ``synth*``: every word from ``synth`` up to (not including) ``synti``;
- a phrase of two words ``"survey answers"``: the pairs of their forms, and the two forms
  written as one word ("surveyanswers": the search's gap may be empty); a prefix on the
  second word is a range of pairs, as for a word.

so the search's answer is the same as its regular expression's (a test compares them);
phrases of three words or more are not keys: such a search scans the text instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipeline.answers.search import SearchQuery, Term, word_forms

# the widest phrase made of keys (pairs); a longer one is checked on the text
MAX_KEY_WORDS = 2


def indexable(search: SearchQuery) -> bool:
    """Whether every term is made of keys: word characters only, at most two words."""
    return all(
        len(term.words) <= MAX_KEY_WORDS
        and all(ch.isalnum() or ch == "_" for w in term.words for ch in w)
        for group in search.groups
        for term in group
    )


def _after(text: str) -> str:
    """The first string past every string that starts with ``text``."""
    return text[:-1] + chr(ord(text[-1]) + 1)


@dataclass
class _Keys:
    """The keys of one term: exact keys and ranges [lo, hi) of keys (of words or of pairs)."""

    exact: set[str] = field(default_factory=set)
    ranges: list[tuple[str, str, bool]] = field(default_factory=list)  # lo, hi, pairs


def _term_keys(term: Term) -> _Keys:
    keys = _Keys()
    *first, last = term.words
    if not first:
        if term.prefix:
            keys.ranges.append((last, _after(last), False))
        else:
            keys.exact.update(word_forms(last))
        return keys
    for a in word_forms(first[0]):
        if term.prefix:
            keys.ranges.append((f"{a} {last}", _after(f"{a} {last}"), True))
            keys.ranges.append((a + last, _after(a + last), False))
        else:
            for b in word_forms(last):
                keys.exact.update((f"{a} {b}", a + b))
    return keys


def _side(
    con: duckdb.DuckDBPyConnection, keys: _Keys, title: bool, name: str, values: dict[str, Any]
) -> str:
    """SQL true for the rows of ``hits`` whose sentence (or title) holds one of ``keys``."""
    found: list[tuple[str, int | None]] = []
    if keys.exact:
        marks = ", ".join(f"$k{i}" for i in range(len(keys.exact)))
        found += con.execute(
            f"SELECT key, bit FROM vocabulary WHERE title = $t AND key IN ({marks})",
            {"t": title, **{f"k{i}": k for i, k in enumerate(sorted(keys.exact))}},
        ).fetchall()
    ranges = []
    for i, (lo, hi, pairs) in enumerate(keys.ranges):
        kind = "contains(key, ' ')" if pairs else "NOT contains(key, ' ')"
        ranges.append((f"key >= ${name}_lo{i} AND key < ${name}_hi{i} AND {kind}", lo, hi, i))
        found += con.execute(
            f"SELECT key, bit FROM vocabulary WHERE title = $t AND key >= $lo AND key < $hi "
            f"AND {kind} AND bit IS NOT NULL",
            {"t": title, "lo": lo, "hi": hi},
        ).fetchall()
    mask = 0
    for _, bit in found:
        if bit is not None:
            mask |= 1 << bit
    column = "tbits" if title else "sbits"
    parts = []
    if mask:
        values[f"{name}_m"] = str(mask)
        parts.append(f"({column} & CAST(${name}_m AS UHUGEINT)) <> 0")
    listed = []
    rare = sorted(k for k, bit in found if bit is None)
    if rare:
        for i, key in enumerate(rare):
            values[f"{name}_k{i}"] = key
        listed.append(f"key IN ({', '.join(f'${name}_k{i}' for i in range(len(rare)))})")
    for clause, lo, hi, i in ranges:
        values[f"{name}_lo{i}"], values[f"{name}_hi{i}"] = lo, hi
        listed.append(f"({clause})")
    if listed:
        parts.append(
            f"rk IN (SELECT rk FROM terms WHERE title = {str(title).lower()} "
            f"AND ({' OR '.join(listed)}))"
        )
    return "(" + " OR ".join(parts) + ")" if parts else "false"


def condition(con: duckdb.DuckDBPyConnection, search: SearchQuery) -> tuple[str, dict[str, Any]]:
    """SQL over ``hits`` true for the rows the search finds, and the values it binds: every
    group in the sentence, or (for the paper's best row) every group in the title."""
    values: dict[str, Any] = {}
    sides = []
    for title in (False, True):
        groups = []
        for g, group in enumerate(search.groups):
            terms = [
                _side(con, _term_keys(term), title, f"{'t' if title else 's'}{g}_{t}", values)
                for t, term in enumerate(group)
            ]
            groups.append("(" + " OR ".join(terms) + ")")
        sides.append(" AND ".join(groups))
    return f"(({sides[0]}) OR (best AND {sides[1]}))", values
