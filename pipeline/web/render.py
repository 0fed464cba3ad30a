"""Templates of the web app: Jinja2 with autoescape on, and the filters the pages share.

Evidence sentences and titles come from untrusted papers (a paper can hold markup): every value
is escaped by the template engine; the only HTML built in Python is the highlight, made of
escaped pieces and ``<mark>``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from pipeline.answers.present import segments
from pipeline.answers.report import CATEGORY_MEANINGS, LIGHT_WORDS, STANCE_MEANINGS, pct
from pipeline.answers.search import SearchQuery
from pipeline.version import __version__

FACET_LABELS = {
    "category": "Category",
    "stance": "Stance",
    "role": "Role",
    "concern": "Concern",
    "medical": "Medical",
    "participants_replaced": "Participants replaced",
    "real_data_check": "Real-data check",
    "generator": "Generator",
    "year": "Year",
    "venue": "Venue",
    "field": "Field",
    "source_format": "Source format",
}


def highlight(text: str | None, search: SearchQuery | None) -> Markup:
    """``text`` escaped, with the search's words in ``<mark>``."""
    if not text:
        return Markup("")
    if search is None:
        return escape(text)
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if hit else escape(piece)
        for piece, hit in segments(text, search.spans(text))
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight
    env.filters["pct"] = pct
    env.globals.update(
        version=__version__,
        facet_labels=FACET_LABELS,
        light_words=LIGHT_WORDS,
        stance_meanings=STANCE_MEANINGS,
        category_meanings=CATEGORY_MEANINGS,
    )
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
