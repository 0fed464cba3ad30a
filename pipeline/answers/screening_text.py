"""The screening of one paper as plain text for a terminal (``synthwatch screen``, ``paper``).

Every long line (a title, a reason, a sentence) is wrapped between words at ``width`` with a
hanging indent, so that a terminal never cuts a word in two. `use` sentences below the
confidence threshold are marked, and the verdict says why they are listed but not counted.
Pattern ids are for people who debug a verdict: shown only with ``explain``.
"""

from __future__ import annotations

import textwrap

from pipeline.answers.screening import below_threshold_note
from pipeline.detect.model import STANCES, Finding
from pipeline.detect.verdict import MIN_USE_CONFIDENCE
from pipeline.results import PaperResult

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
LABEL_WIDTH = 30
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


def _value(v: object) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v)) or "none"
    return str(v)


def _wrap(text: str, width: int, first: str, rest: str | None = None) -> list[str]:
    """``text`` after the prefix ``first``, wrapped between words; later lines indented to
    ``rest`` (default: as deep as ``first``). A word longer than a line stays whole."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=max(width, MIN_WIDTH),
        initial_indent=first,
        subsequent_indent=rest if rest is not None else " " * len(first),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _counted(f: Finding) -> bool:
    return f.stance != "use" or f.confidence >= MIN_USE_CONFIDENCE


def render_text(result: PaperResult, width: int = DEFAULT_WIDTH, explain: bool = False) -> str:
    """The verdict, its reasons and every finding by stance, for people on a terminal."""
    md = result.metadata
    out = [*_wrap(result.source_path, width, "file:   "), f"status: {result.status}"]
    if result.error:
        out += _wrap(result.error, width, "error:  ")
        return "\n".join(out)
    out += [
        *_wrap(md.title or "unknown", width, "title:  "),
        f"doi:    {md.doi or 'unknown'}",
        f"year:   {md.year or 'unknown'}",
        f"format: {result.format} ({result.extractor}), language {result.language}",
        "",
    ]
    v = result.verdict_dict()
    if not v["assessed"]:
        out += _wrap("; ".join(v["reasons"]), width, "verdict: not assessed: ", "  ")
        return "\n".join(out)
    out.append("verdict")
    out += [
        line
        for key, label in VERDICT_LABELS
        for line in _wrap(_value(v[key]), width, f"  {label:<{LABEL_WIDTH}} ")
    ]
    for r in v["reasons"]:
        out += _wrap(r, width, "  reason: ")
    set_aside = [f for f in result.findings if not _counted(f)]
    if set_aside:
        out += _wrap(below_threshold_note(len(set_aside)), width, "  note:   ")
    for stance in STANCES:
        fs = [f for f in result.findings if f.stance == stance]
        if not fs:
            continue
        below = sum(not _counted(f) for f in fs)
        heading = f"{stance} ({len(fs)})"
        if below:
            heading += f": {below} below {MIN_USE_CONFIDENCE}, not counted"
        out.append(f"\n{heading}")
        for f in fs:
            where = f.section + (f", p. {f.page}" if f.page else "")
            head = f"[{where}] {f.category} {'/'.join(f.roles)} conf {f.confidence:.2f}"
            head += "" if _counted(f) else " (below threshold, not counted)"
            out += _wrap(head, width, "  ", "    ")
            out += _wrap(f.sentence, width, "    ")
            if explain:
                out += _wrap(" ".join(f.pattern_ids), width, "    patterns: ", "      ")
    return "\n".join(out)
