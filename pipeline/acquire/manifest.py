"""The fetch journal: ``DIR/manifest.csv`` (files finished) and ``DIR/failed.csv`` (why not).

A file enters the manifest only after it was written under a temporary name, checked and
renamed: a row in the manifest always names a whole, checked file. An interrupted run
(Ctrl-C, kill -9) therefore resumes from the manifest: finished files are not fetched again,
a temporary file left behind is deleted, a torn last line is dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import UsageError

MANIFEST_NAME = "manifest.csv"
FAILED_NAME = "failed.csv"
PARTIAL_SUFFIX = ".part"
MANIFEST_COLUMNS = (
    "path",
    "doi",
    "pmcid",
    "arxiv_id",
    "title",
    "year",
    "venue",
    "field",
    "licence",
    "source_url",
    "retrieved_at",
    "sha256",
)
FAILED_COLUMNS = ("path", "source_url", "reason", "failed_at")


@dataclass(frozen=True)
class Record:
    """One paper a service listed: where its full text is and what the service says of it.

    ``path`` is the file name the full text gets inside DIR, derived from the paper's id, so
    that a rerun finds the same record under the same name.
    """

    path: str
    source_url: str
    expected: tuple[str, ...]  # formats (pipeline.sources.sniff) the full text may have
    doi: str = ""
    pmcid: str = ""
    arxiv_id: str = ""
    title: str = ""
    year: str = ""
    venue: str = ""
    field: str = ""
    licence: str = ""
    unavailable: str = ""  # why there is no full text to fetch (none listed), else empty


@dataclass(frozen=True)
class Entry:
    """A manifest row."""

    path: str
    doi: str = ""
    pmcid: str = ""
    arxiv_id: str = ""
    title: str = ""
    year: str = ""
    venue: str = ""
    field: str = ""
    licence: str = ""
    source_url: str = ""
    retrieved_at: str = ""
    sha256: str = ""

    @classmethod
    def of(cls, record: Record, sha256: str, retrieved_at: str) -> Entry:
        names = {f.name for f in fields(cls)}
        # one line per value: a service's title may hold newlines and runs of spaces
        known = {k: " ".join(str(v).split()) for k, v in asdict(record).items() if k in names}
        return cls(**known, retrieved_at=retrieved_at, sha256=sha256)


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a journal file, without a last line torn by a kill mid-write."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]  # the torn line was never a finished record
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames and "path" not in reader.fieldnames:
        raise UsageError(f"{path} is not a synthwatch fetch journal (no 'path' column)")
    return [{c: row.get(c) or "" for c in columns} for row in reader if row.get("path")]


def _line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}{PARTIAL_SUFFIX}")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Journal:
    """Open DIR's journal, repair what an interrupted run left, and append as files finish."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.manifest_path = self.folder / MANIFEST_NAME
        self.failed_path = self.folder / FAILED_NAME
        self.removed_partials = self._remove_partials()
        self.entries: dict[str, Entry] = {}
        self.dropped: list[str] = []  # manifest rows whose file was gone or changed
        for row in _rows(self.manifest_path, MANIFEST_COLUMNS):
            entry = Entry(**row)
            if self._intact(entry):
                self.entries[entry.path] = entry  # a repeated path: the last row wins
            else:
                self.dropped.append(entry.path)
        self.failures: dict[str, dict[str, str]] = {
            row["path"]: row for row in _rows(self.failed_path, FAILED_COLUMNS)
        }
        # Rewrite both files clean: one row per path, no torn line, no row without its file.
        body = "".join(
            _line([getattr(e, c) for c in MANIFEST_COLUMNS]) for e in self.entries.values()
        )
        _write_atomically(self.manifest_path, _line(list(MANIFEST_COLUMNS)) + body)
        self._rewrite_failures()

    def _remove_partials(self) -> int:
        n = 0
        for tmp in self.folder.glob(f".*{PARTIAL_SUFFIX}"):
            tmp.unlink(missing_ok=True)
            n += 1
        return n

    def _intact(self, entry: Entry) -> bool:
        target = self.folder / entry.path
        if not target.is_file():
            return False
        if not entry.sha256:
            return True
        digest = hashlib.sha256()
        with open(target, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest() == entry.sha256

    def _rewrite_failures(self) -> None:
        body = "".join(_line([row[c] for c in FAILED_COLUMNS]) for row in self.failures.values())
        _write_atomically(self.failed_path, _line(list(FAILED_COLUMNS)) + body)

    def done(self, path: str) -> bool:
        return path in self.entries

    def partial_path(self, path: str) -> Path:
        """Where a download is written before it is checked: hidden, so scan never reads it."""
        return self.folder / f".{path}{PARTIAL_SUFFIX}"

    def finish(self, record: Record, tmp: Path, sha256: str) -> Entry:
        """Move a checked download into place, then journal it (fsynced)."""
        os.replace(tmp, self.folder / record.path)
        entry = Entry.of(record, sha256, now_utc())
        self._append(self.manifest_path, [getattr(entry, c) for c in MANIFEST_COLUMNS])
        self.entries[record.path] = entry
        if self.failures.pop(record.path, None) is not None:
            self._rewrite_failures()
        return entry

    def fail(self, record: Record, reason: str) -> None:
        row = {
            "path": record.path,
            "source_url": record.source_url,
            "reason": reason,
            "failed_at": now_utc(),
        }
        self.failures[record.path] = row
        self._append(self.failed_path, [row[c] for c in FAILED_COLUMNS])

    def _append(self, path: Path, values: list[str]) -> None:
        with open(path, "a", encoding="utf-8", newline="") as fh:
            fh.write(_line(values))
            fh.flush()
            os.fsync(fh.fileno())

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())
