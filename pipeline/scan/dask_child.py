"""A child process per Dask worker thread that reads papers one at a time.

The local pool's contract on a Dask worker: a paper that runs past the timeout is stopped and
recorded as ``timeout``, a paper that kills its process (memory cap, crash) is recorded as
``failed``, and the child is replaced for the next paper. The child is kept from paper to paper
(and from batch to batch), so spaCy and the pattern matchers are built once per thread. It is
started with ``subprocess``, not ``multiprocessing``: Dask workers are daemonic processes, and
``multiprocessing`` gives daemonic processes no children.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline import detect
from pipeline.errors import WorkerStartError
from pipeline.results import PaperResult
from pipeline.scan.discover import is_archive
from pipeline.scan.pool import Limits, death_reason, limit_memory, quiet_libraries, timeout_reason
from pipeline.scan.work import Settings, Task, failed, process, process_archive

START_TIMEOUT_S = 120.0
READY = "ready"
# The folder that holds the ``pipeline`` package, for children of workers run from a checkout.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Hashed:
    """A child's word of the hash of the file it reads (the driver no longer hashes): a paper
    then stopped or killed is still stored under its bytes' id, as by the local pool."""

    paper_id: str


class Child:
    """A process that reads papers for one worker thread, kept from paper to paper."""

    def __init__(self, max_memory_mb: int | None) -> None:
        self.max_memory_mb = max_memory_mb
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        code = (
            "from pipeline.scan.dask_child import child_main; "
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

    def run(self, task: Task, settings: Settings, limits: Limits) -> list[PaperResult]:
        """Process one file (one result) or archive (one a member); a timeout or the child's
        death is the file's result."""
        try:
            self.send.send((task, settings))
        except OSError:
            return [failed(task, "failed", death_reason(self.stop()))]
        deadline = time.monotonic() + limits.timeout_s
        while True:
            if not self.receive.poll(max(0.0, deadline - time.monotonic())):
                self.stop()
                return [failed(task, "timeout", timeout_reason(limits.timeout_s))]
            try:
                message = self.receive.recv()
            except (EOFError, OSError):
                return [failed(task, "failed", death_reason(self.stop()))]
            if isinstance(message, Hashed):
                task = replace(task, paper_id=message.paper_id)
                continue
            return message if isinstance(message, list) else [message]

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


_CHILDREN: set[Child] = set()
_THREAD = threading.local()


def child_for(max_memory_mb: int | None) -> Child:
    """This worker thread's child process, started (again) when needed."""
    child: Child | None = getattr(_THREAD, "child", None)
    if child is None or not child.alive() or child.max_memory_mb != max_memory_mb:
        if child is not None:
            child.stop()
        _THREAD.child = child = Child(max_memory_mb)
    return child


@atexit.register
def _stop_children() -> None:
    for child in list(_CHILDREN):
        child.stop()


def child_main(inbox_fd: int, outbox_fd: int, max_memory_mb: int | None) -> None:
    """A worker's child: receive (task, settings), send back the result (a list for an
    archive, read in place by ``process_archive``), until EOF or None."""
    # the worker stops its child; Ctrl-C in a terminal reaches the driver, not the papers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = Connection(inbox_fd, writable=False)
    outbox = Connection(outbox_fd, readable=False)
    # Build the detector before the memory cap, so the cap bounds the paper, not the set-up.
    quiet_libraries()
    detect.warm_up()
    limit_memory(max_memory_mb)
    outbox.send(READY)
    while True:
        try:
            message = inbox.recv()
        except EOFError:
            return
        if message is None:
            return
        task, settings = message
        if is_archive(task.path):
            outbox.send(process_archive(task, settings))
        else:
            outbox.send(process(task, settings, on_hashed=lambda pid: outbox.send(Hashed(pid))))
