"""``/papers/{paper_id}``: one paper's verdict checklist and evidence; its file; the API.

The checklist is the editor's (:mod:`pipeline.answers.screening`), built from what the scan
stored. The source file is opened only when the database recorded it for this paper and its
bytes still hash to the paper's id: no path from the URL reaches the file system.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from pipeline import sources
from pipeline.answers.screening import build_screening
from pipeline.answers.stored import PaperNotFound, load_paper
from pipeline.document import Document
from pipeline.errors import ParameterError, ReadError
from pipeline.results import STATUSES, PaperResult
from pipeline.web.common import json_answer, only_params, page, state
from pipeline.web.params import BOOLEAN, CHOICES, MAX_OFFSET, MAX_PER_PAGE, choice, integer

PAPER_ID = re.compile(r"[0-9a-f]{64}")
CONTEXT_CHARS = 320  # of text each side of a sentence, cut at sentence ends
MAX_CACHED_DOCUMENTS = 16
GROUPINGS = ("section", "stance")  # how the paper page groups its findings (the first: default)
PAPER_COLUMNS = (
    "paper_id, title, doi, year, venue, field, format AS source_format, status, concern, "
    "uses_synthetic, categories, medical, participants_replaced, real_data_check, n_findings"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_documents: OrderedDict[str, Document | None] = OrderedDict()
_documents_lock = threading.Lock()


def _paper_id(request: Request) -> str:
    paper_id = request.path_params["paper_id"]
    if not PAPER_ID.fullmatch(paper_id):
        raise PaperNotFound(
            "a paper id is the 64 hexadecimal characters of the file's SHA-256; "
            "find papers on the findings page"
        )
    return paper_id


def _recorded_file(result: PaperResult) -> Path | None:
    """The paper's recorded source file, when it is there with the same bytes."""
    path = Path(result.source_path)
    try:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None
    return path if digest == result.paper_id else None


def _document(result: PaperResult) -> Document | None:
    """The paper read again from its recorded file (for the context of each sentence)."""
    with _documents_lock:
        if result.paper_id in _documents:
            _documents.move_to_end(result.paper_id)
            return _documents[result.paper_id]
    path = _recorded_file(result) if result.status == "ok" else None
    document = None
    if path is not None:
        try:
            extractor = result.extractor if result.extractor in sources.EXTRACTORS else None
            document = sources.read_bytes(
                path.read_bytes(),
                name=path.name,
                extractor=extractor or sources.DEFAULT_EXTRACTOR,
            )
        except (OSError, ReadError):
            document = None  # the page says the context is not available
    with _documents_lock:
        _documents[result.paper_id] = document
        while len(_documents) > MAX_CACHED_DOCUMENTS:
            _documents.popitem(last=False)
    return document


def context(document: Document | None, start: int, end: int, sentence: str) -> tuple[str, str]:
    """The text before and after a sentence (a few sentences each), or ('', '')."""
    if document is None or document.text[start:end] != sentence:
        return "", ""
    before = document.text[max(0, start - CONTEXT_CHARS) : start]
    after = document.text[end : end + CONTEXT_CHARS]
    pieces = _SENTENCE_END.split(before, maxsplit=1)
    before = pieces[-1] if len(pieces) > 1 and start > CONTEXT_CHARS else before
    cut = list(_SENTENCE_END.finditer(after))
    after = after[: cut[-1].start()] if cut and end + CONTEXT_CHARS < len(document.text) else after
    return " ".join(before.split()), " ".join(after.split())


def _load(request: Request) -> PaperResult:
    paper_id = _paper_id(request)
    return state(request).db.run(lambda con: load_paper(con, paper_id))


def paper_page(request: Request) -> Response:
    """The paper's page; ``by=section`` (the default: the findings in reading order, each in
    its section) or ``by=stance``."""
    params = only_params(request, ("by",))
    by = choice("by", params["by"], GROUPINGS) if params.get("by") else GROUPINGS[0]
    result = _load(request)
    document = _document(result)
    screening = build_screening(result, document)
    contexts = {
        f.ordinal: context(document, f.char_start, f.char_end, f.sentence) for f in result.findings
    }
    path = _recorded_file(result) if result.format == "pdf" else None
    base = str(request.base_url).rstrip("/")
    return page(
        request,
        "paper.html",
        result=result,
        s=screening,
        contexts=contexts,
        has_document=document is not None,
        pdf=path is not None,
        permalink=f"{base}/papers/{result.paper_id}",
        by_section=by == "section",
    )


def paper_file(request: Request) -> Response:
    """The recorded PDF of a paper, looked up by id; 404 when it is not on disk unchanged."""
    only_params(request, ())
    result = _load(request)
    path = _recorded_file(result) if result.format == "pdf" else None
    if path is None:
        raise PaperNotFound(
            "the source PDF of this paper is not on this computer any more (or it changed "
            "since the scan); the page shows what the scan stored"
        )
    return FileResponse(
        path,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{result.paper_id[:12]}.pdf"'},
    )


def paper_api(request: Request) -> Response:
    only_params(request, ())
    result = _load(request)
    return json_answer(result.to_dict())


def papers_api(request: Request) -> Response:
    """Papers, newest first: ``status``, ``concern``, ``uses_synthetic``, ``page``, ``per_page``."""
    params = only_params(request, ("status", "concern", "uses_synthetic", "page", "per_page"))
    clauses, values = [], {}
    if params.get("status"):
        values["status"] = choice("status", params["status"], STATUSES)
        clauses.append("status = $status")
    if params.get("concern"):
        values["concern"] = choice("concern", params["concern"], CHOICES["concern"] or ())
        clauses.append("concern = $concern")
    if params.get("uses_synthetic"):
        values["uses"] = choice("uses_synthetic", params["uses_synthetic"], BOOLEAN) == "true"
        clauses.append("uses_synthetic = $uses")
    number = integer("page", params["page"]) if params.get("page") else 1
    per_page = integer("per_page", params["per_page"]) if params.get("per_page") else 25
    if number < 1 or not 1 <= per_page <= MAX_PER_PAGE or (number - 1) * per_page > MAX_OFFSET:
        raise ParameterError(
            f"page must be 1 or more and per_page between 1 and {MAX_PER_PAGE} "
            "(and at most 100,000 rows deep)"
        )
    where = " AND ".join(clauses) or "true"

    def work(con: Any) -> dict[str, Any]:
        total = con.execute(f"SELECT count(*) FROM papers WHERE {where}", values).fetchone()[0]
        rel = con.execute(
            f"SELECT {PAPER_COLUMNS} FROM papers WHERE {where} "
            "ORDER BY year DESC NULLS LAST, paper_id LIMIT $limit OFFSET $offset",
            {**values, "limit": per_page, "offset": (number - 1) * per_page},
        )
        names = [d[0] for d in rel.description]
        rows = [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
        return {"total": int(total), "page": number, "per_page": per_page, "results": rows}

    return json_answer(state(request).db.run(work))
