"""The search table: findings joined with their paper's facets, lower-cased, in rank order.

Built once from the scanned database into a SEPARATE cache file beside it
(``FILE.<hash>.web-index.duckdb``; the scanned file stays read-only; a folder we cannot write
to gets the cache in the temporary folder), and rebuilt, into a new file, when the database
changes. Why a table of its own: on 10M findings, searching the
text and counting facets through a join with papers, with case folding on every row, took
seconds; one denormalised table whose text is already lower-case and whose rows are stored
in the order of relevance answers a page with a top-N scan and no join. DuckDB's full-text
extension would be the other way, but extensions cannot be downloaded at run time here.

Schema of the cache (version ``INDEX_VERSION``): ``hits`` (one row a finding, with ``sbits``
and ``tbits``: which of the most frequent keys its sentence and its paper's title hold),
``vocabulary`` (each key: how many rows hold it, its bit or none), ``terms`` (the rows of each
key without a bit, sorted by key; the search, :mod:`pipeline.web.terms`), ``facets`` (the
counts of the whole table, so that the unfiltered page needs no scan) and ``meta``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from pipeline.errors import StoreError
from pipeline.store import readable_file

INDEX_VERSION = "4"
# DuckDB's memory for building the table (it spills to a folder beside it past this).
BUILD_MEMORY = "4GB"
SUFFIX = ".web-index.duckdb"
# facet name -> the SQL of its value in the hits table (a list is unnested)
FACETS: dict[str, str] = {
    "category": "category",
    "stance": "stance",
    "role": "unnest(roles)",
    "concern": "concern",
    "medical": "medical::VARCHAR",
    "participants_replaced": "participants_replaced::VARCHAR",
    "real_data_check": "real_data_check",
    "generator": "unnest(generators)",
    "year": "year::VARCHAR",
    "venue": "venue",
    "field": "field",
    "source_format": "format",
}
# Rank: the paper's own use first, then the most confident, newest; stable by id. Numbered
# on the sort keys alone (a window over the whole rows sorted 10M sentences and spilled to
# disk); the rows are joined to their text and sorted once, when ``hits`` is written.
RANKED_SQL = """
CREATE TEMP TABLE ranked AS
SELECT f.paper_id, f.ordinal,
       row_number() OVER (
           ORDER BY f.stance = 'use' DESC, f.confidence DESC, p.year DESC NULLS LAST,
                    f.paper_id, f.ordinal
       )::BIGINT AS rk,
       row_number() OVER (
           PARTITION BY f.paper_id ORDER BY f.stance = 'use' DESC, f.confidence DESC, f.ordinal
       ) = 1 AS best
FROM src.findings AS f JOIN src.papers AS p USING (paper_id)
"""

# The keys of a text: its distinct words (letters, digits and _, as the search's regular
# expressions see them: RE2 classes) and its word pairs, "a b" for two words with only
# spaces or hyphens between them (what a two-word phrase matches). regexp_split_to_array
# and regexp_extract_all alternate: the separator s[i] stands between words w[i] and w[i+1].
_SPLIT = r"'[^\p{L}\p{N}_]+'"
_GAP = r"'[\s\-‐‑‒–—]+'"  # pipeline.answers.search._GAP, at least one


def _keys(column: str) -> str:
    w = f"regexp_split_to_array({column}, {_SPLIT})"
    s = f"regexp_extract_all({column}, {_SPLIT})"
    pairs = (
        f"list_transform(range(1, len(w)), lambda i: CASE WHEN w[i] <> '' AND w[i + 1] <> '' "
        f"AND (s[i] = ' ' OR regexp_full_match(s[i], {_GAP})) THEN w[i] || ' ' || w[i + 1] END)"
    )
    return (
        f"(SELECT list_distinct(list_concat(list_filter(w, lambda x: x <> ''), "
        f"list_filter({pairs}, lambda x: x IS NOT NULL))) FROM (SELECT {w} AS w, {s} AS s))"
    )


KEYS_SQL = f"""
CREATE TEMP TABLE keys AS
SELECT rk, false AS title, unnest({_keys("lower(f.sentence)")}) AS key
FROM ranked JOIN src.findings AS f USING (paper_id, ordinal)
UNION ALL
SELECT rk, true AS title, unnest({_keys("lower(coalesce(p.title, ''))")}) AS key
FROM ranked JOIN src.papers AS p USING (paper_id)
WHERE best
"""

# How many rows hold each key; the most frequent get a bit of the row's bits (sentence: 128,
# title: 64) instead of a list of rows in ``terms``: a search for them is a test of a number
# per row, not a join with millions of row numbers.
SENTENCE_BITS, TITLE_BITS = 128, 64
# a key in fewer rows than this share keeps its list of rows (a short one)
BIT_SHARE = 0.005
VOCABULARY_SQL = """
CREATE TABLE vocabulary AS
SELECT key, title, n,
       CASE WHEN r <= CASE WHEN title THEN $title_bits ELSE $sentence_bits END
                 AND n >= $least THEN r - 1 END::INTEGER AS bit
