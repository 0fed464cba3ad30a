"""Readers while a scan writes: the scan marker and the published snapshot.

DuckDB lets one process write a database file, and while it holds the file no other process can
open it, not even read-only. So the writer publishes its last committed state beside the file:

    .NAME.scanning      the marker: JSON with pid, host, started_at, run_id, and the name and
                        time of the current snapshot. Written when a ``Store`` opens the file,
                        replaced atomically on every change, removed when the Store closes.
    .NAME.snapshot-N    the published snapshot: after a CHECKPOINT, a copy of the database
                        made under a temporary name and renamed into place, so a reader sees
                        a whole file or none. The previous one is unlinked; a reader that has
                        it open keeps reading it (the inode lives while it is open).

Publishing costs a copy of the file, so it is throttled: at most every
``PUBLISH_INTERVAL_S`` seconds, and never sooner than ``1/PUBLISH_SHARE - 1`` times the last
publication's cost after it, which keeps it under ``PUBLISH_SHARE`` of the scan's time.

DuckDB's lock decides who writes and whether readers need the snapshot; the marker only says
which scan holds the file and where its snapshot is. A scan killed with ``kill -9`` leaves a
stale marker (its pid is gone): readers then open the database itself (no one holds it), and
the next scan replaces the marker and removes the old snapshot.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import socket
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.errors import StoreError

# A reader's answer lags the scan by at most this much plus one batch (when publishing is cheap).
PUBLISH_INTERVAL_S = 2.0
# Publishing may take at most this share of the scan's wall time.
PUBLISH_SHARE = 0.10
COPY_CHUNK = 8 << 20


def now() -> datetime:
    """Naive UTC, as the database's TIMESTAMP columns."""
    return datetime.now(UTC).replace(tzinfo=None)


def locked_message(db: Path) -> str | None:
    """What a second writer is told when a live scan holds ``db``; None if no scan marker
    explains the lock."""
    held = read_marker(db)
    if held is None or not held.alive():
        return None
    return (
        f"a scan is writing to {db} (pid {held.pid} on {held.host}, since "
        f"{held.started_at:%Y-%m-%d %H:%M} UTC); DuckDB allows one writer. Wait for it to "
        "finish, or scan into another --db file."
    )


def marker_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.scanning")


def snapshot_path(db: Path, name: str) -> Path:
    return db.with_name(name)


