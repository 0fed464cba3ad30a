"""Opening a synthwatch database: read-only connections for every reader, and the lock message.

While a scan holds the file, a reader gets the scan's published snapshot instead (see
``snapshot``); ``snapshot_of(con)`` tells which state a connection reads.
"""

from __future__ import annotations

import time
import weakref
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import DatabaseLocked, DatabaseMissing, StoreError
from pipeline.store.snapshot import ScanInfo, scan_running, snapshot_path

DEFAULT_DB = "synthwatch.duckdb"
LOCK_HINT = (
    "another synthwatch process (or a DuckDB client) has {path} open for writing; DuckDB allows "
    "one writer. Wait for it to finish, or scan into another --db file."
)


def now() -> datetime:
    """Naive UTC: TIMESTAMP columns hold UTC, and reading them back needs no pytz."""
    return datetime.now(UTC).replace(tzinfo=None)


# How long a reader waits for a starting scan's first snapshot (it copies the file once).
SNAPSHOT_WAIT_S = 30.0
SNAPSHOT_POLL_S = 0.1
# How long a reader waits when the file is held but no scan's marker explains it.
UNMARKED_WAIT_S = 1.0
SAFE_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
# connection -> the scan whose snapshot it reads (absent: it reads the database itself)
_SNAPSHOTS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, ScanInfo] = (
    weakref.WeakKeyDictionary()
)


def connect(
    path: Path, *, read_only: bool, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    if config is None:
        config = dict(SAFE_CONFIG) if read_only else {}
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise DatabaseLocked(LOCK_HINT.format(path=path)) from None
        raise StoreError(f"cannot open database {path}: {msg}") from None
    except duckdb.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None


def connect_readonly(
    path: str | Path, *, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection with file, network and extension access switched off (or with
    ``config``, for a caller that locks it down itself).

    While a scan writes to the database, the connection reads the scan's last published
    snapshot; ``snapshot_of(con)`` then says which scan and as of when. DatabaseLocked when
    another process (not a synthwatch scan) holds the file, or a starting scan has published
    no snapshot within SNAPSHOT_WAIT_S.
    """
    path = Path(path)
    started = time.monotonic()
    while True:
        if path.is_file():
            try:
                return connect(path, read_only=True, config=config)
            except DatabaseLocked:
                pass
        info = scan_running(path)
        if info is None:
            if not path.is_file():
                raise DatabaseMissing(
                    f"no database at {path}: run `synthwatch scan PATH --db {path}` first"
                )
            # Another program holds the file; or a scan that has just opened it and not yet
            # written its marker, or that has just closed it: a moment tells them apart.
            if time.monotonic() - started > UNMARKED_WAIT_S:
                raise DatabaseLocked(LOCK_HINT.format(path=path))
            time.sleep(SNAPSHOT_POLL_S)
            continue
        if info.snapshot is not None:
            con = _open_snapshot(path, info, config)
            if con is not None:
                return con
        if time.monotonic() - started > SNAPSHOT_WAIT_S:
            raise DatabaseLocked(
                f"a scan is writing to {path} (pid {info.pid}, since "
                f"{info.started_at:%H:%M} UTC) and has not published a snapshot for "
                "readers yet; try again in a moment"
            )
        time.sleep(SNAPSHOT_POLL_S)


def _open_snapshot(
    path: Path, info: ScanInfo, config: dict[str, Any] | None
) -> duckdb.DuckDBPyConnection | None:
    """The snapshot the marker names, read-only; None if a newer one replaced it meanwhile."""
    assert info.snapshot is not None
    snapshot = snapshot_path(path, info.snapshot)
    if not snapshot.is_file():
        return None
    try:
        con = connect(snapshot, read_only=True, config=config)
    except StoreError:
        if snapshot.is_file():
            raise
        return None
    _SNAPSHOTS[con] = info
    return con


def snapshot_of(con: duckdb.DuckDBPyConnection) -> ScanInfo | None:
    """The running scan whose snapshot ``con`` reads (``.snapshot_at``: the state it holds),
    or None when it reads the database itself."""
    return _SNAPSHOTS.get(con)
