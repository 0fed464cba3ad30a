"""The calibration the package ships: the detector's paper-level error measured cross-source.

``shipped_calibration.json`` holds, per question ("any", each category, "any excluding
simulation"), the counts of the development labels judged with the confidences counted
without each paper's own source (``python -m pipeline.answers.cross_source`` writes it). A
prevalence query corrects with it when the database holds no calibration of its own (from
``synthwatch eval``), and says so: the rates are those of the labelled papers, not of the
user's corpus.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pipeline.answers.stats import Calibration

SHIPPED_FILE = "shipped_calibration.json"


@cache
def _shipped() -> dict[str, Any]:
    path = resources.files("pipeline.answers") / SHIPPED_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def shipped_calibration(question: str) -> Calibration | None:
    """The shipped counts for ``question`` ("any", a category, "any excluding ..."), or None."""
    data = _shipped()
    counts = data["categories"].get(question)
    if counts is None:
        return None
    return Calibration(
        category=question,
        tp=counts["tp"],
        fn=counts["fn"],
        tn=counts["tn"],
        fp=counts["fp"],
        basis=(
            f"shipped default, measured cross-source on {data['n_papers']} labelled papers "
            f"of {data['n_sources']} sources, not on your corpus (synthwatch eval --calibrate)"
        ),
    )