FROM (
    SELECT key, title, n, row_number() OVER (PARTITION BY title ORDER BY n DESC, key) AS r
    FROM (SELECT key, title, count(*) AS n FROM keys GROUP BY ALL)
)
ORDER BY title, key
"""
BITS_SQL = """
CREATE TEMP TABLE bits AS
SELECT rk,
       bit_or(CASE WHEN NOT title THEN 1::UHUGEINT << bit::UHUGEINT END) AS sbits,
       bit_or(CASE WHEN title THEN 1::UHUGEINT << bit::UHUGEINT END) AS tbits
FROM keys JOIN vocabulary USING (key, title)
WHERE bit IS NOT NULL
GROUP BY rk
"""
# the rows of the keys without a bit, sorted by key: found by the zone maps, not a scan
TERMS_SQL = """
CREATE TABLE terms AS
SELECT key, title, rk
FROM keys JOIN vocabulary USING (key, title)
WHERE bit IS NULL
ORDER BY title, key, rk
"""
HITS_SQL = """
CREATE TABLE hits AS
SELECT r.rk, f.finding_id, f.paper_id, f.ordinal, f.section, f.page, f.sentence, f.stance,
       f.category, f.roles, f.generators, f.pattern_ids, f.confidence,
       p.title, p.doi, p.year, p.venue, p.field, p.format, p.concern, p.medical,
       p.participants_replaced, p.real_data_check, p.source_path,
       lower(f.sentence) AS sentence_lc, lower(coalesce(p.title, '')) AS title_lc, r.best,
       coalesce(b.sbits, 0) AS sbits, coalesce(b.tbits, 0) AS tbits
