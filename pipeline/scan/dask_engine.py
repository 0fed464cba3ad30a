"""Scan on a Dask cluster: workers write Parquet shards, the driver ingests them into DuckDB.

The driver (``scan``) hashes files and skips known papers as for a local scan, then cuts the
papers left into batches and submits one Dask task per batch, a few batches per worker thread
ahead (a bounded queue). On the worker, each paper runs in a child process of the worker
thread's own, kept from paper to paper and killed and replaced when a paper runs past the
timeout or kills it: the local pool's contract (``pipeline.scan.dask_child``).

A finished batch is written with the store's own ``Store.write`` into an in-memory DuckDB and
copied to ``papers.parquet`` and ``findings.parquet`` in a temporary folder that is renamed to
``<shards>/<run_id>/shard-NNNNN`` when complete, so a shard is there whole or not at all. The
driver adds each shard in one transaction together with its row in the ``shards`` table, and
skips a shard already listed there: ingesting the same folder again adds nothing, and shards
left by an interrupted run are ingested when the next Dask scan into the database starts.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import detect
from pipeline.errors import EngineError
from pipeline.install import install_hint
from pipeline.results import PaperResult
from pipeline.scan.dask_child import child_for
from pipeline.scan.pool import Limits
from pipeline.scan.work import Settings, Task
from pipeline.store import Store
from pipeline.version import __version__

if TYPE_CHECKING:
    from distributed import Client

DASK_HINT = "the Dask engine needs the dask extra: install it with {command}"
SCHEDULER_HINT = (
    "start a scheduler with `dask scheduler` and workers with `dask worker ADDRESS` on machines "
    "where synthwatch is installed, or leave out --scheduler for a cluster on this machine"
)
MAX_BATCH = 32
BATCHES_PER_THREAD = 4  # the papers are cut into this many batches per worker thread at least
IN_FLIGHT_PER_THREAD = 2  # batches submitted ahead per worker thread
CONNECT_TIMEOUT_S = 30
SHARD_PREFIX = "shard-"
PAPERS_FILE = "papers.parquet"
FINDINGS_FILE = "findings.parquet"


@dataclass(frozen=True)
class Item:
    """One paper of a batch: the task (with an absolute path, for workers in another working
    directory), the path as given (what ``papers.source_path`` stores) and manifest metadata."""

    task: Task
    source_path: str
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """What one Dask task does: process ``items`` and write them as shard ``folder/name``."""

    name: str
    folder: str
    items: tuple[Item, ...]
    settings: Settings
    limits: Limits
    run_id: str
    version: str
    patterns_version: str


@dataclass(frozen=True)
class BatchDone:
    """A written shard and its results (for progress; the shard is what is stored)."""

    shard: str
    results: tuple[PaperResult, ...]


@dataclass
class Ingested:
    shards: int = 0
    papers: int = 0
    findings: int = 0
    already: int = 0  # shards skipped because the database has them


def require_dask() -> None:
    """Raise EngineError with an install hint when dask.distributed is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise EngineError(DASK_HINT.format(command=install_hint("dask"))) from None


def shard_root(db: str | Path, shards: str | Path | None) -> Path:
    """The folder of a database's shards: ``--shards``, or ``<db>.shards`` next to it."""
    return Path(os.path.abspath(shards if shards else f"{db}.shards"))


