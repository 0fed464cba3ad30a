"""The DuckDB store, split by job:

    schema    the tables' columns (``schema.sql``) and the migrations between versions
    connect   read-only connections for every reader; the lock message
    writer    ``Store``, the one writer: runs, papers, findings, files, calibration, shards
    rows      a scanned paper as the rows the writer stores
    snapshot  the scan marker and the published snapshot readers open while a scan writes
    paths     the schema-3 migration of file paths

Readers use ``connect_readonly``; only a scan opens a ``Store``.
"""

from __future__ import annotations

from pipeline.store.connect import DEFAULT_DB, LOCK_HINT, connect_readonly, snapshot_of
from pipeline.store.rows import finding_rows_of, paper_row
from pipeline.store.schema import (
    CALIBRATION_COLUMNS,
    FINDING_COLUMNS,
    MIGRATIONS,
    PAPER_COLUMNS,
    SCHEMA_VERSION,
    SHARDS_TABLE,
    schema_sql,
)
from pipeline.store.snapshot import ScanInfo, readable_file, scan_running
from pipeline.store.writer import Store

__all__ = [
    "CALIBRATION_COLUMNS",
    "DEFAULT_DB",
    "FINDING_COLUMNS",
    "LOCK_HINT",
    "MIGRATIONS",
    "PAPER_COLUMNS",
    "SCHEMA_VERSION",
    "SHARDS_TABLE",
    "ScanInfo",
    "Store",
    "connect_readonly",
    "finding_rows_of",
    "paper_row",
    "readable_file",
    "scan_running",
    "schema_sql",
    "snapshot_of",
]
