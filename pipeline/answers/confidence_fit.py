"""Count, per kind of finding and per labelled source, how many findings were right.

The counts are what ``pipeline.detect.confidence`` turns into a finding's confidence; they are
counted from the findings of labelled papers matched to a sentence gold file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline import detect, sources
from pipeline.answers.sentence_eval import GoldSentence, match_finding, read_sentence_labels
from pipeline.detect.confidence import Calibration, count_kinds
from pipeline.detect.model import Finding
from pipeline.document import Document
from pipeline.sources import DEFAULT_EXTRACTOR

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "detect" / "patterns" / "confidence.json"


def labelled_findings(
    gold: Iterable[GoldSentence], findings_by_file: Mapping[str, Sequence[Finding]]
) -> list[tuple[Finding, str, bool]]:
    """(finding, source, right) for every clear gold sentence a finding matches.

    A finding is right when the sentence is about synthetic data and the stances agree.
    """
    rows = []
    for g in gold:
        if g.certainty != "clear" or g.file not in findings_by_file:
            continue
        by_dict = {id(f): f for f in findings_by_file[g.file]}
        matched = match_finding(
            g.sentence, [{"sentence": f.sentence, "_id": id(f)} for f in by_dict.values()]
        )
        if matched is not None:
            f = by_dict[matched["_id"]]
            rows.append((f, g.source, g.about and g.stance == f.stance))
    return rows


def fit(
    gold: Iterable[GoldSentence], findings_by_file: Mapping[str, Sequence[Finding]]
) -> Calibration:
    """A Calibration counted from the labelled sentences."""
    return Calibration(count_kinds(labelled_findings(gold, findings_by_file)))


def read_labelled(
    gold: Sequence[GoldSentence], root: Path, extractor: str = DEFAULT_EXTRACTOR
) -> dict[str, tuple[Document, list[Finding]]]:
    """Read and detect every file the gold sentences come from (files missing are skipped)."""
    out = {}
    for file in sorted({g.file for g in gold}):
        path = root / file
        if not path.is_file():
            continue
        document = sources.read_bytes(path.read_bytes(), name=path.name, extractor=extractor)
        out[file] = (document, detect.find(document))
    return out


def dumps_counts(data: dict[str, object]) -> str:
    """JSON with one kind a line, so that a retraining shows as a readable diff."""
    counts = data["counts"]
    assert isinstance(counts, dict)
    head = {k: v for k, v in data.items() if k != "counts"}
    lines = [f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in counts.items()]
    body = json.dumps(head, indent=1, sort_keys=True)[:-2]
    return body + ',\n "counts": {\n' + ",\n".join(lines) + "\n }\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Count the calibration from a sentence gold file and write ``confidence.json``."""
    parser = argparse.ArgumentParser(
        description="Count finding confidences from labelled sentences (writes confidence.json)."
    )
    parser.add_argument("--sentences", required=True, help="sentences-dev.csv")
    parser.add_argument("--root", help="folder of the labelled files [the CSV's folder]")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="file to write")
    args = parser.parse_args(argv)
    gold = read_sentence_labels(args.sentences)
    root = Path(args.root) if args.root else Path(args.sentences).parent
    read = read_labelled(gold, root)
    calibration = fit(gold, {f: fs for f, (_, fs) in read.items()})
    data = {
        "about": "counts of right and labelled findings per kind and per labelled source; "
        "written by python -m pipeline.answers.confidence_fit",
        "sentences_sha256": hashlib.sha256(Path(args.sentences).read_bytes()).hexdigest(),
        **calibration.to_json(),
    }
    Path(args.out).write_text(dumps_counts(data), encoding="utf-8")
    n = calibration.total("use").n + sum(
        calibration.total(s).n for s in ("cited", "background", "negated", "future")
    )
    print(f"{args.out}: {len(calibration.counts)} kinds from {int(n)} labelled findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
