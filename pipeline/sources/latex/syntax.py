"""Reading LaTeX syntax: brace groups, optional arguments and the end of an environment.

Each reader takes the source text and a position in it and returns what it read with the
position just after it.
"""

from __future__ import annotations

import re

# Braces, escaped braces and \\ (so that "\\}" is a line break and a closing brace).
_BRACE_OR_ESCAPE = re.compile(r"\\\\|\\[{}]|[{}]")


def skip_space(text: str, pos: int) -> int:
    """The first position at or after ``pos`` that is not a space, tab or newline."""
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


def group_end(text: str, pos: int) -> int:
    """Index of the brace closing the group opened at ``pos``, or -1 when it never closes."""
    depth = 0
    for m in _BRACE_OR_ESCAPE.finditer(text, pos):
        c = m.group(0)
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def read_group(text: str, pos: int) -> tuple[str, int]:
    """The content of the ``{...}`` group at ``pos`` and the position after it; a single
    token when there is no brace (``\\textbf x``), ("", pos) at the end of the text.

    A group that never closes (a broken file) ends at the end of its line, so one missing
    brace does not swallow the rest of the paper.
    """
    if pos >= len(text):
        return "", pos
    if text[pos] != "{":
        if text[pos] == "\\":
            m = re.compile(r"\\([A-Za-z@]+|.)").match(text, pos)
            end = m.end() if m else pos + 1
            return text[pos:end], end
        return text[pos], pos + 1
    close = group_end(text, pos)
    if close < 0:
        eol = text.find("\n", pos)
        eol = len(text) if eol < 0 else eol
        return text[pos + 1 : eol], eol
    return text[pos + 1 : close], close + 1


def read_optional(text: str, pos: int) -> tuple[str | None, int]:
    """The content of a ``[...]`` argument right at ``pos`` (after spaces on the same line)."""
    j = pos
    while j < len(text) and text[j] in " \t":
        j += 1
    if j >= len(text) or text[j] != "[":
        return None, pos
    depth = 0
    i = j
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return text[j + 1 : i], i + 1
        i += 1
    return None, pos


def read_argument(text: str, pos: int) -> tuple[str, int]:
    """The mandatory argument of a command after its optional one: ``[short]{long}`` -> long."""
    _, pos = read_optional(text, pos)
    return read_group(text, skip_space(text, pos))


def find_end(text: str, env: str, start: int) -> tuple[int, int]:
    """(start of \\end{env}, end of it) matching a \\begin{env} whose body starts at ``start``."""
    rx = re.compile(r"\\(begin|end)\s*\{" + re.escape(env) + r"\}")
    depth = 1
    for m in rx.finditer(text, start):
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return m.start(), m.end()
    return len(text), len(text)