@dataclass(frozen=True)
class ScanInfo:
    """A scan writing to a database, as its marker says. Times are naive UTC."""

    pid: int
    host: str
    started_at: datetime
    run_id: str | None = None
    snapshot: str | None = None  # file name of the published snapshot, beside the database
    snapshot_at: datetime | None = None  # the committed state the snapshot holds

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "pid": self.pid,
            "host": self.host,
            "started_at": self.started_at.isoformat(),
            "run_id": self.run_id,
            "snapshot": self.snapshot,
            "snapshot_at": self.snapshot_at.isoformat() if self.snapshot_at else None,
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ScanInfo:
        data = json.loads(text)
        snapshot_at = data.get("snapshot_at")
        return cls(
            pid=int(data["pid"]),
            host=str(data["host"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            run_id=data.get("run_id"),
            snapshot=data.get("snapshot"),
            snapshot_at=datetime.fromisoformat(snapshot_at) if snapshot_at else None,
        )

    def alive(self) -> bool:
        """Whether the scan's process still runs. On another host, or on Windows (where
        ``os.kill`` would end the process), we cannot tell: assume so (the database's own
        lock still decides whether readers need the snapshot)."""
        if self.host != socket.gethostname() or os.name == "nt":
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # it exists, owned by someone else
            return True
        return True


def read_marker(db: Path) -> ScanInfo | None:
    """The marker beside ``db``, live or stale; None if there is none (or it is unreadable,
    which a half-written marker from a crash can be: the lock decides then)."""
    try:
        return ScanInfo.from_json(marker_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def scan_running(path: str | Path) -> ScanInfo | None:
    """The scan writing to the database at ``path``, or None when none runs (no marker, or
    the marker of a scan that died)."""
    info = read_marker(Path(path))
    return info if info is not None and info.alive() else None


def readable_file(path: str | Path) -> Path:
    """The file that holds the last committed state of the database at ``path``: its
    published snapshot while a live scan writes it (the database itself is locked then), else
    the database. For readers that open the file by name themselves (an ATTACH, a copy)."""
    db = Path(path)
    info = scan_running(db)
    if info is not None and info.snapshot:
        snapshot = snapshot_path(db, info.snapshot)
        if snapshot.is_file():
            return snapshot
    return db


def _write_marker(db: Path, info: ScanInfo) -> None:
    """Replace the marker atomically: a reader reads the old one or the new one."""
    tmp = db.with_name(f".{db.name}.scanning.{os.getpid()}.tmp")
    tmp.write_text(info.to_json(), encoding="utf-8")
    os.replace(tmp, marker_path(db))


def _remove_snapshots(db: Path) -> None:
    for stale in db.parent.glob(f".{glob.escape(db.name)}.snapshot-*"):
        with contextlib.suppress(OSError):  # gone already, or not ours to remove (a folder)
            stale.unlink()


def copy_file(fd: int, target: Path) -> None:
    """Copy the file open as ``fd`` (from its start, without moving its offset) to ``target``.

    copy_file_range lets the kernel copy (and share blocks on file systems that can); the
    fallback reads and writes by offset.
    """
    size = os.fstat(fd).st_size
    with open(target, "wb") as out:
        offset = 0
        if hasattr(os, "copy_file_range"):
            while offset < size:
                try:
                    n = os.copy_file_range(fd, out.fileno(), size - offset, offset, offset)
                except OSError:  # not supported between these file systems: copy by hand
                    break
                if n == 0:
                    break
                offset += n
        while offset < size:
            chunk = os.pread(fd, min(COPY_CHUNK, size - offset), offset)
            if not chunk:
                break
            os.pwrite(out.fileno(), chunk, offset)
            offset += len(chunk)


class Publisher:
    """The writer's side: claims the marker and publishes snapshots of a database file."""

    def __init__(self, db: Path, *, interval_s: float = PUBLISH_INTERVAL_S) -> None:
        self.db = db
        self.interval_s = interval_s
        self.info = self._claim()
        self.seq = 0
        self.cost_s = 0.0  # the last publication's time (CHECKPOINT and copy)
        self.spent_s = 0.0  # all publications' time
        self.count = 0
        self.next_at = 0.0  # monotonic time of the next allowed publication
        self.last_end = 0.0
        # The database read through one descriptor held until the Store has closed: POSIX
        # drops every lock a process holds on a file when it closes ANY descriptor of that
        # file, so opening and closing the file to copy it would release DuckDB's lock.
        self._fd: int | None = None

    def _claim(self) -> ScanInfo:
        """Write the marker, replacing a stale one (and removing that scan's snapshot).

        Called once the Store holds the database: DuckDB's lock, not the marker, decides who
        writes, so any marker found now is a dead scan's.
        """
        _remove_snapshots(self.db)
        info = ScanInfo(pid=os.getpid(), host=socket.gethostname(), started_at=now())
        try:
            _write_marker(self.db, info)
        except OSError as exc:
            raise StoreError(
                f"cannot write the scan marker {marker_path(self.db)}: {exc.strerror or exc}; "
                "the database's folder must be writable"
            ) from None
        return info

    def set_run(self, run_id: str) -> None:
        self.info = replace(self.info, run_id=run_id)
        with contextlib.suppress(OSError):  # the run id is for people: not worth a scan
            _write_marker(self.db, self.info)

    def due(self) -> bool:
        return time.monotonic() >= self.next_at

    def publish(self, con: Any) -> None:
        """CHECKPOINT ``con`` (the writer's connection: the file then holds every commit) and
        publish a copy of the file as the new snapshot."""
        started = time.monotonic()
        taken_at = now()
        con.execute("CHECKPOINT")
        self.seq += 1
        name = f".{self.db.name}.snapshot-{self.seq}"
        tmp = self.db.with_name(f"{name}.tmp")
        old = self.info.snapshot
        published = replace(self.info, snapshot=name, snapshot_at=taken_at)
        try:
            if self._fd is None:
                self._fd = os.open(self.db, os.O_RDONLY)
            copy_file(self._fd, tmp)
            os.replace(tmp, snapshot_path(self.db, name))
            _write_marker(self.db, published)
        except OSError:
            # A failed copy (a full disk) must not stop the scan: readers keep the last
            # snapshot, whose time they are told.
            for partial in (tmp, snapshot_path(self.db, name)):
                with contextlib.suppress(OSError):
                    partial.unlink()
            self._schedule(started)
            return
        self.info = published
        if old:
            with contextlib.suppress(FileNotFoundError):
                snapshot_path(self.db, old).unlink()
        self.count += 1
        self._schedule(started)

    def _schedule(self, started: float) -> None:
        ended = self.last_end = time.monotonic()
        self.cost_s = ended - started
        self.spent_s += self.cost_s
        wait = max(self.interval_s, self.cost_s * (1 / PUBLISH_SHARE - 1))
        self.next_at = ended + wait

    def close(self) -> None:
        """Remove the snapshot and the marker: the database itself is current again.
        Called after the database's connection has closed (see ``_fd``)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        _remove_snapshots(self.db)
        for leftover in self.db.parent.glob(f".{glob.escape(self.db.name)}.scanning.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        with contextlib.suppress(FileNotFoundError):
            marker_path(self.db).unlink()