# -- driver ---------------------------------------------------------------------------------
@contextlib.contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster of ``workers``
    single-threaded processes, closed (with the local cluster) on exit."""
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}; {SCHEDULER_HINT}"
            ) from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _threads(client: Client) -> int:
    return max(1, sum(client.nthreads().values()))


def run(
    items: Sequence[Item],
    *,
    store: Store,
    root: Path,
    run_id: str,
    version: str,
    patterns_version: str,
    settings: Settings,
    limits: Limits,
    scheduler: str | None,
    workers: int,
) -> Iterator[PaperResult]:
    """Process ``items`` on Dask, ingest each shard as it lands, and yield its results.

    The results yielded are already stored. Raises EngineError when a batch fails.
    """
    if not items:
        return
    from distributed import as_completed

    folder = root / run_id
    with connect(scheduler, workers) as client:
        size = max(
            1, min(MAX_BATCH, math.ceil(len(items) / (_threads(client) * BATCHES_PER_THREAD)))
        )
        batches = (
            Batch(
                name=f"{SHARD_PREFIX}{i:05d}",
                folder=str(folder),
                items=tuple(items[start : start + size]),
                settings=settings,
                limits=limits,
                run_id=run_id,
                version=version,
                patterns_version=patterns_version,
            )
            for i, start in enumerate(range(0, len(items), size))
        )
        futures = as_completed()

        def submit(n: int) -> None:
            for batch in islice(batches, max(0, n)):
                key = f"synthwatch-{run_id}-{batch.name}"
                futures.add(client.submit(scan_batch, batch, key=key))

        submit(_threads(client) * IN_FLIGHT_PER_THREAD)
        for future in futures:
            try:
                done: BatchDone = future.result()
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(
                    f"a Dask batch failed: {type(exc).__name__}: {exc}; the papers stored so far "
                    "are kept, run the same command again to continue"
                ) from exc
            finally:
                future.release()
            ingest_shard(store, folder / Path(done.shard).name)
            yield from done.results
            submit(_threads(client) * IN_FLIGHT_PER_THREAD - futures.count())


# -- shards ---------------------------------------------------------------------------------
def shard_folders(root: Path) -> list[Path]:
    """Complete shards in ``root`` or in its run folders, in name order."""
    found = [
        p
        for pattern in (f"{SHARD_PREFIX}*", f"*/{SHARD_PREFIX}*")
        for p in root.glob(pattern)
        if (p / PAPERS_FILE).is_file()
    ]
    return sorted(found)


def ingest_shard(store: Store, shard: Path) -> tuple[int, int] | None:
    """Add one shard to the database; ``None`` if it was ingested before."""
    return store.ingest_shard(
        f"{shard.parent.name}/{shard.name}",
        shard.parent.name,
        str(shard / PAPERS_FILE),
        str(shard / FINDINGS_FILE),
    )


def ingest_shards(store: Store, root: str | Path) -> Ingested:
    """Add every shard under ``root`` that the database does not have yet."""
    summary = Ingested()
    root = Path(root)
    if not root.is_dir():
        return summary
    for shard in shard_folders(root):
        added = ingest_shard(store, shard)
        if added is None:
            summary.already += 1
            continue
        summary.shards += 1
        summary.papers += added[0]
        summary.findings += added[1]
    return summary


def write_shard(
    results: Sequence[PaperResult],
    folder: Path,
    name: str,
    *,
    run_id: str,
    version: str,
    patterns_version: str,
) -> Path:
    """Write ``results`` as ``folder/name/{papers,findings}.parquet``, whole or not at all.

    The rows are those ``Store.write`` makes; when the shard exists already (a Dask task run a
    second time after its worker was lost) the first copy is kept.
    """
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    temp = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    temp.mkdir()
    try:
        with Store(":memory:") as memory:
            memory.write(results, run_id=run_id, version=version, patterns_version=patterns_version)
            for table, file in (("papers", PAPERS_FILE), ("findings", FINDINGS_FILE)):
                target = str(temp / file).replace("'", "''")
                memory.con.execute(f"COPY {table} TO '{target}' (FORMAT parquet)")
        for file in (PAPERS_FILE, FINDINGS_FILE):
            _fsync(temp / file)
        try:
            os.rename(temp, final)
        except OSError:
            if not (final / PAPERS_FILE).is_file():
                raise
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- worker side ----------------------------------------------------------------------------
def scan_batch(batch: Batch) -> BatchDone:
    """Run on a Dask worker: process the batch's papers and write them as one shard."""
    found = (__version__, detect.patterns_version())
    if found != (batch.version, batch.patterns_version):
        raise EngineError(
            f"a Dask worker has synthwatch {found[0]} with patterns {found[1]}, the scan runs "
            f"{batch.version} with patterns {batch.patterns_version}: install the same "
            "synthwatch on every worker"
        )
    results = []
    for item in batch.items:
        child = child_for(batch.limits.max_memory_mb)
        result = child.run(item.task, batch.settings, batch.limits)
        results.append(replace(result, source_path=item.source_path).with_overrides(item.overrides))
    shard = write_shard(
        results,
        Path(batch.folder),
        batch.name,
        run_id=batch.run_id,
        version=batch.version,
        patterns_version=batch.patterns_version,
    )
    return BatchDone(str(shard), tuple(results))
