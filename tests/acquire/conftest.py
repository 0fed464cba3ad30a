"""The replay server, started per test on 127.0.0.1, and short waits for every test here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipeline.acquire.http import DELAY_SCALE_ENV
from tests.acquire.replay import Replay


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paces, back-offs and Retry-After scaled to a thousandth: a replayed 429 costs ms."""
    monkeypatch.setenv(DELAY_SCALE_ENV, "0.001")


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as server:
        yield server
