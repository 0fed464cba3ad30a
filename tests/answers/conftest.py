"""Fixtures of the answers tests: the known database, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.answers.known_corpus import build


@pytest.fixture(scope="session")
def known_db(tmp_path_factory) -> Path:
    """PAPERS and CALIBRATIONS of known_corpus.py written through the Store."""
    return build(tmp_path_factory.mktemp("known") / "known.duckdb")
