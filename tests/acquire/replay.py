"""A replay server for the tests: Europe PMC, arXiv and OpenAlex on 127.0.0.1.

Each service answers in the format its documentation gives (written by us from the
documentation, not recorded): Europe PMC's search JSON with ``cursorMark`` paging and its
``/{PMCID}/fullTextXML``; arXiv's Atom feed with OpenSearch totals, ``/pdf/ID`` and
``/e-print/ID``; OpenAlex's ``/works`` JSON with ``meta.next_cursor``. Full texts are the
demo corpus's files (our own papers). Faults are queued per path: a status with headers (429
with Retry-After, 500, 404), a truncated body, a slow answer, malformed JSON, or a body that
stalls half-way (for the kill -9 test).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import tarfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

DEMO = Path(__file__).resolve().parents[2] / "corpora" / "demo"


@dataclass(frozen=True)
class Paper:
    """A paper the fake services know: its ids, metadata and full-text file."""

    key: str  # PMCID, arXiv id or OpenAlex W id
    title: str
    year: int
    venue: str
    field: str
    doi: str
    file: Path
    licence: str = "cc by"


@dataclass(frozen=True)
class Fault:
    """What to do instead of the normal answer, once."""

    kind: str  # status | truncate | slow | malformed | stall | html
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


EPMC_PAPERS = [
    Paper(
        "PMC9000001",
        "Heart failure records made with CTGAN",
        2021,
        "Clinical Data Science Reports",
        "",
        "10.9999/cdsr.2021.001",
        DEMO / "jats/heart-failure-ctgan.xml",
    ),
    Paper(
        "PMC9000002",
        "Silicon samples for a survey",
        2022,
        "Survey Methods Letters",
        "",
        "10.9999/sml.2022.002",
        DEMO / "jats/silicon-sample-survey.xml",
    ),
    Paper(
        "PMC9000003",
        "Synthetic lethality of PARP inhibitors",
        2020,
        "Oncology Notes",
        "",
        "10.9999/on.2020.003",
        DEMO / "jats/parp-synthetic-lethality.xml",
    ),
    Paper(
        "PMC9000004",
        "Instructions for farmers written by GPT-4",
        2023,
        "Agronomy Letters",
        "",
        "10.9999/al.2023.004",
        DEMO / "jats/agri-instructions-gpt4.xml",
    ),
    Paper(
        "PMC9000005",
        "A paper whose full text is missing",
        2023,
        "Nowhere",
        "",
        "10.9999/nw.2023.005",
        DEMO / "jats/heart-failure-ctgan.xml",
    ),
]
ARXIV_PAPERS = [
    Paper(
        "2401.00001v1",
        "Chest X-rays from StyleGAN2",
        2024,
        "arXiv",
        "",
        "",
        DEMO / "pdf/chest-xray-stylegan2.pdf",
    ),
    Paper(
        "2401.00002v2",
        "SAR ship images from a GAN",
        2024,
        "arXiv",
        "",
        "10.9999/rs.2024.9",
        DEMO / "pdf/sar-ships-gan.pdf",
    ),
    Paper(
        "2401.00003v1",
        "Weeds drawn by Stable Diffusion",
        2024,
        "arXiv",
        "",
        "",
        DEMO / "latex/weed-stable-diffusion.tex",
    ),
]
OPENALEX_PAPERS = [
    Paper(
        "W4000000001",
        "Chest X-rays from StyleGAN2",
        2022,
        "Journal of Imaginary Radiology",
        "Medicine",
        "10.9999/jir.2022.1",
        DEMO / "pdf/chest-xray-stylegan2.pdf",
    ),
    Paper(
        "W4000000002",
        "Forecasting emergency arrivals",
        2021,
        "Operations Notes",
        "Decision Sciences",
        "10.9999/on.2021.2",
        DEMO / "pdf/ed-arrivals-forecast.pdf",
    ),
    Paper(
        "W4000000003",
        "SAR ship images from a GAN",
        2023,
        "Remote Sensing Letters",
        "Earth and Planetary Sciences",
        "10.9999/rsl.2023.3",
        DEMO / "pdf/sar-ships-gan.pdf",
    ),
    Paper(
        "W4000000004",
        "Polyester microfibres in rivers",
        2023,
        "Water Notes",
        "Earth and Planetary Sciences",
        "10.9999/wn.2023.4",
        DEMO / "pdf/polyester-microfibres.pdf",
    ),
    Paper(
        "W4000000005",
        "A closed-access paper",
        2023,
        "Paywalled Journal",
        "Medicine",
        "10.9999/pj.2023.5",
        DEMO / "pdf/polyester-microfibres.pdf",
    ),
]
# Works that OpenAlex lists without an open-access PDF, and full texts that 404.
NO_PDF = {"W4000000005"}
MISSING_FULL_TEXT = {"PMC9000005"}


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    if cursor == "*":
        return 0
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])


def latex_eprint(tex: bytes) -> bytes:
    """An arXiv e-print: a gzipped tar holding the main .tex file and a style file."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        parts = (
            ("intro.tex", b"\\section{Introduction} an included file\n"),
            ("macros.sty", b"% a style file\n"),
            ("main.tex", tex),
        )
        for name, data in parts:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0)


