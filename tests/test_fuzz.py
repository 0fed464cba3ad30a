"""Bounded fuzzing of every reader (and the detector behind it): damaged bytes give a Document
or a ReadError, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.detect import analyse
from pipeline.errors import ReadError
from pipeline.sources import read_bytes
from tests.conftest import DEMO, FIXTURES

SEEDS = {
    "pdf": DEMO / "pdf" / "sar-ships-gan.pdf",
    "jats": DEMO / "jats" / "heart-failure-ctgan.xml",
    "tei": DEMO / "tei" / "review-labels-gpt4.tei.xml",
    "latex": DEMO / "latex" / "pedestrian-carla.tex",
    "markdown": DEMO / "markdown" / "log-anomaly-benchmark.md",
    "text": DEMO / "text" / "fraud-smote.txt",
    "s2orc": FIXTURES / "s2orc-simulated-arrivals.json",
}
# a fixed budget: examples per reader, each with a deadline
BUDGET = settings(
    max_examples=60,
    deadline=5000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for pos, length, junk in cuts:
        pos %= max(1, len(out))
        out[pos : pos + length] = junk
    return bytes(out)


mutations = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.integers(0, 64), st.binary(max_size=32)),
    min_size=1,
    max_size=8,
)


def _read(data: bytes, name: str) -> None:
    try:
        doc = read_bytes(data, name=name)
    except ReadError as exc:
        assert exc.reason and exc.status in ("failed", "no_text")
        return
    assert isinstance(doc.text, str)
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    findings, _ = analyse(doc)  # the detector takes whatever a reader returns
    for f in findings:
        assert doc.text[f.char_start : f.char_end] == f.sentence


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_reader_survives_damaged_bytes(fmt):
    seed = Path(SEEDS[fmt]).read_bytes()

    @BUDGET
    @given(mutations)
    def run(cuts):
        _read(_mutate(seed, cuts), SEEDS[fmt].name)

    run()


@BUDGET
@given(st.binary(max_size=4096), st.sampled_from(["x.pdf", "x.xml", "x.txt", "x.tex", "x.json"]))
def test_random_bytes_give_a_read_error_or_a_document(data, name):
    _read(data, name)


@BUDGET
@given(st.text(max_size=3000))
def test_any_unicode_text_is_read_or_refused_cleanly(text):
    _read(text.encode("utf-8"), "paper.txt")
