"""The ``synthwatch`` command line: a thin layer over the library."""

from __future__ import annotations

import click

from pipeline import __version__
from pipeline.cli.common import CONTEXT_SETTINGS
from pipeline.cli.eval import eval_command
from pipeline.cli.export import export_command
from pipeline.cli.query import query_group
from pipeline.cli.report import report_command
from pipeline.cli.scan import scan_command
from pipeline.cli.screen import screen_command
from pipeline.cli.sql import sql_command
from pipeline.pool import quiet_libraries


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="synthwatch")
def main() -> None:
    """Find where research papers use synthetic or model-generated data.

    Scan papers (PDF, JATS/PMC XML, GROBID TEI, S2ORC JSON, text, Markdown, LaTeX) into a DuckDB
    file, screen one paper, and query the findings.

    \b
    Example:
        synthwatch scan corpora/demo --db synthwatch.duckdb
        synthwatch screen corpora/demo/pdf/chest-xray-stylegan2.pdf
        synthwatch sql "SELECT status, count(*) FROM papers GROUP BY status"
    """
    quiet_libraries()


main.add_command(scan_command)
main.add_command(screen_command)
main.add_command(sql_command)
main.add_command(eval_command)
main.add_command(query_group)
main.add_command(report_command)
main.add_command(export_command)
