"""``synthwatch serve``: the web app over a database (needs the ``web`` extra)."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import click

from pipeline.cli.common import db_option, stderr_console, translate_errors
from pipeline.install import install_hint

# What the web extra brings; `serve` without one of them exits 2 with the install command.
WEB_MODULES = ("starlette", "uvicorn", "multipart")
DEFAULT_PORT = 8000
DEFAULT_UPLOAD_MB = 50


def missing_web_modules() -> list[str]:
    """The web extra's modules that cannot be imported here."""
    missing = []
    for name in WEB_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


@click.command("serve")
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 opens it to the network (think first).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--allow-upload",
    is_flag=True,
    help="Offer /screen and POST /api/screen: anyone who can reach the server can "
    "screen a file (nothing is stored).",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 1024),
    default=DEFAULT_UPLOAD_MB,
    show_default=True,
    help="Largest upload accepted, in MB.",
)
@click.option(
    "--review",
    "--reviews",
    "reviews",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="A reviews file made by `synthwatch sample`: serve the review queue at /review (answers "
    "are written to FILE, never to the database) and show validated figures on the overview.",
)
@translate_errors
def serve_command(
    db: str, host: str, port: int, allow_upload: bool, max_upload_mb: int, reviews: str | None
) -> None:
    """Serve a database as a web app: search findings, read papers, screen an upload.

    Pages for people (overview, findings search with facets and downloads, one page per paper
    with its checklist and quotable evidence, the method) and a JSON API (/api/findings,
    /api/papers, /api/stats, /openapi.json). The database is opened read-only; a search table
    is built beside it on the first start (FILE.web-index.duckdb) and rebuilt when it changes.
    Listens on 127.0.0.1 unless told otherwise. Needs the web extra. More: docs/web.md.

    Exit codes: 0 stopped with Ctrl-C, 1 the database cannot be opened, 2 the web extra is
    missing, the --db file does not exist, or another usage error.

    \b
    Example:
        synthwatch serve --db synthwatch.duckdb
        synthwatch serve --db corpus.duckdb --port 8080 --allow-upload
        synthwatch serve --db corpus.duckdb --review reviews.duckdb
        curl 'http://127.0.0.1:8000/api/findings?q=synthetic+patients&medical=true'
    """
    missing = missing_web_modules()
    if missing:
        raise click.UsageError(
            f"serve needs the web extra ({', '.join(missing)} missing): install it with "
            f"{install_hint('web')}"
        )
    import uvicorn

    from pipeline.web.app import create_app, warm

    console = stderr_console()
    if reviews is not None and not Path(reviews).is_file():
        raise click.UsageError(
            f"no reviews file at {reviews}: draw a sample first "
            f"(synthwatch sample --db {db} --n 200 -o sample.csv --reviews {reviews})"
        )
    app = create_app(
        db, allow_upload=allow_upload, max_upload=max_upload_mb * 2**20, reviews=reviews
    )
    start = time.perf_counter()
    built = warm(app)
    if built is not None:
        console.print(f"search table built in {built:.1f} s", highlight=False)
    else:
        console.print(f"search table ready in {time.perf_counter() - start:.1f} s", highlight=False)
    console.print(
        f"synthwatch serve: http://{host}:{port}/ (Ctrl-C to stop)"
        + (" · uploads on" if allow_upload else "")
        + (f" · review queue: http://{host}:{port}/review" if reviews else ""),
        highlight=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", limit_concurrency=64)
