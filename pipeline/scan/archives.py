"""Papers inside archives (.tar.gz, .tgz, .tar, .zip), read in memory, never unpacked to disk.

One pass over the archive (a gzip stream cannot be read twice cheaply) keeps the bytes of the
members that may be papers, then picks the papers:

- a PMC open-access package holds one article as an ``.nxml`` member, with its PDF, figures
  and supplements beside it: when an archive has ``.nxml`` members, they are its papers;
- an arXiv source tarball holds one paper as LaTeX: when it has ``.tex`` members (and no
  ``.nxml``), its paper is the main one, the ``.tex`` with ``\\documentclass`` (and
  ``\\begin{document}``), first by name when there are several;
- any other archive: every member with a paper suffix.

A member's source path is ``ARCHIVE!/NAME``. Hostile members are refused with a reason and
never read: names that are absolute or climb out with ``..``, links, nested archives, members
over ``--max-mb``, zip members that expand more than ``MAX_RATIO`` times, and an archive whose
members expand past ``MAX_RATIO`` times its own size (a gzip bomb) stops being read there.
Nothing is written to disk: there is no temp area to leave.
"""

from __future__ import annotations

import os
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from pipeline.scan.discover import ARCHIVE_SUFFIXES, NOT_PAPERS, PAPER_SUFFIXES, is_archive

SEP = "!/"  # between an archive's path and a member's name
MAX_RATIO = 100  # uncompressed / compressed size past which a member or archive is a bomb
MIN_BOMB_BYTES = 64 * 1024 * 1024  # expansion below this is never a bomb, whatever the ratio
MAX_MEMBERS = 100_000
NO_PAPER = (
    "archive holds no paper file (.nxml, .tex, .pdf, .xml, .json, .txt, .md): nothing to scan"
)


