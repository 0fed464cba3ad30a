"""Scan on a Dask cluster: workers write Parquet shards, the driver ingests them into DuckDB.

The driver (``scan``) hashes files and skips known papers as for a local scan, then cuts the
papers left into batches and submits one Dask task per batch, a few batches per worker thread
ahead (a bounded queue). On the worker, each paper runs in a child process of the worker
thread's own, kept from paper to paper and killed and replaced when a paper runs past the
timeout or kills it: the local pool's contract. The child is started with ``subprocess``
because Dask workers are daemonic processes, which ``multiprocessing`` may not give children.

A finished batch is written with the store's own ``Store.write`` into an in-memory DuckDB and
copied to ``papers.parquet`` and ``findings.parquet`` in a temporary folder that is renamed to
``<shards>/<run_id>/shard-NNNNN`` when complete, so a shard is there whole or not at all. The
driver adds each shard in one transaction together with its row in the ``shards`` table, and
skips a shard already listed there: ingesting the same folder again adds nothing, and shards
left by an interrupted run are ingested when the next Dask scan into the database starts.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pipeline
from pipeline import __version__, detect
from pipeline.errors import EngineError, WorkerStartError
from pipeline.pool import Limits, quiet_libraries
from pipeline.results import PaperResult
from pipeline.store import Store
from pipeline.work import Settings, Task, failed, process

if TYPE_CHECKING:
    from distributed import Client

DASK_HINT = (
    "the Dask engine needs the dask extra: pip install 'synthwatch[dask]' "
    "(or pip install 'dask[distributed]')"
)
SCHEDULER_HINT = (
    "start a scheduler with `dask scheduler` and workers with `dask worker ADDRESS` on machines "
    "where synthwatch is installed, or leave out --scheduler for a cluster on this machine"
)
MAX_BATCH = 32
BATCHES_PER_THREAD = 4  # the papers are cut into this many batches per worker thread at least
IN_FLIGHT_PER_THREAD = 2  # batches submitted ahead per worker thread
CONNECT_TIMEOUT_S = 30
START_TIMEOUT_S = 120.0
READY = "ready"
SHARD_PREFIX = "shard-"
PAPERS_FILE = "papers.parquet"
FINDINGS_FILE = "findings.parquet"
MB = 1024 * 1024
# The folder that holds the ``pipeline`` package, for children of workers run from a checkout.
PACKAGE_ROOT = str(Path(pipeline.__file__).resolve().parent.parent)


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
        raise EngineError(DASK_HINT) from None


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
        result = _child(batch.limits.max_memory_mb).run(item.task, batch.settings, batch.limits)
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


class _Child:
    """A process that reads papers for one worker thread, kept from paper to paper."""

    def __init__(self, max_memory_mb: int | None) -> None:
        self.max_memory_mb = max_memory_mb
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        code = (
            "from pipeline.dask_engine import child_main; "
            f"child_main({child_reads}, {child_writes}, {max_memory_mb!r})"
        )
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT + (os.pathsep + path if path else "")}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(child_reads, child_writes),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            os.close(parent_writes)
            os.close(parent_reads)
            raise
        finally:
            os.close(child_reads)
            os.close(child_writes)
        self.send = Connection(parent_writes, readable=False)
        self.receive = Connection(parent_reads, writable=False)
        _CHILDREN.add(self)
        if not self.receive.poll(START_TIMEOUT_S):
            self.stop()
            raise WorkerStartError(f"a worker process did not start within {START_TIMEOUT_S:g} s")
        try:
            ready = self.receive.recv()
        except (EOFError, OSError):
            ready = None
        if ready != READY:
            raise WorkerStartError(
                f"a worker process could not start (exit code {self.stop()}); run "
                "`synthwatch screen FILE` on one file on the worker to see the error"
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, task: Task, settings: Settings, limits: Limits) -> PaperResult:
        """Process one paper; a timeout or the child's death is the paper's result."""
        try:
            self.send.send((task, settings))
        except OSError:
            return failed(task, "failed", _death_reason(self.stop()))
        if not self.receive.poll(limits.timeout_s):
            self.stop()
            return failed(
                task,
                "timeout",
                f"stopped after {limits.timeout_s:g} s (--timeout); the file "
                "may be huge or pathological",
            )
        try:
            return self.receive.recv()
        except (EOFError, OSError):
            return failed(task, "failed", _death_reason(self.stop()))

    def stop(self) -> int | None:
        """Kill the child if it runs; its exit code."""
        _CHILDREN.discard(self)
        if self.alive():
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.send.close()
        self.receive.close()
        return self.proc.returncode


_CHILDREN: set[_Child] = set()
_THREAD = threading.local()


def _child(max_memory_mb: int | None) -> _Child:
    """This worker thread's child process, started (again) when needed."""
    child: _Child | None = getattr(_THREAD, "child", None)
    if child is None or not child.alive() or child.max_memory_mb != max_memory_mb:
        if child is not None:
            child.stop()
        _THREAD.child = child = _Child(max_memory_mb)
    return child


@atexit.register
def _stop_children() -> None:
    for child in list(_CHILDREN):
        child.stop()


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        if -code == signal.SIGKILL:
            return (
                "worker process was killed (signal 9), most likely by the system for "
                "using too much memory; try --max-memory or --workers 1"
            )
        return f"worker process died from signal {-code} while reading this file"
    return f"worker process exited unexpectedly (exit code {code}) while reading this file"


def _limit_memory(max_memory_mb: int | None) -> None:
    if not max_memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on this platform (Windows): no cap
        return
    cap = max_memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def child_main(inbox_fd: int, outbox_fd: int, max_memory_mb: int | None) -> None:
    """A worker's child: receive (task, settings), send back the result, until EOF or None."""
    # the worker stops its child; Ctrl-C in a terminal reaches the driver, not the papers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = Connection(inbox_fd, writable=False)
    outbox = Connection(outbox_fd, readable=False)
    # Build the detector before the memory cap, so the cap bounds the paper, not the set-up.
    quiet_libraries()
    detect.warm_up()
    _limit_memory(max_memory_mb)
    outbox.send(READY)
    while True:
        try:
            message = inbox.recv()
        except EOFError:
            return
        if message is None:
            return
        task, settings = message
        outbox.send(process(task, settings))
