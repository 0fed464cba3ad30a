"""The review queue in the browser: one sampled paper at a time, answered with a key press.

``review_routes(db, reviews)`` gives the Starlette routes under ``/review`` (mounted by
``synthwatch serve --review FILE``); ``create_review_app`` wraps them in an app of their own for
tests. Pages work without JavaScript (plain forms, POST then redirect); ``review.js`` only adds
the y / n / u keys. Every POST must come from the page's own origin (Origin, else Referer,
header), and the pages forbid inline scripts (Content-Security-Policy). Templates are Jinja2
with autoescape: a paper's title or sentence never becomes markup.

Needs the web extra (starlette, jinja2, python-multipart); ``import pipeline.review`` does not.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pipeline.detect.model import CATEGORIES
from pipeline.review.papers import paper_details, paper_findings
from pipeline.review.reviews import ANSWERS, Review, ReviewStore, read_reviews, read_sample
from pipeline.store import connect_readonly

PREFIX = "/review"
REVIEWER_COOKIE = "synthwatch_reviewer"
MAX_REVIEWER = 80
MAX_NOTE = 2000
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
STATIC = {"review.css": "text/css", "review.js": "text/javascript"}
KEYS = (("y", "yes"), ("n", "no"), ("u", "unsure"))


def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("pipeline.review", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


class ReviewQueue:
    """The queue's state: the two files and one lock (DuckDB has one writer per file)."""

    def __init__(self, db_path: str | Path, reviews_path: str | Path) -> None:
        self.db = Path(db_path)
        self.reviews = Path(reviews_path)
        self.lock = threading.Lock()
        self.env = _templates()
        connect_readonly(self.db).close()  # a missing database fails at start, with a hint
        ReviewStore(self.reviews, database=self.db).close()

    def state(self) -> tuple[list[str], list[Review]]:
        """The sample's paper ids in sheet order, and every review."""
        with self.lock, ReviewStore(self.reviews, database=self.db) as store:
            sample = [s.paper_id for s in read_sample(store.con)]
            return sample, read_reviews(store.con)

    def save(self, review: Review) -> None:
        with self.lock, ReviewStore(self.reviews, database=self.db) as store:
            store.add_review(review)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(prefix=PREFIX, keys=KEYS, **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _reviewer(request: Request) -> str:
    name = request.query_params.get("reviewer") or request.cookies.get(REVIEWER_COOKIE) or ""
    return name.strip()[:MAX_REVIEWER]


def _next_position(sample: list[str], reviews: list[Review], reviewer: str) -> int | None:
    done = {r.paper_id for r in reviews if r.reviewer == reviewer}
    return next((i for i, p in enumerate(sample) if p not in done), None)


def _same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this server (CSRF): Origin, else Referer."""
    expected = (request.url.scheme, request.url.netloc)
    origin = request.headers.get("origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        return (parts.scheme, parts.netloc) == expected
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return (parts.scheme, parts.netloc) == expected
    return False


def _to(path: str, reviewer: str) -> RedirectResponse:
    response = RedirectResponse(f"{PREFIX}{path}?reviewer={quote(reviewer)}", status_code=303)
    response.set_cookie(REVIEWER_COOKIE, reviewer, samesite="strict", httponly=True)
    return response


def review_routes(db_path: str | Path, reviews_path: str | Path) -> list[BaseRoute]:
    """The review queue's routes under /review, over a scanned database and a reviews file."""
    queue = ReviewQueue(db_path, reviews_path)

    def start(request: Request) -> Response:
        reviewer = _reviewer(request)
        sample, reviews = queue.state()
        if not reviewer or not sample:
            return queue.render("review_start.html", reviewer=reviewer, n=len(sample))
        position = _next_position(sample, reviews, reviewer)
        if position is None:
            return queue.render("review_done.html", reviewer=reviewer, n=len(sample))
        return _to(f"/paper/{position + 1}", reviewer)

    def paper(request: Request) -> Response:
        reviewer = _reviewer(request)
        if not reviewer:
            return RedirectResponse(PREFIX, status_code=303)
        sample, reviews = queue.state()
        number = request.path_params["number"]
        if not 1 <= number <= len(sample):
            return queue.render(
                "review_start.html",
                status=404,
                reviewer=reviewer,
                n=len(sample),
                error=f"no paper {number} in this sample of {len(sample)}",
            )
        paper_id = sample[number - 1]
        con = connect_readonly(queue.db)
        try:
            details = paper_details(con, [paper_id]).get(paper_id)
            findings = paper_findings(con, paper_id)
        finally:
            con.close()
        mine = {r.paper_id: r for r in reviews if r.reviewer == reviewer}
        return queue.render(
            "review_paper.html",
            reviewer=reviewer,
            number=number,
            n=len(sample),
            done=sum(1 for p in sample if p in mine),
            paper=details,
            paper_id=paper_id,
            findings=findings,
            current=mine.get(paper_id),
            categories=CATEGORIES,
        )

    async def answer(request: Request) -> Response:
        if not _same_origin(request):
            return Response("cross-origin POST refused", status_code=403, headers=SECURITY_HEADERS)
        form = await request.form()
        reviewer = str(form.get("reviewer", "")).strip()[:MAX_REVIEWER]
        choice = str(form.get("answer", "")).strip().lower()
        category = str(form.get("category", "")).strip().lower()
        note = str(form.get("note", "")).strip()[:MAX_NOTE]
        number = request.path_params["number"]
        sample, _ = queue.state()
        problems = []
        if not reviewer:
            problems.append("give your name as reviewer")
        if choice not in ANSWERS:
            problems.append(f"answer must be one of {', '.join(ANSWERS)}")
        if category and category not in CATEGORIES:
            problems.append("unknown category")
        if not 1 <= number <= len(sample):
            problems.append(f"no paper {number} in this sample")
        if problems:
            return queue.render(
                "review_start.html",
                status=400,
                reviewer=reviewer,
                n=len(sample),
                error="; ".join(problems),
            )
        review = Review(sample[number - 1], reviewer, choice, category or None, note or None, "web")
        queue.save(review)
        sample, reviews = queue.state()
        position = _next_position(sample, reviews, reviewer)
        return _to("" if position is None else f"/paper/{position + 1}", reviewer)

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404)
        text = (resources.files("pipeline.review") / "templates" / name).read_text("utf-8")
        return Response(text, media_type=STATIC[name], headers=SECURITY_HEADERS)

    return [
        Route(PREFIX, start, methods=["GET"]),
        Route(PREFIX + "/paper/{number:int}", paper, methods=["GET"]),
        Route(PREFIX + "/paper/{number:int}", answer, methods=["POST"]),
        Route(PREFIX + "/static/{name}", static, methods=["GET"]),
    ]


def create_review_app(db_path: str | Path, reviews_path: str | Path) -> Starlette:
    """The review queue alone, as an app (tests; ``synthwatch serve`` mounts the routes)."""
    return Starlette(routes=review_routes(db_path, reviews_path))
