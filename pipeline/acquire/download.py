"""Records -> checked files in DIR: download to a temporary name, check, rename, journal."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET

from pipeline.acquire.arxiv import unpack_source
from pipeline.acquire.http import Client, Download
from pipeline.acquire.manifest import Journal, Record
from pipeline.errors import FetchError, MalformedInput, NetworkUnreachable, ReadError
from pipeline.sources.sniff import sniff

DEFAULT_MAX_MB = 200
# Full-text hosts that cannot be reached are failures of their records; this many in a row
# means the network itself is down, and the run stops.
MAX_UNREACHABLE_IN_A_ROW = 3
# What a record's outcome is called in progress lines and the summary.
FETCHED, ALREADY, FAILED = "fetched", "already", "failed"
_WHAT = {"pdf": "a PDF", "jats": "JATS XML", "latex": "LaTeX", "html": "an HTML page"}


@dataclass
class FetchSummary:
    listed: int = 0
    fetched: int = 0
    already: int = 0
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "listed": self.listed,
            "fetched": self.fetched,
            "already_fetched": self.already,
            "failed": self.failed,
            "failure_reasons": dict(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def check_download(tmp: Path, record: Record) -> str:
    """The sha256 of a checked download; raises ReadError when it is not what was expected.

    An arXiv e-print is unpacked to its main .tex file first (written back to ``tmp``).
    """
    data = tmp.read_bytes()
    if "latex" in record.expected:
        unpacked = unpack_source(data)
        if unpacked != data:
            tmp.write_bytes(unpacked)
            data = unpacked
    fmt = sniff(data, record.path)
    if fmt not in record.expected:
        got = _WHAT.get(fmt, fmt)
        hint = " (a landing or login page?)" if fmt == "html" else ""
        want = " or ".join(_WHAT.get(f, f) for f in record.expected)
        raise MalformedInput(f"wrong format: expected {want}, got {got}{hint}")
    if fmt == "pdf" and b"%%EOF" not in data[-2048:]:
        raise MalformedInput("PDF without its end marker (%%EOF): truncated or damaged download")
    if fmt == "jats":
        try:
            SafeET.fromstring(data)
        except Exception as exc:  # ParseError, or defusedxml refusing entities
            raise MalformedInput(f"malformed XML: {exc}") from None
    return hashlib.sha256(data).hexdigest()


def fetch_all(
    records: Iterable[Record],
    journal: Journal,
    client: Client,
    *,
    limit: int | None = None,
    max_mb: int = DEFAULT_MAX_MB,
    on_record: Callable[[Record, str, str | None], None] | None = None,
) -> FetchSummary:
    """Fetch each record's full text once; a failure is journalled with its reason.

    ``limit`` counts records listed, fetched before or now, so that a rerun with the same
    limit covers the same records. A host that cannot be reached fails its record; when
    MAX_UNREACHABLE_IN_A_ROW records in a row cannot reach theirs, NetworkUnreachable stops
    the run (the network is down: nothing else would pass).
    """
    summary = FetchSummary()
    seen: set[str] = set()
    unreachable = 0  # records in a row whose host could not be reached

    def report(record: Record, outcome: str, reason: str | None = None) -> None:
        if on_record is not None:
            on_record(record, outcome, reason)

    for record in records:
        if record.path in seen:
            continue
        if limit is not None and summary.listed >= limit:
            break
        seen.add(record.path)
        summary.listed += 1
        if journal.done(record.path):
            summary.already += 1
            report(record, ALREADY)
            continue
        reason = record.unavailable or None
        sha = ""
        tmp = journal.partial_path(record.path)
        if reason is None:
            try:
                result = client.get(record.source_url, dest=tmp, max_bytes=max_mb << 20)
                assert isinstance(result, Download)
                sha = check_download(tmp, record)
            except NetworkUnreachable as exc:
                tmp.unlink(missing_ok=True)
                unreachable += 1
                if unreachable >= MAX_UNREACHABLE_IN_A_ROW:
                    raise
                reason = exc.reason
            except FetchError as exc:
                reason = exc.reason
            except ReadError as exc:
                reason = exc.reason
        if reason is None or not reason.startswith("cannot reach"):
            unreachable = 0
        if reason is not None:
            tmp.unlink(missing_ok=True)
            journal.fail(record, reason)
            summary.failed += 1
            summary.reasons[_reason_kind(reason)] += 1
            report(record, FAILED, reason)
            continue
        journal.finish(record, tmp, sha)
        summary.fetched += 1
        report(record, FETCHED)
    return summary


def _reason_kind(reason: str) -> str:
    """A reason without its details, to count alike failures together."""
    return reason.split(" (")[0].split(":")[0]
