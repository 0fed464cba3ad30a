"""LaTeX source -> Document: sections, abstract, prose with citations kept as "[key]" markers.

Not a TeX engine: user macros without arguments (or with simple ``#1`` arguments) are expanded,
comments stripped, floats reduced to their captions, display math and tables dropped, inline
math kept only when short. ``\\input``/``\\include`` files are not followed and a ``.bib``
bibliography is not read; both are recorded in ``Document.notes``.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, decode_text, flatten
from pipeline.sources.xmlsafe import year_from

FORMAT = "latex"
MAX_EXPANSION_PASSES = 10
# Expanded text may grow to this many times the source before expansion is stopped (a macro
# bomb such as \def\a{\b\b}\def\b{\c\c}... would otherwise eat the memory).
MAX_EXPANSION_GROWTH = 4

SECTION_LEVELS = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4}
MAX_INLINE_MATH_CHARS = 40
# Commands nested inside each other's arguments deeper than this are refused (each level
# re-reads the rest of its argument, so deep nesting costs quadratic time).
MAX_NESTING = 100
SKIPPED_ENVS = frozenset(
    "equation align alignat gather multline eqnarray displaymath math flalign dmath "
    "tikzpicture pgfpicture picture algorithmic comment filecontents tabular tabularx "
    "tabulary array axis forest".split()
)
FLOAT_ENVS = frozenset(
    "figure table wrapfigure wraptable sidewaysfigure sidewaystable subfigure subtable "
    "algorithm longtable listing SCfigure".split()
)
VERBATIM_ENVS = ("verbatim", "Verbatim", "lstlisting", "minted", "spverbatim", "BVerbatim")
LIST_ENVS = frozenset("itemize enumerate description compactitem compactenum".split())
ACK_ENVS = frozenset("acknowledgments acknowledgements acks ack".split())
# Mandatory arguments an environment takes after \begin{env} (optional ones are skipped).
ENV_ARGS = {"minipage": 1, "multicols": 1, "adjustbox": 1, "spacing": 1, "CJK": 2}
DEFINITIONS = re.compile(
    r"\\(?P<cmd>(?:re)?newcommand|providecommand|DeclareRobustCommand|DeclareMathOperator"
    r"|(?:re)?newenvironment|[gex]?def|let)(?![A-Za-z@])\*?"
)
_BLOCK_TOKEN = re.compile(
    r"\\(?P<be>begin|end)\s*\{(?P<env>[^{}]*)\}"
    r"|\\(?P<sec>part|chapter|section|subsection|subsubsection|paragraph|subparagraph)"
    r"(?![A-Za-z@])\s*\*?"
    r"|\\(?P<cmd>appendix|item|bibitem|caption|captionof|footnote|footnotetext|maketitle|"
    r"bibliography|printbibliography|input|include|subfile|title|author|date|thanks|par|"
    r"swverbatim|tableofcontents)(?![A-Za-z@])"
    r"|(?P<blank>\n[ \t]*\n)"
    r"|(?P<display>(?<!\\)\\\[|\$\$)"
)
_VERBATIM = re.compile(
    r"\\begin\{(?P<env>" + "|".join(VERBATIM_ENVS) + r")\*?\}(?:\[[^\]\n]*\])?(?:\{[^}\n]*\})?"
    r"(?P<body>.*?)\\end\{(?P=env)\*?\}",
    re.DOTALL,
)
_CAPTION = re.compile(r"\\(caption|captionof|subcaption)(?![A-Za-z@])\*?")
_BIBITEM = re.compile(r"\\bibitem(?![A-Za-z@])")
_MACRO_NAME = re.compile(r"\{?\s*\\([A-Za-z@]+|.)\s*\}?")
_LET_TARGET = re.compile(r"\s*=?\s*\\?[A-Za-z@]+|\s*=?\s*.")
_DEF_PARAMS = re.compile(r"(?:#\d)*")
_VERB = re.compile(r"\\verb\*?(?P<d>[^A-Za-z\s])(?P<body>.*?)(?P=d)")
_COMMENT = re.compile(r"(?m)(?<!\\)((?:\\\\)*)%.*(?:\n[ \t]*)?")
_IFFALSE = re.compile(r"\\iffalse\b.*?\\fi\b", re.DOTALL)
_NAME_PARTICLES = frozenset(
    "al bin da das de del della den der di do dos du el ibn".split()
    + "la las le los st ten ter van von y".split()
)
# Commands in an \author block whose argument is not a name (notes, ids, affiliations).
_AUTHOR_NOTES = re.compile(
    r"\\(thanks|footnote|inst|affiliation|affil|email|orcid|orcidID|IEEEauthorblockA|"
    r"textsuperscript|footnotemark|institute|address)(?![A-Za-z@])\s*(\[[^\]]*\])?\s*"
)
_NOT_NAME_WORDS = re.compile(
    r"\b(university|universit[àäé]|institute|inc|ltd|lab|laboratory|department|school|"
    r"college|center|centre|research|corresponding|equal|contribution|email|google|"
    r"microsoft|meta|openai|deepmind|ai|nber|mit|faculty|hospital)\b",
    re.IGNORECASE,
)


# --- reading arguments -----------------------------------------------------------------------


def skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


# Braces, escaped braces and \\ (so that "\\}" is a line break and a closing brace).
_BRACE_OR_ESCAPE = re.compile(r"\\\\|\\[{}]|[{}]")


def _group_end(text: str, pos: int) -> int:
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
    close = _group_end(text, pos)
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


# --- inline text -----------------------------------------------------------------------------

# fmt: off
# Accent commands -> combining characters (\'e -> é, \c{c} -> ç).
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
# Control symbols (\& \% \, ...) -> text.
_SYMBOL_CHARS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": " ",
    ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "", "|": "‖", "\n": " ", "\t": " ",
}
# Control words that print a character or a word, in text and in math.
_SYMBOLS = {
    "ldots": "…", "dots": "…", "cdots": "⋯", "textellipsis": "…", "LaTeX": "LaTeX",
    "TeX": "TeX", "LaTeXe": "LaTeX2e", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "textasciitilde": "~",
    "textbackslash": "\\", "textbar": "|", "textless": "<", "textgreater": ">",
    "texttrademark": "™", "textregistered": "®", "copyright": "©", "textcopyright": "©",
    "textdegree": "°", "degree": "°", "S": "§", "P": "¶", "dag": "†", "ddag": "‡",
    "textbullet": "•", "textasciicircum": "^", "textunderscore": "_", "euro": "€",
    "pounds": "£", "textdollar": "$", "checkmark": "✓", "newline": " ", "linebreak": " ",
    "quad": " ", "qquad": " ", "enspace": " ", "thinspace": " ", "space": " ",
    "times": "×", "cdot": "·", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "~", "simeq": "≃", "pm": "±", "mp": "∓", "infty": "∞",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "Rightarrow": "⇒", "in": "∈",
    "notin": "∉", "sum": "Σ", "prod": "Π", "int": "∫", "partial": "∂", "nabla": "∇",
    "propto": "∝", "ll": "≪", "gg": "≫", "circ": "∘", "percent": "%", "prime": "′",
    "sqrt": "√", "mid": "|", "cup": "∪", "cap": "∩", "subset": "⊂", "subseteq": "⊆",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "log": "log", "exp": "exp", "ln": "ln",
    "min": "min", "max": "max", "arg": "arg", "sin": "sin", "cos": "cos", "lim": "lim",
}
# Commands whose arguments are all dropped -> number of mandatory arguments (0: a dimension
# follows, as in \vskip 3pt or \looseness=-1).
_DROP_ARGS = {
    "label": 1, "ref": 1, "eqref": 1, "pageref": 1, "autoref": 1, "cref": 1, "Cref": 1,
    "vref": 1, "nameref": 1, "autopageref": 1, "includegraphics": 1, "vspace": 1,
    "hspace": 1, "color": 1, "pagecolor": 1, "setlength": 2, "addtolength": 2,
    "setcounter": 2, "addtocounter": 2, "bibliographystyle": 1, "nocite": 1, "thanks": 1,
    "pagestyle": 1, "thispagestyle": 1, "usepackage": 1, "RequirePackage": 1,
    "documentclass": 1, "definecolor": 3, "hypersetup": 1, "captionsetup": 1,
    "linespread": 1, "fontsize": 2, "newtheorem": 2, "renewcommand": 2, "rule": 2,
    "phantom": 1, "hphantom": 1, "vphantom": 1, "affil": 1, "affiliation": 1, "email": 1,
    "orcid": 1, "icmlaffiliation": 2, "icmlcorrespondingauthor": 2, "icmlauthor": 2,
    "input": 1, "include": 1, "footnote": 1, "footnotetext": 1, "swdrop": 1,
    "bibliography": 1, "addbibresource": 1, "graphicspath": 1, "caption": 1,
    "captionof": 2, "subcaption": 1, "titlerunning": 1, "authorrunning": 1,
    "vskip": 0, "hskip": 0, "kern": 0, "looseness": 0,
}
# Commands that print only their last argument -> number of mandatory arguments.
_KEEP_LAST = {
    "textcolor": 2, "colorbox": 2, "fcolorbox": 3, "href": 2, "resizebox": 3, "scalebox": 2,
    "raisebox": 2, "parbox": 2, "multicolumn": 3, "multirow": 3, "foreignlanguage": 2,
    "texorpdfstring": 2, "hyperref": 1, "rotatebox": 2, "adjustbox": 2, "sidenote": 1,
    "swverb": 1,
}
# fmt: on
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
for _name in _GREEK:
    _base = _name.removeprefix("var")
    _letter = "LAMDA" if _base.lower() == "lambda" else _base.upper()
    _case = "CAPITAL" if _base[0].isupper() else "SMALL"
    _SYMBOLS[_name] = unicodedata.lookup(f"GREEK {_case} LETTER {_letter}")
_CONTROL_WORD = re.compile(r"[A-Za-z@]+")
_CITES = frozenset(
    "cite citep citet citealp citealt citeauthor citeyear citeyearpar parencite textcite "
    "autocite footcite Cite Citep Citet citenum smartcite supercite".split()
)
_DIMEN = re.compile(
    r"\s*=?\s*-?\d*\.?\d+\s*(?:pt|em|ex|in|cm|mm|bp|sp|mu|\\[A-Za-z]+)?"
    r"(?:\s*(?:plus|minus)\s*-?\d*\.?\d+\s*(?:pt|em|ex|fil+)?)*"
)
_ASSIGNMENT = re.compile(r"\s*=\s*-?\d")
_MATH_WRAPPERS = re.compile(
    r"\\(?:text|mathrm|mathbf|mathit|mathsf|mathtt|operatorname|textrm|textit|textbf|mbox|"
    r"mathcal|mathbb|mathscr|mathfrak|boldsymbol|bm|mathnormal|hat|bar|tilde|vec|widehat|"
    r"widetilde|overline|underline|emph)\s*\{([^{}]*)\}"
)
_MATH_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")


class InlineConverter:
    """LaTeX inline markup -> readable text: ``\\cite{a,b}`` -> "[a, b]", ``\\emph{x}`` -> x,
    unknown commands dropped with their braces' content kept, short math kept as text."""

    # User macros with these names are not expanded: the reader gives them their meaning.
    HANDLED = frozenset(
        {*_CITES, *_DROP_ARGS, *_KEEP_LAST, *SECTION_LEVELS}
        | set("item begin end caption footnote appendix title author verb url".split())
    )

    def __init__(self, verbatims: list[str]) -> None:
        self.verbatims = verbatims
        self.dropped_math = 0
        self._depth = 0

    def convert(self, s: str) -> str:
        """``s`` as readable text (not yet whitespace-flattened)."""
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise MalformedInput(
                    f"LaTeX nests commands more than {MAX_NESTING} levels deep; not a paper "
                    "this reader can follow"
                )
            return self._convert(s)
        finally:
            self._depth -= 1

    def _convert(self, s: str) -> str:
        out: list[str] = []
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if c == "\\" and i + 1 < n:
                nxt = s[i + 1]
                if nxt.isalpha() or nxt == "@":
                    m = _CONTROL_WORD.match(s, i + 1)
                    end = m.end() if m else i + 2
                    text, i = self._command(s[i + 1 : end], s, end)
                    out.append(text)
                elif nxt in _ACCENTS:
                    text, i = self._accent(_ACCENTS[nxt], s, i + 2)
                    out.append(text)
                elif nxt == "\\":
                    out.append(" ")
                    i = read_optional(s, i + 2 + (s[i + 2 : i + 3] == "*"))[1]
                elif nxt == "(":
                    close = s.find("\\)", i + 2)
                    close = n if close < 0 else close
                    out.append(self.math(s[i + 2 : close]))
                    i = close + 2
                elif nxt == "[":
                    close = s.find("\\]", i + 2)
                    i = n if close < 0 else close + 2
                else:
                    out.append(_SYMBOL_CHARS.get(nxt, ""))
                    i += 2
            elif c == "$":
                if s.startswith("$$", i):
                    close = s.find("$$", i + 2)
                    i = n if close < 0 else close + 2
                else:
                    close = i + 1
                    while close < n and (s[close] != "$" or s[close - 1] == "\\"):
                        close += 1
                    out.append(self.math(s[i + 1 : close]))
                    i = close + 1
            elif c in "{}#":
                i += 1
            elif c in "~&":
                out.append(" ")
                i += 1
            else:
                out.append(c)
                i += 1
        text = "".join(out)
        for old, new in (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("`", "‘")):
            text = text.replace(old, new)
        return unicodedata.normalize("NFC", text)

    def _command(self, name: str, s: str, j: int) -> tuple[str, int]:
        if name in _CITES:
            j += s[j : j + 1] == "*"
            for _ in range(2):
                _, j = read_optional(s, j)
            keys, j = read_group(s, skip_space(s, j))
            marker = ", ".join(k.strip() for k in keys.split(",") if k.strip())
            return (f"[{marker}]" if marker else ""), j
        if name in _KEEP_LAST:
            j += s[j : j + 1] == "*"
            arg = ""
            for _ in range(_KEEP_LAST[name]):
                _, j = read_optional(s, j)
                arg, j = read_group(s, skip_space(s, j))
            if name == "swverb":
                return self.verbatims[int(arg)], j
            return self.convert(arg), j
        if name in _DROP_ARGS:
            j += s[j : j + 1] == "*"
            count = _DROP_ARGS[name]
            if count == 0:
                dim = _DIMEN.match(s, j)
                return "", dim.end() if dim else j
            for _ in range(count):
                _, j = read_optional(s, j)
                _, j = read_group(s, skip_space(s, j))
            _, j = read_optional(s, j)
            return "", j
        if name in _SYMBOLS:
            return _SYMBOLS[name], j
        if name in ("begin", "end"):  # an environment inside a caption, footnote or title
            env, j = read_group(s, skip_space(s, j))
            if name == "begin" and env.rstrip("*") in SKIPPED_ENVS | FLOAT_ENVS:
                return " ", _find_end(s, env, j)[1]
            return " ", j
        if name in ("c", "v", "u", "H", "k", "r", "d", "b") and s[j : j + 1] in ("{", " "):
            return self._accent(_ACCENTS[name], s, j)
        if name == "url":
            arg, j = read_group(s, skip_space(s, j))
            return arg, j
        if _ASSIGNMENT.match(s, j):
            dim = _DIMEN.match(s, j)
            return "", dim.end() if dim else j
        if s[j : j + 1] == "[":  # an unknown command's optional argument is not text
            _, j = read_optional(s, j)
        return "", j

    def _accent(self, mark: str, s: str, j: int) -> tuple[str, int]:
        j = skip_space(s, j) if s[j : j + 1] == " " else j
        if s[j : j + 1] == "{":
            arg, j = read_group(s, j)
            base = self.convert(arg)
        elif s[j : j + 2] in ("\\i", "\\j"):
            base, j = s[j + 1], j + 2
        else:
            base, j = s[j : j + 1], j + 1
        base = {"ı": "i", "ȷ": "j"}.get(base[:1], base[:1]) + base[1:]
        return (unicodedata.normalize("NFC", base[:1] + mark + base[1:]) if base else ""), j

    def math(self, content: str) -> str:
        """Short inline math as text ("W=4096", "α ≤ 0.05"); long formulas dropped."""
        t = content
        for _ in range(4):
            t = _MATH_WRAPPERS.sub(r"\1", t)
            t = _MATH_FRAC.sub(r"\1/\2", t)
        t = re.sub(r"\\(left|right|big|Big|bigg|Bigg)[lr]?(?![A-Za-z])\\?", "", t)
        t = re.sub(r"\\([A-Za-z]+)", lambda m: _SYMBOLS.get(m.group(1), ""), t)
        t = re.sub(r"\\[,;:! ]", " ", t).replace("\\%", "%").replace("\\", "")
        t = re.sub(r"[{}]", "", t).replace("~", " ")
        t = " ".join(t.split())
        if len(t) > MAX_INLINE_MATH_CHARS:
            self.dropped_math += 1
            return ""
        return t


