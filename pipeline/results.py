"""PaperResult: one input file's outcome (ok or not), as the scan hands it to the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.detect.model import Finding, Verdict
from pipeline.document import Document, Metadata

STATUSES = ("ok", "failed", "no_text", "timeout", "skipped")


@dataclass(frozen=True)
class PaperResult:
    """Everything the store keeps about one paper; ``findings`` is empty unless status is ok."""

    paper_id: str
    source_path: str
    status: str
    n_bytes: int | None = None
    error: str | None = None
    format: str | None = None
    extractor: str | None = None
    metadata: Metadata = field(default_factory=Metadata)
    language: str | None = None
    n_pages: int | None = None
    n_chars: int | None = None
    notes: tuple[str, ...] = ()
    verdict: Verdict | None = None
    findings: tuple[Finding, ...] = ()
    seconds: float | None = None
    research_field: str | None = None  # from a manifest's ``field`` column
    detail: str | None = None  # a traceback for --verbose; never stored

    @classmethod
    def from_document(
        cls,
        *,
        paper_id: str,
        source_path: str,
        n_bytes: int,
        document: Document,
        findings: list[Finding],
        verdict: Verdict,
        seconds: float | None = None,
    ) -> PaperResult:
        return cls(
            paper_id=paper_id,
            source_path=source_path,
            status="ok",
            n_bytes=n_bytes,
            format=document.format,
            extractor=document.extractor,
            metadata=document.metadata,
            language=verdict.language,
            n_pages=document.n_pages,
            n_chars=len(document.text),
            notes=document.notes,
            verdict=verdict,
            findings=tuple(findings),
            seconds=seconds,
        )

    def with_overrides(self, overrides: dict[str, Any]) -> PaperResult:
        """Metadata from a manifest (doi, title, year, venue, field) replaces what was extracted."""
        known = {
            k: v
            for k, v in overrides.items()
            if k in ("doi", "title", "year", "venue", "field") and v not in (None, "")
        }
        if not known:
            return self
        md = self.metadata
        return PaperResult(
            **{
                **self.__dict__,
                "research_field": known.get("field", self.research_field),
                "metadata": Metadata(
                    title=known.get("title", md.title),
                    authors=md.authors,
                    doi=known.get("doi", md.doi),
                    year=known.get("year", md.year),
                    venue=known.get("venue", md.venue),
                ),
            }
        )

    def verdict_dict(self) -> dict[str, Any]:
        """The verdict fields (all None when the paper has no verdict)."""
        if self.verdict is None:
            return {
                "assessed": False,
                "uses_synthetic": None,
                "categories": [],
                "roles": [],
                "generators": [],
                "medical": None,
                "participants_replaced": None,
                "real_data_check": None,
                "in_abstract": None,
                "concern": None,
                "reasons": [],
                "real_data_sentence": None,
                "real_data_section": None,
                "real_data_page": None,
            }
        d = self.verdict.to_dict()
        d.pop("language")
        return d

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract of ``synthwatch screen --format json`` (docs/screen.md)."""
        md = self.metadata
        return {
            "file": self.source_path,
            "paper_id": self.paper_id,
            "status": self.status,
            "error": self.error,
            "format": self.format,
            "extractor": self.extractor,
            "language": self.language,
            "title": md.title,
            "authors": list(md.authors),
            "doi": md.doi,
            "year": md.year,
            "venue": md.venue,
            "n_pages": self.n_pages,
            "notes": list(self.notes),
            "verdict": self.verdict_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }
