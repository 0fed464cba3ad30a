"""Shared fixtures: the real shared corpus (by path, never copied), the demo corpus, the fixtures.

The tests that read the shared corpus (476 papers beside our own checkouts, or wherever
``SYNTHWATCH_CORPUS`` points) run when it is there and are deselected, with a one-line reason in
the summary, when it is not: ``make test`` then runs from a clone alone. CI (``.ci/run``) sets
``SYNTHWATCH_CORPUS`` and fails when the folder is missing, so there every test runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Fixtures that read the shared corpus: a test that uses one (directly or through another
# fixture) is marked `corpus`.
CORPUS_FIXTURES = ("corpus", "corpus_db")


def _corpus_path() -> Path:
    """$SYNTHWATCH_CORPUS when set, else ../shared/corpora beside the clone."""
    return Path(os.environ.get("SYNTHWATCH_CORPUS") or ROOT.parent / "shared" / "corpora")


def corpus_available() -> bool:
    """Whether to run the shared-corpus tests: SYNTHWATCH_CORPUS is set, or the corpus is beside.

    Set explicitly, the variable always selects them: a wrong folder then fails the run with
    ``corpus_root()``'s message instead of quietly leaving the tests out.
    """
    if os.environ.get("SYNTHWATCH_CORPUS"):
        return True
    return (_corpus_path() / "labels-dev.csv").is_file()


def corpus_root() -> Path:
    """../shared/corpora, or $SYNTHWATCH_CORPUS; raises when neither holds the corpus.

    Only tests marked ``corpus`` reach this (they are deselected without the corpus), so a
    raise here means SYNTHWATCH_CORPUS points to the wrong folder: fail, do not skip.
    """
    root = _corpus_path()
    if not (root / "labels-dev.csv").is_file():
        raise RuntimeError(
            f"shared corpus not found at {root}: set SYNTHWATCH_CORPUS to the folder that holds "
            "labels-dev.csv (normally ../shared/corpora)"
        )
    return root


def c_lines_built() -> bool:
    """Whether the optional C line extractor (``_pdfium_lines.c``) was compiled at install."""
    from pipeline.sources.pdf import backends as pdf_backends

    return pdf_backends._page_lines is not None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "corpus: reads the shared corpus (SYNTHWATCH_CORPUS or ../shared/corpora)"
    )
    config.addinivalue_line(
        "markers", "c_lines: needs the C line extractor built (a C compiler at install)"
    )


def _uses_shared_corpus(item: pytest.Item) -> bool:
    """Whether the test's fixtures include this conftest's ``corpus`` or ``corpus_db``.

    By the fixture that pytest resolves, not by name alone: tests/answers/test_api.py has a
    fixture of its own called ``corpus`` (a Corpus over a small built database).
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in CORPUS_FIXTURES:
        definitions = info.name2fixturedefs.get(name, ())
        if definitions and definitions[-1].func.__module__ == __name__:
            return True
    return False


def _absent() -> dict[str, str]:
    """Marker -> why its tests cannot run here; empty when everything is there.

    SYNTHWATCH_REQUIRE_C=1 (set by .ci/run, which installs a compiler) keeps the C tests
    selected even when the extension is missing, so that they fail there instead.
    """
    absent = {}
    if not corpus_available():
        absent["corpus"] = (
            f"SYNTHWATCH_CORPUS is not set and there is no shared corpus at {_corpus_path()} "
            "(set it to the folder that holds labels-dev.csv to run them)"
        )
    if not c_lines_built() and not os.environ.get("SYNTHWATCH_REQUIRE_C"):
        absent["c_lines"] = (
            "the C line extractor was not built (no C compiler at install); the Python path "
            "is tested"
        )
    return absent


# what pytest_collection_modifyitems left out (marker -> count) and why (marker -> reason)
_DESELECTED = pytest.StashKey[dict[str, int]]()
_REASONS = pytest.StashKey[dict[str, str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the shared-corpus tests; deselect the tests whose corpus or C build is absent."""
    for item in items:
        if _uses_shared_corpus(item):
            item.add_marker(pytest.mark.corpus)
    absent = _absent()
    kept, deselected, counts = [], [], {}
    for item in items:
        missing = next((m for m in absent if item.get_closest_marker(m) is not None), None)
        if missing is None:
            kept.append(item)
        else:
            deselected.append(item)
            counts[missing] = counts.get(missing, 0) + 1
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    config.stash[_DESELECTED] = {m: counts[m] for m in absent if m in counts}
    config.stash[_REASONS] = absent


def pytest_terminal_summary(
    terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """One line per reason tests were deselected, so a green run says what it left out."""
    reasons = config.stash.get(_REASONS, {})
    for marker, count in config.stash.get(_DESELECTED, {}).items():
        terminalreporter.write_line(
            f"{count} test(s) marked {marker!r} deselected: {reasons[marker]}"
        )


@pytest.fixture(scope="session")
def corpus() -> Path:
    return corpus_root()


@pytest.fixture(scope="session")
def demo() -> Path:
    return DEMO


def scan_into(db: Path, paths: list[Path], **options) -> None:
    """Scan real files into a real DuckDB file with the library (no CLI, no mocks)."""
    from pipeline.scan.discover import discover
    from pipeline.scan.run import ScanOptions, scan
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
