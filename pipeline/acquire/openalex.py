"""OpenAlex: works by filter (cursor paging) and their open-access PDF where one is listed.

The service (https://docs.openalex.org): ``GET {base}/works?filter=...&per_page=100&cursor=*``;
each answer has ``meta.count``, ``meta.next_cursor`` (null after the last page) and
``results``. ``mailto`` puts the requests in the polite pool; ``api_key`` (a free key) raises
the daily budget. OpenAlex allows 10 requests a second; values OR-ed in one filter
(``doi:a|b``) are capped at 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.acquire.http import Client
from pipeline.acquire.manifest import Record
from pipeline.errors import ServiceFormatError

DEFAULT_API_URL = "https://api.openalex.org"
PAGE_SIZE = 100
MIN_INTERVAL_S = 0.1
_PMCID = re.compile(r"(PMC\d+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_WORK_ID = re.compile(r"(W\d+)$")


def bare_doi(value: str | None) -> str:
    return re.sub(r"^https?://(dx\.)?doi\.org/", "", (value or "").strip(), flags=re.I).lower()


def pmcid_of(work: dict[str, Any]) -> str:
    m = _PMCID.search(str((work.get("ids") or {}).get("pmcid") or ""))
    return m.group(1).upper() if m else ""


def arxiv_id_of(work: dict[str, Any]) -> str:
    m = _ARXIV_DOI.match(bare_doi(work.get("doi")))
    return m.group(1) if m else ""


def describe(work: dict[str, Any]) -> dict[str, Any]:
    """What synthwatch keeps of a work: year, venue, field, topics, OA status, licence."""
    primary = work.get("primary_location") or {}
    best = work.get("best_oa_location") or {}
    topic = work.get("primary_topic") or {}
    oa = work.get("open_access") or {}
    return {
        "openalex_id": str(work.get("id") or ""),
        "doi": bare_doi(work.get("doi")),
        "title": str(work.get("display_name") or work.get("title") or ""),
        "year": work.get("publication_year"),
        "venue": str((primary.get("source") or {}).get("display_name") or ""),
        "field": str((topic.get("field") or {}).get("display_name") or ""),
        "subfield": str((topic.get("subfield") or {}).get("display_name") or ""),
        "domain": str((topic.get("domain") or {}).get("display_name") or ""),
        "topics": [
            str(t.get("display_name")) for t in work.get("topics") or [] if t.get("display_name")
        ],
        "is_oa": oa.get("is_oa"),
        "oa_status": oa.get("oa_status"),
        "licence": str(best.get("license") or primary.get("license") or ""),
    }


def page_of(data: Any) -> tuple[list[dict[str, Any]], int, str | None]:
    """(results, count, next cursor) of one answer, or ServiceFormatError."""
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
        raise ServiceFormatError("OpenAlex answered without 'meta': not its list format")
    results = data.get("results")
    if not isinstance(results, list):
        raise ServiceFormatError("OpenAlex answered without a 'results' list")
    meta = data["meta"]
    return results, int(meta.get("count") or 0), meta.get("next_cursor")


@dataclass
class OpenAlex:
    client: Client
    filter: str
    api_url: str = DEFAULT_API_URL
    mailto: str | None = None
    api_key: str | None = None
    page_size: int = PAGE_SIZE
    total: int | None = None  # matches, once the first page is read

    def _params(self, **extra: object) -> dict[str, object]:
        return {"filter": self.filter, "mailto": self.mailto, "api_key": self.api_key, **extra}

    def count(self) -> int:
        data = self.client.get_json(f"{self.api_url.rstrip('/')}/works", self._params(per_page=1))
        return page_of(data)[1]

    def records(self) -> Iterator[Record]:
        """Every work; one without a PDF has ``unavailable`` set (recorded, not fetched)."""
        cursor: str | None = "*"
        while cursor:
            data = self.client.get_json(
                f"{self.api_url.rstrip('/')}/works",
                self._params(per_page=self.page_size, cursor=cursor),
            )
            results, self.total, following = page_of(data)
            for work in results:
                yield self.record(work)
            if not results or following == cursor:
                return
            cursor = following

    def record(self, work: dict[str, Any]) -> Record:
        m = _WORK_ID.search(str(work.get("id") or ""))
        if not m:
            raise ServiceFormatError("an OpenAlex work without an id")
        path = f"{m.group(1)}.pdf"
        pdf = next(
            (
                loc.get("pdf_url")
                for loc in [work.get("best_oa_location") or {}, *(work.get("locations") or [])]
                if loc and loc.get("pdf_url")
            ),
            None,
        )
        d = describe(work)
        return Record(
            path=path,
            source_url=str(pdf or ""),
            unavailable="" if pdf else "no open-access PDF listed by OpenAlex",
            expected=("pdf",),
            doi=d["doi"],
            pmcid=pmcid_of(work),
            arxiv_id=arxiv_id_of(work),
            title=d["title"],
            year=str(d["year"] or ""),
            venue=d["venue"],
            field=d["field"],
            licence=d["licence"],
        )
