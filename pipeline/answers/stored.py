"""One paper's result read back from the database: the screening page without the file.

``synthwatch paper ID`` shows what ``synthwatch screen FILE`` shows, from the rows a scan stored:
a journalist with only the database, or an editor whose submission was scanned with the rest,
needs no copy of the paper. ID is a paper_id (the SHA-256 of the file's bytes), a unique prefix
of one, or a path: as the scan recorded it, or a file on disk whose bytes were scanned under
another name. Every value is bound as a parameter, never put into the SQL.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import duckdb

from pipeline.detect.model import Finding, Verdict
from pipeline.document import Metadata
from pipeline.errors import QueryError, UsageError
from pipeline.results import PaperResult

# A prefix shorter than this matches too many papers to be meant as an id.
MIN_PREFIX = 4
MAX_LISTED = 5
FINDHINT = (
    'list ids with `synthwatch sql "SELECT paper_id, title, source_path FROM papers"`, '
    "or screen the file itself with `synthwatch screen FILE`"
)
PAPER_SQL = "SELECT * FROM papers WHERE paper_id = ?"
FINDING_FIELDS = (
    "ordinal",
    "section",
    "page",
    "char_start",
    "char_end",
    "sentence",
    "stance",
    "category",
    "roles",
    "generators",
    "pattern_ids",
    "confidence",
)
LIST_FIELDS = ("roles", "generators", "pattern_ids")
FINDINGS_SQL = (
    f"SELECT {', '.join(FINDING_FIELDS)} FROM findings WHERE paper_id = ? ORDER BY ordinal"
)


class PaperNotFound(QueryError):
    """No paper in the database has this id, prefix or path."""


def _file_sha256(path: str) -> str | None:
    """The paper_id a scan would give this file, or None when it is not a readable file."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _paths(key: str) -> list[str]:
    """The spellings under which a scan may have recorded the path ``key``."""
    spellings = [key, os.path.normpath(key), os.path.abspath(key), os.path.realpath(key)]
    return list(dict.fromkeys(spellings))


def _ids(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[str]:
    return [row[0] for row in con.execute(sql, params).fetchall()]


def resolve_paper(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The paper_id that ``key`` names: an id, a unique id prefix, a recorded path, a file."""
    key = key.strip()
    if not key:
        raise UsageError(f"give a paper id, an id prefix or a path; {FINDHINT}")
    if _ids(con, "SELECT paper_id FROM papers WHERE paper_id = ?", [key]):
        return key
    paths = _paths(key)
    by_path = _ids(
        con,
        "SELECT DISTINCT paper_id FROM (SELECT paper_id, source_path AS path FROM papers "
        "UNION ALL SELECT paper_id, path FROM files) WHERE list_contains(?, path) "
        "AND paper_id IN (SELECT paper_id FROM papers) ORDER BY paper_id",
        [paths],
    )
    if len(by_path) == 1:
        return by_path[0]
    digest = _file_sha256(key) if Path(key).is_file() else None
    if digest and _ids(con, "SELECT paper_id FROM papers WHERE paper_id = ?", [digest]):
        return digest
    by_prefix: list[str] = []
    if len(key) >= MIN_PREFIX:
        by_prefix = _ids(
            con,
            "SELECT paper_id FROM papers WHERE starts_with(paper_id, lower(?)) ORDER BY paper_id",
            [key],
        )
    matches = by_path or by_prefix
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(m[:12] for m in matches[:MAX_LISTED])
        more = f" and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
        raise UsageError(
            f"{key!r} matches {len(matches)} papers ({listed}{more}): give more of the id"
        )
    raise PaperNotFound(f"no paper with id, id prefix or path {key!r} in the database; {FINDHINT}")


def _finding(row: tuple[Any, ...]) -> Finding:
    values = dict(zip(FINDING_FIELDS, row, strict=True))
    for name in LIST_FIELDS:
        values[name] = tuple(values[name])
    return Finding(**values)


def _verdict(p: dict[str, Any]) -> Verdict | None:
    """The verdict the scan stored; None for a paper that could not be read."""
    if p["status"] != "ok":
        return None
    reasons = tuple(p["reasons"] or ())
    if not p["assessed"]:
        return Verdict(language=p["language"] or "unknown", assessed=False, reasons=reasons)
    return Verdict(
        language=p["language"] or "unknown",
        assessed=True,
        uses_synthetic=p["uses_synthetic"],
        categories=tuple(p["categories"] or ()),
        roles=tuple(p["roles"] or ()),
        generators=tuple(p["generators"] or ()),
        medical=p["medical"],
        participants_replaced=p["participants_replaced"],
        real_data_check=p["real_data_check"],
        in_abstract=p["in_abstract"],
        concern=p["concern"],
        reasons=reasons,
    )


def load_paper(con: duckdb.DuckDBPyConnection, paper_id: str) -> PaperResult:
    """The stored PaperResult of ``paper_id``: what the scan wrote, findings in text order."""
    rel = con.execute(PAPER_SQL, [paper_id])
    columns = [d[0] for d in rel.description]
    rows = rel.fetchall()
    if not rows:
        raise PaperNotFound(f"no paper with id {paper_id!r} in the database; {FINDHINT}")
    p = dict(zip(columns, rows[0], strict=True))
    findings = tuple(_finding(r) for r in con.execute(FINDINGS_SQL, [paper_id]).fetchall())
    return PaperResult(
        paper_id=p["paper_id"],
        source_path=p["source_path"],
        status=p["status"],
        n_bytes=p["n_bytes"],
        error=p["error"],
        format=p["format"],
        extractor=p["extractor"],
        metadata=Metadata(
            title=p["title"],
            authors=tuple(p["authors"] or ()),
            doi=p["doi"],
            year=p["year"],
            venue=p["venue"],
        ),
        language=p["language"],
        n_pages=p["n_pages"],
        n_chars=p["n_chars"],
        notes=tuple(p["notes"] or ()),
        verdict=_verdict(p),
        findings=findings if p["status"] == "ok" else (),
        seconds=p["seconds"],
        research_field=p["field"],
    )
