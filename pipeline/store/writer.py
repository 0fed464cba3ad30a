"""The one writer of a synthwatch database: runs, papers, findings, files, calibration, shards."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.errors import DatabaseLocked
from pipeline.results import PaperResult
from pipeline.store.connect import connect, now
from pipeline.store.rows import finding_rows_of, frame, paper_row, registered
from pipeline.store.schema import CALIBRATION_COLUMNS, FINDING_COLUMNS, PAPER_COLUMNS, migrate
from pipeline.store.snapshot import PUBLISH_INTERVAL_S, Publisher, locked_message

# A file's row: path as given, paper_id, size, modification time in ns.
FileRow = tuple[str, str, int | None, int | None]
# An archive member's row: its name in the archive, paper_id, size, the archive's time in ns.
MemberRow = tuple[str, str, int | None, int | None]


class FileState(NamedTuple):
    """What ``files`` remembers of a file: its size, modification time and paper."""

    n_bytes: int | None
    mtime_ns: int | None
    paper_id: str


def _resolved(path: str) -> str:
    """A file's resolved path; an archive member's is its archive's, resolved, with the member."""
    archive, sep, member = path.partition("!/")
    return os.path.realpath(archive) + sep + member


class Store:
    """The one writer of a synthwatch database. Use as a context manager.

    A Store on a file marks it as being scanned and publishes snapshots of what it has
    committed, so that readers answer while it writes (``pipeline.store.snapshot``).
    """

    def __init__(self, path: str | Path, *, publish_interval_s: float = PUBLISH_INTERVAL_S) -> None:
        self.path = Path(path)
        try:
            self.con = connect(self.path, read_only=False)
        except DatabaseLocked:
            scanning = locked_message(self.path)
            if scanning is None:
                raise
            raise DatabaseLocked(scanning) from None
        self.publisher: Publisher | None = None
        if str(path) != ":memory:":
            try:
                self.publisher = Publisher(self.path, interval_s=publish_interval_s)
            except BaseException:
                self.con.close()
                raise
        self._types: dict[str, dict[str, str]] = {}  # table -> column -> SQL type
        self._relative_rows: bool | None = None  # files rows with a relative path (schema 2)
        try:
            migrate(self.con, self.path)
            self._publish(force=True)  # readers have the state before the scan at once
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            if self.publisher is not None:  # after the file is released: it is current now
                self.publisher.close()

    def _publish(self, *, force: bool = False) -> None:
        """Publish a snapshot for readers if one is due (see ``snapshot.Publisher``)."""
        if self.publisher is not None and (force or self.publisher.due()):
            self.publisher.publish(self.con)

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, arguments: dict[str, Any], version: str, patterns_version: str) -> str:
        run_id = now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        self.con.execute(
            "INSERT INTO runs (run_id, started_at, status, version, patterns_version, arguments)"
            " VALUES (?, ?, 'running', ?, ?, ?)",
            [run_id, now(), version, patterns_version, json.dumps(arguments, sort_keys=True)],
        )
        if self.publisher is not None:
            self.publisher.set_run(run_id)
        self._publish()
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, int], status: str = "finished") -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, n_files = ?, n_scanned = ?, "
            "n_skipped = ?, n_failed = ? WHERE run_id = ?",
            [
                now(),
                status,
                counts.get("files", 0),
                counts.get("scanned", 0),
                counts.get("skipped", 0),
                counts.get("failed", 0),
                run_id,
            ],
        )

    # -- papers ---------------------------------------------------------------------------
    def known(self, paper_ids: Iterable[str]) -> dict[str, tuple[str, str, str, str | None]]:
        """paper_id -> (pipeline_version, patterns_version, format, extractor) of stored papers."""
        rows = self.con.execute(
            "SELECT p.paper_id, p.pipeline_version, p.patterns_version, p.format, p.extractor "
            "FROM papers p JOIN (SELECT unnest($ids::VARCHAR[]) AS paper_id) USING (paper_id)",
            {"ids": list(dict.fromkeys(paper_ids))},
        ).fetchall()
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def write(
        self,
        results: Sequence[PaperResult],
        *,
        run_id: str,
        version: str,
        patterns_version: str,
    ) -> None:
        """Replace the rows of these papers and add their findings, in one transaction."""
        if not results:
            return
        scanned_at = now()
        papers = [paper_row(r, run_id, version, patterns_version, scanned_at) for r in results]
        findings = [row for r in results for row in finding_rows_of(r)]
        # Columns as lists unnested in SQL, not DataFrames: pandas would cost the driver half a
        # second of CPU to import, taken from the workers when they use every core.
        ids = {"ids": list(dict.fromkeys(row["paper_id"] for row in papers))}
        self._transaction(
            ("DELETE FROM findings WHERE paper_id IN (SELECT unnest($ids::VARCHAR[]))", ids),
            ("DELETE FROM papers WHERE paper_id IN (SELECT unnest($ids::VARCHAR[]))", ids),
            self._insert("papers", PAPER_COLUMNS, papers),
            self._insert("findings", FINDING_COLUMNS, findings),
        )

    def _insert(
        self, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]
    ) -> tuple[str, dict[str, Any]]:
        """An INSERT of ``rows`` into ``table``: each column a list parameter, cast to the
        column's type and unnested (all in step: one row per index)."""
        types = self._column_types(table)
        select = ", ".join(f"unnest(${c}::{types[c]}[]) AS {c}" for c in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select}"
        return sql, {c: [row[c] for row in rows] for c in columns}

    def _column_types(self, table: str) -> dict[str, str]:
        types = self._types.get(table)
        if types is None:
            found = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = 'main'",
                [table],
            ).fetchall()
            types = self._types[table] = dict(found)
        return types

    def file_states(self, resolved: Sequence[str]) -> dict[str, FileState]:
        """What the database knows of these files (by resolved path): size, modification time
        and paper when last scanned; a scan trusts the paper of a file whose size and time are
        unchanged, without reading it."""
        rows = self.con.execute(
            "SELECT f.resolved, f.n_bytes, f.mtime_ns, f.paper_id FROM files f "
            "JOIN (SELECT unnest($paths::VARCHAR[]) AS resolved) USING (resolved)",
            {"paths": list(resolved)},
        ).fetchall()
        return {r[0]: FileState(*r[1:]) for r in rows}

    def archive_members(
        self, archives: Sequence[str]
    ) -> dict[str, list[tuple[str, str, int, int]]]:
        """The rows of the members of these archives (by resolved path): archive -> (member
        name, paper_id, size, modification time of the archive when scanned)."""
        rows = self.con.execute(
            "SELECT a.archive, f.resolved, f.paper_id, f.n_bytes, f.mtime_ns FROM files f "
            "JOIN (SELECT unnest($archives::VARCHAR[]) AS archive) a "
            "ON split_part(f.resolved, '!/', 1) = a.archive "
            "WHERE contains(f.resolved, '!/') ORDER BY f.resolved",
            {"archives": list(archives)},
        ).fetchall()
        found: dict[str, list[MemberRow]] = {}
        for archive, resolved, paper_id, n_bytes, mtime_ns in rows:
            name = resolved[len(archive) + 2 :]
            found.setdefault(archive, []).append((name, paper_id, n_bytes, mtime_ns))
        return found

    def record_files(
        self, files: Sequence[tuple[str, str, int | None] | FileRow], run_id: str
    ) -> None:
        """Remember every input file (path as given, paper_id, size, and from schema 4 its
        modification time in ns) and the paper it holds (copies share a paper_id).

        A file is known by its resolved path (``files.resolved``): one file reached by another
        spelling of its path replaces its row, and ``path`` keeps the latest spelling.
        """
        if not files:
            return
        # Lists unnested in SQL, not a DataFrame: a scan records its files before the first
        # paper is done, and importing pandas then would hold the workers' first tasks back.
        full = [(*f, None) if len(f) == 3 else f for f in files]
        paths, paper_ids, sizes, mtimes = (list(column) for column in zip(*full, strict=True))
        rows = (
            "SELECT unnest($paths::VARCHAR[]) AS path, unnest($resolved::VARCHAR[]) AS resolved, "
            "unnest($ids::VARCHAR[]) AS paper_id, unnest($sizes::BIGINT[]) AS n_bytes, "
            "unnest($mtimes::BIGINT[]) AS mtime_ns"
        )
        lists = {
            "paths": paths,
            "resolved": [_resolved(p) for p in paths],
            "ids": paper_ids,
            "sizes": sizes,
            "mtimes": mtimes,
        }
        if self._relative_rows is None:  # only a migrated database has them; none are added
            self._relative_rows = bool(
                self.con.execute(
                    "SELECT 1 FROM files WHERE resolved NOT LIKE '/%' LIMIT 1"
                ).fetchall()
            )
        # a relative path from before schema 3 that this resolved one ends with: same file
        legacy = (
            f"DELETE FROM files WHERE resolved NOT LIKE '/%' AND EXISTS (SELECT 1 FROM "
            f"({rows}) n WHERE n.paper_id = files.paper_id "
            "AND ends_with(n.resolved, '/' || files.resolved))",
            lists,
        )
        self._transaction(
            (f"DELETE FROM files WHERE resolved IN (SELECT resolved FROM ({rows}))", lists),
            *([legacy] if self._relative_rows else []),
            (
                "INSERT INTO files (path, resolved, paper_id, n_bytes, run_id, seen_at, mtime_ns) "
                f"SELECT path, resolved, paper_id, n_bytes, $run_id, $seen_at, mtime_ns "
                f"FROM ({rows})",
                {**lists, "run_id": run_id, "seen_at": now()},
            ),
        )

    def write_calibration(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append the detector's measured rates (one row per category, 'any' for the paper)."""
        df = frame(rows, columns=CALIBRATION_COLUMNS)
        df["created_at"] = now()
        with registered(self.con, new_calibration=df):
            self._transaction(
                f"INSERT INTO calibration ({', '.join(CALIBRATION_COLUMNS)}) "
                "SELECT * FROM new_calibration"
            )

    def ingest_shard(
        self, shard_id: str, run_id: str, papers_parquet: str, findings_parquet: str
    ) -> tuple[int, int] | None:
        """Add a shard's papers and findings (Parquet files) in one transaction with its
        ``shards`` row; ``None`` if the shard was ingested before.

        A stored row newer than the shard's (a later scan of the same paper) is kept.
        Returns (papers, findings) added.
        """
        con = self.con
        con.begin()
        try:
            if con.execute("SELECT 1 FROM shards WHERE shard_id = ?", [shard_id]).fetchall():
                con.rollback()
                return None
            con.execute(
                "CREATE TEMP TABLE shard_papers AS SELECT * FROM read_parquet($p) s "
                "WHERE NOT EXISTS (SELECT 1 FROM papers p "
                "WHERE p.paper_id = s.paper_id AND p.scanned_at > s.scanned_at)",
                {"p": papers_parquet},
            )
            con.execute(
                "DELETE FROM findings WHERE paper_id IN (SELECT paper_id FROM shard_papers)"
            )
            con.execute("DELETE FROM papers WHERE paper_id IN (SELECT paper_id FROM shard_papers)")
            con.execute("INSERT INTO papers BY NAME SELECT * FROM shard_papers")
            n_findings = con.execute(
                "INSERT INTO findings BY NAME SELECT * FROM read_parquet($f) "
                "WHERE paper_id IN (SELECT paper_id FROM shard_papers)",
                {"f": findings_parquet},
            ).fetchall()[0][0]
            n_papers = con.execute("SELECT count(*) FROM shard_papers").fetchall()[0][0]
            con.execute("DROP TABLE shard_papers")
            con.execute(
                "INSERT INTO shards VALUES (?, ?, ?, ?, ?, ?)",
                [shard_id, run_id, papers_parquet, n_papers, n_findings, now()],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        self._publish()
        return n_papers, n_findings

    def _transaction(self, *statements: str | tuple[str, dict[str, Any]]) -> None:
        """Run statements (SQL, or SQL and its parameters) all-or-nothing."""
        con = self.con
        con.begin()
        try:
            for statement in statements:
                sql, params = (statement, None) if isinstance(statement, str) else statement
                con.execute(sql, params)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        self._publish()
