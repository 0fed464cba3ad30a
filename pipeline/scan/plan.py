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
from pipeline.scan.discover import Input, hash_file
from pipeline.scan.work import Task, placeholder_id
from pipeline.store import Store
from pipeline.store.writer import FileRow

WINDOW = 512  # inputs planned at once: one database query each
STORE, REPLACE, DROP = "store", "replace", "drop"  # what to do with a worker's result


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


@dataclass
class Counts:
    """Files found so far, and those settled without a worker."""

    files: int = 0
    skipped: int = 0
    duplicates: int = 0


@dataclass
class Planner:
    """Turns a stream of inputs into a stream of tasks, a window at a time.

    Results known without a worker (unreadable, too large) wait in ``early`` and the rows of
    files settled here (skipped, duplicates) in ``file_rows``, for the caller to store between
    results. ``hash_here`` hashes every file in the driver (the Dask engine's simpler path).
    """

    inputs: Iterable[Input]
    store: Store
    versions: Versions
    max_bytes: int
    counts: Counts
    hash_here: bool = False
    on_window: Callable[[int], None] | None = None  # tasks of the window just planned
    early: list[PaperResult] = field(default_factory=list)
    file_rows: list[FileRow] = field(default_factory=list)
    planned: dict[str, Planned] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # paper_id -> seq of its first file
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

    def settle(self, result: PaperResult) -> str:
        """What to do with a worker's result: ``store`` it, ``replace`` the copy of it stored
        in this scan (this copy was found first), or ``drop`` it (a later copy of a paper
        stored in this scan, or an unchanged paper under a new path; counted). Records its
        file either way."""
        planned = self.planned.pop(result.source_path)
        row = (result.source_path, result.paper_id, planned.size, planned.mtime_ns)
        if result.status == "failed" and result.error and result.error.startswith("cannot read"):
            row = (result.source_path, result.paper_id, None, None)
        self.file_rows.append(row)
        first = self.first.get(result.paper_id)
        if first == planned.seq:  # hashed here, and found new when planned
            return STORE
        if first is not None:
            self.counts.duplicates += 1
            if planned.seq > first or first < 0:
                return DROP
            # a copy found earlier than the one stored: its path is the paper's, as it would
            # be had the two been read in order
            self.first[result.paper_id] = planned.seq
            return REPLACE
        self.first[result.paper_id] = planned.seq
        if (
            self.versions.force
            or planned.overrides
            or result.paper_id not in self.current([result.paper_id])
        ):
            return STORE
        self.counts.skipped += 1
        self.first[result.paper_id] = -1  # stored by an earlier scan: no copy replaces it
        return DROP

    def _plan(self, window: list[Input]) -> list[Task]:
        found: list[tuple[Input, int, str, os.stat_result]] = []
        for item in window:
            seq, self._seq = self._seq, self._seq + 1
            self.counts.files += 1
            try:
                stat = os.stat(item.path)
            except OSError as exc:
                self._unreadable(item, exc)
                continue
            if stat.st_size > self.max_bytes:
                self._too_large(item, stat.st_size)
                continue
            found.append((item, seq, item.key(), stat))
        known = {} if self.versions.force else self.store.file_states([f[2] for f in found])
        ids: dict[int, str | None] = {}
        for item, seq, resolved, stat in found:
            state = known.get(resolved)
            same_size = state is not None and state.n_bytes == stat.st_size
            if same_size and state.mtime_ns == stat.st_mtime_ns:
                ids[seq] = state.paper_id
            elif same_size or self.hash_here:
                try:
                    ids[seq] = hash_file(item.path, self.max_bytes)[0]
                except OSError as exc:
                    self._unreadable(item, exc)
                    ids[seq] = None
        current: set[str] = set()
        if ids and not self.versions.force:
            current = self.current(pid for pid in ids.values() if pid)
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
                self.first[paper_id] = seq
                if paper_id in current and not item.overrides:
                    self.counts.skipped += 1
                    self.first[paper_id] = -1
                    self.file_rows.append(row)
                    continue
            self.planned[item.path] = Planned(seq, stat.st_size, stat.st_mtime_ns, item.overrides)
            tasks.append(Task(item.path, paper_id, stat.st_size))
        return tasks

    def _unreadable(self, item: Input, exc: OSError) -> None:
        paper_id = placeholder_id(item.path, "unreadable")
        self.early.append(
            PaperResult(
                paper_id=paper_id,
                source_path=item.path,
                status="failed",
                error=f"cannot read file: {exc.strerror or exc}",
            ).with_overrides(item.overrides)
        )
        self.file_rows.append((item.path, paper_id, None, None))

    def _too_large(self, item: Input, size: int) -> None:
        paper_id = placeholder_id(item.path, f"too-large:{size}")
        self.early.append(
            PaperResult(
                paper_id=paper_id,
                source_path=item.path,
                status="skipped",
                n_bytes=size,
                error=f"file is {size / 2**20:.0f} MB, over "
                f"the --max-mb limit of {self.max_bytes // 2**20} MB",
            ).with_overrides(item.overrides)
        )
        self.file_rows.append((item.path, paper_id, size, None))
