"""Schema 3: a file is known by its resolved path. The migration of older databases."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def resolve_file_paths(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Schema 3: ``files.resolved``, the path that identifies a file (absolute, symlinks and
    ``..`` resolved), and one row per file.

    Older versions knew a file by its path as given, so one file scanned as ``papers/a.pdf``
    and as ``/home/me/papers/a.pdf`` had two rows. A relative path is resolved against the
    current folder, then the database's folder, where a file of the recorded size stands; a
    path that cannot be resolved so is only normalised (``Store.record_files`` drops its row
    when a later scan records the file's resolved path). Then one row per resolved path is
    kept, the newest.
    """
    con.execute("ALTER TABLE files ADD COLUMN IF NOT EXISTS resolved VARCHAR")
    rows = con.execute("SELECT DISTINCT path, n_bytes FROM files").fetchall()
    bases = [Path.cwd(), db_path.resolve().parent]
    resolved = [(path, n_bytes, _resolved(path, n_bytes, bases)) for path, n_bytes in rows]
    con.execute(
        "UPDATE files SET resolved = m.resolved FROM (SELECT unnest($path::VARCHAR[]) AS path, "
        "unnest($n_bytes::BIGINT[]) AS n_bytes, unnest($resolved::VARCHAR[]) AS resolved) m "
        "WHERE files.path = m.path AND files.n_bytes IS NOT DISTINCT FROM m.n_bytes",
        {
            "path": [r[0] for r in resolved],
            "n_bytes": [r[1] for r in resolved],
            "resolved": [r[2] for r in resolved],
        },
    )
    con.execute(
        "DELETE FROM files WHERE rowid NOT IN "
        "(SELECT arg_max(rowid, (seen_at, rowid)) FROM files GROUP BY resolved)"
    )


def _resolved(path: str, n_bytes: int | None, bases: list[Path]) -> str:
    if os.path.isabs(path):
        return os.path.realpath(path)
    for base in bases:
        candidate = base / path
        try:
            if candidate.is_file() and (n_bytes is None or candidate.stat().st_size == n_bytes):
                return os.path.realpath(candidate)
        except OSError:
            continue
    return os.path.normpath(path)  # "papers/../papers/a.pdf" and "papers/a.pdf" at least agree
