"""``synthwatch export``: a table of the database to CSV, Parquet or JSON Lines."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb

from pipeline.cli.common import db_option, open_db, stderr_console, translate_errors
from pipeline.store import FINDING_COLUMNS, PAPER_COLUMNS

TABLES = {
    "papers": ("paper_id", PAPER_COLUMNS),
    "findings": ("paper_id, ordinal", FINDING_COLUMNS),
}
LIST_COLUMNS = {
    "papers": ("notes", "authors", "categories", "roles", "generators", "reasons"),
    "findings": ("roles", "generators", "pattern_ids"),
}
COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER true",
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "jsonl": "FORMAT json",
}


def export_connection(db: Path, output: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``db`` that may write ``output`` and touch no other file.

    The database is opened read-only; then file access is limited to the output path
    (``allowed_paths``), external access is switched off, extensions cannot be installed or
    loaded, and the configuration is locked, so that nothing run on this connection can
    change these settings. The connection ``synthwatch sql`` uses stays locked down: this one
    runs only the COPY statement below, built from fixed table and column names. While a scan
    writes, it reads the scan's snapshot (``open_db``).
    """
    con = open_db(
        db, config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    target = output.resolve()
    # DuckDB replaces an existing file by writing tmp_<name> beside it and renaming it
    allowed = [str(target), str(target.with_name(f"tmp_{target.name}"))]
    con.execute("SET allowed_paths = ?", [allowed])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def export_sql(table: str, fmt: str, output: Path) -> str:
    """The COPY statement: every column in schema order, rows in a stable order.

    In CSV a list column is a JSON array (``["GPT-4","Llama 3"]``): a sentence or a reason
    can hold a semicolon or a comma, so no separator would be safe, and every CSV reader can
    parse the array back. Parquet and JSON Lines keep lists as lists.
    """
    order, columns = TABLES[table]
    lists = LIST_COLUMNS[table]
    select = ", ".join(
        f"to_json({c}) AS {c}" if fmt == "csv" and c in lists else c for c in columns
    )
    path = str(output.resolve()).replace("'", "''")
    return f"COPY (SELECT {select} FROM {table} ORDER BY {order}) TO '{path}' ({COPY_OPTIONS[fmt]})"


@click.command("export")
@click.option(
    "--table",
    type=click.Choice(tuple(TABLES)),
    required=True,
    help="Table to export: one row per paper, or one row per finding (sentence).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(COPY_OPTIONS)),
    required=True,
    help="csv (list columns as JSON arrays), parquet or jsonl (lists kept as lists).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write (replaced if it exists).",
)
@db_option
@translate_errors
def export_command(table: str, fmt: str, output: str, db: str) -> None:
    """Export every column of the papers or findings table to CSV, Parquet or JSON Lines.

    Columns are those of docs/schema.md, in that order; papers are ordered by paper_id,
    findings by paper_id and ordinal. List columns (authors, categories, roles, generators,
    reasons, notes, pattern_ids) stay lists in Parquet and JSON Lines and are JSON arrays in
    CSV. The database is opened read-only and the export may write only the output file.

    \b
    Example:
        synthwatch export --table papers --format parquet -o papers.parquet
        synthwatch export --table findings --format csv -o findings.csv --db corpus.duckdb
        synthwatch export --table findings --format jsonl -o findings.jsonl
    """
    out = Path(output)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    con = export_connection(Path(db), out)
    try:
        con.execute(export_sql(table, fmt, out))
        n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    except duckdb.Error as exc:
        raise click.ClickException(f"export failed: {exc}") from None
    finally:
        con.close()
    stderr_console().print(
        f"{n} {table} row(s) written to {out} ({fmt})", highlight=False, soft_wrap=True
    )
