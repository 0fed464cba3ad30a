"""``synthwatch screen``: one paper, no database."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import sources
from pipeline.answers.report import render_screening
from pipeline.answers.screening import check_sentence
from pipeline.cli.common import (
    dumps,
    extractor_option,
    format_option,
    max_pages_option,
    stderr_console,
    translate_errors,
)
from pipeline.detect.model import STANCES
from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.results import PaperResult
from pipeline.work import Settings, screen_file

VERDICT_LABELS = (
    ("uses_synthetic", "synthetic data used"),
    ("categories", "kind"),
    ("roles", "role"),
    ("generators", "generator named"),
    ("real_data_check", "validated on real data"),
    ("medical", "medical context"),
    ("participants_replaced", "human participants replaced"),
    ("in_abstract", "disclosed in abstract"),
    ("concern", "concern"),
)


@click.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@extractor_option
@max_pages_option
@format_option("text", "json", "markdown", "html", default="text")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file instead of stdout.",
)
@translate_errors
def screen_command(file: str, extractor: str, max_pages: int, fmt: str, output: str | None) -> None:
    """Screen one paper: its verdict and the evidence sentences, no database needed.

    --format html gives the editor's screening report: one self-contained page (no scripts,
    no network) with the concern level and its reasons, a checklist with a traffic light and
    the deciding sentences (section, page) for each question, and every finding by stance.
    --format markdown gives the same as Markdown. The JSON form is a stable contract
    (docs/screen.md). Exit code 0 when the paper was read, 1 when it could not be, 2 when FILE
    does not exist.

    \b
    Example:
        synthwatch screen corpora/demo/pdf/chest-xray-stylegan2.pdf
        synthwatch screen corpora/demo/pdf/sepsis-synthea.pdf --format html -o screening.html
        synthwatch screen paper.xml --format json > verdict.json
    """
    settings = Settings(extractor=extractor, max_pages=max_pages)
    result = screen_file(file, settings)
    if fmt == "json":
        text = dumps(result.to_dict()) + "\n"
    elif fmt in ("html", "markdown"):
        text = render_screening(result, fmt, _document_for_check(file, settings, result))
    else:
        text = render_text(result) + "\n"
    if output:
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        stderr_console().print(
            f"screening report written to {output}", highlight=False, soft_wrap=True
        )
    else:
        click.echo(text, nl=False)
    if result.status != "ok":
        raise SystemExit(1)


def _document_for_check(file: str, settings: Settings, result: PaperResult) -> Document | None:
    """The paper's Document, read again, to put the real-data-check sentence on its page.

    Only for a verdict that quotes the sentence without its place (the verdict records the place
    since 0.1.0, so this is a fallback); None when not needed.
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
        return sources.read_bytes(
            Path(file).read_bytes(),
            name=Path(file).name,
            extractor=settings.extractor,
            max_pages=settings.max_pages,
        )
    except (OSError, ReadError):  # read fine a moment ago; without it the page is "not known"
        return None


def _value(v: object) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v)) or "none"
    return str(v)


def _grouped(result: PaperResult) -> list[tuple[str, list]]:
    return [(s, [f for f in result.findings if f.stance == s]) for s in STANCES]


def render_text(result: PaperResult) -> str:
    md = result.metadata
    out = [f"file:   {result.source_path}", f"status: {result.status}"]
    if result.error:
        out.append(f"error:  {result.error}")
        return "\n".join(out)
    out += [
        f"title:  {md.title or 'unknown'}",
        f"doi:    {md.doi or 'unknown'}",
        f"year:   {md.year or 'unknown'}",
        f"format: {result.format} ({result.extractor}), language {result.language}",
        "",
    ]
    v = result.verdict_dict()
    if not v["assessed"]:
        out.append("verdict: not assessed: " + "; ".join(v["reasons"]))
        return "\n".join(out)
    out.append("verdict")
    out += [f"  {label:<30} {_value(v[key])}" for key, label in VERDICT_LABELS]
    out += [f"  reason: {r}" for r in v["reasons"]]
    for stance, fs in _grouped(result):
        if not fs:
            continue
        out.append(f"\n{stance} ({len(fs)})")
        for f in fs:
            where = f.section + (f", p. {f.page}" if f.page else "")
            out.append(f"  [{where}] {f.category} {'/'.join(f.roles)} conf {f.confidence:.2f}")
            out.append(f"    {f.sentence}")
    return "\n".join(out)
