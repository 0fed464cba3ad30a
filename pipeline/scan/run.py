"""discover -> hash -> skip known -> run the engine -> write in batches."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import detect
from pipeline.results import PaperResult
from pipeline.scan import dask_engine
from pipeline.scan.discover import (
    Input,
    _placeholder_id,
    hash_file,
    resolve,
    unique_inputs,
)
from pipeline.scan.pool import Limits, WorkerPool
from pipeline.scan.work import Settings, Task
from pipeline.store import Store
from pipeline.version import __version__

BATCH_SIZE = 32
BATCH_SECONDS = 5.0
DEFAULT_MAX_MB = 200
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class ScanOptions:
    workers: int = os.cpu_count() or 1
    extractor: str = "pypdfium2"
    max_pages: int = 500
    timeout_s: float = 120.0
    max_memory_mb: int | None = 4096
    max_mb: int = DEFAULT_MAX_MB
    force: bool = False
    engine: str = "local"  # local: worker processes here; dask: a Dask cluster
    scheduler: str | None = None  # dask: scheduler address; None starts a LocalCluster
    shards: str | None = None  # dask: folder of the Parquet shards; None: <db>.shards


@dataclass
class ScanSummary:
    run_id: str
    files: int = 0
    scanned: int = 0
    skipped: int = 0
    duplicates: int = 0
    named_twice: int = 0  # one file reached by two spellings of its path: scanned once
    recovered_shards: int = 0  # dask: shards of an interrupted run ingested at the start
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != "ok")

    def counts(self) -> dict[str, int]:
        return {
            "files": self.files,
            "scanned": self.scanned,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def _plan(
    inputs: Sequence[Input],
    store: Store,
    options: ScanOptions,
    summary: ScanSummary,
    version: str,
    pversion: str,
) -> tuple[list[Task], list[PaperResult], list[tuple[str, str, int | None]], dict[str, Any]]:
    """Hash the inputs and sort them: the tasks to run (known papers and duplicates left out,
    counted in ``summary``), the results known without a worker, every file's row, and each
    paper's manifest overrides."""
    overrides: dict[str, dict[str, Any]] = {}
    tasks: list[Task] = []
    early: list[PaperResult] = []  # results known without a worker (unreadable, too large)
    files: list[tuple[str, str, int | None]] = []
    seen_ids: set[str] = set()
    max_bytes = options.max_mb * 1024 * 1024
    for item in inputs:
        path = resolve(item.path)  # what identifies the file; item.path is what the user gave
        try:
            paper_id, size = hash_file(path, max_bytes)
        except OSError as exc:
            paper_id = _placeholder_id(path, "unreadable")
            early.append(
                PaperResult(
                    paper_id=paper_id,
                    source_path=item.path,
                    status="failed",
                    error=f"cannot read file: {exc.strerror or exc}",
                )
            )
            files.append((item.path, paper_id, None))
            continue
        files.append((item.path, paper_id, size))
        if paper_id in seen_ids:
            summary.duplicates += 1
            continue
        seen_ids.add(paper_id)
        overrides[paper_id] = item.overrides
        if size > max_bytes:
            early.append(
                PaperResult(
                    paper_id=paper_id,
                    source_path=item.path,
                    status="skipped",
                    n_bytes=size,
                    error=f"file is {size / 2**20:.0f} MB, over "
                    f"the --max-mb limit of {options.max_mb} MB",
                )
            )
            continue
        tasks.append(Task(item.path, paper_id, size))
    if not options.force:
        known = store.known(t.paper_id for t in tasks)
        current = {
            pid
            for pid, (v, pv, fmt, extractor) in known.items()
            if (v, pv) == (version, pversion) and (fmt != "pdf" or extractor == options.extractor)
        }
        # an unchanged paper is skipped, unless a manifest now says something new about it
        todo = [t for t in tasks if t.paper_id not in current or overrides.get(t.paper_id)]
        summary.skipped = len(tasks) - len(todo)
        tasks = todo
    return tasks, early, files, overrides