def _strip_comments(text: str, verbatims: list[str]) -> str:
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


class _Macro:
    __slots__ = ("body", "n_args")

    def __init__(self, n_args: int, body: str) -> None:
        self.n_args = n_args
        self.body = body


def _collect_macros(text: str, broken: list[str]) -> tuple[str, dict[str, _Macro]]:
    """Remove macro and environment definitions from ``text``; return the simple macros.

    Names of definitions whose braces never close are appended to ``broken``.
    """
    macros: dict[str, _Macro] = {}
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
        if text[j : j + 1] == "{" and _group_end(text, j) < 0:
            broken.append(name)
        body, j = read_group(text, j)
        pos = j
        if cmd == "DeclareMathOperator":
            body = f"\\operatorname{{{body}}}"
        if name not in InlineConverter.HANDLED and not name.startswith("@") and "@" not in body:
            macros[name] = _Macro(n_args, body)
    out.append(text[pos:])
    return "".join(out), macros


def _expand(text: str, macros: dict[str, _Macro], notes: list[str]) -> str:
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


def _looks_like_name(item: str) -> bool:
    words = item.split()
    if not 2 <= len(words) <= 5 or _NOT_NAME_WORDS.search(item) or re.search(r"[\d@&(]", item):
        return False
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _authors(blocks: list[str], conv: InlineConverter) -> tuple[str, ...]:
    names: list[str] = []
    for raw in blocks:
        raw = _AUTHOR_NOTES.sub(r"\\swdrop", raw)
        for part in re.split(r"\\(?:and|AND|And)(?![A-Za-z])", raw):
            for index, line in enumerate(re.split(r"\\\\|\\newline(?![A-Za-z])", part)):
                text = flatten(conv.convert(line))
                items = [i.strip() for i in re.split(r",|\band\b|;", text) if i.strip()]
                good = [i for i in items if _looks_like_name(i)]
                if good and (index == 0 or len(good) == len(items)):
                    names.extend(good)
                elif index > 0:
                    break
    return tuple(dict.fromkeys(names))


