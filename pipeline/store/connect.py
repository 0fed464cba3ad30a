"""Opening a synthwatch database: read-only connections for every reader, and the lock message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import DatabaseLocked, DatabaseMissing, StoreError

DEFAULT_DB = "synthwatch.duckdb"
LOCK_HINT = (
    "another synthwatch process (or a DuckDB client) has {path} open for writing; DuckDB allows "
    "one writer. Wait for it to finish, or scan into another --db file."
)


def now() -> datetime:
    """Naive UTC: TIMESTAMP columns hold UTC, and reading them back needs no pytz."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    config: dict[str, Any] = {}
    if read_only:
        config = {
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "lock_configuration": True,
        }
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise DatabaseLocked(LOCK_HINT.format(path=path)) from None
        raise StoreError(f"cannot open database {path}: {msg}") from None
    except duckdb.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with file, network and extension access switched off."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseMissing(
            f"no database at {path}: run `synthwatch scan PATH --db {path}` first"
        )
    return connect(path, read_only=True)
