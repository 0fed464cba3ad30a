"""The web app's one way into the database: read-only, opened per request.

Every request goes through :class:`Database`, which opens the file with :func:`open_db` for the
request and closes it after: no lock is held between requests, and a request after a scan reads
the new state. :func:`open_db` is the one place that opens the file, so that the store's
snapshot-aware read-only open can be wired in at merge.
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
    """The database the app reads: opened read-only for each request and closed after it.

    Holding it open between requests would hold DuckDB's file lock, and a `synthwatch scan`
    could not start while the server runs. Opening costs ~15 ms on a 1M-paper file; the
    findings search does not open it at all (it reads the search table).
    """

    def __init__(self, path: str | Path, *, timeout_s: float = DEFAULT_QUERY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        open_db(self.path).close()  # a missing or unreadable file fails now, not per request

    @property
    def stamp(self) -> tuple[int, int]:
        """(modification time, size) of the file now: a key for what is computed from it."""
        try:
            return _stamp(self.path)
        except OSError:
            return (0, 0)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one request, closed at its end."""
        con = open_db(self.path)
        try:
            yield con
        finally:
            con.close()

    def run(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``work(connection)``, interrupted after the time limit (QueryTimeout)."""
        with self.cursor() as con:
            return limited(con, work, self.timeout_s)

    def scan_running(self) -> Any | None:
        return scan_running(self.path)


def limited(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T], seconds: float
) -> T:
    """``work(con)``, with DuckDB's ``interrupt()`` called from a timer after ``seconds``
    (0 or less: no time at all, QueryTimeout at once)."""
    if seconds <= 0:
        raise QueryTimeout("no time is allowed for this query (a limit of 0 s)")
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