def scan(
    inputs: Sequence[Input],
    store: Store,
    options: ScanOptions,
    *,
    arguments: dict[str, Any] | None = None,
    on_result: Callable[[PaperResult, ScanSummary], None] | None = None,
    on_plan: Callable[[ScanSummary, int], None] | None = None,
) -> ScanSummary:
    """Scan ``inputs`` into ``store``: one row per paper, its findings, a ``runs`` row.

    ``on_plan(summary, n_to_process)`` is called once the files are hashed and known ones
    skipped; ``on_result`` after each paper is processed. Neither may print from the library:
    they are the CLI's hooks. With ``options.engine == "dask"`` the papers are processed on a
    Dask cluster (see ``pipeline.scan.dask_engine``); raises EngineError when it cannot run.
    """
    if options.engine == "dask":
        dask_engine.require_dask()
        shard_root = dask_engine.shard_root(store.path, options.shards)
    inputs, named_twice = unique_inputs(inputs)
    settings = Settings(extractor=options.extractor, max_pages=options.max_pages)
    limits = Limits(timeout_s=options.timeout_s, max_memory_mb=options.max_memory_mb)
    with contextlib.ExitStack() as stack:
        pool = None
        if options.engine != "dask" and inputs:
            # started first, the workers import spaCy and build their matchers while the files
            # are hashed and recorded
            pool = stack.enter_context(
                WorkerPool(min(options.workers, len(inputs)), settings=settings, limits=limits)
            )
        version, pversion = __version__, detect.patterns_version()
        run_id = store.start_run(arguments or {}, version, pversion)
        summary = ScanSummary(run_id=run_id, files=len(inputs), named_twice=named_twice)
        if options.engine == "dask":
            # shards written by workers of an interrupted run: their papers need no new scan
            summary.recovered_shards = dask_engine.ingest_shards(store, shard_root).shards
        tasks, early, files, overrides = _plan(inputs, store, options, summary, version, pversion)
        if pool is not None:
            pool.keep(len(tasks))  # fewer papers to scan than workers: the spare ones stop
        store.record_files(files, run_id)
        if on_plan:
            on_plan(summary, len(tasks) + len(early))
        batch: list[PaperResult] = []
        last_write = time.monotonic()

        def flush() -> None:
            nonlocal last_write
            store.write(batch, run_id=run_id, version=version, patterns_version=pversion)
            batch.clear()
            last_write = time.monotonic()

        def record(result: PaperResult, *, stored: bool = False) -> None:
            summary.scanned += 1
            summary.statuses[result.status] += 1
            if not stored:
                batch.append(result)
                if len(batch) >= BATCH_SIZE or time.monotonic() - last_write > BATCH_SECONDS:
                    flush()
            if on_result:
                on_result(result, summary)

        status = "interrupted"
        try:
            for result in early:
                record(result.with_overrides(overrides.get(result.paper_id, {})))
            if options.engine == "dask":
                flush()
                items = [
                    dask_engine.Item(
                        Task(os.path.abspath(t.path), t.paper_id, t.n_bytes),
                        t.path,
                        overrides.get(t.paper_id, {}),
                    )
                    for t in tasks
                ]
                engine = dask_engine.run(
                    items,
                    store=store,
                    root=shard_root,
                    run_id=run_id,
                    version=version,
                    patterns_version=pversion,
                    settings=settings,
                    limits=limits,
                    scheduler=options.scheduler,
                    workers=options.workers,
                )
                with contextlib.closing(engine):
                    for result in engine:
                        record(result, stored=True)  # the engine ingested its shard
            elif pool is not None:
                # biggest files first: the last papers are then small ones, and no worker is
                # left with a long one while the others have nothing to do
                by_size = sorted(tasks, key=lambda t: (-t.n_bytes, t.path))
                for result in pool.map(by_size):
                    record(result.with_overrides(overrides.get(result.paper_id, {})))
            flush()
            status = "finished"
        finally:
            if batch:
                flush()
            store.finish_run(run_id, summary.counts(), status)
    return summary
