"""``/screen`` and ``POST /api/screen``: screen an uploaded paper, store nothing.

Only with ``serve --allow-upload``. The upload is written to a private temporary folder,
screened by :mod:`pipeline.web.screen_worker` in a child process with a time limit, and
deleted whatever happens; the database is not touched. A broken or hostile file gets the
reader's message (status failed), a file that takes too long a message too, never a 500.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from pipeline.errors import ParameterError, SynthwatchError
from pipeline.web.common import is_api, json_answer, only_params, page, state

FIELD = "file"
ACCEPT = ".pdf,.xml,.nxml,.tei,.json,.txt,.md,.tex"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
COPY_CHUNK = 2**20


class UploadDisabled(SynthwatchError):
    """Screening uploads is off (serve without --allow-upload)."""


class ScreenFailed(SynthwatchError):
    """The screening child did not finish: too slow, or it died."""


def safe_name(name: str | None) -> str:
    """The upload's file name as a plain name (no folder, no odd characters), kept for its
    extension: text, Markdown and LaTeX are told apart by it."""
    base = Path((name or "upload").replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


def _check_enabled(request: Request) -> None:
    if not state(request).allow_upload:
        raise UploadDisabled(
            "screening an upload is off on this server; start it with "
            "`synthwatch serve --allow-upload` to screen a paper here"
        )


async def screen_form(request: Request) -> Response:
    _check_enabled(request)
    only_params(request, ())
    return page(request, "screen.html", outcome=None, accept=ACCEPT, limit_mb=_limit_mb(request))


def _limit_mb(request: Request) -> float:
    return state(request).max_upload / 2**20


async def screen_upload(request: Request) -> Response:
    _check_enabled(request)
    only_params(request, ())
    outcome = await _screen(request)
    if is_api(request):
        return json_answer(outcome["result"])
    return page(
        request,
        "screen.html",
        outcome=outcome,
        html=Markup(outcome["html"]),  # rendered by our own templates in the child, escaped
        accept=ACCEPT,
        limit_mb=_limit_mb(request),
    )


async def _screen(request: Request) -> dict[str, Any]:
    web = state(request)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception as exc:  # python-multipart's own errors: a malformed request body
        raise ParameterError(f"the upload could not be read as a form: {exc}") from None
    upload = form.get(FIELD)
    if not isinstance(upload, UploadFile):
        raise ParameterError(f"send the paper as the multipart form field {FIELD!r}")
    name = safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="synthwatch-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with open(path, "wb") as out:
            while chunk := await upload.read(COPY_CHUNK):
                size += len(chunk)
                if size > web.max_upload:
                    raise ParameterError(
                        f"the file is larger than the limit of {web.max_upload / 2**20:.0f} MB"
                    )
                out.write(chunk)
        await upload.close()
        if size == 0:
            raise ParameterError("the file is empty; choose a paper to screen")
        return await run_in_threadpool(_run_child, path, name, web.screen_timeout_s)


def _run_child(path: Path, name: str, timeout_s: float) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline.web.screen_worker", str(path), name],
            capture_output=True,
            timeout=timeout_s,
            check=False,
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        raise ScreenFailed(
            f"screening {name} took longer than {timeout_s:g} s and was stopped; a very long "
            "or unusual file: screen it with `synthwatch screen FILE` on your own computer"
        ) from None
    if done.returncode != 0:
        raise ScreenFailed(
            f"screening {name} failed (the screening process ended with code "
            f"{done.returncode}); the file may be hostile or too large to read"
        )
    try:
        return json.loads(done.stdout)  # type: ignore[no-any-return]
    except ValueError:
        raise ScreenFailed(f"screening {name} gave no answer; try again") from None
