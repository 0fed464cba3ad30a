"""The reviews file: the drawn sample and the reviewers' answers, in a DuckDB file of their own.

Reviews are never written into the scanned database: that file is rebuilt by every rescan and
opened read-only by the queries, and people's judgements must survive both. The reviews file
(``--reviews FILE``, default ``reviews.duckdb`` beside the database) holds

- ``sample``: the drawn papers, each with its stratum and inclusion probability;
- ``reviews``: one row per paper and reviewer: ``yes`` | ``no`` | ``unsure``, a category, a note.

A reviewer named ``adjudicator`` settles a paper on which the others disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.errors import DatabaseLocked, ReviewError, ReviewsMissing, StoreError
from pipeline.review.sampling import Drawn

DEFAULT_REVIEWS = "reviews.duckdb"
ANSWERS = ("yes", "no", "unsure")
ADJUDICATOR = "adjudicator"
FORMAT_KEY, FORMAT_VALUE = "format", "synthwatch-reviews-1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS review_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS sample (
    paper_id VARCHAR PRIMARY KEY,
    stratum VARCHAR NOT NULL,
    inclusion_probability DOUBLE NOT NULL CHECK (inclusion_probability > 0
                                                 AND inclusion_probability <= 1),
    position INTEGER NOT NULL,
    strata VARCHAR NOT NULL,        -- the stratum keys, e.g. verdict,year
    seed BIGINT,
    drawn_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    paper_id VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    uses_synthetic VARCHAR NOT NULL CHECK (uses_synthetic IN ('yes', 'no', 'unsure')),
    category VARCHAR,               -- ;-joined TAXONOMY categories, or NULL
    note VARCHAR,
    source VARCHAR NOT NULL,        -- sheet | web
    reviewed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (paper_id, reviewer)
);
"""
MISSING_HINT = (
    "no reviews file at {path}: draw a sample with `synthwatch sample --db DB -o sample.csv` "
    "(it creates the file), review it, then `synthwatch review import sample.csv`"
)


def default_reviews_path(db: str | Path) -> Path:
    """``reviews.duckdb`` in the database's folder."""
    return Path(db).parent / DEFAULT_REVIEWS


@dataclass(frozen=True)
class Review:
    """One reviewer's answer on one paper."""

    paper_id: str
    reviewer: str
    uses_synthetic: str  # yes | no | unsure
    category: str | None = None
    note: str | None = None
    source: str = "sheet"


