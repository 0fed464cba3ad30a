"""The web app's one way into the database: open read-only, reopen when the file changes.

Every request goes through :class:`Database`: it holds one read-only DuckDB connection (a
cursor per request shares its buffer cache, which the speed at 1M papers needs) and opens a
new one when the file on disk has changed since (a scan finished). :func:`open_db` is the one
place that opens the file, so that the store's snapshot-aware read-only open can be wired in
at merge.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from pipeline.errors import QueryError
from pipeline.store import connect_readonly

T = TypeVar("T")
# A query that runs longer than this is interrupted: the page says so instead of hanging.
DEFAULT_QUERY_TIMEOUT_S = 10.0


class QueryTimeout(QueryError):
    """A query ran past the time limit and was interrupted."""


def open_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, file, network and extension access off."""
    return connect_readonly(path)


def scan_running(db_path: str | Path) -> Any | None:
    """None, or what says a scan is writing ``db_path`` (``.started_at``, ``.pid``)."""
    # replaced at merge by pipeline.store.scan_running
    return None


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


class Database:
    """A read-only database the app queries; reopened when the file on disk changes."""

    def __init__(self, path: str | Path, *, timeout_s: float = DEFAULT_QUERY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = open_db(self.path)
        self._stamp = _stamp(self.path)

    @property
    def stamp(self) -> tuple[int, int]:
        """(modification time, size) of the file when it was opened: a cache key."""
        return self._stamp

    def refresh(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened again when the file changed on disk (or it was closed)."""
        try:
            now = _stamp(self.path)
        except OSError:
            now = self._stamp  # gone or being replaced: keep answering from the open one
        con = self._con
        if con is not None and now == self._stamp:
            return con
        with self._lock:
            if self._con is None or now != self._stamp:
                fresh = open_db(self.path)
                old, self._con, self._stamp = self._con, fresh, now
                if old is not None:
                    old.close()
            return self._con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the current connection, for one request."""
        cur = self.refresh().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def run(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``work(cursor)``, interrupted after the time limit (QueryTimeout)."""
        with self.cursor() as cur:
            return limited(cur, work, self.timeout_s)

    def scan_running(self) -> Any | None:
        return scan_running(self.path)

    def close(self) -> None:
        """Let go of the file (a scan may then write it); the next request opens it again."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def limited(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T], seconds: float
) -> T:
    """``work(con)``, with DuckDB's ``interrupt()`` called from a timer after ``seconds``."""
    timer = threading.Timer(seconds, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        return work(con)
    except duckdb.InterruptException:
        raise QueryTimeout(
            f"the query took longer than {seconds:g} s and was stopped; narrow the search "
            "(a filter, fewer words) and try again"
        ) from None
    finally:
        timer.cancel()
