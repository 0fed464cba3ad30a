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
import shlex
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline.answers import charts
from pipeline.answers.corpus import (  # noqa: F401  (re-exported: the corpus report's API)
    ANY,
    MAX_SAMPLE,
    MIN_PERIOD_PAPERS,
    MODEL_GENERATED,
    NOT_MODEL_GENERATED,
    CorpusReport,
    gather_corpus,
    group_failures,
    year_periods,
)
from pipeline.answers.screening import LIGHT_RULES, Screening, build_screening
from pipeline.detect import patterns_version
from pipeline.document import Document
from pipeline.results import PaperResult
from pipeline.version import __version__

TEMPLATE_PACKAGE = "pipeline.templates"

# High-concern papers listed in a corpus report (HTML, Markdown); the rest are counted, with
# the command that lists them all: 27,922 of them made a 16.7 MB page at 1M papers.
MAX_LISTED = 200
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
# TAXONOMY.md, "Category", in brief.
CATEGORY_MEANINGS = {
    "llm_text": "text, instructions, dialogues, questions, code or annotations written by a "
    "language model",
    "model_labels": "labels or judgements produced by a model instead of people",
    "generated_media": "images, audio or video from a generative model",
    "synthetic_records": "tabular rows, patient records, EHRs, populations, cohorts",
    "simulated_participants": "people simulated by a model: survey respondents, personas, users",
    "oversampling": "synthetic minority rows (SMOTE, ADASYN)",
    "simulation": "output of a simulator, renderer or stochastic model used as data",
    "synthetic_other": "explicitly synthetic data whose kind the text does not say",
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


def pct(value: float | None, digits: int = 1) -> str:
    """0.2059 -> ``20.6%``; ``n/a`` for a missing value."""
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def interval(low: float | None, high: float | None, digits: int = 1) -> str:
    """A 95% interval as ``17.2–24.5%``; ``n/a`` when either bound is missing."""
    if low is None or high is None:
        return "n/a"
    return f"{low * 100:.{digits}f}–{high * 100:.{digits}f}%"


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
    env.filters["pct"] = pct
    env.filters["shell"] = shlex.quote  # a path in a command the reader pastes
    env.globals["interval"] = interval
    return env


def _template_name(kind: str, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return f"{kind}.{'html' if fmt == 'html' else 'md'}"


def render_screening(
    result: PaperResult,
    fmt: str = "html",
    document: Document | None = None,
    explain: bool = False,
) -> str:
    """The editor's screening report of one paper as HTML or Markdown.

    ``explain`` adds the ids of the patterns behind each finding: for whoever traces a verdict
    to its rules, noise for an editor.
    """
    screening = build_screening(result, document)
    return render_screening_of(screening, fmt, explain)


def render_screening_of(screening: Screening, fmt: str = "html", explain: bool = False) -> str:
    r = screening.result
    context: dict[str, Any] = {
        "s": screening,
        "explain": explain,
        "r": r,
        "md": r.metadata,
        "rules": LIGHT_RULES,
        "light_words": LIGHT_WORDS,
        "light_marks": LIGHT_MARKS,
        "stances": STANCE_MEANINGS,
        "version": __version__,
        "patterns_version": patterns_version(),
    }
    return environment().get_template(_template_name("screening", fmt)).render(context)


# -- the corpus report -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A rendered report: its text, and files to write beside it (name -> bytes)."""

    text: str
    files: dict[str, bytes] = field(default_factory=dict)


def render_corpus(report: CorpusReport, fmt: str = "html", stem: str = "corpus") -> Rendered:
    """The corpus report: HTML with inline SVG charts, or Markdown with PNG files beside it.

    ``stem`` names the PNG files (``<stem>-<chart>.png``), which the Markdown links to by
    relative name: write them into the folder of the .md file.
    """
    name = _template_name("corpus", fmt)
    files: dict[str, bytes] = {}
    figures = []
    with charts.style():
        for chart in charts.corpus_charts(report.frames, report.concern, MIN_PERIOD_PAPERS):
            if fmt == "html":
                figures.append((chart, charts.to_svg(chart.figure, chart.name), None))
            else:
                file = f"{stem}-{chart.name}.png"
                files[file] = charts.to_png(chart.figure)
                figures.append((chart, None, file))
    context = {
        "c": report,
        "charts": {
            chart.name: (chart, Markup(svg) if svg else None, file) for chart, svg, file in figures
        },
        "version": __version__,
        "categories": CATEGORY_MEANINGS,
        "stances": STANCE_MEANINGS,
        "any": ANY,
        "model_generated": MODEL_GENERATED,
        "not_model_generated": NOT_MODEL_GENERATED,
        "max_sample": MAX_SAMPLE,
        "max_listed": MAX_LISTED,
        "min_period": MIN_PERIOD_PAPERS,
    }
    return Rendered(environment().get_template(name).render(context), files)
