"""Fixtures of the review tests: a generated database whose every paper's truth is known.

``TRUTH`` says, per paper, whether it truly uses synthetic data (and which category); the
detector's verdict is wrong on purpose for a few (false positives and negatives), so that the
validated figures differ from the detector's and can be checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.store import Store
from tests.answers.known_corpus import F, P, result

N_PAPERS = 60
# papers 0-17 detected (llm_text or generated_media); of these 0-14 truly use, 15-17 do not;
# of the undetected 18-59, papers 18-20 truly use (missed): 18 truly positives in all
HOSTILE_TITLE = '<script>alert("x")</script> & co'


def _paper(i: int) -> P:
    detected = i < 18
    category = "llm_text" if i % 2 == 0 else "generated_media"
    findings = ()
    if detected:
        findings = (
            F(
                "methods",
                3,
                "use",
                category,
                ("training",),
                (),
                0.9,
                f"We generated the training set of study {i} with a model <b>bold</b>.",
            ),
        )
    return P(
        key=f"r{i:02d}",
        year=2020 + i % 3,
        field="medicine" if i % 2 else "physics",
        uses=detected,
        categories=(category,) if detected else (),
        roles=("training",) if detected else (),
        concern="low" if detected else "none",
        findings=findings,
    )


PAPERS = tuple(_paper(i) for i in range(N_PAPERS))
TRUTH = {
    p.paper_id: (i < 15 or 18 <= i < 21, "llm_text" if i % 2 == 0 else "generated_media")
    for i, p in enumerate(PAPERS)
}


def build(db: Path) -> Path:
    with Store(db) as store:
        results = [result(p) for p in PAPERS]
        results[0] = _titled(results[0], HOSTILE_TITLE)
        store.write(results, run_id="r1", version="0.2.0", patterns_version="p1")
        store.record_files([(p.path, p.paper_id, 1000) for p in PAPERS], "r1")
    return db


def _titled(r, title):
    from dataclasses import replace

    return replace(r, metadata=replace(r.metadata, title=title))


@pytest.fixture()
def review_db(tmp_path) -> Path:
    return build(tmp_path / "corpus.duckdb")
