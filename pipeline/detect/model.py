"""Finding and Verdict: what the detector produces (TAXONOMY.md defines every field)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STANCES = ("use", "cited", "background", "negated", "future")
CATEGORIES = (
    "llm_text",
    "model_labels",
    "generated_media",
    "synthetic_records",
    "simulated_participants",
    "oversampling",
    "simulation",
    "synthetic_other",
)
ROLES = (
    "training",
    "evaluation",
    "augmentation",
    "replacement",
    "analysis",
    "release",
    "method_check",
)
CONCERNS = ("high", "medium", "low", "none")


@dataclass(frozen=True)
class Finding:
    """One sentence in which a paper says something about synthetic or model-generated data."""

    ordinal: int
    section: str
    page: int | None
    char_start: int
    char_end: int
    sentence: str
    stance: str
    category: str
    roles: tuple[str, ...]
    generators: tuple[str, ...]
    pattern_ids: tuple[str, ...]
    confidence: float

    @property
    def generator(self) -> str | None:
        """The first generator the sentence names, or None."""
        return self.generators[0] if self.generators else None

    def to_dict(self) -> dict[str, Any]:
        d = _shallow(self)
        d["roles"] = list(self.roles)
        d["generators"] = list(self.generators)
        d["pattern_ids"] = list(self.pattern_ids)
        d["generator"] = self.generator
        return d


@dataclass(frozen=True)
class Verdict:
    """The paper-level roll-up. Fields are None when the paper was not assessed (language)."""

    language: str
    assessed: bool
    uses_synthetic: bool | None = None
    categories: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    generators: tuple[str, ...] = ()
    medical: bool | None = None
    participants_replaced: bool | None = None
    real_data_check: str | None = None
    in_abstract: bool | None = None
    concern: str | None = None
    reasons: tuple[str, ...] = field(default=())
    # where the real-data check was found, for evidence (None when not found)
    real_data_sentence: str | None = None
    real_data_section: str | None = None
    real_data_page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = _shallow(self)
        for key in ("categories", "roles", "generators", "reasons"):
            d[key] = list(d[key])
        return d


def _shallow(obj: Finding | Verdict) -> dict[str, Any]:
    """The fields as a dict. Every value is immutable (str, int, float, None, tuples of str),
    so nothing needs the deep copy of ``dataclasses.asdict``, a third of the scan driver's own
    time on the papers' results."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
