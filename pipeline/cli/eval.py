"""``synthwatch eval``: measure the detector against labelled papers."""

from __future__ import annotations

import os
from pathlib import Path

import click

from pipeline import __version__, detect
from pipeline.answers.evaluate import HIGH_CONFIDENCE, Counts, Evaluation, evaluate, read_labels
from pipeline.cli.common import dumps, emit_rows, format_option, stderr_console, translate_errors
from pipeline.detect.model import CATEGORIES
from pipeline.scan import Input, ScanOptions, scan
from pipeline.sources import DEFAULT_EXTRACTOR, EXTRACTORS
from pipeline.store import Store, connect_readonly


@click.command("eval")
@click.option(
    "--labels",
    "labels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Labels CSV (columns as in labels-dev.csv).",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    help="Folder the label 'file' paths are relative to [default: the CSV's folder].",
)
@click.option(
    "--db",
    default=None,
    type=click.Path(dir_okay=False),
    help="DuckDB file to scan into and reuse [default: eval-EXTRACTOR.duckdb].",
)
@click.option(
    "--extractor",
    type=click.Choice(EXTRACTORS),
    default=DEFAULT_EXTRACTOR,
    show_default=True,
    help="PDF text extractor to evaluate.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes for the scan.",
)
@click.option("--force", is_flag=True, help="Rescan the labelled files even if unchanged.")
@click.option(
    "--no-calibration",
    is_flag=True,
    help="Do not write the measured rates to the calibration table.",
)
@format_option("text", "json", default="text")
@translate_errors
def eval_command(
    labels_path: str,
    root: str | None,
    db: str | None,
    extractor: str,
    workers: int,
    force: bool,
    no_calibration: bool,
    fmt: str,
) -> None:
    """Measure the detector against paper-level labels.

    Scans the labelled files (papers already scanned by this version are reused), then prints
    for certainty=clear rows: precision/recall/F1 of uses_synthetic with TP/FP/FN/TN,
    per-category precision/recall and micro-F1, accuracy of medical, participants_replaced and
    real_data_check, evidence recall, the calibration of high-confidence findings, and every
    disagreement with the sentence that caused it. Borderline rows are listed, never counted.
    The rates are written to the database's calibration table for prevalence corrections.

    \b
    Example:
        synthwatch eval --labels ../shared/corpora/labels-dev.csv
        synthwatch eval --labels ../shared/corpora/labels-dev.csv --extractor pdfminer --format json
    """
    labels, sha = read_labels(labels_path)
    base = Path(root) if root else Path(labels_path).parent
    db = db or f"eval-{extractor}.duckdb"
    inputs = [Input(str(base / lab.file)) for lab in labels if (base / lab.file).exists()]
    err = stderr_console()
    err.print(f"scanning {len(inputs)} labelled file(s) into {db} ...", highlight=False)
    with Store(db) as store:
        scan(
            inputs,
            store,
            ScanOptions(workers=workers, extractor=extractor, force=force),
            arguments={"eval": labels_path, "extractor": extractor},
        )
    con = connect_readonly(db)
    try:
        ev = evaluate(con, labels, base, sha)
    finally:
        con.close()
    if not no_calibration:
        with Store(db) as store:
            store.write_calibration(calibration_rows(ev, extractor))
    if fmt == "json":
        click.echo(
            dumps(
                {
                    "extractor": extractor,
                    "version": __version__,
                    "patterns_version": detect.patterns_version(),
                    **ev.to_dict(),
                }
            )
        )
    else:
        print_report(ev, extractor)


def calibration_rows(ev: Evaluation, extractor: str) -> list[dict]:
    rows = []
    for name, c in [("any", ev.uses_synthetic), *ev.categories.items()]:
        rows.append(
            {
                "labels_sha256": ev.labels_sha256,
                "pipeline_version": __version__,
                "patterns_version": detect.patterns_version(),
                "extractor": extractor,
                "category": name,
                "n": c.n,
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
                "tn": c.tn,
                "sensitivity": c.recall,
                "specificity": c.specificity,
            }
        )
    return rows


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def print_report(ev: Evaluation, extractor: str) -> None:
    u = ev.uses_synthetic
    micro = ev.category_micro
    emit_rows(
        ["measure", "value", "counts"],
        [
            ("uses_synthetic precision", _pct(u.precision), f"TP {u.tp} FP {u.fp}"),
            ("uses_synthetic recall", _pct(u.recall), f"TP {u.tp} FN {u.fn}"),
            ("uses_synthetic F1", _pct(u.f1), f"TN {u.tn}, n {u.n}"),
            ("categories micro-F1", _pct(micro.f1), f"TP {micro.tp} FP {micro.fp} FN {micro.fn}"),
            ("medical accuracy", _pct(ev.medical.value), f"{ev.medical.right}/{ev.medical.n}"),
            (
                "participants_replaced accuracy",
                _pct(ev.participants_replaced.value),
                f"{ev.participants_replaced.right}/{ev.participants_replaced.n}",
            ),
            (
                "real_data_check accuracy",
                _pct(ev.real_data_check.value),
                f"{ev.real_data_check.right}/{ev.real_data_check.n} (true positives)",
            ),
            ("evidence recall", _pct(ev.evidence.value), f"{ev.evidence.right}/{ev.evidence.n}"),
            (
                f"use findings with confidence >= {HIGH_CONFIDENCE} correct",
                _pct(ev.calibration.value),
                f"{ev.calibration.right}/{ev.calibration.n}",
            ),
        ],
        "table",
        title=f"synthwatch eval ({extractor}), clear rows",
    )
    emit_rows(
        ["category", "precision", "recall", "TP", "FP", "FN"],
        [
            (
                c,
                _pct(ev.categories[c].precision),
                _pct(ev.categories[c].recall),
                ev.categories[c].tp,
                ev.categories[c].fp,
                ev.categories[c].fn,
            )
            for c in CATEGORIES
        ],
        "table",
        title="per category",
    )
    emit_rows(
        ["confidence", "use findings", "correct", "share correct"],
        [(k, v.n, v.right, _pct(v.value)) for k, v in ev.calibration_bins.items()],
        "table",
        title="calibration of use findings",
    )
    if ev.disagreements:
        click.echo(f"\ndisagreements ({len(ev.disagreements)}):")
        for d in ev.disagreements:
            label = ";".join(d["label_categories"]) or "none"
            predicted = ";".join(d["predicted_categories"]) or "none"
            click.echo(f"- {d['file']}: {d['kind']}; label {label}, predicted {predicted}")
            click.echo(f"    {d['sentence']}")
    if ev.not_assessed:
        emit_rows(
            ["file", "status", "language", "reason"],
            [(d["file"], d["status"], d["language"], d["reason"]) for d in ev.not_assessed],
            "table",
            title="labelled papers not assessed (counted as negative)",
        )
    if ev.borderline:
        agree = sum(d["label"] == d["predicted"] for d in ev.borderline)
        click.echo(
            f"borderline rows (not counted): {len(ev.borderline)}, detector agrees on {agree}"
        )
    if ev.not_scanned:
        click.echo(
            f"labelled files missing under the root: {len(ev.not_scanned)}: "
            + ", ".join(ev.not_scanned[:10])
        )


__all__ = ["Counts", "eval_command"]
