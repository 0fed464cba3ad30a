"""``synthwatch sql``: read-only SQL over the database."""

from __future__ import annotations

import click
import duckdb

from pipeline.cli.common import db_option, emit_rows, format_option, open_db, translate_errors


@click.command("sql")
@click.argument("query")
@db_option
@format_option("table", "csv", "json", default="table")
@translate_errors
def sql_command(query: str, db: str, fmt: str) -> None:
    """Run one read-only SQL statement against the database.

    The connection is read-only with file, network and extension access switched off: SELECT
    from papers, findings, runs, files, calibration and meta (docs/schema.md).

    \b
    Example:
        synthwatch sql "SELECT concern, count(*) FROM papers GROUP BY ALL ORDER BY 2 DESC"
        synthwatch sql "SELECT sentence, page FROM findings WHERE stance = 'use'" --format csv
    """
    con = open_db(db)
    try:
        rel = con.execute(query)
        if rel.description is None:
            raise click.ClickException("the statement returned no rows")
        columns = [d[0] for d in rel.description]
        rows = rel.fetchall()
    except duckdb.Error as exc:
        raise click.ClickException(f"query failed: {exc}") from None
    finally:
        con.close()
    emit_rows(columns, rows, fmt)
