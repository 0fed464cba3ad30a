"""A process pool that survives its papers: per-document timeout, memory cap, crash recovery.

``concurrent.futures`` cannot stop one hung task without breaking the whole pool, so each
worker is a process of its own with a pipe; the parent kills and replaces a worker whose paper
runs past the timeout or that dies, and records that paper as ``timeout`` / ``failed``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait

from pipeline.errors import WorkerStartError
from pipeline.results import PaperResult
from pipeline.scan.discover import is_archive
from pipeline.scan.work import (
    DetectorSetup,
    Settings,
    Task,
    failed,
    process,
    process_archive,
)

POLL_S = 0.2
# Tasks a worker holds at once: the one it runs and the next, already in its pipe.
PREFETCH = 2
READY = "ready"
START_TIMEOUT_S = 120.0
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 120.0
    max_memory_mb: int | None = 4096


def limit_memory(max_memory_mb: int | None) -> None:
    if not max_memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on this platform (Windows): no cap
        return
    cap = max_memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def quiet_libraries() -> None:
    """pdfminer logs a warning for every odd PDF operator; the paper's notes say what matters."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass(frozen=True)
class _SetUp:
    """A worker's word that its detector is built (on a thread, beside its first paper's
    reading). The first paper's timeout clock starts then: the set-up is not the paper's time."""


@dataclass(frozen=True)
class _Hashed:
    """A worker's word of the hash of the paper it runs, which the driver did not hash: a paper
    then stopped or killed is still stored under its bytes' id."""

    paper_id: str


def _worker_main(conn: Connection, settings: Settings, max_memory_mb: int | None) -> None:
    quiet_libraries()
    lock = threading.Lock()  # the set-up thread and this one both write to the pipe

    def send(message: object) -> None:
        with lock:
            conn.send(message)

    def set_up() -> None:
        # spaCy and the matchers live as long as this process: out of the garbage collector's
        # sight, its full collections no longer walk them (0.1 s a corpus). Only here, in a
        # process of our own: frozen objects are never collected.
        gc.freeze()
        # The memory cap comes after the set-up, so that it bounds the papers, not the set-up.
        limit_memory(max_memory_mb)
        send(_SetUp())

    send(READY)  # first: the parent takes the first message for it
    setup = DetectorSetup(then=set_up)
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            # Nothing is left to flush, so the interpreter is not torn down: with spaCy loaded
            # that takes a fifth of a second, which the parent would wait for.
            os._exit(0)
        try:
            if is_archive(task.path):
                result: PaperResult | list[PaperResult] = process_archive(
                    task, settings, before_detection=setup.wait
                )
            else:
                result = process(
                    task,
                    settings,
                    before_detection=setup.wait,
                    on_hashed=lambda paper_id: send(_Hashed(paper_id)),
                )
        except WorkerStartError as exc:
            send(exc)  # the parent raises it
            return
        send(result)


