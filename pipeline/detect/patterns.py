"""Load and validate the pattern data files in ``detect/patterns/``.

Each ``*.jsonl`` file holds one record a line::

    {"id": "records.synthea", "label": "synthetic_records", "phrases": ["synthea"]}
    {"id": "stance.we", "label": "actor", "pattern": [{"LOWER": {"IN": ["we", "our"]}}]}

``phrases`` are matched case-insensitively token by token (spaCy PhraseMatcher on LOWER);
``pattern`` is a spaCy Matcher token pattern and then needs an ``anchor`` regex (lower-case text)
so the cheap pre-filter can find candidate sentences without spaCy. Optional fields: ``roles``
(default roles a cue implies), ``weight`` (in [0, 1]: how sure a cue alone makes us), ``note``.
``generators.toml`` lists named generators with their aliases and category.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pipeline.detect.model import CATEGORIES, ROLES
from pipeline.errors import PatternError

# Which labels each file may use; the file name (without .jsonl) is the record's kind.
ALLOWED_LABELS: dict[str, tuple[str, ...]] = {
    "cues": CATEGORIES,
    "traps": ("trap",),
    "roles": ROLES,
    "stance": (
        "negation",
        "future",
        "hedge",
        "actor",
        "action",
        "report",
        "passive_action",
        "third_party",
        "reviewed_work",
        "background",
    ),
    "context": (
        "medical",
        "real_check",
        "produce",
        "annotate",
        "respond",
        "answering",
        "human_subject",
        "generative_model",
        "participants",
        "distribution",
    ),
}
# The calibration of finding confidences (pipeline.detect.confidence): not patterns, but it
# changes what a scan stores, so it is part of the patterns' version
CONFIDENCE_FILE = "confidence.json"
_RECORD_KEYS = {
    "id",
    "label",
    "phrases",
    "pattern",
    "anchor",
    "roles",
    "weight",
    "note",
    "requires",
}
# ``requires``: what else a sentence must hold for a cue to count. "act": a verb of making or
# using (a named model, "a GAN", is data only where something is made or used with it).
REQUIREMENTS = ("act",)
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Pattern:
    """One validated pattern record."""

    id: str
    kind: str
    label: str
    phrases: tuple[str, ...]
    pattern: tuple[dict[str, Any], ...] | None
    anchor: str | None
    roles: tuple[str, ...]
    weight: float
    requires: str | None = None


@dataclass(frozen=True)
class Generator:
    """A named generator: normalised ``name``, its ``category`` and surface ``aliases``."""

    name: str
    category: str
    aliases: tuple[str, ...]
    kind: str  # "llm", "image", "tabular", "oversampler", "simulator", ...
    generic: bool = False  # a family name ("GAN") that a specific name makes redundant


@dataclass(frozen=True)
class PatternSet:
    patterns: tuple[Pattern, ...]
    generators: tuple[Generator, ...]
    version: str

    def by_id(self) -> dict[str, Pattern]:
        return {p.id: p for p in self.patterns}


def _validate(kind: str, lineno: int, raw: dict[str, Any], where: str) -> Pattern:
    def fail(msg: str) -> PatternError:
        return PatternError(f"{where}:{lineno}: {msg}")

    unknown = set(raw) - _RECORD_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; allowed: {sorted(_RECORD_KEYS)}")
    pid = raw.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        raise fail(f"'id' must look like 'group.name' (lower case), got {pid!r}")
    label = raw.get("label")
    if label not in ALLOWED_LABELS[kind]:
        raise fail(f"{pid}: label {label!r} is not one of {ALLOWED_LABELS[kind]}")
    phrases = raw.get("phrases", [])
    pattern = raw.get("pattern")
    if bool(phrases) == bool(pattern):
        raise fail(f"{pid}: give exactly one of 'phrases' (a list) or 'pattern'")
    if phrases and not (
        isinstance(phrases, list) and all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        raise fail(f"{pid}: 'phrases' must be a list of non-empty strings")
    anchor = raw.get("anchor")
    if pattern is not None:
        if not (
            isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)
        ):
            raise fail(f"{pid}: 'pattern' must be a non-empty list of token objects")
        if kind in ("cues", "traps") and not anchor:
            raise fail(f"{pid}: a token 'pattern' in {kind} needs an 'anchor' regex")
    if anchor is not None:
        try:
            re.compile(anchor)
        except re.error as exc:
            raise fail(f"{pid}: bad 'anchor' regex: {exc}") from None
    roles = raw.get("roles", [])
    bad_roles = [r for r in roles if r not in ROLES]
    if bad_roles:
        raise fail(f"{pid}: unknown roles {bad_roles}; allowed: {ROLES}")
    weight = raw.get("weight", 1.0)
    if not isinstance(weight, int | float) or not 0 <= weight <= 1:
        raise fail(f"{pid}: 'weight' must be a number in [0, 1]")
    requires = raw.get("requires")
    if requires is not None and requires not in REQUIREMENTS:
        raise fail(f"{pid}: 'requires' must be one of {REQUIREMENTS}")
    return Pattern(
        id=pid,
        kind=kind,
        label=label,
        phrases=tuple(p.strip() for p in phrases),
        pattern=tuple(pattern) if pattern else None,
        anchor=anchor,
        roles=tuple(roles),
        weight=float(weight),
        requires=requires,
    )


def _load_generators(text: str, where: str) -> tuple[Generator, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PatternError(f"{where}: {exc}") from None
    out = []
    for i, g in enumerate(data.get("generator", [])):
        name, cat, aliases = g.get("name"), g.get("category"), g.get("aliases", [])
        if not name or cat not in CATEGORIES or not aliases:
            raise PatternError(
                f"{where}: generator #{i + 1} ({name!r}) needs name, a category from "
                f"{CATEGORIES} and a non-empty aliases list"
            )
        out.append(
            Generator(name, cat, tuple(aliases), g.get("kind", "other"), bool(g.get("generic")))
        )
    return tuple(out)


def load_from_texts(files: dict[str, str]) -> PatternSet:
    """Build a PatternSet from ``{file name: content}``; raise PatternError naming file:line."""
    patterns: list[Pattern] = []
    seen: set[str] = set()
    generators: tuple[Generator, ...] = ()
    digest = hashlib.sha256()
    for name in sorted(files):
        text = files[name]
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        if name == "generators.toml":
            generators = _load_generators(text, name)
            continue
        if name == CONFIDENCE_FILE:
            continue  # counted in the version; read by pipeline.detect.confidence
        kind = name.removesuffix(".jsonl")
        if kind not in ALLOWED_LABELS:
            raise PatternError(f"{name}: unknown pattern file; expected {sorted(ALLOWED_LABELS)}")
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                raw = json.loads(line)
            except ValueError as exc:
                raise PatternError(f"{name}:{lineno}: not valid JSON: {exc}") from None
            p = _validate(kind, lineno, raw, name)
            if p.id in seen:
                raise PatternError(f"{name}:{lineno}: duplicate id {p.id!r}")
            seen.add(p.id)
            patterns.append(p)
    return PatternSet(tuple(patterns), generators, digest.hexdigest()[:12])


@cache
def load_patterns() -> PatternSet:
    """The pattern set shipped with the package (cached per process)."""
    folder = resources.files("pipeline.detect") / "patterns"
    files = {
        f.name: f.read_text(encoding="utf-8")
        for f in folder.iterdir()
        if f.name.endswith((".jsonl", ".toml")) or f.name == CONFIDENCE_FILE
    }
    return load_from_texts(files)
