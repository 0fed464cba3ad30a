"""Reports: the editor's screening report of one paper and the corpus report of a database.

Templates live in the repository's ``reports/`` folder, shipped as the package
``pipeline.templates`` (pyproject.toml maps it), and are loaded with Jinja2's PackageLoader, so
they are found in an editable and in a regular install alike. HTML templates are autoescaped:
sentences, titles and venues come from untrusted papers. Markdown templates escape the same
values with the ``md`` filter. Nothing here prints or writes a file: renderers return text (and,
for the Markdown corpus report, the chart images to put beside it).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from pipeline import __version__
from pipeline.answers.screening import LIGHT_RULES, Screening, build_screening
from pipeline.document import Document
from pipeline.results import PaperResult

TEMPLATE_PACKAGE = "pipeline.templates"
FORMATS = ("html", "markdown")
LIGHT_WORDS = {"red": "✗ red", "amber": "! amber", "green": "✓ green", "grey": "– n/a"}
LIGHT_MARKS = {"red": "🔴", "amber": "🟠", "green": "🟢", "grey": "⚪"}
# TAXONOMY.md, "Stance of a finding", in brief.
STANCE_MEANINGS = {
    "use": "The authors use, create or release such data in this work.",
    "cited": "Someone else's work, attributed by a citation or a name.",
    "background": "A general statement, no actor.",
    "negated": "The authors say they do not.",
    "future": "A proposal, a hypothetical, future work.",
}
# Markdown syntax characters; "_" only where it can open or close emphasis (not in snake_case).
_MD_SPECIAL = re.compile(r"([\\`*\[\]<|#]|(?<!\w)_|_(?!\w))")
_SPACE = re.compile(r"\s+")


def md_escape(value: object) -> str:
    """Make untrusted text inert in Markdown: one line, no markup, no HTML, no table breaks."""
    text = _SPACE.sub(" ", str(value)).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(value: object) -> str:
    """Text for an inline code span: one line, backticks replaced."""
    return _SPACE.sub(" ", str(value)).replace("`", "'")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment over the shipped templates (HTML autoescaped, undefined fails)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, "."),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("md",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["code"] = md_code
    return env


def _template_name(kind: str, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return f"{kind}.{'html' if fmt == 'html' else 'md'}"


def _patterns_version() -> str:
    from pipeline.detect import patterns_version

    return patterns_version()


def render_screening(
    result: PaperResult, fmt: str = "html", document: Document | None = None
) -> str:
    """The editor's screening report of one paper as HTML or Markdown."""
    screening = build_screening(result, document)
    return render_screening_of(screening, fmt)


def render_screening_of(screening: Screening, fmt: str = "html") -> str:
    r = screening.result
    context: dict[str, Any] = {
        "s": screening,
        "r": r,
        "md": r.metadata,
        "rules": LIGHT_RULES,
        "light_words": LIGHT_WORDS,
        "light_marks": LIGHT_MARKS,
        "stances": STANCE_MEANINGS,
        "version": __version__,
        "patterns_version": _patterns_version(),
    }
    return environment().get_template(_template_name("screening", fmt)).render(context)