@dataclass(frozen=True)
class Member:
    """A member that may be a paper: its name in the archive and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Refused:
    """A member not read, and why (``status`` skipped: a limit; failed: hostile or broken)."""

    name: str
    status: str
    reason: str


class ArchiveError(Exception):
    """The archive as a whole cannot be read (not an archive, truncated, corrupt)."""


def member_path(archive: str, name: str) -> str:
    return f"{archive}{SEP}{name}"


def papers_in(path: str, max_bytes: int) -> list[Member | Refused]:
    """The paper members of the archive at ``path`` and the members refused, in name order.

    Raises ArchiveError when the archive cannot be read at all.
    """
    kept: list[Member] = []
    refused: list[Refused] = []
    for item in _members(path, max_bytes):
        (kept if isinstance(item, Member) else refused).append(item)
    return sorted([*pick_papers(kept), *refused], key=lambda m: m.name)


def pick_papers(members: list[Member]) -> list[Member]:
    """The papers among an archive's candidate members (see the module's docstring)."""
    nxml = [m for m in members if m.name.lower().endswith(".nxml")]
    if nxml:
        return nxml
    tex = [m for m in members if m.name.lower().endswith(".tex")]
    if tex:
        main = [m for m in tex if b"\\documentclass" in m.data] or tex
        full = [m for m in main if b"\\begin{document}" in m.data] or main
        return [min(full, key=lambda m: m.name)]
    return members


def _candidate(name: str) -> bool:
    base = posixpath.basename(name).lower()
    if not base or base.startswith(".") or base.startswith(NOT_PAPERS):
        return False
    return os.path.splitext(base)[1] in PAPER_SUFFIXES


def _unsafe(name: str) -> bool:
    return name.startswith("/") or ".." in name.split("/") or "\\" in name or ":" in name[:3]


def _check(name: str, size: int, max_bytes: int, is_link: bool) -> Refused | None:
    """Why a member is not read, or None."""
    if _unsafe(name):
        return Refused(
            name,
            "failed",
            "archive member's name is absolute or climbs out with "
            "'..': not read (a path traversal attempt)",
        )
    if is_link:
        return Refused(name, "failed", "archive member is a link: not followed")
    if is_archive(name):
        return Refused(
            name,
            "skipped",
            "archive inside an archive: not opened (unpack the outer one to scan it)",
        )
    if not _candidate(name):
        return None
    if size > max_bytes:
        return Refused(
            name,
            "skipped",
            f"archive member is {size / 2**20:.0f} MB, over the "
            f"--max-mb limit of {max_bytes // 2**20} MB",
        )
    return None


def _members(path: str, max_bytes: int) -> Iterator[Member | Refused]:
    lower = path.lower()
    try:
        if lower.endswith(".zip"):
            yield from _zip_members(path, max_bytes)
        elif lower.endswith(ARCHIVE_SUFFIXES):
            yield from _tar_members(path, max_bytes)
        else:
            raise ArchiveError(f"not an archive ({', '.join(ARCHIVE_SUFFIXES)})")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
        raise ArchiveError(f"cannot read archive: {exc}") from None
    except (OSError, ValueError, zlib.error) as exc:  # gzip: BadGzipFile is an OSError
        reason = getattr(exc, "strerror", None) or exc
        raise ArchiveError(f"cannot read archive: {reason}") from None


def _tar_members(path: str, max_bytes: int) -> Iterator[Member | Refused]:
    budget = max(MAX_RATIO * os.path.getsize(path), MIN_BOMB_BYTES)
    expanded = 0
    # "r|*": a stream, read once front to back, as a gzip file is best read
    with tarfile.open(path, mode="r|*") as tar:
        for n, info in enumerate(tar):
            if n >= MAX_MEMBERS:
                yield Refused(
                    info.name,
                    "skipped",
                    f"archive has over {MAX_MEMBERS} members: the rest are not read",
                )
                return
            name = _clean(info.name)
            expanded += info.size
            if expanded > budget:
                yield Refused(name, "failed", _bomb(expanded, budget))
                return
            if info.isdir():
                continue
            refusal = _check(name, info.size, max_bytes, info.issym() or info.islnk())
            if refusal is not None:
                yield refusal
                continue
            if not info.isfile() or not _candidate(name):
                continue  # devices, fifos, figures, supplements: not papers
            handle = tar.extractfile(info)
            if handle is None:
                continue
            yield Member(name, _read(handle, info.size))


def _zip_members(path: str, max_bytes: int) -> Iterator[Member | Refused]:
    budget = max(MAX_RATIO * os.path.getsize(path), MIN_BOMB_BYTES)
    expanded = 0
    with zipfile.ZipFile(path) as archive:
        for n, info in enumerate(archive.infolist()):
            name = _clean(info.filename)
            if n >= MAX_MEMBERS:
                yield Refused(
                    name,
                    "skipped",
                    f"archive has over {MAX_MEMBERS} members: the rest are not read",
                )
                return
            if info.is_dir():
                continue
            # a zip's symlink keeps its target as data; the Unix mode in the top 16 bits says so
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            refusal = _check(name, info.file_size, max_bytes, is_link)
            if refusal is not None:
                yield refusal
                continue
            if not _candidate(name):
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO and info.file_size > MIN_BOMB_BYTES:
                yield Refused(
                    name,
                    "failed",
                    f"archive member expands {ratio:.0f} times "
                    f"(over {MAX_RATIO}): not read (a zip bomb)",
                )
                continue
            expanded += info.file_size
            if expanded > budget:
                yield Refused(name, "failed", _bomb(expanded, budget))
                return
            with archive.open(info) as handle:
                yield Member(name, _read(handle, info.file_size))


def _read(handle: IO[bytes], size: int) -> bytes:
    """A member's bytes, never more than its header said (a header that lies is cut there)."""
    data = handle.read(size + 1)
    if len(data) > size:
        raise ArchiveError("an archive member holds more bytes than its header says")
    return data


def _clean(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name


def _bomb(expanded: int, budget: int) -> str:
    return (
        f"archive expands past {budget / 2**20:.0f} MB ({MAX_RATIO} times its size or "
        f"{MIN_BOMB_BYTES // 2**20} MB): reading stopped here (a decompression bomb)"
    )