class Replay:
    """The server, its papers, its fault queue and a log of the requests it saw."""

    def __init__(self) -> None:
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.counts: Counter[str] = Counter()
        self.stalled = threading.Event()  # set when a "stall" fault has sent half a body
        self.release = threading.Event()  # a stalled answer waits for this (or times out)
        self.lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                replay.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Replay:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def fail(self, path: str, *faults: Fault) -> None:
        """Queue faults for the next requests to ``path`` (without the query string)."""
        self.faults.setdefault(path, []).extend(faults)

    # --- dispatch ------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(h.path)
        query = urllib.parse.parse_qs(url.query)
        with self.lock:
            self.requests.append((url.path, query, dict(h.headers.items())))
            self.counts[url.path] += 1
            queue = self.faults.get(url.path)
            fault = queue.pop(0) if queue else None
        if fault is not None and fault.kind == "status":
            self.send(h, fault.status, b'{"error": "replayed"}', "application/json", fault.headers)
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        status, body, ctype = self.route(url.path, query)
        if fault is not None and fault.kind == "html":
            self.send(h, 200, b"<!DOCTYPE html><html><body>Log in</body></html>", "text/html")
        elif fault is not None and fault.kind == "malformed":
            body = body[: len(body) // 2]
            self.send(h, 200, body, ctype)
        elif fault is not None and fault.kind == "truncate":
            self.send(h, status, body[: len(body) // 2], ctype, length=len(body), close=True)
        elif fault is not None and fault.kind == "stall":
            self.send(h, status, body[: len(body) // 2], ctype, length=len(body), stall=True)
        else:
            self.send(h, status, body, ctype)

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
        *,
        length: int | None = None,
        close: bool = False,
        stall: bool = False,
    ) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(length if length is not None else len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            if close or stall:
                h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(body)
            h.wfile.flush()
            if stall:
                self.stalled.set()
                self.release.wait(30)
            if close or stall:
                h.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def route(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, str]:
        parts = path.strip("/").split("/")
        if parts[0] == "epmc":
            if parts[1:] == ["search"]:
                return 200, self.epmc_search(query), "application/json;charset=UTF-8"
            if len(parts) == 3 and parts[2] == "fullTextXML":
                return self.epmc_full_text(parts[1])
        if parts[0] == "arxiv":
            if parts[1:] == ["api", "query"]:
                return 200, self.arxiv_feed(query), "application/atom+xml; charset=utf-8"
            if len(parts) == 3 and parts[1] in ("pdf", "e-print"):
                return self.arxiv_file(parts[1], parts[2])
        if parts[0] == "openalex" and parts[1:] == ["works"]:
            return 200, self.openalex_works(query), "application/json"
        if parts[0] == "files" and len(parts) == 2:
            for p in OPENALEX_PAPERS:
                if f"{p.key}.pdf" == parts[1]:
                    return 200, p.file.read_bytes(), "application/pdf"
        return 404, b"<html><body>Not found</body></html>", "text/html"

    # --- Europe PMC ----------------------------------------------------------------------
    def epmc_search(self, query: dict[str, list[str]]) -> bytes:
        cursor = query.get("cursorMark", ["*"])[0]
        size = int(query.get("pageSize", ["25"])[0])
        start = _offset(cursor)
        page = EPMC_PAPERS[start : start + size]
        following = cursor if start + size >= len(EPMC_PAPERS) else _cursor(start + size)
        results = [
            {
                "id": p.key[3:],
                "source": "PMC",
                "pmcid": p.key,
                "doi": p.doi,
                "title": p.title,
                "authorString": "Example A, Sample B.",
                "pubYear": str(p.year),
                "journalInfo": {"journal": {"title": p.venue}},
                "isOpenAccess": "Y",
                "inEPMC": "Y",
                "license": p.licence,
            }
            for p in page
        ]
        results.append({"id": "38000000", "source": "MED", "title": "An abstract-only record"})
        return json.dumps(
            {
                "version": "6.9",
                "hitCount": len(EPMC_PAPERS) + 1,
                "nextCursorMark": following,
                "request": {"queryString": query.get("query", [""])[0], "cursorMark": cursor},
                "resultList": {"result": results},
            }
        ).encode()

    def epmc_full_text(self, pmcid: str) -> tuple[int, bytes, str]:
        if pmcid in MISSING_FULL_TEXT:
            return 404, b"", "application/xml"
        for p in EPMC_PAPERS:
            if p.key == pmcid:
                return 200, p.file.read_bytes(), "application/xml"
        return 404, b"", "application/xml"

    # --- arXiv ---------------------------------------------------------------------------
    def arxiv_feed(self, query: dict[str, list[str]]) -> bytes:
        start = int(query.get("start", ["0"])[0])
        size = int(query.get("max_results", ["10"])[0])
        search = query.get("search_query", [""])[0]
        if "bad:" in search:
            entry = (
                f"<entry><id>{self.base}/arxiv/api/errors#incorrect_id_format</id>"
                "<title>Error</title><summary>incorrect id format for bad</summary></entry>"
            )
            entries, total = entry, 1
        else:
            entries = "".join(self.arxiv_entry(p) for p in ARXIV_PAPERS[start : start + size])
            total = len(ARXIV_PAPERS)
        q = escape(urllib.parse.urlencode({k: v[0] for k, v in query.items()}))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom">'
            f'<link href="{self.base}/arxiv/api/query?{q}" rel="self" '
            'type="application/atom+xml"/>'
            f'<title type="html">ArXiv Query: {q}</title>'
            f"<id>{self.base}/arxiv/api/replay</id><updated>2024-01-05T00:00:00-05:00</updated>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>{start}</opensearch:startIndex>"
            f"<opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>"
            f"{entries}</feed>"
        ).encode()

    def arxiv_entry(self, p: Paper) -> str:
        doi = f"<arxiv:doi>{p.doi}</arxiv:doi>" if p.doi else ""
        return (
            f"<entry><id>{self.base}/arxiv/abs/{p.key}</id>"
            f"<updated>{p.year}-01-03T00:00:00Z</updated>"
            f"<published>{p.year}-01-02T00:00:00Z</published>"
            f"<title>{escape(p.title)}</title><summary>An abstract.</summary>"
            "<author><name>Ada Example</name></author>"
            f"{doi}"
            f'<link href="{self.base}/arxiv/abs/{p.key}" rel="alternate" type="text/html"/>'
            f'<link title="pdf" href="{self.base}/arxiv/pdf/{p.key}" rel="related" '
            'type="application/pdf"/>'
            '<arxiv:primary_category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>'
            '<category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>'
            "</entry>"
        )

    def arxiv_file(self, kind: str, arxiv_id: str) -> tuple[int, bytes, str]:
        for p in ARXIV_PAPERS:
            if p.key == arxiv_id:
                if kind == "e-print":
                    return 200, latex_eprint(p.file.read_bytes()), "application/x-eprint-tar"
                if p.file.suffix == ".pdf":
                    return 200, p.file.read_bytes(), "application/pdf"
        return 404, b"<html><body>not found</body></html>", "text/html"

    # --- OpenAlex ------------------------------------------------------------------------
    def openalex_work(self, p: Paper) -> dict[str, Any]:
        pdf = None if p.key in NO_PDF else f"{self.base}/files/{p.key}.pdf"
        location = {
            "is_oa": pdf is not None,
            "landing_page_url": f"https://doi.org/{p.doi}",
            "pdf_url": pdf,
            "source": {"display_name": p.venue, "type": "journal"},
            "license": "cc-by" if pdf else None,
            "version": "publishedVersion",
        }
        topic = {
            "display_name": f"{p.field} topic",
            "subfield": {"display_name": f"{p.field} subfield"},
            "field": {"display_name": p.field},
            "domain": {"display_name": "Some domain"},
        }
        return {
            "id": f"https://openalex.org/{p.key}",
            "doi": f"https://doi.org/{p.doi}",
            "title": p.title,
            "display_name": p.title,
            "publication_year": p.year,
            "ids": {"openalex": f"https://openalex.org/{p.key}", "doi": f"https://doi.org/{p.doi}"},
            "primary_location": location,
            "best_oa_location": location if pdf else None,
            "locations": [location],
            "open_access": {"is_oa": pdf is not None, "oa_status": "gold" if pdf else "closed"},
            "primary_topic": topic,
            "topics": [topic],
        }

    def openalex_works(self, query: dict[str, list[str]]) -> bytes:
        flt = query.get("filter", [""])[0]
        size = int(query.get("per_page", ["25"])[0])
        known = [self.openalex_work(p) for p in OPENALEX_PAPERS] + self.extra_works()
        if flt.startswith(("doi:", "ids.pmcid:")):  # a batch lookup by id
            kind, values = flt.split(":", 1)
            wanted = set(values.split("|"))
            hits = [
                w
                for w in known
                if (kind == "doi" and w["doi"].removeprefix("https://doi.org/") in wanted)
                or (kind == "ids.pmcid" and w["ids"].get("pmcid", "").rsplit("/", 1)[-1] in wanted)
            ]
            meta = {"count": len(hits), "per_page": size, "page": 1, "next_cursor": None}
            return json.dumps({"meta": meta, "results": hits[:size]}).encode()
        works = [self.openalex_work(p) for p in OPENALEX_PAPERS]
        cursor = query.get("cursor", [None])[0]
        start = _offset(cursor) if cursor else 0
        page = works[start : start + size]
        following = _cursor(start + size) if start + size < len(works) else None
        meta = {
            "count": len(works),
            "db_response_time_ms": 12,
            "page": None,
            "per_page": size,
            "next_cursor": following if cursor else None,
            "groups_count": None,
        }
        return json.dumps({"meta": meta, "results": page, "group_by": []}).encode()

    def extra_works(self) -> list[dict[str, Any]]:
        """Works OpenAlex knows for enrich: the Europe PMC papers (by DOI or PMCID) and the
        arXiv ones (by their DataCite DOI)."""
        works = []
        fields = ["Medicine", "Social Sciences", "Medicine", "Agricultural and Biological Sciences"]
        for p, f in zip(EPMC_PAPERS, fields, strict=False):
            venue = f"{p.venue} (as OpenAlex names it)"
            work = self.openalex_work(Paper(p.key, p.title, p.year, venue, f, p.doi, p.file))
            work["id"] = f"https://openalex.org/W5{p.key[3:]}"
            work["ids"]["pmcid"] = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{p.key}"
            works.append(work)
        for p in ARXIV_PAPERS:
            doi = f"10.48550/arxiv.{p.key.split('v')[0]}"
            work = self.openalex_work(
                Paper(
                    p.key,
                    p.title,
                    p.year,
                    "arXiv (Cornell University)",
                    "Computer Science",
                    doi,
                    p.file,
                )
            )
            work["id"] = f"https://openalex.org/W6{p.key.replace('.', '')[:9]}"
            works.append(work)
        return works
