"""arXiv: metadata from the API's Atom feed (start/max_results paging), then PDF or LaTeX.

The service (https://info.arxiv.org/help/api/user-manual.html): ``GET {base}?search_query=...
&start=N&max_results=M&sortBy=submittedDate&sortOrder=ascending``; the feed's
``opensearch:totalResults`` counts the matches, each ``<entry>`` has ``<id>`` (the abs URL),
``<published>``, ``<title>``, ``<link title="pdf">``, ``<arxiv:primary_category>`` and, when
the authors gave them, ``<arxiv:doi>`` and ``<arxiv:journal_ref>``. A bad query is answered
with a feed whose one entry is an error. arXiv's terms ask for one request every 3 seconds,
one at a time; the LaTeX source is at ``/e-print/ID`` (a gzipped tar or a gzipped file).
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from pipeline.acquire.http import Client, Response
from pipeline.acquire.manifest import Record
from pipeline.errors import MalformedInput, ServiceFormatError, UsageError

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
PAGE_SIZE = 100
MIN_INTERVAL_S = 3.0
MAX_SOURCE_BYTES = 50 << 20
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
    "arxiv": "http://arxiv.org/schemas/atom",
}
# arXiv archives -> OpenAlex's field names, so that arXiv and OpenAlex papers share fields.
ARCHIVE_FIELDS = {
    "cs": "Computer Science",
    "math": "Mathematics",
    "stat": "Mathematics",
    "eess": "Engineering",
    "econ": "Economics, Econometrics and Finance",
    "q-fin": "Economics, Econometrics and Finance",
    "q-bio": "Biochemistry, Genetics and Molecular Biology",
}
PHYSICS = "Physics and Astronomy"  # astro-ph, cond-mat, gr-qc, hep-*, nlin, nucl-*, physics...
# New-style ids (2401.01234v2) and old-style ones (hep-th/9901001v1): nothing else becomes a
# file name.
_ID = re.compile(
    r"/abs/(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$"
)


def field_of(category: str) -> str:
    archive = category.split(".")[0].lower()
    return ARCHIVE_FIELDS.get(archive, PHYSICS if archive else "")


def build_query(
    query: str | None, category: str | None, year_from: int | None, year_to: int | None
) -> str:
    parts = []
    if query:
        # plain words: each in any field; a fielded query (ti:, abs:, au:) is passed as given
        parts.append(query if ":" in query else " AND ".join(f"all:{w}" for w in query.split()))
    if category:
        parts.append(f"cat:{category}")
    if not parts:
        raise UsageError("give --query or --category")
    if year_from or year_to:
        parts.append(f"submittedDate:[{year_from or 1991}01010000 TO {year_to or 2999}12312359]")
    return " AND ".join(parts)


def _text(entry: Element, path: str) -> str:
    node = entry.find(path, NS)
    return " ".join((node.text or "").split()) if node is not None else ""


@dataclass
class ArXiv:
    client: Client
    query: str
    source: str = "pdf"  # or latex
    api_url: str = DEFAULT_API_URL
    page_size: int = PAGE_SIZE
    total: int | None = None  # matches, once the first page is read

    def _feed(self, start: int, size: int) -> Element:
        response = self.client.get(
            self.api_url,
            {
                "search_query": self.query,
                "start": start,
                "max_results": size,
                "sortBy": "submittedDate",
                "sortOrder": "ascending",
            },
            accept="application/atom+xml",
        )
        assert isinstance(response, Response)
        try:
            feed = SafeET.fromstring(response.body)
        except Exception as exc:  # defusedxml raises ParseError and its own refusals
            raise ServiceFormatError(
                f"arXiv answered with a feed that is not XML ({exc}); check --api-url",
                url=response.url,
            ) from None
        if feed.tag != f"{{{NS['atom']}}}feed":
            raise ServiceFormatError(f"arXiv answered <{feed.tag}>, not an Atom feed")
        for entry in feed.findall("atom:entry", NS):
            if "/api/errors" in _text(entry, "atom:id"):
                raise UsageError(f"arXiv refused the query: {_text(entry, 'atom:summary')}")
        return feed

    def count(self) -> int:
        total = self._feed(0, 1).find("opensearch:totalResults", NS)
        if total is None or not (total.text or "").strip().isdigit():
            raise ServiceFormatError("arXiv's feed has no opensearch:totalResults")
        return int(total.text or 0)

    def records(self) -> Iterator[Record]:
        start = 0
        while True:
            feed = self._feed(start, self.page_size)
            entries = feed.findall("atom:entry", NS)
            total_node = feed.find("opensearch:totalResults", NS)
            total = int(total_node.text or 0) if total_node is not None else 0
            self.total = total
            for entry in entries:
                record = self.record(entry)
                if record is not None:
                    yield record
            start += len(entries)
            if not entries or start >= total:
                return

    def record(self, entry: Element) -> Record | None:
        abs_url = _text(entry, "atom:id")
        m = _ID.search(abs_url)
        if not m:
            return None
        arxiv_id = m.group("id")
        pdf = next(
            (
                link.get("href", "")
                for link in entry.findall("atom:link", NS)
                if link.get("title") == "pdf"
            ),
            abs_url.replace("/abs/", "/pdf/"),
        )
        primary = entry.find("arxiv:primary_category", NS)
        category = primary.get("term", "") if primary is not None else ""
        safe_id = arxiv_id.replace("/", "_")  # old ids: hep-th/9901001
        if self.source == "latex":
            url = abs_url.replace("/abs/", "/e-print/")
            path, expected = f"{safe_id}.tex", ("latex",)
        else:
            path, url, expected = f"{safe_id}.pdf", pdf, ("pdf",)
        return Record(
            path=path,
            source_url=url,
            expected=expected,
            doi=_text(entry, "arxiv:doi").lower(),
            arxiv_id=arxiv_id,
            title=_text(entry, "atom:title"),
            year=_text(entry, "atom:published")[:4],
            venue=_text(entry, "arxiv:journal_ref") or "arXiv",
            field=field_of(category),
        )


def unpack_source(data: bytes) -> bytes:
    """The main .tex file of an arXiv e-print: a gzipped tar, a gzipped file or plain TeX.

    Read in memory, never extracted to disk (member names are untrusted). The main file is
    the one with ``\\documentclass``; files it ``\\input``s are not merged (a note for scan).
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise MalformedInput(f"damaged gzip source: {exc}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise MalformedInput("LaTeX source larger than 50 MB")
    candidates = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.lower().endswith(".tex"):
                    fh = archive.extractfile(member)
                    if fh is not None:
                        text = fh.read(MAX_SOURCE_BYTES)
                        candidates.append((b"\\documentclass" not in text, member.name, text))
    except tarfile.TarError:
        return data  # a single file, gzipped or not
    if not candidates:
        raise MalformedInput("the e-print holds no .tex file (PDF-only submission?)")
    return sorted(candidates)[0][2]
