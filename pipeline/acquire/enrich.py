"""Year, venue, field, topics, OA status and licence from OpenAlex for papers in a database.

Papers are looked up by DOI, else by the PMCID or arXiv id in their file name (what ``fetch``
names files), in batches of up to 50 identifiers OR-ed in one filter. Every answer, a miss
included, is cached in a JSONL file, so a rerun asks OpenAlex nothing it asked before.

What OpenAlex says is kept whole in ``paper_enrichment`` (one row per paper). In ``papers``
only empty year / venue / field are filled: a value there came from the paper itself or from
the user's manifest, and OpenAlex's may be about another version of the work (the preprint's
year, a journal's new name), so it never overwrites one. Compare the two with SQL.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.acquire.http import Client
from pipeline.acquire.openalex import DEFAULT_API_URL, bare_doi, describe, page_of, pmcid_of
from pipeline.errors import DatabaseMissing

BATCH_SIZE = 50
CACHE_NAME = "openalex.jsonl"
SELECT = (
    "id,doi,display_name,publication_year,primary_location,best_oa_location,primary_topic,"
    "topics,open_access,ids"
)
ENRICHMENT_TABLE = """
CREATE TABLE IF NOT EXISTS paper_enrichment (
    paper_id VARCHAR NOT NULL,
    identifier VARCHAR NOT NULL,        -- what was looked up: doi:10... or pmcid:PMC...
    source VARCHAR NOT NULL,            -- openalex
    openalex_id VARCHAR,
    doi VARCHAR,
    year INTEGER,
    venue VARCHAR,
    field VARCHAR,
    subfield VARCHAR,
    domain VARCHAR,
    topics VARCHAR[],
    is_oa BOOLEAN,
    oa_status VARCHAR,
    licence VARCHAR,
    enriched_at TIMESTAMP NOT NULL
)
"""
FILL_PAPERS = """
UPDATE papers SET
    year = coalesce(papers.year, e.year),
    venue = coalesce(nullif(papers.venue, ''), nullif(e.venue, '')),
    field = coalesce(nullif(papers.field, ''), nullif(e.field, ''))
FROM paper_enrichment e
WHERE papers.paper_id = e.paper_id
"""
_PMCID_NAME = re.compile(r"\b(PMC\d+)\b", re.IGNORECASE)
_ARXIV_NAME = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")


def identifier_of(doi: str | None, source_path: str) -> str | None:
    """``doi:...`` or ``pmcid:PMC...`` for a paper, or None when it has neither."""
    if doi and bare_doi(doi).startswith("10."):
        return f"doi:{bare_doi(doi)}"
    name = os.path.basename(source_path)
    if m := _PMCID_NAME.search(name):
        return f"pmcid:{m.group(1).upper()}"
    if m := _ARXIV_NAME.search(name):
        return f"doi:10.48550/arxiv.{m.group(1)}"  # OpenAlex knows arXiv papers by DataCite DOI
    return None


class Cache:
    """identifier -> OpenAlex work (or None: OpenAlex does not know it), on disk as JSONL."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / CACHE_NAME
        self.works: dict[str, dict[str, Any] | None] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue  # a line torn by an interrupted run: asked again
                if isinstance(row, dict) and isinstance(row.get("id"), str):
                    self.works[row["id"]] = row.get("work")

    def __contains__(self, identifier: str) -> bool:
        return identifier in self.works

    def add(self, answers: dict[str, dict[str, Any] | None]) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            for identifier, work in answers.items():
                fh.write(json.dumps({"id": identifier, "work": work}, sort_keys=True) + "\n")
                self.works[identifier] = work


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def lookup(
    client: Client,
    identifiers: list[str],
    *,
    api_url: str = DEFAULT_API_URL,
    mailto: str | None = None,
    api_key: str | None = None,
) -> dict[str, dict[str, Any] | None]:
    """One request for identifiers of one kind; every identifier gets an answer (or None)."""
    kind = identifiers[0].split(":", 1)[0]
    values = [i.split(":", 1)[1] for i in identifiers]
    oa_filter = "doi" if kind == "doi" else "ids.pmcid"
    data = client.get_json(
        f"{api_url.rstrip('/')}/works",
        {
            "filter": f"{oa_filter}:{'|'.join(values)}",
            "per_page": len(values),
            "select": SELECT,
            "mailto": mailto,
            "api_key": api_key,
        },
    )
    results, _, _ = page_of(data)
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(identifiers)
    for work in results:
        key = f"doi:{bare_doi(work.get('doi'))}" if kind == "doi" else f"pmcid:{pmcid_of(work)}"
        if key in found:
            found[key] = work
    return found


