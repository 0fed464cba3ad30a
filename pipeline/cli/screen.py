"""``synthwatch screen``: one paper, no database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from pipeline import sources
from pipeline.answers.report import render_screening
from pipeline.answers.screening import check_sentence
from pipeline.answers.screening_text import render_text
from pipeline.cli.common import (
    dumps,
    explain_option,
    extractor_option,
    format_option,
    max_pages_option,
    output_option,
    text_width,
    translate_errors,
    write_output,
)
from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.results import PaperResult
from pipeline.scan.work import Settings, screen_file

SCREEN_FORMATS = ("text", "json", "markdown", "html")


@click.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@extractor_option
@max_pages_option
@format_option(*SCREEN_FORMATS, default="text")
@explain_option
@output_option
@translate_errors
def screen_command(
    file: str, extractor: str, max_pages: int, fmt: str, explain: bool, output: str | None
) -> None:
    """Screen one paper: its verdict and the evidence sentences, no database needed.

    --format html gives the editor's screening report: one self-contained page (no scripts,
    no network) with the concern level and its reasons, a checklist with a traffic light and
    the deciding sentences (section, page) for each question, and every finding by stance; it
    prints on A4 with the verdict and the checklist on page 1. --format markdown gives the same
    as Markdown. The JSON form is a stable contract (docs/screen.md). --explain adds the ids of
    the patterns behind each finding. For a paper already scanned into a database, `synthwatch
    paper ID` renders the same page without the file.

    Exit codes: 0 the paper was read, 1 it could not be, 2 FILE does not exist (or another
    usage error).

    \b
    Example:
        synthwatch screen corpora/demo/pdf/chest-xray-stylegan2.pdf
        synthwatch screen corpora/demo/pdf/sepsis-synthea.pdf --format html -o screening.html
        synthwatch screen paper.xml --format json > verdict.json
        synthwatch screen paper.pdf --explain
    """
    settings = Settings(extractor=extractor, max_pages=max_pages)
    result = screen_file(file, settings)
    document = None
    if fmt in ("html", "markdown"):
        document = document_for_check(file, settings, result)
    write_output(render_result(result, fmt, explain, document, output), output, "screening report")
    if result.status != "ok":
        raise SystemExit(1)


def render_result(
    result: PaperResult,
    fmt: str,
    explain: bool,
    document: Document | None = None,
    output: str | None = None,
) -> str:
    """One paper's screening in ``fmt``; text is wrapped to the terminal, or to 100 columns."""
    if fmt == "json":
        return dumps(result.to_dict()) + "\n"
    if fmt in ("html", "markdown"):
        return render_screening(result, fmt, document, explain=explain)
    return render_text(result, width=text_width(output), explain=explain) + "\n"


def document_for_check(
    file: str, settings: Settings, result: PaperResult, sha256: str | None = None
) -> Document | None:
    """The paper's Document, read again, to put the real-data-check sentence on its page.

    Only for a verdict that quotes the sentence without its place: the verdict of a scan
    records the place, the database does not (``synthwatch paper``). With ``sha256``, only a
    file with exactly those bytes is read. None when not needed or not possible: the page then
    says "section not known".
    """
    if result.status != "ok":
        return None
    v = result.verdict_dict()
    sentence = check_sentence(v["reasons"])
    if (
        sentence is None
        or v["real_data_section"]
        or any(sentence in f.sentence for f in result.findings)
    ):
        return None
    try:
        data = Path(file).read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            return None  # another paper at that path now
        return sources.read_bytes(
            data, name=Path(file).name, extractor=settings.extractor, max_pages=settings.max_pages
        )
    except (OSError, ReadError):  # gone, or unreadable now: the page is "not known"
        return None
