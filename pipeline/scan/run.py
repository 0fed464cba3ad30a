"""discover (streamed) -> plan a window -> run the engine -> write in batches."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline import detect
from pipeline.results import PaperResult
from pipeline.scan import dask_engine
from pipeline.scan.batch import ResultBatch
from pipeline.scan.discover import Input, Unique
from pipeline.scan.plan import DROP, STORE, Counts, Planner, Versions
from pipeline.scan.pool import Limits, WorkerPool
from pipeline.scan.work import Settings, Task
from pipeline.store import Store
from pipeline.version import __version__

FILE_ROWS = 2048  # rows of files settled without a worker, written together
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
class ScanSummary(Counts):
    """Counts of a scan, kept up to date while it runs (``files`` are those found so far)."""

    run_id: str = ""
    scanned: int = 0
    named_twice: int = 0  # one file reached by two spellings of its path: scanned once
    recovered_shards: int = 0  # dask: shards of an interrupted run ingested at the start
    discovering: bool = True  # files are still being found: ``files`` may grow
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != "ok")

    @property
    def done(self) -> int:
        """Files settled: scanned, skipped as unchanged, or copies of another."""
        return self.scanned + self.skipped + self.duplicates

    def counts(self) -> dict[str, int]:
        return {
            "files": self.files,
            "scanned": self.scanned,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def scan(
    inputs: Iterable[Input],
    store: Store,
    options: ScanOptions,
    *,
    arguments: dict[str, Any] | None = None,
    on_result: Callable[[PaperResult, ScanSummary], None] | None = None,
    on_plan: Callable[[ScanSummary, int], None] | None = None,
    on_progress: Callable[[ScanSummary], None] | None = None,
) -> ScanSummary:
    """Scan ``inputs`` into ``store``: one row per paper, its findings, a ``runs`` row.

    ``inputs`` is read as the scan goes (a ``discover`` stream is never listed whole); pass a
    ``Unique`` to count repeats of a file, or any iterable, which is made one. ``on_plan(summary,
    n_tasks)`` is called once the first window of files is planned, before any is read;
    ``on_result`` after each paper stored; ``on_progress`` whenever the counts change. None may
    print from the library: they are the CLI's hooks. With ``options.engine == "dask"`` the
    papers are processed on a Dask cluster (see ``pipeline.scan.dask_engine``), planned and
    settled by the same code; raises EngineError when it cannot run.
    """
    dask = options.engine == "dask"
    if dask:
        dask_engine.require_dask()
        shard_root = dask_engine.shard_root(store.path, options.shards)
    if isinstance(inputs, Unique):
        unique = inputs
    elif isinstance(inputs, Sequence):  # a list: inputs with metadata merge as manifest rows
        unique = Unique([i for i in inputs if not i.overrides], [i for i in inputs if i.overrides])
    else:
        unique = Unique(inputs)
    settings = Settings(
        extractor=options.extractor, max_pages=options.max_pages, max_mb=options.max_mb
    )
    limits = Limits(timeout_s=options.timeout_s, max_memory_mb=options.max_memory_mb)
    with contextlib.ExitStack() as stack:
        pool = None
        if not dask:
            # started first, the workers import spaCy and build their matchers while the first
            # files are found
            pool = stack.enter_context(
                WorkerPool(options.workers, settings=settings, limits=limits)
            )
        version, pversion = __version__, detect.patterns_version()
        run_id = store.start_run(arguments or {}, version, pversion)
        summary = ScanSummary(run_id=run_id)
        if dask:
            # shards written by workers of an interrupted run: their papers are stored at once
            # (their files, found again, are hashed by a worker and skipped as stored)
            summary.recovered_shards = dask_engine.ingest_shards(store, shard_root).shards
        windows = 0

        def count(result: PaperResult) -> None:
            summary.scanned += 1
            summary.statuses[result.status] += 1

        def stored(result: PaperResult) -> None:
            if on_result:
                on_result(result, summary)

        def flush() -> None:
            batch.flush()

        def progress() -> None:
            summary.named_twice = unique.repeats
            if on_progress:
                on_progress(summary)

        def record(result: PaperResult, action: str = STORE) -> None:
            batch.add((result, action))

        def window_done(n_tasks: int) -> None:
            nonlocal windows
            windows += 1
            if windows == 1 and on_plan:
                on_plan(summary, n_tasks)
            for result in planner.early:
                record(result)
            planner.early.clear()
            if len(planner.file_rows) >= FILE_ROWS:
                flush()
            progress()

        planner = Planner(
            unique,
            store,
            Versions(version, pversion, options.extractor, options.force),
            options.max_mb * 1024 * 1024,
            summary,
            on_window=window_done,
        )
        batch = ResultBatch(store, planner, run_id, version, pversion, count, stored)

        def tasks() -> Iterator[Task]:
            yield from planner.tasks()
            summary.discovering = False
            progress()

        engine = None
        if dask:
            engine = dask_engine.DaskScan(
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

        def written() -> None:
            if engine is not None and not batch.results:  # its shards' results are stored
                engine.written()

        status = "interrupted"
        try:
            finished: Generator[tuple[str, list[PaperResult]], None, None]
            if engine is not None:
                items = (
                    dask_engine.Item(
                        Task(os.path.abspath(t.path), t.paper_id, t.n_bytes),
                        t.path,
                        planner.planned[t.path].overrides,
                    )
                    for t in tasks()
                )
                finished = engine.results(items)
            else:
                runs = pool.map(tasks()) if pool is not None else ()
                finished = ((task.path, results) for task, results in runs)
            with contextlib.closing(finished):  # a Dask cluster is let go at once on Ctrl-C
                for path, results in finished:
                    planned = planner.planned.pop(path)
                    # an archive's results are settled and written together: its members'
                    # rows are in the database all or none, as a rescan expects
                    settled = [
                        (r, planner.settle(planned, r, member))
                        for member, r in enumerate(
                            r.with_overrides(planned.overrides) for r in results
                        )
                    ]
                    batch.add(*((r, action) for r, action in settled if action != DROP))
                    written()
                    progress()
            flush()
            written()
            status = "finished"
        finally:
            if batch.results or planner.file_rows:
                flush()
            written()
            summary.discovering = False
            store.finish_run(run_id, summary.counts(), status)
            progress()
    return summary
