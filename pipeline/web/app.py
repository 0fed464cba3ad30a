"""The web app: ``create_app(db)`` gives a Starlette application over one database.

Routes live in one module per page (overview, findings, papers, screen, openapi); this module
wires them, the error answers and the safety layers (read-only connection, CSP, body limit).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.answers.stored import PaperNotFound
from pipeline.errors import DatabaseLocked, StoreError, SynthwatchError, UsageError
from pipeline.web import findings, openapi, overview, papers, screen
from pipeline.web.common import DEFAULT_SCREEN_TIMEOUT_S, WebState, error
from pipeline.web.db import DEFAULT_QUERY_TIMEOUT_S, Database, QueryTimeout
from pipeline.web.index import SearchIndex
from pipeline.web.security import DEFAULT_MAX_BODY, BodyLimit, SecurityHeaders

log = logging.getLogger(__name__)


def create_app(
    db: str | Path,
    *,
    allow_upload: bool = False,
    max_upload: int = DEFAULT_MAX_BODY,
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S,
    screen_timeout_s: float = DEFAULT_SCREEN_TIMEOUT_S,
    index_folder: str | Path | None = None,
    reviews: str | Path | None = None,
) -> Starlette:
    """The app over ``db`` (opened read-only now: a missing file raises DatabaseMissing).

    ``reviews``: a reviews file (``synthwatch sample``): the review queue is served under
    /review (answers are written to that file, never to ``db``) and the overview shows the
    validated prevalence once reviews exist."""
    database = Database(db, timeout_s=query_timeout_s)
    web = WebState(
        db=database,
        index=SearchIndex(Path(db), Path(index_folder) if index_folder else None),
        allow_upload=allow_upload,
        max_upload=max_upload,
        screen_timeout_s=screen_timeout_s,
        reviews=Path(reviews) if reviews is not None else None,
    )
    static = StaticFiles(directory=str(resources.files("pipeline.web") / "static"))
    routes = [
        Route("/", overview.overview_page),
        Route("/about", overview.about_page),
        Route("/findings", findings.findings_page),
        Route("/papers/{paper_id}", papers.paper_page),
        Route("/papers/{paper_id}/file", papers.paper_file),
        Route("/screen", screen.screen_form, methods=["GET"]),
        Route("/screen", screen.screen_upload, methods=["POST"]),
        Route("/api/findings", findings.findings_api),
        Route("/api/papers", papers.papers_api),
        Route("/api/papers/{paper_id}", papers.paper_api),
        Route("/api/stats", overview.stats_api),
        Route("/api/screen", screen.screen_upload, methods=["POST"]),
        Route("/healthz", overview.healthz),
        Route("/openapi.json", openapi.openapi_json),
        Mount("/static", app=static, name="static"),
    ]
    if reviews is not None:
        from pipeline.review.web import review_routes

        routes += review_routes(db, reviews)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, max_bytes=max_upload)],
        exception_handlers={
            HTTPException: _http_error,
            SynthwatchError: _library_error,
            Exception: _unexpected,
        },
    )
    app.state.web = web
    return app


def warm(app: Starlette) -> float | None:
    """Build (or open) the search table and read the overview now, rather than on the first
    requests; the table's build time (None when it was there already)."""
    web: WebState = app.state.web
    web.index.ensure()
    overview.corpus_report(web)
    return web.index.build_seconds


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {
        404: "no such page; start from the overview (/) or the findings (/findings)",
        405: "this address does not take that method",
    }
    return error(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))


async def _library_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, PaperNotFound):
        return error(request, 404, str(exc))
    if isinstance(exc, screen.UploadDisabled):
        return error(request, 403, str(exc))
    if isinstance(exc, QueryTimeout | screen.ScreenFailed | DatabaseLocked):
        return error(request, 503, str(exc))
    if isinstance(exc, UsageError):
        return error(request, 400, str(exc))
    if isinstance(exc, StoreError):
        return error(request, 503, f"the database cannot be read now: {exc}")
    return error(request, 400, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path)
    return error(request, 500, "something went wrong on our side; the server log has the details")
