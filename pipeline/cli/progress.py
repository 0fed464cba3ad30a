"""Scan progress for people: a rich bar on a terminal, timed lines in a log.

Under nohup, SLURM or ``> log`` there is no terminal to draw a bar on; a line every few seconds
(and one at the end) says how far the scan is, so a log shows that it runs and when it will end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

DEFAULT_EVERY_S = 30.0


def rate_text(done: int, seconds: float, unit: str = "papers") -> str:
    return f"{done / seconds:.1f} {unit}/s" if seconds > 0 and done else f"- {unit}/s"


def eta_text(done: int, total: int, seconds: float) -> str:
    """Time left at the rate so far, as 1h02m, 3m05s or 12s."""
    if total <= done:
        return "0s"
    if not done or seconds <= 0:
        return "unknown"
    left = round((total - done) * seconds / done)
    hours, rest = divmod(left, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class RateColumn(ProgressColumn):
    """Papers per second on the terminal bar (rich's speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} papers/s" if speed else "- papers/s", style="progress.data.speed")


def terminal_bar(
    console: Console, *, disable: bool, get_time: Callable[[], float] | None = None
) -> Progress:
    """The bar on a terminal: papers done of all, papers/s, time taken, time left, last file."""
    return Progress(
        TextColumn("[bold]scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=True,
        disable=disable,
        get_time=get_time,
    )


class LogProgress:
    """Writes a progress line through ``write`` every ``every_s`` seconds while a scan runs,
    and once at the end. Counts come from the scan's callbacks (main thread); a timer thread
    writes the lines, so a paper that takes minutes does not hold them back.

    Files are counted as they are found, with no count beforehand: while more are being found
    the total has a ``+`` and the time left is a lower bound (``>``)."""

    def __init__(self, write: Callable[[str], None], every_s: float = DEFAULT_EVERY_S) -> None:
        self.write = write
        self.every_s = every_s
        self.found = 0  # files found so far
        self.more = True  # files are still being found
        self.done = 0
        self.positives = 0
        self.failed = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin timing: the scan has started."""
        with self._lock:
            self.started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="scan-progress", daemon=True)
        self._thread.start()

    def update(self, *, found: int, more: bool, done: int, failed: int) -> None:
        with self._lock:
            self.found, self.more, self.done, self.failed = found, more, done, failed

    def advance(self, *, positive: bool) -> None:
        with self._lock:
            self.positives += positive

    def line(self) -> str:
        with self._lock:
            done, found, more = self.done, self.found, self.more
            positives, failed = self.positives, self.failed
        seconds = time.monotonic() - self.started
        eta = eta_text(done, found, seconds) if done else "unknown"
        if more and eta != "unknown":
            eta = ">" + eta
        return (
            f"progress: {done}/{found}{'+' if more else ''} files, {positives} found using "
            f"synthetic data, {failed} failed, {rate_text(done, seconds, 'files')}, ETA {eta}"
        )

    def stop(self) -> None:
        """Stop the timer and write the last line (only if the scan started)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.write(self.line())

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.write(self.line())
