"""Streamed planning: files as they are found -> skipped, known, or a task for a worker.

The driver never holds the corpus: it reads the inputs a window at a time, asks the database
what it knows of the window's files (one query), and hands the tasks on while the next window
waits unread. A file whose size and modification time are those recorded when its paper was
stored is skipped without being read; a new or changed file is hashed by the worker that reads
it (its ``paper_id`` comes back with its result). The driver hashes only a known file whose
size is unchanged but whose time is not (touched, copied over, or recorded before schema 4):
probably the same bytes, which are cheaper to hash than to scan again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from pipeline.results import PaperResult
from pipeline.scan.archives import SEP, member_path
from pipeline.scan.discover import Input, hash_file, is_archive
from pipeline.scan.work import Task, placeholder_id
from pipeline.store import Store
from pipeline.store.writer import FileRow

WINDOW = 512  # inputs planned at once: one database query each
# What to do with a worker's result: store it; replace the copy stored in this scan; drop it;
# store it unless the paper is stored already (asked once a batch: ``pipeline.scan.batch``).
STORE, REPLACE, DROP, CHECK = "store", "replace", "drop", "check"
EARLIER = (-1, 0)  # the place of a paper stored by an earlier scan
MEMBER_SPAN = 1 << 20  # places encoded as seq * MEMBER_SPAN + member (archives hold fewer)


@dataclass(frozen=True)
class Versions:
    """What a stored paper must have been read with to be skipped."""

    pipeline: str
    patterns: str
    extractor: str
    force: bool = False


@dataclass
class Planned:
    """A file handed to a worker, remembered until its result is back."""

    seq: int  # its place in discovery order: of two copies, the first one's path is stored
    size: int
    mtime_ns: int
    overrides: dict[str, Any]
    archive: bool = False


@dataclass
class Counts:
    """Files found so far, and those settled without a worker."""

    files: int = 0
    skipped: int = 0
    duplicates: int = 0


class Places:
    """paper_id -> the place (seq, member) of the first file that holds it, for every paper of
    a scan: the one thing a scan remembers per file, so kept small (16 bytes of the id and an
    int, about 120 bytes a paper with the dictionary's own share)."""

    def __init__(self) -> None:
        self._places: dict[bytes, int] = {}

    @staticmethod
    def _key(paper_id: str) -> bytes:
        return bytes.fromhex(paper_id[:32])

    def get(self, paper_id: str) -> tuple[int, int] | None:
        value = self._places.get(self._key(paper_id))
        if value is None:
            return None
        return EARLIER if value < 0 else divmod(value, MEMBER_SPAN)

    def __contains__(self, paper_id: str) -> bool:
        return self._key(paper_id) in self._places

    def __setitem__(self, paper_id: str, place: tuple[int, int]) -> None:
        self._places[self._key(paper_id)] = (
            -1 if place == EARLIER else place[0] * MEMBER_SPAN + place[1]
        )

    def setdefault(self, paper_id: str, place: tuple[int, int]) -> None:
        if paper_id not in self:
            self[paper_id] = place


@dataclass
class Planner:
    """Turns a stream of inputs into a stream of tasks, a window at a time.

    Results known without a worker (unreadable, too large) wait in ``early`` and the rows of
    files settled here (skipped, duplicates) in ``file_rows``, for the caller to store between
    results. Both engines, local and Dask, plan with it.
    """

    inputs: Iterable[Input]
    store: Store
    versions: Versions
    max_bytes: int
    counts: Counts
    on_window: Callable[[int], None] | None = None  # tasks of the window just planned
    early: list[PaperResult] = field(default_factory=list)
    file_rows: list[FileRow] = field(default_factory=list)
    planned: dict[str, Planned] = field(default_factory=dict)
    # paper_id -> (seq, member) of the first file that holds it; EARLIER: stored by a past scan
    first: Places = field(default_factory=lambda: Places())
    _seq: int = 0

    def tasks(self) -> Iterator[Task]:
        stream = iter(self.inputs)
        while window := list(islice(stream, WINDOW)):
            tasks = self._plan(window)
            if self.on_window is not None:
                self.on_window(len(tasks))
            # biggest files first within a window: no worker is left with a long paper at the
            # end of a window while the others wait for the next
            yield from sorted(tasks, key=lambda t: (-t.n_bytes, t.path))

    def current(self, paper_ids: Iterable[str]) -> set[str]:
        """The papers stored with this pipeline, patterns and (for PDFs) extractor."""
        v = self.versions
        return {
            pid
            for pid, (version, patterns, fmt, extractor) in self.store.known(paper_ids).items()
            if (version, patterns) == (v.pipeline, v.patterns)
            and (fmt != "pdf" or extractor == v.extractor)
        }

    def settle(self, planned: Planned, result: PaperResult, member: int = 0) -> str:
        """What to do with a worker's result: ``store`` it, ``replace`` the copy of it stored
        in this scan (this copy was found first), ``drop`` it (a later copy of a paper stored
        in this scan; counted), or ``check`` whether its paper is stored already (a file new
        to the database may hold a paper it has). ``member`` is its place among an archive's
        results. Records its file either way."""
        is_member = planned.archive and SEP in result.source_path
        size = result.n_bytes if is_member else planned.size
        row = (result.source_path, result.paper_id, size, planned.mtime_ns)
        unread = result.status == "failed" and (result.error or "").startswith("cannot read")
        if unread or (planned.archive and not is_member):  # read again by the next scan
            row = (result.source_path, result.paper_id, None, None)
        self.file_rows.append(row)
        if is_member and member:
            self.counts.files += 1  # an archive was counted as one file when found
        place = (planned.seq, member)
        first = self.first.get(result.paper_id)
        if first == place:  # hashed here, and found new when planned
            return STORE
        if first is not None:
            self.counts.duplicates += 1
            if place > first or first == EARLIER:
                return DROP
            # a copy found earlier than the one stored: its path is the paper's, as it would
            # be had the two been read in order
            self.first[result.paper_id] = place
            return REPLACE
        self.first[result.paper_id] = place
        return STORE if self.versions.force or planned.overrides else CHECK

    def _plan(self, window: list[Input]) -> list[Task]:
        found: list[tuple[Input, int, str, os.stat_result]] = []
        packed: list[tuple[Input, int, str, os.stat_result]] = []  # archives
        for item in window:
            seq, self._seq = self._seq, self._seq + 1
            self.counts.files += 1
            try:
                stat = os.stat(item.path)
            except OSError as exc:
                self._unreadable(item, exc)
                continue
            if is_archive(item.path):
                packed.append((item, seq, item.key(), stat))
                continue
            if stat.st_size > self.max_bytes:
                self._too_large(item, stat.st_size)
                continue
            found.append((item, seq, item.key(), stat))
        force = self.versions.force
        known = {} if force else self.store.file_states([f[2] for f in found])
        ids: dict[int, str | None] = {}
        for item, seq, resolved, stat in found:
            state = known.get(resolved)
            same_size = state is not None and state.n_bytes == stat.st_size
            if same_size and state.mtime_ns == stat.st_mtime_ns:
                ids[seq] = state.paper_id
            elif same_size:
                try:
                    ids[seq] = hash_file(item.path, self.max_bytes)[0]
                except OSError as exc:
                    self._unreadable(item, exc)
                    ids[seq] = None
        members = {} if force or not packed else self.store.archive_members([a[2] for a in packed])
        current: set[str] = set()
        if (ids or members) and not force:
            in_archives = (row[1] for rows in members.values() for row in rows)
            current = self.current([*(pid for pid in ids.values() if pid), *in_archives])
        tasks = []
        for item, seq, _, stat in found:
            if seq in ids and ids[seq] is None:  # unreadable: recorded already
                continue
            paper_id = ids.get(seq)
            row = (item.path, paper_id, stat.st_size, stat.st_mtime_ns)
            if paper_id is not None and paper_id in self.first:
                self.counts.duplicates += 1
                self.file_rows.append(row)
                continue
            if paper_id is not None:
                self.first[paper_id] = (seq, 0)
                if paper_id in current and not item.overrides:
                    self.counts.skipped += 1
                    self.first[paper_id] = EARLIER
                    self.file_rows.append(row)
                    continue
            self.planned[item.path] = Planned(seq, stat.st_size, stat.st_mtime_ns, item.overrides)
            tasks.append(Task(item.path, paper_id, stat.st_size))
        for item, seq, resolved, stat in packed:
            rows = members.get(resolved, [])
            if (
                rows
                and not item.overrides
                and all(m == stat.st_mtime_ns and pid in current for _, pid, _, m in rows)
            ):
                # unchanged since its members were stored: none is read again
                self.counts.files += len(rows) - 1
                self.counts.skipped += len(rows)
                for name, pid, size, mtime in rows:
                    self.first.setdefault(pid, EARLIER)
                    self.file_rows.append((member_path(item.path, name), pid, size, mtime))
                continue
            self.planned[item.path] = Planned(
                seq, stat.st_size, stat.st_mtime_ns, item.overrides, archive=True
            )
            tasks.append(Task(item.path, None, stat.st_size))
        return tasks

    def _unreadable(self, item: Input, exc: OSError) -> None:
        self._early(item, "failed", f"cannot read file: {exc.strerror or exc}", None)

    def _too_large(self, item: Input, size: int) -> None:
        reason = (
            f"file is {size / 2**20:.0f} MB, over the --max-mb limit of "
            f"{self.max_bytes // 2**20} MB"
        )
        self._early(item, "skipped", reason, size, why=f"too-large:{size}")

    def _early(
        self, item: Input, status: str, reason: str, size: int | None, why: str = "unreadable"
    ) -> None:
        """A result known without a worker, and its file's row."""
        paper_id = placeholder_id(item.path, why)
        self.early.append(
            PaperResult(
                paper_id=paper_id, source_path=item.path, status=status, n_bytes=size, error=reason
            ).with_overrides(item.overrides)
        )
        self.file_rows.append((item.path, paper_id, size, None))
