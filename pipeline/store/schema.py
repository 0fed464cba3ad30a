"""The schema of a synthwatch database: its tables' columns, and the migrations between versions."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import duckdb

from pipeline.errors import SchemaTooNew
from pipeline.store.paths import resolve_file_paths

SCHEMA_VERSION = 4
PAPER_COLUMNS = (
    "paper_id",
    "source_path",
    "format",
    "extractor",
    "status",
    "error",
    "notes",
    "title",
    "authors",
    "doi",
    "year",
    "venue",
    "field",
    "language",
    "n_pages",
    "n_chars",
    "n_bytes",
    "assessed",
    "uses_synthetic",
    "categories",
    "roles",
    "generators",
    "medical",
    "participants_replaced",
    "real_data_check",
    "in_abstract",
    "concern",
    "reasons",
    "n_findings",
    "seconds",
    "pipeline_version",
    "patterns_version",
    "run_id",
    "scanned_at",
)
FINDING_COLUMNS = (
    "finding_id",
    "paper_id",
    "ordinal",
    "section",
    "page",
    "char_start",
    "char_end",
    "sentence",
    "stance",
    "category",
    "roles",
    "generator",
    "generators",
    "pattern_ids",
    "confidence",
)
CALIBRATION_COLUMNS = [
    "created_at",
    "labels_sha256",
    "pipeline_version",
    "patterns_version",
    "extractor",
    "category",
    "n",
    "tp",
    "fp",
    "fn",
    "tn",
    "sensitivity",
    "specificity",
]
SHARDS_TABLE = """
CREATE TABLE IF NOT EXISTS shards (
    shard_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    n_papers INTEGER NOT NULL,
    n_findings INTEGER NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);
"""


# Schema version -> SQL (or a function of the connection and the database's path) that brings a
# database from the previous version to it.
MIGRATIONS: dict[int, str | Callable[[duckdb.DuckDBPyConnection, Path], None]] = {
    2: SHARDS_TABLE,
    3: resolve_file_paths,
    # 4: the file's modification time, so that a rescan skips an unchanged file without hashing
    4: "ALTER TABLE files ADD COLUMN IF NOT EXISTS mtime_ns BIGINT",
}


def schema_sql() -> str:
    return (resources.files("pipeline.store") / "schema.sql").read_text(encoding="utf-8")


def migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the tables of a new database, or bring an older one up to ``SCHEMA_VERSION``
    (one version a transaction); refuse a database written by a newer synthwatch."""
    con.execute(schema_sql())
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    row = rows[0] if rows else None
    if row is None:
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        return
    found = int(row[0])
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{path} has schema version {found}; this synthwatch reads up to "
            f"{SCHEMA_VERSION}: upgrade synthwatch"
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        con.begin()
        migration = MIGRATIONS[version]
        if isinstance(migration, str):
            con.execute(migration)
        else:
            migration(con, path)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        con.commit()
