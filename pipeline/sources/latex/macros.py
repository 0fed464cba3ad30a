"""What TeX does before typesetting, as far as the reader needs it: comments, verbatim, macros.

Comments are stripped after verbatim text is set aside (a ``%`` in it is text); a verbatim
block becomes ``\\swverbatim{n}`` and inline ``\\verb`` ``\\swverb{n}``, ``n`` indexing the
saved text. Macro definitions are removed and the simple ones (no arguments, or ``#1``-style
arguments) expanded where they are used.
"""

from __future__ import annotations

import re

from pipeline.sources.latex.syntax import group_end, read_group, read_optional, skip_space

MAX_EXPANSION_PASSES = 10
# Expanded text may grow to this many times the source before expansion is stopped (a macro
# bomb such as \def\a{\b\b}\def\b{\c\c}... would otherwise eat the memory).
MAX_EXPANSION_GROWTH = 4
VERBATIM_ENVS = ("verbatim", "Verbatim", "lstlisting", "minted", "spverbatim", "BVerbatim")
DEFINITIONS = re.compile(
    r"\\(?P<cmd>(?:re)?newcommand|providecommand|DeclareRobustCommand|DeclareMathOperator"
    r"|(?:re)?newenvironment|[gex]?def|let)(?![A-Za-z@])\*?"
)
_VERBATIM = re.compile(
    r"\\begin\{(?P<env>" + "|".join(VERBATIM_ENVS) + r")\*?\}(?:\[[^\]\n]*\])?(?:\{[^}\n]*\})?"
    r"(?P<body>.*?)\\end\{(?P=env)\*?\}",
    re.DOTALL,
)
_MACRO_NAME = re.compile(r"\{?\s*\\([A-Za-z@]+|.)\s*\}?")
_LET_TARGET = re.compile(r"\s*=?\s*\\?[A-Za-z@]+|\s*=?\s*.")
_DEF_PARAMS = re.compile(r"(?:#\d)*")
_VERB = re.compile(r"\\verb\*?(?P<d>[^A-Za-z\s])(?P<body>.*?)(?P=d)")
_COMMENT = re.compile(r"(?m)(?<!\\)((?:\\\\)*)%.*(?:\n[ \t]*)?")
_IFFALSE = re.compile(r"\\iffalse\b.*?\\fi\b", re.DOTALL)


def strip_comments(text: str, verbatims: list[str]) -> str:
    """Remove comments; verbatim blocks are set aside first (a % in them is text)."""

    def keep(m: re.Match[str]) -> str:
        verbatims.append(m.group("body"))
        return f"\n\n\\swverbatim{{{len(verbatims) - 1}}}\n\n"

    def keep_inline(m: re.Match[str]) -> str:
        verbatims.append(m.group("body"))
        return f"\\swverb{{{len(verbatims) - 1}}}"

    text = _VERBATIM.sub(keep, text)
    text = _VERB.sub(keep_inline, text)
    text = _COMMENT.sub(r"\1", text)
    return _IFFALSE.sub("", text)


class Macro:
    """A user macro: how many ``#n`` arguments it takes and the text it expands to."""

    __slots__ = ("body", "n_args")

    def __init__(self, n_args: int, body: str) -> None:
        self.n_args = n_args
        self.body = body


def collect_macros(
    text: str, broken: list[str], handled: frozenset[str]
) -> tuple[str, dict[str, Macro]]:
    """Remove macro and environment definitions from ``text``; return the simple macros.

    Names of definitions whose braces never close are appended to ``broken``; macros named in
    ``handled`` are removed but not expanded (the reader gives those names their meaning).
    """
    macros: dict[str, Macro] = {}
    out: list[str] = []
    pos = 0
    for m in DEFINITIONS.finditer(text):
        if m.start() < pos:
            continue
        out.append(text[pos : m.start()])
        cmd = m.group("cmd")
        j = skip_space(text, m.end())
        name_m = _MACRO_NAME.match(text, j)
        if cmd.endswith("environment"):
            _, j = read_group(text, j)
            j = read_optional(text, read_optional(text, j)[1])[1]
            j = read_group(text, read_group(text, j)[1])[1]
            pos = j
            continue
        if name_m is None:
            pos = m.end()
            continue
        name = name_m.group(1)
        j = name_m.end()
        if cmd == "let":
            let_m = _LET_TARGET.match(text, j)
            pos = let_m.end() if let_m else j
            continue
        n_args = 0
        if cmd.endswith("def"):
            params = _DEF_PARAMS.match(text, j)
            simple = params is not None and text[params.end() : params.end() + 1] == "{"
            if params is not None and simple:
                n_args = len(params.group(0)) // 2
                j = params.end()
            else:  # delimited parameters (\def\a#1.{...}): removed, not expanded
                brace = text.find("{", j)
                pos = read_group(text, brace)[1] if brace >= 0 else j
                continue
        else:
            opt, j = read_optional(text, j)
            if opt is not None and opt.strip().isdigit():
                n_args = int(opt.strip())
                _, j = read_optional(text, j)  # a default for #1: ignored
        if text[j : j + 1] == "{" and group_end(text, j) < 0:
            broken.append(name)
        body, j = read_group(text, j)
        pos = j
        if cmd == "DeclareMathOperator":
            body = f"\\operatorname{{{body}}}"
        if name not in handled and not name.startswith("@") and "@" not in body:
            macros[name] = Macro(n_args, body)
    out.append(text[pos:])
    return "".join(out), macros


def expand(text: str, macros: dict[str, Macro], notes: list[str]) -> str:
    """Replace each use of a macro by its body; ``notes`` says when expansion had to stop."""
    if not macros:
        return text
    rx = re.compile(
        r"\\(" + "|".join(re.escape(n) for n in sorted(macros, key=len, reverse=True)) + r")"
        r"(?![A-Za-z@])"
    )
    limit = max(len(text) * MAX_EXPANSION_GROWTH, 1_000_000)
    for _ in range(MAX_EXPANSION_PASSES):
        out: list[str] = []
        pos = 0
        changed = False
        for m in rx.finditer(text):
            if m.start() < pos:
                continue
            macro = macros[m.group(1)]
            out.append(text[pos : m.start()])
            j = m.end()
            body = macro.body
            for k in range(1, macro.n_args + 1):
                j = skip_space(text, j)
                if j < len(text) and text[j] == "{":
                    arg, j = read_group(text, j)
                else:
                    arg, j = text[j : j + 1], j + 1
                body = body.replace(f"#{k}", arg)
            out.append(body.replace("##", "#") + "{}")
            pos = j
            changed = True
        out.append(text[pos:])
        expanded = "".join(out)
        if len(expanded) > limit:
            notes.append("macro expansion stopped: the macros expand without bound")
            return text
        text = expanded
        if not changed:
            return text
    notes.append(
        f"macro expansion stopped after {MAX_EXPANSION_PASSES} passes: the macros are recursive"
    )
    return text
