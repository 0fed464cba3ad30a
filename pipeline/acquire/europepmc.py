"""Europe PMC: open-access articles by query (REST search, cursorMark paging), JATS full texts.

The service (https://europepmc.org/RestfulWebService): ``GET {base}/search?query=...&
format=json&resultType=core&pageSize=N&cursorMark=*``; each answer carries ``hitCount``,
``nextCursorMark`` (the same mark again on the last page) and ``resultList.result``. The full
text of an open-access article is ``GET {base}/{PMCID}/fullTextXML`` (404 when there is none).
Europe PMC publishes no fixed rate limit; we keep to a few requests a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.acquire.http import Client
from pipeline.acquire.manifest import Record
from pipeline.errors import ServiceFormatError

DEFAULT_API_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
PAGE_SIZE = 100  # the service allows up to 1000; 100 keeps an interrupted page cheap
MIN_INTERVAL_S = 0.2
_PMCID = re.compile(r"^PMC\d+$")


def normalise_licence(value: str | None) -> str:
    """Europe PMC's "cc by-nc" -> "cc-by-nc" (OpenAlex spells them this way too)."""
    return re.sub(r"[\s_]+", "-", (value or "").strip().lower())


def build_query(query: str, year_from: int | None, year_to: int | None, licence: str | None) -> str:
    """The user's query restricted to open-access articles whose full text Europe PMC holds."""
    parts = [f"({query})", "OPEN_ACCESS:y", "IN_EPMC:y"]
    if year_from or year_to:
        parts.append(f"PUB_YEAR:[{year_from or 1000} TO {year_to or 3000}]")
    if licence:
        parts.append(f'LICENSE:"{licence.replace("-", " ")}"')
    return " AND ".join(parts)


@dataclass
class EuropePMC:
    client: Client
    query: str
    api_url: str = DEFAULT_API_URL
    page_size: int = PAGE_SIZE
    total: int | None = None  # matches, once the first page is read

    def _page(self, cursor: str, size: int) -> dict[str, Any]:
        data = self.client.get_json(
            f"{self.api_url.rstrip('/')}/search",
            {
                "query": self.query,
                "format": "json",
                "resultType": "core",
                "pageSize": size,
                "cursorMark": cursor,
            },
        )
        if not isinstance(data, dict) or "hitCount" not in data:
            raise ServiceFormatError(
                "Europe PMC answered without 'hitCount': not its search format; check --api-url"
            )
        return data

    def count(self) -> int:
        return int(self._page("*", 1)["hitCount"])

    def records(self) -> Iterator[Record]:
        cursor = "*"
        while True:
            data = self._page(cursor, self.page_size)
            self.total = int(data["hitCount"])
            results = (data.get("resultList") or {}).get("result")
            if not isinstance(results, list):
                raise ServiceFormatError("Europe PMC answered without 'resultList.result'")
            for item in results:
                record = self.record(item)
                if record is not None:
                    yield record
            following = data.get("nextCursorMark")
            # The last page gives back the mark it was asked with.
            if not results or not following or following == cursor:
                return
            cursor = following

    def record(self, item: dict[str, Any]) -> Record | None:
        pmcid = str(item.get("pmcid") or "")
        if not _PMCID.match(pmcid):
            return None  # not in PMC: no full text to fetch
        journal = ((item.get("journalInfo") or {}).get("journal") or {}).get("title")
        return Record(
            path=f"{pmcid}.xml",
            source_url=f"{self.api_url.rstrip('/')}/{pmcid}/fullTextXML",
            expected=("jats",),
            doi=str(item.get("doi") or "").lower(),
            pmcid=pmcid,
            title=str(item.get("title") or "").strip(),
            year=str(item.get("pubYear") or ""),
            venue=str(journal or item.get("journalTitle") or ""),
            licence=normalise_licence(item.get("license")),
        )
