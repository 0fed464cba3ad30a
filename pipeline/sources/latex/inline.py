"""LaTeX inline markup -> readable text: accents, symbols, citations, short math.

``InlineConverter`` turns the text of a paragraph, caption or title into prose: ``\\cite{a,b}``
becomes "[a, b]", ``\\emph{x}`` x, ``\\'e`` é; formatting commands and their arguments go, and
inline math stays only when it is short enough to read as text ("α ≤ 0.05").
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import MalformedInput
from pipeline.sources.latex.syntax import (
    find_end,
    read_argument,
    read_group,
    read_optional,
    skip_space,
)

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

    # Commands the converter gives a meaning (user macros of these names are not expanded).
    COMMANDS = frozenset({*_CITES, *_DROP_ARGS, *_KEEP_LAST})

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
                arg, j = read_argument(s, j)
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
                _, j = read_argument(s, j)
            _, j = read_optional(s, j)
            return "", j
        if name in _SYMBOLS:
            return _SYMBOLS[name], j
        if name in ("begin", "end"):  # an environment inside a caption, footnote or title
            env, j = read_group(s, skip_space(s, j))
            if name == "begin" and env.rstrip("*") in SKIPPED_ENVS | FLOAT_ENVS:
                return " ", find_end(s, env, j)[1]
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
