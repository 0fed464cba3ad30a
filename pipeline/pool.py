"""A process pool that survives its papers: per-document timeout, memory cap, crash recovery.

``concurrent.futures`` cannot stop one hung task without breaking the whole pool, so each
worker is a process of its own with a pipe; the parent kills and replaces a worker whose paper
runs past the timeout or that dies, and records that paper as ``timeout`` / ``failed``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from pipeline.errors import WorkerStartError
from pipeline.results import PaperResult
from pipeline.work import Settings, Task, failed, process

POLL_S = 0.2
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


def _worker_main(conn: Connection, settings: Settings, max_memory_mb: int | None) -> None:
    # Build the detector before the memory cap, so the cap bounds the paper, not the set-up.
    from pipeline.detect import warm_up

    quiet_libraries()
    warm_up()
    limit_memory(max_memory_mb)
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        conn.send(process(task, settings))


class _Worker:
    def __init__(self, ctx: mp.context.SpawnContext, settings: Settings, limits: Limits) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child, settings, limits.max_memory_mb), daemon=True
        )
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.started = time.monotonic()
        self.ready = False

    def give(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


def run_pool(
    tasks: Iterable[Task], *, workers: int, settings: Settings, limits: Limits
) -> Iterator[PaperResult]:
    """Process ``tasks`` on ``workers`` processes; yield one result per task as each finishes.

    Only ``workers`` tasks are in flight at a time, so memory is bounded by the pool size.
    """
    ctx = mp.get_context("spawn")
    pending = deque(tasks)
    pool = [_Worker(ctx, settings, limits) for _ in range(max(1, min(workers, len(pending))))]
    try:
        while pending or any(w.task for w in pool):
            for w in pool:
                if w.ready and w.task is None and pending:
                    w.give(pending.popleft())
            ready = set(wait([w.conn for w in pool if w.task or not w.ready], timeout=POLL_S))
            now = time.monotonic()
            for i, w in enumerate(pool):
                if not w.ready:
                    pool[i] = _start(ctx, w, ready, now, settings, limits)
                    continue
                task = w.task
                if task is None:
                    continue
                result: PaperResult | None = None
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = failed(task, "failed", death_reason(_exit_code(w)))
                        pool[i] = _Worker(ctx, settings, limits)
                elif now - w.started > limits.timeout_s:
                    w.kill()
                    result = failed(
                        task,
                        "timeout",
                        timeout_reason(limits.timeout_s),
                    )
                    pool[i] = _Worker(ctx, settings, limits)
                if result is not None:
                    w.task = None
                    yield result
    finally:
        for w in pool:
            if w.proc.is_alive():
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
