"""LaTeX source -> Document: title, authors, abstract, sections, captions and bibliography.

Not a TeX engine: comments are stripped and simple user macros expanded first
(``latex_macros``), then the body is scanned for structure here while ``latex_inline`` turns
each paragraph into text, with citations kept as "[key]" markers. Floats are reduced to their
captions and display math and tables dropped. ``\\input``/``\\include`` files are not followed
and a ``.bib`` bibliography is not read; both are recorded in ``Document.notes``.
"""

from __future__ import annotations

import re

from pipeline.document import Document, Metadata, section_kind
from pipeline.errors import MalformedInput, NoText
from pipeline.sources.build import DocumentBuilder, decode_text, flatten
from pipeline.sources.latex.inline import FLOAT_ENVS, SKIPPED_ENVS, InlineConverter
from pipeline.sources.latex.macros import collect_macros, expand, strip_comments
from pipeline.sources.latex.syntax import (
    find_end,
    read_argument,
    read_group,
    read_optional,
    skip_space,
)
from pipeline.sources.meta import year_from

FORMAT = "latex"

SECTION_LEVELS = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4}
ACK_ENVS = frozenset("acknowledgments acknowledgements acks ack".split())
# Mandatory arguments an environment takes after \begin{env} (optional ones are skipped).
ENV_ARGS = {"minipage": 1, "multicols": 1, "adjustbox": 1, "spacing": 1, "CJK": 2}
# User macros with these names are not expanded: the reader gives them their meaning.
HANDLED = (
    InlineConverter.COMMANDS
    | set(SECTION_LEVELS)
    | set("item begin end caption footnote appendix title author verb url".split())
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
_CAPTION = re.compile(r"\\(caption|captionof|subcaption)(?![A-Za-z@])\*?")
_BIBITEM = re.compile(r"\\bibitem(?![A-Za-z@])")
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

    def aside(self, cmd: str, text: str, pos: int) -> int:
        """Read the caption or footnote at ``pos``, to be written after the paragraph it
        interrupts; return the position after it."""
        if cmd == "captionof":
            _, pos = read_group(text, skip_space(text, pos))
        note, pos = read_argument(text, pos)
        self.after.append(self.conv.convert(note))
        return pos

    def captions(self, body: str) -> None:
        for m in _CAPTION.finditer(body):
            self.aside(m.group(1), body, m.end())

    def bibliography(self, body: str) -> None:
        self.flush()
        self.b.heading("References", kind="references")
        items = _BIBITEM.split(body)[1:]
        for item in items:
            key, j = read_argument(item, 0)
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
                title, pos = read_argument(text, pos)
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
            end, after = find_end(text, env, pos)
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
            _, pos = read_argument(text, pos)
        elif cmd in ("caption", "captionof", "footnote", "footnotetext"):
            pos = self.aside(cmd, text, pos)
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
            _, pos = read_argument(text, pos)
        elif cmd == "swverbatim":
            index, pos = read_group(text, pos)
            self.flush()
            self.b.paragraph(self.verbatims[int(index)], keep_lines=True)
        elif cmd == "par":
            self.flush()
        return pos


def _command_args(text: str, name: str) -> list[str]:
    """The mandatory argument of every ``\\name[...]{...}`` in ``text``."""
    pattern = r"\\" + name + r"(?![A-Za-z@])\s*"
    return [read_argument(text, m.end())[0] for m in re.finditer(pattern, text)]


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
        text = strip_comments(decode_text(data), verbatims)
        broken: list[str] = []
        text, macros = collect_macros(text, broken, HANDLED)
        if broken:
            notes.append(
                "unbalanced braces in the definition of "
                + ", ".join(f"\\{n}" for n in broken)
                + ": read up to the end of the line"
            )
        text = expand(text, macros, notes)
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
