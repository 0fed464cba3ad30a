"""What ``synthwatch eval`` prints for people: the paper, sentence and cross-source tables."""

from __future__ import annotations

import click

from pipeline.answers.cross_source import CrossSource
from pipeline.answers.evaluate import HIGH_CONFIDENCE, Counts, Evaluation
from pipeline.answers.sentence_eval import SentenceEvaluation
from pipeline.cli.common import emit_rows
from pipeline.detect.model import CATEGORIES, STANCES


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


def _prf(c: Counts) -> tuple[str, str, str, str]:
    return (
        _pct(c.precision),
        _pct(c.recall),
        _pct(c.f1),
        f"TP {c.tp} FP {c.fp} FN {c.fn}",
    )


def print_sentences(sev: SentenceEvaluation, title: str) -> None:
    rows = [("about synthetic data", *_prf(sev.about))]
    rows += [(f"stance {s}", *_prf(sev.stances[s])) for s in STANCES]
    emit_rows(["measure", "precision", "recall", "F1", "counts"], rows, "table", title=title)
    click.echo(
        f"category agreement (sentences found and about synthetic data): "
        f"{_pct(sev.category.value)} ({sev.category.right}/{sev.category.n})"
    )
    predicted = [*STANCES, "none"]
    emit_rows(
        ["gold \\ predicted", *predicted],
        [(g, *(sev.confusion[g].get(p, 0) for p in predicted)) for g in predicted],
        "table",
        title="stance confusion (none: not reported, or not about synthetic data)",
    )
    emit_rows(
        ["confidence from", "findings", "right", "share right"],
        [
            (f"{lo:.1f}", n, r, _pct(r / n if n else None))
            for lo, (r, n) in sorted(sev.reliability.items(), reverse=True)
        ],
        "table",
        title="reliability: reported findings by confidence (right: about and stance right)",
    )
    if sev.disagreements:
        click.echo(f"\nsentence disagreements ({len(sev.disagreements)}):")
        for d in sev.disagreements:
            click.echo(
                f"- {d['file']} [{d['section']}]: gold {d['gold_stance']}"
                f"{'/' + d['gold_category'] if d['gold_category'] else ''}, predicted "
                f"{d['predicted_stance']}"
                f"{'/' + d['predicted_category'] if d['predicted_category'] else ''}"
            )
            click.echo(f"    {d['sentence']}")
    if sev.not_scanned:
        click.echo(f"labelled sentence files not read: {', '.join(sev.not_scanned[:10])}")


def print_cross_source(cs: CrossSource, extractor: str) -> None:
    inside, cross = cs.papers["in_source"], cs.papers["cross_source"]
    sin, scr = cs.sentences["in_source"], cs.sentences["cross_source"]

    def row(name: str, a: float | None, b: float | None) -> tuple[str, str, str]:
        return (name, _pct(a), _pct(b))

    emit_rows(
        ["measure", "in-source", "cross-source"],
        [
            row(
                "papers: uses_synthetic precision",
                inside.uses_synthetic.precision,
                cross.uses_synthetic.precision,
            ),
            row(
                "papers: uses_synthetic recall",
                inside.uses_synthetic.recall,
                cross.uses_synthetic.recall,
            ),
            row("papers: uses_synthetic F1", inside.uses_synthetic.f1, cross.uses_synthetic.f1),
            row("papers: categories micro-F1", inside.categories.f1, cross.categories.f1),
            row(
                "papers: real_data_check accuracy",
                inside.real_data_check.value,
                cross.real_data_check.value,
            ),
            row("papers: medical accuracy", inside.medical.value, cross.medical.value),
            row("sentences: about F1", sin.about.f1, scr.about.f1),
            row("sentences: stance use precision", sin.use.precision, scr.use.precision),
            row("sentences: stance use recall", sin.use.recall, scr.use.recall),
            row("sentences: stance use F1", sin.use.f1, scr.use.f1),
            row("sentences: category agreement", sin.category.value, scr.category.value),
            row("findings with confidence >= 0.8 right", _high(sin), _high(scr)),
        ],
        "table",
        title=f"synthwatch eval --cross-source ({extractor}), clear rows: "
        f"{inside.uses_synthetic.n} papers, {scr.n_clear} sentences, {len(cs.sources)} sources",
    )
    click.echo(f"in-source minus cross-source F1 (papers): {_pct(cs.gap())}")
    emit_rows(
        ["source", "papers", "paper F1 (cross)", "sentences", "about F1", "use F1", "category"],
        [
            (
                r["source"],
                r["n_papers"],
                _pct(r["paper_cross_source"]["f1"]),
                r.get("n_sentences", 0),
                _pct(r["sentence_about"]["f1"]) if "sentence_about" in r else "",
                _pct(r["sentence_use"]["f1"]) if "sentence_use" in r else "",
                _pct(r["category_agreement"]["accuracy"]) if "category_agreement" in r else "",
            )
            for r in cs.per_source.values()
        ],
        "table",
        title="per held-out source (cross-source; n/a: no positive there)",
    )
    for wrong in cross.wrong:
        click.echo(
            f"- paper {wrong['file']}: label {wrong['label']}, predicted {wrong['predicted']}"
        )
        click.echo(f"    {wrong['sentence']}")
    print_sentences(scr, "sentences, cross-source")
    for u in cs.unreadable:
        click.echo(f"not read: {u['file']}: {u['reason']}")


def _high(sev: SentenceEvaluation) -> float | None:
    hits = [(r, n) for lo, (r, n) in sev.reliability.items() if lo >= HIGH_CONFIDENCE]
    n = sum(n for _, n in hits)
    return sum(r for r, _ in hits) / n if n else None
