"""One paper, start to finish: bytes -> Document -> findings -> verdict -> PaperResult.

This is what a worker process runs; it never raises for a bad paper, it returns a result
with a status and a reason.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import detect, sources
from pipeline.errors import ReadError, WorkerStartError
from pipeline.results import PaperResult
from pipeline.scan import archives
from pipeline.scan.discover import is_archive


@dataclass(frozen=True)
class Task:
    """A file to process. ``paper_id`` is the hash the scanner saw (a mismatch means the file
    changed between discovery and processing), or None: the worker hashes the bytes it reads,
    so that the driver never reads a new file."""

    path: str
    paper_id: str | None
    n_bytes: int


@dataclass(frozen=True)
class Settings:
    extractor: str = sources.DEFAULT_EXTRACTOR
    max_pages: int = sources.DEFAULT_MAX_PAGES
    max_mb: int = 200  # an archive member over this is skipped (files are sized by the driver)


class DetectorSetup(threading.Thread):
    """Imports spaCy and builds the matchers (about a second), then runs ``then``; started at
    once, it runs beside the first paper's reading, since PDFium lets go of the interpreter
    while it loads a page. ``wait`` is the ``before_detection`` hook of ``process``."""

    def __init__(self, then: Callable[[], None] | None = None) -> None:
        super().__init__(name="synthwatch-setup", daemon=True)
        self.then = then
        self.error: str | None = None
        self.start()

    def run(self) -> None:
        try:
            detect.warm_up()
            if self.then is not None:
                self.then()
        except BaseException as exc:  # raised by wait(), in the thread that needs the detector
            self.error = f"{type(exc).__name__}: {exc}"

    def wait(self) -> None:
        """Block until the set-up is done; raise WorkerStartError if it failed."""
        self.join()
        if self.error is not None:
            raise WorkerStartError(
                f"the detector could not be built ({self.error}); check the installation "
                "(pip install -e . in a fresh virtual environment)"
            )


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def placeholder_id(path: str, why: str) -> str:
    """The id of a file whose bytes were not hashed (unreadable, too large, stopped): from its
    resolved path, so that it is one row however often it is scanned."""
    archive, sep, member = path.partition("!/")
    return sha256_bytes(f"{why}:{os.path.realpath(archive)}{sep}{member}".encode())


def failed(task: Task, status: str, error: str, detail: str | None = None) -> PaperResult:
    return PaperResult(
        paper_id=task.paper_id or placeholder_id(task.path, status),
        source_path=task.path,
        status=status,
        n_bytes=task.n_bytes,
        error=error,
        detail=detail,
    )


def process(
    task: Task,
    settings: Settings,
    before_detection: Callable[[], None] | None = None,
    on_hashed: Callable[[str], None] | None = None,
) -> PaperResult:
    """Read, detect and judge one file; every failure becomes a result with a reason.

    ``before_detection`` is called once the document is read: a worker waits there for its
    detector, built while the first paper was read. A ``WorkerStartError`` from it is raised,
    since no paper can be scanned. ``on_hashed(paper_id)`` is called once a file the driver
    did not hash is hashed: a paper then stopped or killed is still known by its bytes.
    """
    started = time.perf_counter()
    if is_archive(task.path):
        raise ValueError("an archive is processed with process_archive")
    try:
        data = Path(task.path).read_bytes()
    except OSError as exc:
        return failed(task, "failed", f"cannot read file: {exc.strerror or exc}")
    box = [data]  # handed over, so that the bytes can go once the document is read
    del data
    return _analyse(task, box, settings, started, before_detection, on_hashed)


def process_archive(
    task: Task, settings: Settings, before_detection: Callable[[], None] | None = None
) -> list[PaperResult]:
    """Read, detect and judge the papers inside an archive, one result a paper member and
    one a refused member (see ``pipeline.scan.archives``); one failed result for the archive
    when it cannot be read, one skipped when it holds no paper."""
    try:
        members = archives.papers_in(task.path, settings.max_mb * 1024 * 1024)
    except archives.ArchiveError as exc:
        return [failed(task, "failed", str(exc))]
    except FileNotFoundError as exc:
        return [failed(task, "failed", f"cannot read file: {exc.strerror or exc}")]
    results = []
    for member in members:
        path = archives.member_path(task.path, member.name)
        if isinstance(member, archives.Refused):
            paper_id = placeholder_id(path, member.status)
            results.append(PaperResult(paper_id, path, status=member.status, error=member.reason))
            continue
        started = time.perf_counter()
        results.append(
            _analyse(
                Task(path, None, len(member.data)),
                [member.data],
                settings,
                started,
                before_detection,
            )
        )
    if not results:
        return [failed(task, "skipped", archives.NO_PAPER)]
    return results


def _analyse(
    task: Task,
    box: list[bytes],
    settings: Settings,
    started: float,
    before_detection: Callable[[], None] | None = None,
    on_hashed: Callable[[str], None] | None = None,
) -> PaperResult:
    """Detect and judge a paper's bytes (``box``, emptied as soon as they are read)."""
    data = box.pop()
    paper_id = sha256_bytes(data)
    if task.paper_id is None:
        task = replace(task, paper_id=paper_id, n_bytes=len(data))
        if on_hashed is not None:
            on_hashed(paper_id)
    elif paper_id != task.paper_id:
        return failed(
            task,
            "failed",
            "file changed during the scan (its bytes no longer match the hash taken "
            "at discovery); scan it again",
        )
    try:
        document = sources.read_bytes(
            data,
            name=posixpath.basename(task.path),
            extractor=settings.extractor,
            max_pages=settings.max_pages,
        )
        del data
        if before_detection is not None:
            before_detection()
        findings, verdict = detect.analyse(document)
    except ReadError as exc:
        return failed(task, exc.status, exc.reason)
    except WorkerStartError:
        raise
    except MemoryError:
        return failed(
            task,
            "failed",
            "ran out of memory while reading this file (raise --max-memory or skip the file)",
        )
    except RecursionError:
        return failed(task, "failed", "the file is nested too deeply to read")
    except Exception as exc:  # a bug of ours: recorded, not raised, so the batch goes on
        return failed(
            task,
            "failed",
            f"internal error: {type(exc).__name__}: {exc}",
            detail=traceback.format_exc(),
        )
    return PaperResult.from_document(
        paper_id=paper_id,
        source_path=task.path,
        n_bytes=task.n_bytes,
        document=document,
        findings=findings,
        verdict=verdict,
        seconds=round(time.perf_counter() - started, 3),
    )


def screen_file(path: str | Path, settings: Settings | None = None) -> PaperResult:
    """Process one file in this process (no pool, no store): what ``synthwatch screen`` runs."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return PaperResult(
            paper_id=sha256_bytes(f"unreadable:{path}".encode()),
            source_path=path,
            status="failed",
            error=f"cannot read file: {exc.strerror or exc}",
        )
    setup = DetectorSetup()
    return process(
        Task(path, sha256_bytes(data), len(data)),
        settings or Settings(),
        before_detection=setup.wait,
    )
