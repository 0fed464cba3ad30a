"""A small database whose every answer is known: papers and findings written through the Store.

``PAPERS`` is plain data; the tests compute what each canned query must return from it with
plain Python, and compare. Covered: several years, fields, venues (one differing only in case),
every concern level, failed / timeout / no_text papers (some with manifest metadata), a
Portuguese paper that is read but not assessed, cited and negated findings that must not count,
and sentences with quotes and a literal ``%``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.detect.model import Finding, Verdict
from pipeline.document import Metadata
from pipeline.results import PaperResult
from pipeline.store import Store

PATTERNS_VERSION = "p1"


@dataclass(frozen=True)
class F:
    """A finding: (section, page, stance, category, roles, generators, confidence, sentence)."""

    section: str
    page: int | None
    stance: str
    category: str
    roles: tuple[str, ...]
    generators: tuple[str, ...]
    confidence: float
    sentence: str


@dataclass(frozen=True)
class P:
    key: str
    year: int | None = None
    field: str | None = None
    venue: str | None = None
    doi: str | None = None
    status: str = "ok"
    error: str | None = None
    language: str = "en"
    uses: bool = False
    categories: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    generators: tuple[str, ...] = ()
    medical: bool = False
    participants_replaced: bool = False
    real_data_check: str | None = None
    in_abstract: bool | None = None
    concern: str = "none"
    reasons: tuple[str, ...] = ()
    findings: tuple[F, ...] = ()

    @property
    def paper_id(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()

    @property
    def path(self) -> str:
        return f"/corpus/{self.key}.pdf"

    @property
    def assessed(self) -> bool:
        return self.status == "ok" and self.language == "en"


HIGH_MEDICAL = "synthetic data trains or replaces data for a medical model; no real-data check"
HIGH_PARTICIPANTS = "simulated people stand in for human participants"

PAPERS: tuple[P, ...] = (
    P(
        "p01",
        2022,
        "medicine",
        "Journal A",
        doi="10.1000/P01",
        uses=True,
        categories=("llm_text",),
        roles=("training",),
        generators=("GPT-4",),
        medical=True,
        real_data_check="not_found",
        in_abstract=True,
        concern="high",
        reasons=(HIGH_MEDICAL,),
        findings=(
            F(
                "abstract",
                1,
                "use",
                "llm_text",
                ("training",),
                ("GPT-4",),
                0.90,
                "We fine-tuned the triage model on clinical notes written by GPT-4.",
            ),
            F(
                "methods",
                3,
                "use",
                "llm_text",
                ("training",),
                ("GPT-4",),
                0.95,
                "We trained on 5,000 discharge summaries generated with GPT-4.",
            ),
            F(
                "introduction",
                1,
                "cited",
                "llm_text",
                ("training",),
                ("GPT-4",),
                0.70,
                "Prior work trained on GPT-4 notes [3].",
            ),
        ),
    ),
    P(
        "p02",
        2022,
        "Medicine",
        "Journal A",
        doi="10.1000/p02",
        uses=True,
        categories=("synthetic_records",),
        roles=("training",),
        generators=("Synthea",),
        medical=True,
        real_data_check="found",
        in_abstract=False,
        concern="medium",
        reasons=("medical use with a real-data check",),
        findings=(
            F(
                "methods",
                4,
                "use",
                "synthetic_records",
                ("training",),
                ("Synthea",),
                0.85,
                "Synthetic patients were generated with Synthea for training.",
            ),
            F(
                "results",
                6,
                "use",
                "synthetic_records",
                ("evaluation",),
                ("Synthea",),
                0.70,
                "The model's 50% synthetic split was scored on held-out real records.",
            ),
        ),
    ),
    P(
        "p03",
        2022,
        "medicine",
        "journal a",
        doi="10.1000/p03",
        findings=(
            F(
                "introduction",
                2,
                "background",
                "synthetic_other",
                (),
                (),
                0.50,
                "Synthetic data can mitigate privacy risks.",
            ),
            F(
                "related_work",
                2,
                "cited",
                "generated_media",
                ("training",),
                ("GAN",),
                0.60,
                "A GAN produced synthetic scans in earlier studies [7].",
            ),
        ),
    ),
    P(
        "p04",
        2023,
        "medicine",
        "Journal B",
        doi="10.1000/p04",
        uses=True,
        categories=("generated_media",),
        roles=("training", "augmentation"),
        generators=("StyleGAN2",),
        medical=True,
        real_data_check="not_found",
        in_abstract=True,
        concern="high",
        reasons=(HIGH_MEDICAL,),
        findings=(
            F(
                "abstract",
                1,
                "use",
                "generated_media",
                ("augmentation",),
                ("StyleGAN2",),
                0.92,
                "We added 20,000 StyleGAN2 chest X-rays to the training set.",
            ),
            F(
                "methods",
                2,
                "use",
                "generated_media",
                ("training",),
                ("StyleGAN2",),
                0.88,
                "The classifier was trained on the synthetic X-rays.",
            ),
        ),
    ),
    P(
        "p05",
        2023,
        "social science",
        "Journal B",
        doi="10.1000/p05",
        uses=True,
        categories=("simulated_participants", "llm_text"),
        roles=("replacement",),
        generators=("GPT-4o",),
        participants_replaced=True,
        real_data_check="not_found",
        in_abstract=False,
        concern="high",
        reasons=(HIGH_PARTICIPANTS,),
        findings=(
            F(
                "methods",
                5,
                "use",
                "llm_text",
                ("replacement",),
                ("GPT-4o",),
                0.97,
                "GPT-4o wrote the answers of 1,000 personas.",
            ),
            F(
                "methods",
                5,
                "use",
                "simulated_participants",
                ("replacement",),
                ("GPT-4o",),
                0.80,
                "The LLM personas answered the questionnaire instead of respondents.",
            ),
        ),
    ),
    P(
        "p06",
        2023,
        "social science",
        "Journal C",
        doi="10.1000/p06",
        findings=(
            F(
                "methods",
                3,
                "negated",
                "synthetic_other",
                (),
                (),
                0.80,
                "No synthetic or simulated data were used.",
            ),
        ),
    ),
    P(
        "p07",
        2024,
        "computer science",
        "Conf D",
        doi="10.1000/p07",
        uses=True,
        categories=("llm_text", "model_labels"),
        roles=("training", "evaluation"),
        generators=("GPT-4", "Llama 3"),
        real_data_check="found",
        in_abstract=True,
        concern="low",
        reasons=("use validated on real data",),
        findings=(
            F(
                "abstract",
                1,
                "use",
                "llm_text",
                ("training",),
                ("GPT-4", "Llama 3"),
                0.90,
                "We distilled instructions from GPT-4 and Llama 3.",
            ),
            F(
                "methods",
                2,
                "use",
                "model_labels",
                ("evaluation",),
                ("GPT-4",),
                0.75,
                "GPT-4 labelled the test set as an annotator.",
            ),
            F(
                "discussion",
                8,
                "future",
                "llm_text",
                (),
                ("Claude",),
                0.40,
                "Future work could use Claude for augmentation.",
            ),
        ),
    ),
    P(
        "p08",
        2024,
        "computer science",
        "Conf D",
        doi="10.1000/p08",
        uses=True,
        categories=("simulation",),
        roles=("method_check",),
        real_data_check="not_found",
        in_abstract=False,
        concern="low",
        reasons=("simulation study",),
        findings=(
            F(
                "results",
                7,
                "use",
                "simulation",
                ("method_check",),
                (),
                0.84,
                "We conducted a simulation study of the estimator's coverage.",
            ),
        ),
    ),
    P("p09", 2024, "computer science", None, doi="10.1000/p09"),
    P(
        "p10",
        None,
        None,
        None,
        uses=True,
        categories=("oversampling",),
        roles=("training",),
        generators=("SMOTE",),
        real_data_check="found",
        in_abstract=True,
        concern="low",
        reasons=("augmentation validated on real data",),
        findings=(
            F(
                "abstract",
                None,
                "use",
                "oversampling",
                ("training",),
                ("SMOTE",),
                0.86,
                'We balanced classes with SMOTE ("synthetic minority" rows).',
            ),
        ),
    ),
    P("p11", 2024, None, "Conf D", doi="10.1000/p11"),
    P("pt1", 2023, "medicine", "Revista E", doi="10.1000/pt1", language="pt"),
    P("f01", 2022, "medicine", "Journal A", status="failed", error="truncated PDF: repair it"),
    P("f02", status="timeout", error="stopped after 120 s"),
    P("f03", 2023, "social science", None, status="no_text", error="image-only PDF: OCR it"),
)

# One row per category and an 'any' row; written in this order, so created_at increases.
CALIBRATIONS: tuple[tuple[str, str, int, int, int, int], ...] = (
    # (patterns_version, category, tp, fn, tn, fp)
    (PATTERNS_VERSION, "any", 30, 3, 160, 4),  # older: must be ignored
    (PATTERNS_VERSION, "any", 28, 4, 170, 2),  # newest for p1: the one used
    (PATTERNS_VERSION, "llm_text", 6, 1, 190, 0),
    (PATTERNS_VERSION, "generated_media", 2, 0, 200, 0),  # too few positives
    ("other-patterns", "any", 10, 10, 10, 10),  # newest of all, another pattern version
)


def finding(ordinal: int, f: F) -> Finding:
    return Finding(
        ordinal=ordinal,
        section=f.section,
        page=f.page,
        char_start=100 * ordinal,
        char_end=100 * ordinal + len(f.sentence),
        sentence=f.sentence,
        stance=f.stance,
        category=f.category,
        roles=f.roles,
        generators=f.generators,
        pattern_ids=("test.pattern",),
        confidence=f.confidence,
    )


def result(p: P) -> PaperResult:
    metadata = Metadata(
        title=f"Paper {p.key}", authors=("A. Author",), doi=p.doi, year=p.year, venue=p.venue
    )
    if p.status != "ok":
        return PaperResult(
            paper_id=p.paper_id,
            source_path=p.path,
            status=p.status,
            error=p.error,
            n_bytes=1000,
            metadata=metadata,
            research_field=p.field,
        )
    if p.language != "en":
        verdict = Verdict(
            language=p.language, assessed=False, reasons=(f"language not supported: {p.language}",)
        )
    else:
        verdict = Verdict(
            language="en",
            assessed=True,
            uses_synthetic=p.uses,
            categories=p.categories,
            roles=p.roles,
            generators=p.generators,
            medical=p.medical,
            participants_replaced=p.participants_replaced,
            real_data_check=p.real_data_check,
            in_abstract=p.in_abstract,
            concern=p.concern,
            reasons=p.reasons,
        )
    return PaperResult(
        paper_id=p.paper_id,
        source_path=p.path,
        status="ok",
        n_bytes=1000,
        format="pdf",
        extractor="pypdfium2",
        metadata=metadata,
        language=p.language,
        n_pages=9,
        n_chars=20000,
        verdict=verdict,
        findings=tuple(finding(i, f) for i, f in enumerate(p.findings)),
        research_field=p.field,
    )


def build(db: Path, *, calibrations=CALIBRATIONS) -> Path:
    """Write PAPERS (and the calibration rows) into a new database at ``db``."""
    with Store(db) as store:
        store.write(
            [result(p) for p in PAPERS],
            run_id="r1",
            version="0.1.0",
            patterns_version=PATTERNS_VERSION,
        )
        store.record_files([(p.path, p.paper_id, 1000) for p in PAPERS], "r1")
        for i, (version, category, tp, fn, tn, fp) in enumerate(calibrations):
            if i:
                time.sleep(0.002)  # created_at orders the rows
            store.write_calibration(
                [
                    {
                        "labels_sha256": f"labels-{i}",
                        "pipeline_version": "0.1.0",
                        "patterns_version": version,
                        "extractor": "pypdfium2",
                        "category": category,
                        "n": tp + fn + tn + fp,
                        "tp": tp,
                        "fp": fp,
                        "fn": fn,
                        "tn": tn,
                        "sensitivity": tp / (tp + fn) if tp + fn else None,
                        "specificity": tn / (tn + fp) if tn + fp else None,
                    }
                ]
            )
    return db


def newest_calibration(category: str) -> tuple[int, int, int, int] | None:
    """(tp, fn, tn, fp) of the row prevalence queries must use: newest for PATTERNS_VERSION."""
    rows = [c for c in CALIBRATIONS if c[0] == PATTERNS_VERSION and c[1] == category]
    return rows[-1][2:] if rows else None