FROM ranked AS r
JOIN src.findings AS f USING (paper_id, ordinal)
JOIN src.papers AS p ON p.paper_id = r.paper_id
LEFT JOIN bits AS b ON b.rk = r.rk
ORDER BY r.rk
"""


def cache_folder(db: Path) -> Path:
    """Where the search tables of ``db`` live: beside it, or in the temporary folder."""
    db = db.resolve()
    return db.parent if os.access(db.parent, os.W_OK) else Path(tempfile.gettempdir())


def _source_key(db: Path) -> str:
    """The state of the database: the file readers see now (the published snapshot while a
    scan writes), its time and size. A scan therefore changes the key once per publication."""
    source = readable_file(db)
    st = os.stat(source)
    return f"{INDEX_VERSION}:{source.name}:{st.st_mtime_ns}:{st.st_size}"


def cache_path(db: Path, key: str, folder: Path | None = None) -> Path:
    """The search table of ``db`` in the state ``key``: one file per state of the database, so
    that a rebuilt table never replaces a file that a request may still be reading."""
    db = db.resolve()
    digest = hashlib.sha256(f"{db}|{key}".encode()).hexdigest()[:12]
    return (folder or cache_folder(db)) / f"{db.name}.{digest}{SUFFIX}"


def _stored_key(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        con = _open(path)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'source'").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return rows[0][0] if rows else None


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        str(path),
        read_only=True,
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            # a table name that is missing must fail, never read a Python variable
            "python_enable_replacements": False,
            "lock_configuration": True,
        },
    )


def build(db: Path, target: Path, bits: tuple[int, int] = (SENTENCE_BITS, TITLE_BITS)) -> float:
    """Write the search table of ``db`` to ``target`` (replaced atomically); seconds taken.

    ``bits``: how many keys of sentences and of titles get a bit (fewer: more lists of rows;
    the answers are the same, a test builds with none).
    """
    start = time.perf_counter()
    key = _source_key(db)
    part = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.parent.mkdir(parents=True, exist_ok=True)
    part.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(part))
        try:
            # our own statement on our own file: no user text reaches this connection
            # the snapshot while a scan holds the database (the key above was taken of it)
            quoted = str(readable_file(db)).replace("'", "''")  # ATTACH takes no parameter
            con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
            con.execute("SET enable_progress_bar = false")
            # a bounded build that spills to disk, beside a scan or a busy machine
            con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
            for sql in (RANKED_SQL, KEYS_SQL):
                con.execute(sql)
            rows = con.execute("SELECT count(*) FROM ranked").fetchone()[0]
            least = max(1, int(BIT_SHARE * rows))
            sizes = {"sentence_bits": bits[0], "title_bits": bits[1], "least": least}
            con.execute(VOCABULARY_SQL, sizes)
            for sql in (BITS_SQL, TERMS_SQL, HITS_SQL):
                con.execute(sql)
            con.execute("DROP TABLE keys; DROP TABLE bits; DROP TABLE ranked")
            con.execute(_facets_sql("hits"))
            con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
            con.execute("INSERT INTO meta VALUES ('source', ?)", [key])
            con.execute("DETACH src")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(part, target)
    except duckdb.Error as exc:
        part.unlink(missing_ok=True)
        raise StoreError(f"cannot build the search table of {db} in {target}: {exc}") from None
    return time.perf_counter() - start


def _facets_sql(table: str) -> str:
    parts = [
        f"SELECT '{name}' AS facet, value, count(*) AS n "
        f"FROM (SELECT {expr} AS value FROM {table}) GROUP BY value"
        for name, expr in FACETS.items()
    ]
    return "CREATE TABLE facets AS " + " UNION ALL ".join(parts)


class SearchIndex:
    """The search table of one database, opened read-only, rebuilt when the database changes."""

    def __init__(self, db: Path, folder: Path | None = None) -> None:
        self.db = Path(db)
        self.folder = folder or cache_folder(self.db)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: str | None = None
        self.path: Path | None = None
        self.build_seconds: float | None = None

    def ensure(self) -> None:
        """Open the table, building it first when missing or older than the database."""
        try:
            key = _source_key(self.db)
        except OSError:
            key = self._key or ""  # the database is being replaced: keep the table we have
        if self._con is not None and key == self._key:
            return
        with self._lock:
            if self._con is not None and key == self._key:
                return
            path = cache_path(self.db, key, self.folder)
            if _stored_key(path) != key:
                self.build_seconds = build(self.db, path)
            con = _open(path)
            old, self._con, self._key, self.path = self._con, con, key, path
            if old is not None:
                old.close()
            self._remove_stale(path)

    def _remove_stale(self, current: Path) -> None:
        """Delete the tables of earlier states of the database (a reader still holding one
        keeps reading it: the file goes when it is closed)."""
        for other in self.folder.glob(f"{self.db.resolve().name}.*{SUFFIX}"):
            if other != current:
                other.unlink(missing_ok=True)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one request (close it after)."""
        self.ensure()
        assert self._con is not None
        return self._con.cursor()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
