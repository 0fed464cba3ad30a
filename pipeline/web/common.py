"""What the routes share: the app's state, parameter checks, and answers in HTML or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from pipeline.errors import ParameterError
from pipeline.web.db import Database
from pipeline.web.index import SearchIndex
from pipeline.web.render import render

DEFAULT_SCREEN_TIMEOUT_S = 120.0


@dataclass
class WebState:
    """Everything the routes need, made once by ``create_app``."""

    db: Database
    index: SearchIndex
    allow_upload: bool
    max_upload: int
    screen_timeout_s: float = DEFAULT_SCREEN_TIMEOUT_S
    reviews: Path | None = None  # a reviews file: the review queue and validated figures
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def db_name(self) -> str:
        return Path(self.db.path).name


def state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz",)


def only_params(request: Request, allowed: Iterable[str]) -> dict[str, str]:
    """The query parameters, refused (ParameterError) when unknown or repeated."""
    allowed = tuple(allowed)
    out: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            valid = ", ".join(allowed) or "none"
            raise ParameterError(f"unknown parameter {name[:40]!r}; valid: {valid}")
        if name in out:
            raise ParameterError(f"parameter {name} is given twice; give it once")
        out[name] = value
    return out


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def json_answer(data: Any, status: int = 200) -> Response:
    body = json.dumps(jsonable(data), ensure_ascii=False, indent=1, sort_keys=False)
    return Response(body, status_code=status, media_type="application/json")


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    web = state(request)
    return HTMLResponse(
        render(
            template,
            request_path=request.url.path,
            db_name=web.db_name,
            allow_upload=web.allow_upload,
            review_queue=web.reviews is not None,
            scan=web.db.scan_running(),
            **context,
        ),
        status_code=status,
    )


def error(request: Request, status: int, message: str) -> Response:
    """The error as JSON for the API, as a page for people."""
    if is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    try:
        return page(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # the page itself failed (the database is gone): plain text, still safe
        return Response(message, status_code=status, media_type="text/plain")