def _find_end(text: str, env: str, start: int) -> tuple[int, int]:
    """(start of \\end{env}, end of it) matching a \\begin{env} whose body starts at ``start``."""
    rx = re.compile(r"\\(begin|end)\s*\{" + re.escape(env) + r"\}")
    depth = 1
    for m in rx.finditer(text, start):
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return m.start(), m.end()
    return len(text), len(text)


class _Writer:
    """Scans the document body and writes headings and paragraphs to a DocumentBuilder."""

    def __init__(self, conv: InlineConverter, verbatims: list[str]) -> None:
        self.b = DocumentBuilder()
        self.conv = conv
        self.verbatims = verbatims
        self.para: list[str] = []
        self.after: list[str] = []  # captions and footnotes, written after the paragraph
        self.stack: list[tuple[int, str]] = []
        self.appendix = False
        self.not_followed: list[str] = []
        self.bib_files: list[str] = []
        self.dropped_envs = 0

    def flush(self) -> None:
        if self.para:
            self.b.paragraph(self.conv.convert("".join(self.para)))
            self.para.clear()
        for text in self.after:
            self.b.paragraph(text)
        self.after.clear()

    def heading(self, level: int, title: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        own = section_kind(title)
        parent = self.stack[-1][1] if self.stack else None
        if self.appendix and own not in ("acknowledgements", "references"):
            kind = "appendix"
        elif own != "other" or parent is None:
            kind = own
        else:
            kind = parent
        self.stack.append((level, kind))
        self.b.heading(title, kind=kind)

    def captions(self, body: str) -> None:
        for m in _CAPTION.finditer(body):
            j = m.end()
            if m.group(1) == "captionof":
                _, j = read_group(body, skip_space(body, j))
            _, j = read_optional(body, j)
            caption, _ = read_group(body, skip_space(body, j))
            self.after.append(self.conv.convert(caption))

    def bibliography(self, body: str) -> None:
        self.flush()
        self.b.heading("References", kind="references")
        items = _BIBITEM.split(body)[1:]
        for item in items:
            _, j = read_optional(item, 0)
            key, j = read_group(item, skip_space(item, j))
            text = self.conv.convert(item[j:].replace("\\newblock", " "))
            self.b.paragraph(f"[{key.strip()}] {text}" if key.strip() else text)
        self.b.heading("", kind="other", include=False)

    def run(self, text: str) -> None:
        pos = 0
        while True:
            m = _BLOCK_TOKEN.search(text, pos)
            if m is None:
                self.para.append(text[pos:])
                break
            self.para.append(text[pos : m.start()])
            pos = m.end()
            if m.group("blank"):
                self.flush()
            elif m.group("display"):
                close = "$$" if m.group("display") == "$$" else "\\]"
                end = text.find(close, pos)
                pos = len(text) if end < 0 else end + len(close)
                self.para.append(" ")
            elif m.group("sec"):
                name = m.group("sec")
                _, j = read_optional(text, pos)
                title, pos = read_group(text, skip_space(text, j))
                title = flatten(self.conv.convert(title))
                if name in ("paragraph", "subparagraph"):
                    self.flush()
                    self.para.append(title + ("" if title[-1:] in ".:?!" else ".") + " ")
                else:
                    self.heading(SECTION_LEVELS[name], title)
            elif m.group("be"):
                pos = self.environment(m.group("be"), m.group("env").strip(), text, pos)
            else:
                pos = self.command(m.group("cmd"), text, pos)
        self.flush()

    def environment(self, be: str, env: str, text: str, pos: int) -> int:
        base = env.rstrip("*")
        if be == "end":
            if base != "document":
                self.flush()
            if base == "abstract" or base in ACK_ENVS:
                self.b.heading("", kind="other", include=False)
            return pos
        if base == "document":
            return pos
        if base in SKIPPED_ENVS or base == "thebibliography" or base in FLOAT_ENVS:
            end, after = _find_end(text, env, pos)
            body = text[pos:end]
            if base == "thebibliography":
                self.bibliography(body)
            elif base in FLOAT_ENVS:
                self.captions(body)
            else:
                self.dropped_envs += 1
                self.para.append(" ")
            return after
        self.flush()
        if base == "abstract":
            self.b.heading("Abstract", kind="abstract")
        elif base in ACK_ENVS:
            self.b.heading("Acknowledgements", kind="acknowledgements")
        _, pos = read_optional(text, pos)
        for _ in range(ENV_ARGS.get(base, 0)):
            _, pos = read_group(text, skip_space(text, pos))
        return pos

    def command(self, cmd: str, text: str, pos: int) -> int:
        if cmd == "appendix":
            self.flush()
            self.appendix = True
        elif cmd == "item":
            self.flush()
            label, pos = read_optional(text, pos)
            if label:
                self.para.append(label + " ")
        elif cmd == "bibitem":
            self.flush()
            _, pos = read_optional(text, pos)
            _, pos = read_group(text, skip_space(text, pos))
        elif cmd in ("caption", "captionof"):
            if cmd == "captionof":
                _, pos = read_group(text, skip_space(text, pos))
            _, pos = read_optional(text, pos)
            caption, pos = read_group(text, skip_space(text, pos))
            self.after.append(self.conv.convert(caption))
        elif cmd in ("footnote", "footnotetext"):
            _, pos = read_optional(text, pos)
            note, pos = read_group(text, skip_space(text, pos))
            self.after.append(self.conv.convert(note))
        elif cmd in ("bibliography", "input", "include", "subfile"):
            arg, pos = read_group(text, skip_space(text, pos))
            if cmd == "bibliography":
                self.bib_files.append(arg.strip())
            else:
                self.not_followed.append(f"\\{cmd}{{{arg.strip()}}}")
        elif cmd == "printbibliography":
            _, pos = read_optional(text, pos)
            self.bib_files.append("a .bib database")
        elif cmd in ("title", "author", "date", "thanks"):
            _, pos = read_optional(text, pos)
            _, pos = read_group(text, skip_space(text, pos))
        elif cmd == "swverbatim":
            index, pos = read_group(text, pos)
            self.flush()
            self.b.paragraph(self.verbatims[int(index)], keep_lines=True)
        elif cmd == "par":
            self.flush()
        return pos


def _command_args(text: str, name: str) -> list[str]:
    """The mandatory argument of every ``\\name[...]{...}`` in ``text``."""
    found = []
    for m in re.finditer(r"\\" + name + r"(?![A-Za-z@])\s*", text):
        _, j = read_optional(text, m.end())
        arg, _ = read_group(text, skip_space(text, j))
        found.append(arg)
    return found


def _document_body(text: str, notes: list[str]) -> str:
    """What LaTeX typesets: the text between \\begin{document} and the first \\end{document},
    plus an abstract some sources leave in the preamble; the whole text for a fragment."""
    begin = re.search(r"\\begin\s*\{document\}", text)
    if begin is None:
        return text
    end = re.search(r"\\end\s*\{document\}", text)
    body = text[begin.end() : end.start() if end else len(text)]
    if end and text[end.end() :].strip():
        notes.append(
            f"{len(text[end.end() :].strip())} characters after \\end{{document}} ignored "
            "(LaTeX does not typeset them)"
        )
    preamble_abstracts = re.findall(
        r"\\begin\s*\{abstract\}.*?\\end\s*\{abstract\}", text[: begin.start()], re.DOTALL
    )
    return "\n\n".join([*preamble_abstracts, body])


def read(data: bytes) -> Document:
    """Read a LaTeX source file."""
    notes: list[str] = []
    verbatims: list[str] = []
    try:
        text = _strip_comments(decode_text(data), verbatims)
        broken: list[str] = []
        text, macros = _collect_macros(text, broken)
        if broken:
            notes.append(
                "unbalanced braces in the definition of "
                + ", ".join(f"\\{n}" for n in broken)
                + ": read up to the end of the line"
            )
        text = _expand(text, macros, notes)
        conv = InlineConverter(verbatims)
        body = _document_body(text, notes)
        titles = _command_args(text, "title")
        title = flatten(conv.convert(titles[0])) if titles else ""
        dates = _command_args(text, "date")
        metadata = Metadata(
            title=title or None,
            authors=_authors(_command_args(text, "author"), conv),
            year=year_from(conv.convert(dates[0])) if dates else None,
        )
        writer = _Writer(conv, verbatims)
        if title:
            writer.b.paragraph(title)
        writer.run(body)
    except RecursionError:
        raise MalformedInput("LaTeX nests too deeply to read (thousands of levels)") from None
    if writer.not_followed:
        shown = ", ".join(writer.not_followed[:5])
        more = f" and {len(writer.not_followed) - 5} more" if len(writer.not_followed) > 5 else ""
        notes.append(f"included files not followed (their text is missing): {shown}{more}")
    if writer.bib_files:
        notes.append(
            "reference list not included: BibTeX/biblatex builds it from "
            + ", ".join(writer.bib_files)
            + ", which is not read"
        )
    if writer.dropped_envs or conv.dropped_math:
        notes.append(
            f"dropped {writer.dropped_envs} display formulas/tables/pictures and "
            f"{conv.dropped_math} long inline formulas"
        )
    doc = writer.b.build(format=FORMAT, extractor=FORMAT, metadata=metadata, notes=tuple(notes))
    if doc.text.strip() == (title or ""):
        raise NoText("the LaTeX file holds no text beyond a title (is the body in \\input files?)")
    return doc
