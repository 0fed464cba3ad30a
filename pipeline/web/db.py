"""The web app's one way into the database: read-only, opened per request.

Every request goes through :class:`Database`, which opens the file with :func:`open_db` for the
request and closes it after: no lock is held between requests, and a request after a scan reads
the new state. :func:`open_db` is the one place that opens the file, so that the store's
snapshot-aware read-only open serves every page: while a scan writes, the pages answer from its
last published snapshot and a notice says a scan is running.
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
from pipeline.store import ScanInfo, connect_readonly, readable_file
from pipeline.store import scan_running as store_scan_running

T = TypeVar("T")
# A query that runs longer than this is interrupted: the page says so instead of hanging.
DEFAULT_QUERY_TIMEOUT_S = 10.0


class QueryTimeout(QueryError):
    """A query ran past the time limit and was interrupted."""


def open_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, file, network and extension access off."""
    return connect_readonly(path)


def scan_running(db_path: str | Path) -> ScanInfo | None:
    """None, or the scan writing ``db_path`` (``.pid``, ``.started_at``, ``.snapshot_at``):
    the pages then answer from its last published snapshot and say so."""
    return store_scan_running(db_path)


def _stamp(path: Path) -> tuple[int, int]:
    """Time and size of the file readers see now (the snapshot while a scan writes): the key
    of what is computed from the database changes once per publication, not per write."""
    st = os.stat(readable_file(path))
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