@dataclass
class EnrichSummary:
    papers: int = 0  # papers in the database
    with_identifier: int = 0
    asked: int = 0  # identifiers sent to OpenAlex in this run
    requests: int = 0
    from_cache: int = 0
    matched: int = 0
    not_found: int = 0
    filled: dict[str, int] = field(default_factory=dict)  # column -> papers filled

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def enrich(
    db: str | Path,
    client: Client,
    cache: Cache,
    *,
    api_url: str = DEFAULT_API_URL,
    mailto: str | None = None,
    api_key: str | None = None,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
    dry_run: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> EnrichSummary:
    """Look up the database's papers (``limit``: the first N with an identifier) and write.

    With ``dry_run`` nothing is asked or written: the summary says how many identifiers a
    run would send (those not in the cache).
    """
    from pipeline.store import Store

    if not Path(db).exists():
        raise DatabaseMissing(f"no database at {db}; run synthwatch scan first")
    summary = EnrichSummary()
    with Store(db) as store:
        con = store.con
        rows = con.execute(
            "SELECT paper_id, doi, source_path FROM papers ORDER BY paper_id"
        ).fetchall()
        summary.papers = len(rows)
        by_paper: dict[str, str] = {}
        for paper_id, doi, source_path in rows:
            identifier = identifier_of(doi, source_path)
            if identifier is not None:
                by_paper[paper_id] = identifier
        if limit is not None:
            by_paper = dict(list(by_paper.items())[:limit])
        summary.with_identifier = len(by_paper)
        wanted = sorted(set(by_paper.values()))
        missing = [i for i in wanted if i not in cache]
        summary.from_cache = len(wanted) - len(missing)
        summary.asked = len(missing)
        if dry_run:
            return summary
        done = 0
        for kind in ("doi", "pmcid"):
            for batch in _batches([i for i in missing if i.startswith(kind + ":")], batch_size):
                cache.add(lookup(client, batch, api_url=api_url, mailto=mailto, api_key=api_key))
                summary.requests += 1
                done += len(batch)
                if on_batch is not None:
                    on_batch(done, len(missing))
        summary.filled = _write(con, by_paper, cache, summary)
    return summary


def _write(
    con: Any, by_paper: dict[str, str], cache: Cache, summary: EnrichSummary
) -> dict[str, int]:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for paper_id, identifier in sorted(by_paper.items()):
        work = cache.works.get(identifier)
        if work is None:
            summary.not_found += 1
            continue
        summary.matched += 1
        d = describe(work)
        rows.append(
            [
                paper_id,
                identifier,
                "openalex",
                d["openalex_id"] or None,
                d["doi"] or None,
                d["year"],
                d["venue"] or None,
                d["field"] or None,
                d["subfield"] or None,
                d["domain"] or None,
                d["topics"],
                d["is_oa"],
                d["oa_status"],
                d["licence"] or None,
                now,
            ]
        )
    columns = ("year", "venue", "field")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(ENRICHMENT_TABLE)
        before = {c: _empty(con, c) for c in columns}
        if rows:
            con.execute(
                "DELETE FROM paper_enrichment WHERE paper_id IN (SELECT unnest($ids))",
                {"ids": [r[0] for r in rows]},
            )
            con.executemany(
                f"INSERT INTO paper_enrichment VALUES ({', '.join('?' * len(rows[0]))})", rows
            )
        con.execute(FILL_PAPERS)
        filled = {c: before[c] - _empty(con, c) for c in columns}
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return filled


def _empty(con: Any, column: str) -> int:
    condition = f"{column} IS NULL" if column == "year" else f"coalesce({column}, '') = ''"
    return int(con.execute(f"SELECT count(*) FROM papers WHERE {condition}").fetchone()[0])
