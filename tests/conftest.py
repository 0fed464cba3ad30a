"""Shared fixtures: the real shared corpus (by path, never copied) and the demo corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"


def corpus_root() -> Path:
    """../shared/corpora, or $SYNTHWATCH_CORPUS; the suite fails (not skips) without it."""
    root = Path(os.environ.get("SYNTHWATCH_CORPUS", ROOT.parent / "shared" / "corpora"))
    if not (root / "labels-dev.csv").is_file():
        raise RuntimeError(
            f"shared corpus not found at {root}: set SYNTHWATCH_CORPUS to the folder that holds "
            "labels-dev.csv (normally ../shared/corpora)"
        )
    return root


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_root()


@pytest.fixture(scope="session")
def demo() -> Path:
    return DEMO
