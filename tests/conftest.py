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


def scan_into(db: Path, paths: list[Path], **options) -> None:
    """Scan real files into a real DuckDB file with the library (no CLI, no mocks)."""
    from pipeline.scan import ScanOptions, discover, scan
    from pipeline.store import Store

    with Store(db) as store:
        scan(list(discover(paths)), store, ScanOptions(**{"workers": 2, **options}))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo corpus scanned once per test session."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    scan_into(db, [DEMO])
    return db


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory, corpus) -> Path:
    """The whole shared corpus (476 real papers) scanned once per test session, pypdfium2."""
    db = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    scan_into(db, [corpus])
    return db