class _Worker:
    """One worker process and the tasks it holds: the first is running, the rest wait in its
    pipe, so that it starts the next paper without waiting for the parent."""

    def __init__(self, ctx: mp.context.SpawnContext, settings: Settings, limits: Limits) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child, settings, limits.max_memory_mb), daemon=True
        )
        self.proc.start()
        child.close()
        self.tasks: deque[Task] = deque()
        self.started = time.monotonic()  # of the first task (of the process until ready)
        self.ready = False
        self.set_up = False  # its detector is built (a first paper waits for it untimed)
        self.hashed: str | None = None  # the running paper's id, hashed by the worker

    def running(self) -> Task:
        """The task that runs, with the id its worker hashed."""
        task = self.tasks[0]
        return replace(task, paper_id=self.hashed) if self.hashed and not task.paper_id else task

    def give(self, task: Task) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(task)
        self.conn.send(task)

    def done(self) -> Task:
        """The running task has finished: the next one in the pipe starts now."""
        task = self.tasks.popleft()
        self.started = time.monotonic()
        self.hashed = None
        return task

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class _Queue:
    """Tasks to hand out: those put back (a dead worker's waiting ones) first, then the
    stream, read one task at a time."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self._back: deque[Task] = deque()
        self._stream: Iterator[Task] | None = iter(tasks)

    def __bool__(self) -> bool:
        return bool(self._back) or self._stream is not None

    def next(self) -> Task | None:
        if self._back:
            return self._back.popleft()
        if self._stream is not None:
            task = next(self._stream, None)
            if task is not None:
                return task
            self._stream = None
        return None

    def put_back(self, tasks: Iterable[Task]) -> None:
        self._back.extendleft(reversed(list(tasks)))


class WorkerPool:
    """``workers`` processes that read, detect and judge papers; start it early, since a
    worker takes a second or two to import spaCy and build its matchers.

    Use it as a context manager; ``map`` yields one result per task as each finishes. At most
    ``PREFETCH`` tasks per worker are in flight, so memory stays bounded by the pool size.
    """

    def __init__(self, workers: int, *, settings: Settings, limits: Limits) -> None:
        self._ctx = mp.get_context("spawn")
        self._settings = settings
        self._limits = limits
        self._pool = [self._spawn() for _ in range(max(1, workers))]

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self._settings, self._limits)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def keep(self, workers: int) -> None:
        """Stop the workers beyond the first ``workers`` (fewer papers than workers)."""
        for w in self._pool[workers:]:
            _stop(w)
        del self._pool[workers:]

    def map(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, list[PaperResult]]]:
        """Each task with its results as it finishes (one a file, one or more an archive).
        ``tasks`` is read lazily, a task when a worker has room for one, so that it may be a
        stream of files still being found."""
        queue = _Queue(tasks)
        pool = self._pool
        limits = self._limits
        while queue or any(w.tasks for w in pool):
            self._fill(queue)
            ready = set(wait([w.conn for w in pool if w.tasks or not w.ready], timeout=POLL_S))
            now = time.monotonic()
            results: list[tuple[Task, list[PaperResult]]] = []
            for i, w in enumerate(pool):
                if not w.ready:
                    pool[i] = _start(self._ctx, w, ready, now, self._settings, limits)
                    continue
                if not w.tasks:
                    continue
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                        if isinstance(result, WorkerStartError):
                            raise result
                        if isinstance(result, _Hashed):
                            w.hashed = result.paper_id
                            continue
                        if isinstance(result, _SetUp):
                            w.set_up = True
                            w.started = max(w.started, now)
                            continue
                        task = w.done()
                        results.append((task, result if isinstance(result, list) else [result]))
                    except (EOFError, OSError):
                        reason = death_reason(_exit_code(w))
                        results.append((w.tasks[0], [failed(w.running(), "failed", reason)]))
                        pool[i] = self._replace(w, queue)
                elif now - w.started > limits.timeout_s + (0 if w.set_up else START_TIMEOUT_S):
                    w.kill()
                    reason = timeout_reason(limits.timeout_s)
                    results.append((w.tasks[0], [failed(w.running(), "timeout", reason)]))
                    pool[i] = self._replace(w, queue)
            # The caller may take a while with a result (a batch written to DuckDB): the workers
            # get their next tasks first, so that they do not wait for it.
            self._fill(queue)
            yield from results

    def _fill(self, queue: _Queue) -> None:
        for w in self._pool:
            while w.ready and len(w.tasks) < PREFETCH:
                task = queue.next()
                if task is None:
                    return
                w.give(task)

    def _replace(self, w: _Worker, queue: _Queue) -> _Worker:
        """A new worker for a dead or killed one; its waiting tasks go back to the queue."""
        w.tasks.popleft()
        queue.put_back(w.tasks)
        w.tasks.clear()
        return self._spawn()

    def close(self) -> None:
        self.keep(0)


def _stop(w: _Worker) -> None:
    """Let a worker leave (one still starting up is killed at once)."""
    if w.ready and w.proc.is_alive():
        with contextlib.suppress(OSError):
            w.conn.send(None)
        w.proc.join(timeout=1)
    w.kill()


def _exit_code(w: _Worker) -> int | None:
    w.proc.join(timeout=5)
    code = w.proc.exitcode
    w.kill()
    return code


def _start(
    ctx: mp.context.SpawnContext,
    w: _Worker,
    ready: set[object],
    now: float,
    settings: Settings,
    limits: Limits,
) -> _Worker:
    """Mark a starting worker ready when it says so; fail loudly if it cannot start."""
    if w.conn in ready:
        try:
            msg = w.conn.recv()
        except (EOFError, OSError):
            raise WorkerStartError(
                f"a worker process could not start (exit code {_exit_code(w)}); run "
                "`synthwatch screen FILE` on one file to see the error"
            ) from None
        if msg == READY:
            w.ready = True
            return w
    if now - w.started > START_TIMEOUT_S:
        w.kill()
        raise WorkerStartError(f"a worker process did not start within {START_TIMEOUT_S:g} s")
    return w


def timeout_reason(timeout_s: float) -> str:
    return f"stopped after {timeout_s:g} s (--timeout); the file may be huge or pathological"


def death_reason(code: int | None) -> str:
    """Why a worker process died, in words, from its exit code."""
    if code is not None and code < 0:
        sig = -code
        if sig == 9:
            return (
                "worker process was killed (signal 9), most likely by the system for "
                "using too much memory; try --max-memory or --workers 1"
            )
        return f"worker process died from signal {sig} while reading this file"
    return f"worker process exited unexpectedly (exit code {code}) while reading this file"
