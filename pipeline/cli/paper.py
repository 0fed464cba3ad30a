"""``synthwatch paper``: the screening page of one paper, from the database alone."""

from __future__ import annotations

import click

from pipeline.answers.stored import load_paper, resolve_paper
from pipeline.cli.common import (
    db_option,
    explain_option,
    format_option,
    open_db,
    output_option,
    translate_errors,
    write_output,
)
from pipeline.cli.screen import SCREEN_FORMATS, document_for_check, render_result
from pipeline.scan.work import Settings
from pipeline.sources import DEFAULT_EXTRACTOR, DEFAULT_MAX_PAGES, EXTRACTORS


@click.command("paper")
@click.argument("paper_id", metavar="ID")
@db_option
@format_option(*SCREEN_FORMATS, default="text")
@explain_option
@output_option
@translate_errors
def paper_command(paper_id: str, db: str, fmt: str, explain: bool, output: str | None) -> None:
    """Show one scanned paper as `synthwatch screen` does, from the database alone.

    ID is a paper_id, a unique prefix of one (at least 4 characters), or a path: as the scan
    recorded it, or a file whose bytes were scanned. No copy of the paper is needed: the
    verdict, the checklist and the findings are those the scan stored. --format html gives the
    editor's screening page, markdown the same as Markdown, json the `screen` JSON contract.
    The database does not keep the page of the real-data-check sentence: when the scanned file
    is still at its path, unchanged, the page is read from it, else it says "section not known".

    Exit codes: 0 shown (also for a paper the scan could not read: its status says why), 1 no
    such paper or the database cannot be opened, 2 an ambiguous prefix, a --db file that does
    not exist, or another usage error.

    \b
    Example:
        synthwatch paper corpora/demo/pdf/sepsis-synthea.pdf --format html -o screening.html
        synthwatch paper 3f9a2c --db corpus.duckdb
        synthwatch paper 3f9a2c --format json --explain
    """
    con = open_db(db)
    try:
        result = load_paper(con, resolve_paper(con, paper_id))
    finally:
        con.close()
    document = None
    if fmt in ("html", "markdown"):
        # the PDF reader the scan used ("jats", "text" ... name no PDF reader)
        extractor = result.extractor if result.extractor in EXTRACTORS else DEFAULT_EXTRACTOR
        settings = Settings(extractor=extractor, max_pages=DEFAULT_MAX_PAGES)
        document = document_for_check(result.source_path, settings, result, result.paper_id)
    text = render_result(result, fmt, explain, document, output)
    write_output(text, output, "screening report")
