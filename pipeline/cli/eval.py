"""``synthwatch eval``: measure the detector against labelled papers."""

from __future__ import annotations

import os
from pathlib import Path

import click
import duckdb

from pipeline import detect
from pipeline.answers.cross_source import evaluate_cross_source
from pipeline.answers.evaluate import Evaluation, evaluate, read_labels
from pipeline.answers.sentence_eval import (
    GoldSentence,
    read_sentence_labels,
    score_sentences,
)
from pipeline.cli.common import dumps, format_option, stderr_console, translate_errors
from pipeline.cli.eval_text import print_cross_source, print_report, print_sentences
from pipeline.errors import UsageError
from pipeline.scan.discover import Input
from pipeline.scan.run import ScanOptions, scan
from pipeline.sources import DEFAULT_EXTRACTOR, EXTRACTORS
from pipeline.store import Store, connect_readonly
from pipeline.version import __version__


@click.command("eval")
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Paper labels CSV (columns as in labels-dev.csv).",
)
@click.option(
    "--sentences",
    "sentences_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Sentence labels CSV (columns as in sentences-dev.csv).",
)
@click.option(
    "--cross-source",
    is_flag=True,
    help="Also judge each source's papers with the confidence counted without that source "
    "(leave one source out), and print the in-source minus cross-source gap.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    help="Folder the label 'file' paths are relative to [default: each CSV's folder].",
)
@click.option(
    "--db",
    default=None,
    type=click.Path(dir_okay=False),
    help="DuckDB file to scan the labelled papers into and reuse [default: "
    "eval-EXTRACTOR.duckdb]; it must hold no other papers.",
)
@click.option(
    "--calibrate",
    "calibrate_db",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="Also copy the measured rates into this database (your corpus), so that its "
    "prevalence queries are corrected with them; no paper is written there.",
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
    labels_path: str | None,
    sentences_path: str | None,
    cross_source: bool,
    root: str | None,
    db: str | None,
    calibrate_db: str | None,
    extractor: str,
    workers: int,
    force: bool,
    no_calibration: bool,
    fmt: str,
) -> None:
    """Measure the detector against paper labels and sentence labels.

    Scans the labelled files into an evaluation database of their own (papers already
    scanned by this version are reused), then prints, for certainty=clear rows:

    \b
    - papers: precision/recall/F1 of uses_synthetic with TP/FP/FN/TN, per-category
      precision/recall and micro-F1, accuracy of medical, participants_replaced and
      real_data_check, evidence recall, the calibration of high-confidence findings;
    - sentences (--sentences): precision/recall/F1 of "about synthetic data", of each
      stance, the stance confusion matrix, category agreement, a reliability table of
      confidence against observed correctness;
    - every disagreement with the sentence that caused it. Borderline rows are listed,
      never counted.

    With --cross-source the files are read in this process and every figure is given twice:
    in-source, and leaving each labelled source (the tag before "__" in a file name) out of
    the confidence counts; then per source, and the gap between the two.

    The paper rates go to the evaluation database's calibration table (and, with
    --calibrate, to your corpus database) for prevalence corrections.

    \b
    Example:
        synthwatch eval --labels ../shared/corpora/labels-dev.csv \\
            --sentences ../shared/corpora/sentences-dev.csv
        synthwatch eval --labels ../shared/corpora/labels-dev.csv \\
            --sentences ../shared/corpora/sentences-dev.csv --cross-source
        synthwatch eval --labels ../shared/corpora/labels-dev.csv --calibrate corpus.duckdb
    """
    if not labels_path and not sentences_path:
        raise UsageError(
            "give --labels (paper labels), --sentences (sentence labels) or both; "
            "e.g. synthwatch eval --labels ../shared/corpora/labels-dev.csv"
        )
    labels, sha = read_labels(labels_path) if labels_path else ([], "")
    gold = read_sentence_labels(sentences_path) if sentences_path else []
    label_root = Path(root) if root else Path(labels_path or ".").parent
    gold_root = Path(root) if root else Path(sentences_path or ".").parent
    if cross_source:
        if labels_path and sentences_path and label_root.resolve() != gold_root.resolve():
            raise UsageError("--cross-source needs both label files in one folder (or --root)")
        cs = evaluate_cross_source(
            labels, gold, label_root if labels_path else gold_root, extractor=extractor
        )
        if fmt == "json":
            click.echo(dumps({**_versions(extractor), **cs.to_dict()}))
        else:
            print_cross_source(cs, extractor)
        return
    db = db or f"eval-{extractor}.duckdb"
    paths = [label_root / lab.file for lab in labels] + [gold_root / g.file for g in gold]
    wanted = sorted({str(p) for p in paths if p.exists()})
    refuse_foreign_papers(db, wanted)
    err = stderr_console()
    err.print(f"scanning {len(wanted)} labelled file(s) into {db} ...", highlight=False)
    with Store(db) as store:
        scan(
            [Input(p) for p in wanted],
            store,
            ScanOptions(workers=workers, extractor=extractor, force=force),
            arguments={"eval": labels_path or sentences_path, "extractor": extractor},
        )
    con = connect_readonly(db)
    try:
        ev = evaluate(con, labels, label_root, sha) if labels else None
        sev = score_sentences(gold, stored_findings(con, gold, gold_root)) if gold else None
    finally:
        con.close()
    if ev is not None and not no_calibration:
        rows = calibration_rows(ev, extractor)
        with Store(db) as store:
            store.write_calibration(rows)
        if calibrate_db:
            with Store(calibrate_db) as store:
                store.write_calibration(rows)
            err.print(f"rates copied into {calibrate_db}'s calibration table", highlight=False)
    if fmt == "json":
        click.echo(
            dumps(
                {
                    **_versions(extractor),
                    **(ev.to_dict() if ev else {}),
                    **({"sentences": sev.to_dict()} if sev else {}),
                }
            )
        )
    else:
        if ev is not None:
            print_report(ev, extractor)
        if sev is not None:
            print_sentences(sev, "sentences (clear rows)")


def _versions(extractor: str) -> dict[str, str]:
    """What a measurement was taken with, at the head of every JSON report."""
    return {
        "extractor": extractor,
        "version": __version__,
        "patterns_version": detect.patterns_version(),
    }


def refuse_foreign_papers(db: str, wanted: list[str]) -> None:
    """Refuse to scan labelled papers into a database that holds other papers: they would
    change every count of the user's corpus."""
    if not Path(db).exists():
        return
    con = connect_readonly(db)
    try:
        rows = con.execute(
            "SELECT count(DISTINCT paper_id) FROM files "
            "WHERE path NOT IN (SELECT unnest($paths::VARCHAR[]))",
            {"paths": wanted},
        ).fetchall()
    finally:
        con.close()
    others = rows[0][0] if rows else 0
    if others:
        raise UsageError(
            f"{db} holds {others} paper(s) that are not labelled: eval would add the labelled "
            "papers to it and change every count of that corpus. Let eval use its own "
            "database (leave out --db, or give a new file), and copy the measured rates into "
            f"yours with --calibrate {db}"
        )


def stored_findings(
    con: duckdb.DuckDBPyConnection, gold: list[GoldSentence], root: Path
) -> dict[str, list[dict]]:
    """The stored findings of each gold file that was scanned (by its path under root)."""
    paths = {str(root / f): f for f in {g.file for g in gold}}
    rel = con.execute(
        "SELECT fl.path, f.sentence, f.stance, f.category, f.confidence, f.section "
        "FROM files fl JOIN papers p USING (paper_id) "
        "LEFT JOIN findings f USING (paper_id) "
        "WHERE fl.path IN (SELECT unnest($paths::VARCHAR[])) AND p.status = 'ok' "
        "ORDER BY fl.path, f.ordinal",
        {"paths": list(paths)},
    )
    out: dict[str, list[dict]] = {}
    for path, sentence, stance, category, confidence, section in rel.fetchall():
        found = out.setdefault(paths[path], [])
        if sentence is not None:
            found.append(
                {
                    "sentence": sentence,
                    "stance": stance,
                    "category": category,
                    "confidence": confidence,
                    "section": section,
                }
            )
    return out


# the calibration row the prevalence queries look up with exclude=simulation
EXCLUDING_SIMULATION = "any excluding simulation"


def calibration_rows(ev: Evaluation, extractor: str) -> list[dict]:
    rows = []
    questions = [
        ("any", ev.uses_synthetic),
        (EXCLUDING_SIMULATION, ev.excluding_simulation),
        *ev.categories.items(),
    ]
    for name, c in questions:
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


__all__ = ["eval_command"]
