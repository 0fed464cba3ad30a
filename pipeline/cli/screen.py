"""``synthwatch screen``: one paper, no database."""

from __future__ import annotations

import click

from pipeline.cli.common import dumps, format_option, translate_errors
from pipeline.detect.model import STANCES
from pipeline.results import PaperResult
from pipeline.sources import DEFAULT_EXTRACTOR, DEFAULT_MAX_PAGES, EXTRACTORS
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
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--extractor",
    type=click.Choice(EXTRACTORS),
    default=DEFAULT_EXTRACTOR,
    show_default=True,
    help="PDF text extractor.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_PAGES,
    show_default=True,
    help="Read at most this many pages of a PDF.",
)
@format_option("text", "json", "markdown", default="text")
@translate_errors
def screen_command(file: str, extractor: str, max_pages: int, fmt: str) -> None:
    """Screen one paper: its verdict and the evidence sentences, no database needed.

    The JSON form is a stable contract (docs/screen.md): file, paper_id, status, error, title,
    doi, year, verdict (every TAXONOMY.md verdict field plus reasons) and findings.
    Exit code 0 when the paper was read, 1 when it could not be.

    \b
    Example:
        synthwatch screen corpora/demo/pdf/chest-xray-stylegan2.pdf
        synthwatch screen paper.xml --format json > verdict.json
    """
    result = screen_file(file, Settings(extractor=extractor, max_pages=max_pages))
    if fmt == "json":
        click.echo(dumps(result.to_dict()))
    elif fmt == "markdown":
        click.echo(render_markdown(result))
    else:
        click.echo(render_text(result))
    if result.status != "ok":
        raise SystemExit(1)


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


def render_markdown(result: PaperResult) -> str:
    md = result.metadata
    out = [
        f"# Screening: {md.title or result.source_path}",
        "",
        f"- file: `{result.source_path}`",
        f"- status: **{result.status}**",
    ]
    if result.error:
        out.append(f"- error: {result.error}")
        return "\n".join(out) + "\n"
    out += [f"- DOI: {md.doi or 'unknown'}", f"- year: {md.year or 'unknown'}", ""]
    v = result.verdict_dict()
    if not v["assessed"]:
        out.append("Not assessed: " + "; ".join(v["reasons"]))
        return "\n".join(out) + "\n"
    out += ["## Verdict", "", "| question | answer |", "|---|---|"]
    out += [f"| {label} | {_value(v[key])} |" for key, label in VERDICT_LABELS]
    out += ["", "Reasons:", ""] + [f"- {r}" for r in v["reasons"]]
    for stance, fs in _grouped(result):
        if fs:
            out += ["", f"## {stance} ({len(fs)})", ""]
            out += [
                f"- *{f.section}{', p. ' + str(f.page) if f.page else ''}*, {f.category}: "
                f"{f.sentence}"
                for f in fs
            ]
    return "\n".join(out) + "\n"
