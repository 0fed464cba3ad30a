"""Fixtures of the web app's tests: one database scanned per session, an app over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipeline.web.app import create_app
from tests.conftest import DEMO, FIXTURES, scan_into

# A paper whose evidence holds markup: the pages must show it as text.
HOSTILE_TEXT = """Synthetic records <script>alert('x')</script> for a test

Abstract

We generated 5,000 synthetic patient records <img src=x onerror=alert(1)> with Synthea and trained
the sepsis model on them; no real patients were used in training.

Methods

We used the synthetic records instead of real electronic health records.
"""


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """The demo corpus, the test fixtures and one hostile text paper, scanned once."""
    folder = tmp_path_factory.mktemp("web")
    extra = folder / "papers"
    extra.mkdir()
    (extra / "hostile-markup.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    db = folder / "web.duckdb"
    scan_into(db, [DEMO, FIXTURES, extra])
    return db


@pytest.fixture(scope="session")
def app(web_db):
    return create_app(web_db, allow_upload=True)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def closed_client(web_db):
    """An app without --allow-upload."""
    with TestClient(create_app(web_db)) as c:
        yield c


@pytest.fixture
def db_copy(web_db, tmp_path) -> Path:
    """A copy of the session database, for tests that change it."""
    target = tmp_path / "copy.duckdb"
    shutil.copy(web_db, target)
    return target
