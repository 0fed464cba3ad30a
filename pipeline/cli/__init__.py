"""The ``synthwatch`` command line: a thin layer over the library."""

from __future__ import annotations

import importlib

import click

from pipeline.scan.pool import quiet_libraries
from pipeline.version import __version__

# Here rather than in ``common`` (DuckDB, rich): a worker process re-imports the module that
# started the parent, the ``synthwatch`` script, which imports this package and nothing more.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# name -> module and attribute of the command. A command's module (and what it imports:
# DuckDB, pandas, spaCy, Jinja2) is loaded only when that command runs, so that
# `synthwatch scan` starts its workers without waiting for the rest.
COMMANDS = {
    "scan": ("pipeline.cli.scan", "scan_command"),
    "screen": ("pipeline.cli.screen", "screen_command"),
    "sql": ("pipeline.cli.sql", "sql_command"),
    "eval": ("pipeline.cli.eval", "eval_command"),
    "query": ("pipeline.cli.query", "query_group"),
    "search": ("pipeline.cli.search", "search_command"),
    "report": ("pipeline.cli.report", "report_command"),
    "export": ("pipeline.cli.export", "export_command"),
    "paper": ("pipeline.cli.paper", "paper_command"),
    "fetch": ("pipeline.cli.fetch", "fetch_group"),
    "enrich": ("pipeline.cli.enrich", "enrich_command"),
    "sample": ("pipeline.cli.sample", "sample_command"),
    "review": ("pipeline.cli.review", "review_group"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


def _show_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from pipeline.sources.pdf.backends import line_queries

    click.echo(f"synthwatch {__version__}\nPDF line queries: {line_queries()}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version, and whether PDF pages are read with the C speed-up, and exit.",
)
def main() -> None:
    """Find where research papers use synthetic or model-generated data.

    Scan papers (PDF, JATS/PMC XML, GROBID TEI, S2ORC JSON, text, Markdown, LaTeX) into a DuckDB
    file, screen one paper, and query the findings. What each stance, category, role and
    concern level means: docs/taxonomy.md in the synthwatch repository.

    \b
    Example:
        synthwatch scan corpora/demo --db synthwatch.duckdb
        synthwatch screen corpora/demo/pdf/chest-xray-stylegan2.pdf
        synthwatch sql "SELECT status, count(*) FROM papers GROUP BY status"
    """
    quiet_libraries()