@dataclass(frozen=True)
class SampleRow:
    paper_id: str
    stratum: str
    inclusion_probability: float
    position: int


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"another process has {path} open for writing (a review queue, an import); "
                "wait for it to finish"
            ) from None
        raise StoreError(f"cannot open reviews file {path}: {exc}") from None
    except duckdb.Error as exc:
        raise StoreError(f"cannot open reviews file {path}: {exc}") from None


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _check_kind(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    tables = _tables(con)
    if "papers" in tables or "findings" in tables:
        raise ReviewError(
            f"{path} is a scanned synthwatch database, not a reviews file: reviews are kept in "
            f"a file of their own (--reviews FILE, default {DEFAULT_REVIEWS} beside the database)"
        )
    if tables and "review_meta" not in tables:
        raise ReviewError(f"{path} is a DuckDB file but not a synthwatch reviews file")


class ReviewStore:
    """The writer of a reviews file (created on first use). Use as a context manager."""

    def __init__(self, path: str | Path, database: str | Path | None = None) -> None:
        self.path = Path(path)
        if database is not None and self.path.resolve() == Path(database).resolve():
            raise ReviewError(
                f"--reviews {self.path} is the scanned database itself: give reviews a file of "
                f"their own (default {DEFAULT_REVIEWS} beside the database)"
            )
        self.con = _open(self.path, read_only=False)
        try:
            _check_kind(self.con, self.path)
            self.con.execute(SCHEMA)
            self.con.execute(
                "INSERT OR IGNORE INTO review_meta VALUES (?, ?)", [FORMAT_KEY, FORMAT_VALUE]
            )
        except BaseException:
            self.con.close()
            raise

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def save_sample(self, drawn: Sequence[Drawn], strata: Sequence[str], seed: int) -> str:
        """Record the drawn sample; 'saved', or 'unchanged' when it is the one already there.

        A different sample replaces the old one only while no paper has been reviewed: the
        reviews of one design cannot be weighted by another's inclusion probabilities.
        """
        old = {r.paper_id: r for r in read_sample(self.con)}
        new = {d.paper_id: d for d in drawn}
        same = set(old) == set(new) and all(
            old[k].stratum == new[k].stratum
            and abs(old[k].inclusion_probability - new[k].inclusion_probability) < 1e-12
            for k in new
        )
        if same:
            return "unchanged"
        n_reviews = self.con.execute("SELECT count(*) FROM reviews").fetchone()[0]  # type: ignore[index]
        if old and n_reviews:
            raise ReviewError(
                f"{self.path} already holds another sample of {len(old)} papers with "
                f"{n_reviews} review(s): draw the same sample again (same --seed, --n, "
                "--strata) or keep the new one in another file (--reviews NEW.duckdb)"
            )
        now = _now()
        self.con.begin()
        try:
            self.con.execute("DELETE FROM sample")
            self.con.executemany(
                "INSERT INTO sample VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        d.paper_id,
                        d.stratum,
                        d.inclusion_probability,
                        d.position,
                        ",".join(strata),
                        seed,
                        now,
                    ]
                    for d in drawn
                ],
            )
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        return "saved"

    def import_reviews(
        self,
        reviews: Sequence[Review],
        sample: Sequence[SampleRow] = (),
        strata: str = "verdict",
    ) -> tuple[int, int]:
        """Write reviews (and, into an empty file, the sheet's sample) in one transaction.

        A review by the same reviewer of the same paper replaces the earlier one. Returns
        (new, replaced).
        """
        existing = set(self.con.execute("SELECT paper_id, reviewer FROM reviews").fetchall())
        replaced = sum(1 for r in reviews if (r.paper_id, r.reviewer) in existing)
        now = _now()
        self.con.begin()
        try:
            if sample and not self.con.execute("SELECT count(*) FROM sample").fetchone()[0]:  # type: ignore[index]
                self.con.executemany(
                    "INSERT INTO sample VALUES (?, ?, ?, ?, ?, NULL, ?)",
                    [
                        [s.paper_id, s.stratum, s.inclusion_probability, s.position, strata, now]
                        for s in sample
                    ],
                )
            for r in reviews:
                self._upsert(r, now)
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise
        return len(reviews) - replaced, replaced

    def add_review(self, review: Review) -> None:
        """One answer from the review queue (replacing this reviewer's earlier one)."""
        if review.uses_synthetic not in ANSWERS:
            raise ReviewError(f"answer must be one of {', '.join(ANSWERS)}")
        self.con.begin()
        try:
            self._upsert(review, _now())
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def _upsert(self, r: Review, now: datetime) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
            [r.paper_id, r.reviewer, r.uses_synthetic, r.category, r.note, r.source, now],
        )


@contextmanager
def reading(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to an existing reviews file; ReviewsMissing when there is none."""
    path = Path(path)
    if not path.is_file():
        raise ReviewsMissing(MISSING_HINT.format(path=path))
    con = _open(path, read_only=True)
    try:
        _check_kind(con, path)
        if "sample" not in _tables(con):
            raise ReviewError(f"{path} is an empty reviews file: it holds no sample")
        yield con
    finally:
        con.close()


def read_sample(con: duckdb.DuckDBPyConnection) -> list[SampleRow]:
    rows = con.execute(
        "SELECT paper_id, stratum, inclusion_probability, position FROM sample ORDER BY position"
    ).fetchall()
    return [SampleRow(*r) for r in rows]


def read_strata(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The stratum keys the sample was drawn with (verdict when it came from a sheet)."""
    row = con.execute("SELECT any_value(strata) FROM sample").fetchone()
    return tuple((row[0] if row and row[0] else "verdict").split(","))


def read_reviews(con: duckdb.DuckDBPyConnection) -> list[Review]:
    rows = con.execute(
        "SELECT paper_id, reviewer, uses_synthetic, category, note, source FROM reviews "
        "ORDER BY paper_id, reviewer"
    ).fetchall()
    return [Review(*r) for r in rows]
