"""The Python API for notebooks: a read-only Corpus over a database, and screen() for one paper.

    >>> from pipeline import Corpus, screen
    >>> corpus = Corpus("synthwatch.duckdb")
    >>> corpus.query("prevalence_by_year", field="medicine")      # a canned query
    >>> Corpus("synthwatch.duckdb", reviews="reviews.duckdb").query("prevalence_validated")
    >>> corpus.papers(concern="high")                              # filtered tables
    >>> corpus.findings(category="llm_text", stance="use")
    >>> corpus.search("synthetic patients", stance="use").rows  # ranked evidence sentences
    >>> screen("paper.pdf").to_dict()                              # the screen JSON contract

Every call opens its own read-only connection and closes it, so a notebook never holds the
database against a later ``synthwatch scan``. Filter values are bound, never put in the SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from pipeline.answers.queries import list_queries, run_query
from pipeline.answers.search import SearchResult, search
from pipeline.errors import QueryError
from pipeline.review.reviews import default_reviews_path
from pipeline.store import DEFAULT_DB, connect_readonly

if TYPE_CHECKING:
    from pipeline.results import PaperResult

PAPERS_SQL = "SELECT * FROM papers"
PAPERS_ORDER = "source_path"
# Findings with the paper columns a reader filters and cites by.
FINDINGS_SQL = (
    "SELECT f.*, p.title, p.doi, p.year, p.venue, p.field, p.source_path "
    "FROM findings AS f JOIN papers AS p USING (paper_id)"
)
FINDINGS_ORDER = "source_path, ordinal"


class Corpus:
    """A synthwatch database, read-only: canned queries and filtered papers and findings."""

    def __init__(self, path: str | Path = DEFAULT_DB, reviews: str | Path | None = None) -> None:
        self.path = Path(path)
        # the reviews file of the validated queries (default: reviews.duckdb beside the database)
        self.reviews = Path(reviews) if reviews else default_reviews_path(self.path)
        connect_readonly(self.path).close()  # a missing database fails here, with a hint

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect_readonly(self.path)
        try:
            yield con
        finally:
            con.close()

    def queries(self) -> pd.DataFrame:
        """The canned queries: name, title, params (with defaults) and description."""
        return pd.DataFrame(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "params": ", ".join(p.describe() for p in q.params),
                    "description": q.description,
                }
                for q in list_queries()
            ],
            columns=["name", "title", "params", "description"],
        )

    def query(self, name: str, /, **params: Any) -> pd.DataFrame:
        """Run the canned query ``name`` (see ``queries()``) with these parameters.

        A parameter the query lacks, or a value outside its list (``category="llm"``), raises
        ParameterError (a QueryError and a UsageError) naming the valid ones.
        """
        with self._connection() as con:
            return run_query(con, name, params, reviews=self.reviews)

    def search(self, text: str, /, **filters: Any) -> SearchResult:
        """Evidence sentences and titles matching ``text``, best first, one page at a time.

        ``text``: words (all must occur), "phrases", a OR b, prefix*. Filters: stance,
        category, section, year_from, year_to, limit (default 20; 0 = all), page.
        ``.rows`` is the page as a DataFrame, ``.total`` the number of hits in all pages.
        """
        with self._connection() as con:
            return search(con, text, **filters)

    def papers(self, **filters: Any) -> pd.DataFrame:
        """Rows of ``papers`` matching every filter (see :func:`select`)."""
        with self._connection() as con:
            return select(con, PAPERS_SQL, PAPERS_ORDER, filters)

    def findings(self, **filters: Any) -> pd.DataFrame:
        """Rows of ``findings`` with the paper's title, doi, year, venue, field and
        source_path, matching every filter (see :func:`select`)."""
        with self._connection() as con:
            return select(con, FINDINGS_SQL, FINDINGS_ORDER, filters)


def select(
    con: duckdb.DuckDBPyConnection, base: str, order: str, filters: dict[str, Any]
) -> pd.DataFrame:
    """Rows of the ``base`` SELECT where every ``column=value`` filter holds.

    A scalar column equals the value (a list value: is one of them; None: is NULL). A list
    column such as categories or generators contains the value (a list value: contains all of
    them). Unknown columns raise QueryError naming the columns there are.
    """
    columns = {row[0]: row[1] for row in con.execute(f"DESCRIBE {base}").fetchall()}
    clauses, values = [], {}
    for i, (column, value) in enumerate(filters.items()):
        if column not in columns:
            raise QueryError(
                f"cannot filter on {column!r}: no such column; columns: {', '.join(columns)}"
            )
        ident, key = f'"{column}"', f"f{i}"
        is_list_column = str(columns[column]).endswith("[]")
        many = isinstance(value, list | tuple | set | frozenset)
        if value is None:
            clauses.append(f"{ident} IS NULL")
            continue
        if is_list_column:
            clauses.append(
                f"list_has_all({ident}, ${key})" if many else f"list_contains({ident}, ${key})"
            )
        else:
            clauses.append(f"list_contains(${key}, {ident})" if many else f"{ident} = ${key}")
        values[key] = sorted(value, key=str) if many else value
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    try:
        return con.execute(f"SELECT * FROM ({base}){where} ORDER BY {order}", values).df()
    except duckdb.Error as exc:
        raise QueryError(f"filter failed: {exc}") from None


def screen(
    path: str | Path, *, extractor: str | None = None, max_pages: int | None = None
) -> PaperResult:
    """Screen one paper without a database: what ``synthwatch screen`` shows.

    Returns the PaperResult; ``.to_dict()`` is the ``screen --format json`` contract
    (docs/screen.md). A file that cannot be read gives a result with status ``failed`` and
    an error, never an exception.
    """
    from pipeline import sources
    from pipeline.scan.work import Settings, screen_file  # loads spaCy: only when screening

    settings = Settings(
        extractor=extractor or sources.DEFAULT_EXTRACTOR,
        max_pages=max_pages or sources.DEFAULT_MAX_PAGES,
    )
    return screen_file(path, settings)
