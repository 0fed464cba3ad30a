"""Scan on a Dask cluster: workers read papers and write Parquet shards, the driver stores.

The driver (``scan``) streams discovery and planning as for a local scan (the same
``Planner``: a file unchanged in size and time is skipped unread, a new one is hashed by the
worker that reads it) and cuts the tasks into batches as they come, one Dask task a batch, a
few batches per worker thread in flight (a bounded window, refilled as batches finish). The
batches start small, so the workers start on the first files within seconds, and grow to
``MAX_BATCH`` files (or ``BATCH_BYTES``). On the worker, each file runs in a child process of
the worker thread's own, kept from file to file and killed and replaced when a file runs past
the timeout or kills it: the local pool's contract (``pipeline.scan.dask_child``). An archive
is one task, read in place on the worker by ``process_archive`` (one result a member, hostile
ones refused with a reason), as by the local engine.

A finished batch is written with the store's own ``Store.write`` into an in-memory DuckDB and
copied to ``papers.parquet`` and ``findings.parquet`` in a temporary folder that is renamed to
``<shards>/<run_id>/shard-NNNNN`` when complete, so a shard is there whole or not at all. The
driver settles a batch's results as the local engine does (copies, unchanged papers under a
new path) and writes them; once written, the shard is recorded in the ``shards`` table. A shard
left unrecorded (the driver was killed) is ingested when the next Dask scan into the database
starts, and ingesting a recorded shard again adds nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, count, islice
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
from pipeline.store.connect import now
from pipeline.version import __version__

if TYPE_CHECKING:
    from distributed import Client

DASK_HINT = "the Dask engine needs the dask extra: install it with {command}"
SCHEDULER_HINT = (
    "start a scheduler with `dask scheduler` and workers with `dask worker ADDRESS` on machines "
    "where synthwatch is installed, or leave out --scheduler for a cluster on this machine"
)
# A shard costs ~40 ms to write whatever its size: small files go 128 a batch, larger ones
# until the batch holds BATCH_BYTES, so that a batch of PDFs is not minutes of one worker's time.
MAX_BATCH = 128
BATCH_BYTES = 8 * 1024 * 1024
# a batch holds at most 1/BATCHES_PER_THREAD of the tasks submitted so far per worker thread:
# the first batches are single files, so every worker starts at once
BATCHES_PER_THREAD = 4
IN_FLIGHT_PER_THREAD = 2  # batches submitted ahead per worker thread
CONNECT_TIMEOUT_S = 30
SHARD_PREFIX = "shard-"
PAPERS_FILE = "papers.parquet"
FINDINGS_FILE = "findings.parquet"


@dataclass(frozen=True)
class Item:
    """One file of a batch: the task (with an absolute path, for workers in another working
    directory), the path as given (what ``papers.source_path`` stores; an archive's members
    are stored under it) and manifest metadata."""

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
    """A written shard and its items' results: (source path, results), several results for
    an archive."""

    shard: str
    results: tuple[tuple[str, list[PaperResult]], ...]


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


@dataclass
class DaskScan:
    """One scan's batches on a cluster. ``results`` yields each file's source path with its
    results as its batch lands; ``written`` records in the database the shards whose results
    the caller has stored since (a shard left unrecorded is ingested by the next scan)."""

    store: Store
    root: Path
    run_id: str
    version: str
    patterns_version: str
    settings: Settings
    limits: Limits
    scheduler: str | None
    workers: int
    landed: list[BatchDone] = field(default_factory=list)  # yielded, not yet stored

    def results(
        self, items: Iterable[Item]
    ) -> Generator[tuple[str, list[PaperResult]], None, None]:
        """Process ``items`` (read as the window has room) on Dask; raises EngineError when
        a batch fails."""
        stream = iter(items)
        first = next(stream, None)
        if first is None:  # nothing to read: no cluster is started
            return
        from distributed import as_completed

        with connect(self.scheduler, self.workers) as client:
            threads = _threads(client)
            futures = as_completed()
            batches = self._batches(chain([first], stream), threads)

            def submit(n: int) -> None:
                for batch in islice(batches, max(0, n)):
                    key = f"synthwatch-{self.run_id}-{batch.name}"
                    futures.add(client.submit(scan_batch, batch, key=key))

            submit(threads * IN_FLIGHT_PER_THREAD)
            for future in futures:
                try:
                    done: BatchDone = future.result()
                except EngineError:
                    raise
                except Exception as exc:
                    raise EngineError(
                        f"a Dask batch failed: {type(exc).__name__}: {exc}; the papers stored so "
                        "far are kept, run the same command again to continue"
                    ) from exc
                finally:
                    future.release()
                # the next batches first: the workers do not wait while the driver stores
                submit(threads * IN_FLIGHT_PER_THREAD - futures.count())
                yield from done.results
                # the caller has taken every result of the shard (a generator closed in between
                # leaves it unrecorded: the next scan ingests it, keeping the newer rows stored)
                self.landed.append(done)

    def written(self) -> None:
        """Record the shards whose results are stored: a later scan does not ingest them."""
        for done in self.landed:
            record_shard(self.store, Path(done.shard), done.results)
        self.landed.clear()

    def _batches(self, items: Iterator[Item], threads: int) -> Iterator[Batch]:
        """Batches cut from the stream, growing with the tasks submitted so far."""
        folder = str(self.root / self.run_id)
        submitted = 0
        for i in count():
            size = max(1, min(MAX_BATCH, submitted // (threads * BATCHES_PER_THREAD)))
            chunk = _take(items, size)
            if not chunk:
                return
            submitted += len(chunk)
            yield Batch(
                name=f"{SHARD_PREFIX}{i:05d}",
                folder=folder,
                items=chunk,
                settings=self.settings,
                limits=self.limits,
                run_id=self.run_id,
                version=self.version,
                patterns_version=self.patterns_version,
            )


def _take(items: Iterator[Item], size: int) -> tuple[Item, ...]:
    """Up to ``size`` items, and fewer once they hold ``BATCH_BYTES`` (one at least)."""
    chunk: list[Item] = []
    n_bytes = 0
    for item in items:
        chunk.append(item)
        n_bytes += item.task.n_bytes
        if len(chunk) >= size or n_bytes >= BATCH_BYTES:
            break
    return tuple(chunk)


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


def record_shard(
    store: Store, shard: Path, results: Iterable[tuple[str, list[PaperResult]]]
) -> None:
    """List a shard whose results the driver stored itself as ingested: ``ingest_shards``
    skips it (its rows are those stored, settled as by a local scan)."""
    papers = {r.paper_id: len(r.findings) for _, rs in results for r in rs}
    store.con.execute(
        "INSERT INTO shards VALUES (?, ?, ?, ?, ?, ?)",
        [
            f"{shard.parent.name}/{shard.name}",
            shard.parent.name,
            str(shard / PAPERS_FILE),
            len(papers),
            sum(papers.values()),
            now(),
        ],
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
            # one row a paper, the first copy's, whatever the number of its copies in the batch
            unique = list({r.paper_id: r for r in reversed(results)}.values())
            memory.write(unique, run_id=run_id, version=version, patterns_version=patterns_version)
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
    done = []
    for item in batch.items:
        child = child_for(batch.limits.max_memory_mb)
        results = child.run(item.task, batch.settings, batch.limits)
        done.append((item.source_path, [_as_given(r, item) for r in results]))
    shard = write_shard(
        [r for _, results in done for r in results],
        Path(batch.folder),
        batch.name,
        run_id=batch.run_id,
        version=batch.version,
        patterns_version=batch.patterns_version,
    )
    return BatchDone(str(shard), tuple(done))


def _as_given(result: PaperResult, item: Item) -> PaperResult:
    """A result under the path as given (an archive member's under its archive's)."""
    inner = result.source_path[len(item.task.path) :]
    return replace(result, source_path=item.source_path + inner).with_overrides(item.overrides)
