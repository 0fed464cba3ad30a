"""Find the papers: files named, folders walked, a manifest read; one input per file; hashes."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError

# Inside folders only these files are papers; a file named on the command line is always read.
PAPER_SUFFIXES = frozenset(
    {".pdf", ".xml", ".nxml", ".tei", ".json", ".txt", ".md", ".markdown", ".tex", ".html", ".htm"}
)
# Archives whose members are read in place (``pipeline.scan.archives``).
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
NOT_PAPERS = ("readme", "license", "licence", "changelog", "contributing", "notice")
MANIFEST_COLUMNS = ("path", "doi", "title", "year", "venue", "field")
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Input:
    """A file to scan and metadata that overrides what is extracted (from a manifest)."""

    path: str
    overrides: dict[str, Any] = field(default_factory=dict)
    # the path that identifies the file, when discovery knows it (saves a ``realpath``)
    resolved: str | None = field(default=None, compare=False)

    def key(self) -> str:
        return self.resolved or resolve(self.path)


def discover(paths: Iterable[str | Path]) -> Iterator[Input]:
    """Files named, and paper files inside folders (recursively, symlink loops cut).

    Raises UsageError for a path that does not exist.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from (Input(p, resolved=r) for p, r in _walk(path))
        elif path.exists() or path.is_symlink():
            yield Input(str(path))
        else:
            raise UsageError(f"no such file or folder: {raw}")


def is_archive(name: str) -> bool:
    """Whether a file is an archive whose members a scan reads (by its name)."""
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def check_paths(paths: Iterable[str | Path]) -> None:
    """Raise UsageError for a path that does not exist, before a scan starts walking."""
    for raw in paths:
        path = Path(raw)
        if not (path.exists() or path.is_symlink()):
            raise UsageError(f"no such file or folder: {raw}")


class Unique:
    """One input per file from a stream of inputs, however its path was spelled; ``repeats``
    counts the inputs left out. Remembers a short digest of each file's resolved path (16
    bytes), not the inputs: memory grows by ~100 bytes a file, not with the paths' length.

    ``manifest`` rows are merged into the first input of their file (the metadata of a later
    row over an earlier one's), and a manifest row whose file no folder held is an input too.
    """

    def __init__(self, inputs: Iterable[Input], manifest: Sequence[Input] = ()) -> None:
        self.inputs = inputs
        self.repeats = 0
        self._manifest: dict[str, dict[str, Any]] = {}
        self._manifest_paths: dict[str, str] = {}
        for item in manifest:
            key = item.key()
            self._manifest_paths.setdefault(key, item.path)
            self._manifest[key] = {**self._manifest.get(key, {}), **item.overrides}
        self.repeats += len(manifest) - len(self._manifest_paths)

    def __iter__(self) -> Iterator[Input]:
        seen: set[bytes] = set()
        for item in self.inputs:
            key = item.key()
            digest = hashlib.blake2b(key.encode(errors="surrogateescape"), digest_size=16).digest()
            if digest in seen:
                self.repeats += 1
                continue
            seen.add(digest)
            if item.resolved is None:
                item = Input(item.path, item.overrides, key)
            overrides = self._manifest.pop(key, None)
            if overrides is not None:
                self.repeats += 1  # the manifest's row for a file a folder held
                yield Input(item.path, {**item.overrides, **overrides}, key)
            else:
                yield item
        for key, overrides in self._manifest.items():  # files only the manifest names
            yield Input(self._manifest_paths[key], overrides, key)


def resolve(path: str) -> str:
    """The path that identifies a file: absolute, with symlinks and ``..`` resolved."""
    return os.path.realpath(path)


def unique_inputs(inputs: Sequence[Input]) -> tuple[list[Input], int]:
    """One input per file, however its path was spelled (``papers/a.pdf``, ``./papers/a.pdf``,
    an absolute path, a symlink); the number of repeats left out. A repeat's manifest metadata
    is kept, over the first's where both say something."""
    by_file: dict[str, Input] = {}
    for item in inputs:
        key = resolve(item.path)
        first = by_file.get(key)
        if first is None:
            by_file[key] = item
        elif item.overrides:
            by_file[key] = Input(first.path, {**first.overrides, **item.overrides})
    return list(by_file.values()), len(inputs) - len(by_file)


def _walk(root: Path) -> Iterator[tuple[str, str | None]]:
    """(path, resolved path or None) of the paper files under ``root``, in name order, a
    folder's files before its subfolders (as ``os.walk`` goes), symlink loops cut. The
    resolved path of a file that is no symlink is its folder's and its name: no ``realpath``
    a file, which would cost more than the rest of the walk."""
    seen: set[str] = set()
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:  # a symlink back into a folder already walked
            continue
        seen.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:  # unreadable folder: left out, as os.walk does
            continue
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                folders.append(entry.path)
                continue
            lower = name.lower()
            if lower.startswith(NOT_PAPERS):
                continue
            if os.path.splitext(lower)[1] not in PAPER_SUFFIXES and not is_archive(lower):
                continue
            yield entry.path, None if entry.is_symlink() else os.path.join(real, name)
        stack.extend(reversed(folders))


def read_manifest(path: str | Path) -> list[Input]:
    """Inputs from a CSV with a ``path`` column (relative to the CSV) and optional metadata."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "path" not in reader.fieldnames:
                raise UsageError(
                    f"manifest {path} has no 'path' column; columns: {', '.join(MANIFEST_COLUMNS)}"
                )
            rows = list(reader)
    except OSError as exc:
        raise UsageError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"manifest {path} is not a readable UTF-8 CSV: {exc}") from None
    inputs = []
    for lineno, row in enumerate(rows, 2):
        file = (row.get("path") or "").strip()
        if not file:
            raise UsageError(f"manifest {path}, line {lineno}: empty 'path'")
        overrides: dict[str, Any] = {
            k: row[k].strip() for k in MANIFEST_COLUMNS[1:] if row.get(k) and row[k].strip()
        }
        if "year" in overrides:
            try:
                overrides["year"] = int(overrides["year"])
            except ValueError:
                raise UsageError(
                    f"manifest {path}, line {lineno}: year "
                    f"{overrides['year']!r} is not a whole number"
                ) from None
        inputs.append(Input(str(path.parent / file), overrides))
    return inputs


def hash_file(path: str, max_bytes: int) -> tuple[str, int]:
    """(sha256, size) of a file; raises OSError when it cannot be read."""
    size = os.path.getsize(path)
    if size > max_bytes:
        return hashlib.sha256(f"too-large:{resolve(path)}:{size}".encode()).hexdigest(), size
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest(), size
