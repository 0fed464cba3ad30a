"""Benchmark ``synthwatch serve`` with a real HTTP client against uvicorn on 127.0.0.1.

Builds (or reuses) the generated database of ``benchmarks/query.py`` (1M papers, ~10M findings
by default), starts the web app in a child process as ``synthwatch serve`` does (the search
table is built first, and its build time printed), then requests every kind of page several
times with urllib and prints p50 and p95 per route. The first request of each route is a
warm-up and not counted.

Targets (issue 15): search p95 < 500 ms, facet counts < 1 s, paper page < 100 ms.

Example:
    .venv/bin/python benchmarks/web.py --papers 100000          # quick
    .venv/bin/python benchmarks/web.py --keep /tmp/bench.duckdb  # 1M, kept for the next run
    .venv/bin/python benchmarks/web.py --db /tmp/bench.duckdb    # reuse a built database
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from query import DEFAULT_PAPERS, build  # noqa: E402

REPEATS = 15
# Narrow: in about 1% of the findings (the word index answers); broad: in 12-100% of them
# ("synth*" is in every generated sentence), where the search table is scanned.
NARROW = ("silicon sample", '"silicon sample"', "respondents", "silicon OR respondents")
BROAD = ("GPT-4", "synth*", '"survey answers"', "Synthea OR CTGAN")
# (route label, target seconds for p95, paths)
SERVER = """
import sys, uvicorn
from pipeline.web.app import create_app, warm
app = create_app(sys.argv[1])
built = warm(app)
print(f"search table built in {built:.1f} s" if built else "search table reused", flush=True)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[float, int, bytes]:
    """Seconds, status and body of one request (an error status is an answer too)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return time.perf_counter() - start, status, body


def wait_ready(base: str, child: subprocess.Popen[bytes], limit_s: float = 1800) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("the server stopped before it answered")
        try:
            get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


def routes(base: str) -> list[tuple[str, float, list[str]]]:
    _, _, body = get(base + "/api/papers?per_page=50&status=ok")
    ids = [p["paper_id"] for p in json.loads(body)["results"]]
    q = urllib.parse.quote_plus
    return [
        ("search narrow: API page", 0.5, [f"{base}/api/findings?q={q(s)}" for s in NARROW]),
        ("search narrow: HTML with facets", 1.0, [f"{base}/findings?q={q(s)}" for s in NARROW]),
        ("search broad: API page", 0.5, [f"{base}/api/findings?q={q(s)}" for s in BROAD]),
        ("search broad: HTML with facets", 1.0, [f"{base}/findings?q={q(s)}" for s in BROAD]),
        (
            "facets: filters, no search",
            1.0,
            [
                f"{base}/findings?category=llm_text&medical=true",
                f"{base}/findings?concern=high&year_from=2020",
                f"{base}/findings?generator=Synthea&stance=use",
                f"{base}/findings?venue=Venue+7",
            ],
        ),
        ("facets: everything (no filter)", 1.0, [f"{base}/findings"]),
        (
            "search + filters",
            0.5,
            [f"{base}/api/findings?q=synthetic+records&concern=high&medical=true"],
        ),
        ("paper page", 0.1, [f"{base}/papers/{i}" for i in ids]),
        ("paper JSON", 0.1, [f"{base}/api/papers/{i}" for i in ids]),
        ("overview (cached)", 0.5, [f"{base}/"]),
    ]


def measure(base: str) -> list[tuple[str, float, float, float, int, int]]:
    """(route, target s, p50 s, p95 s, requests, answers that were not 200) per route."""
    out = []
    for label, target, urls in routes(base):
        for url in urls:  # warm-up, not counted
            get(url)
        seconds, failed = [], 0
        for i in range(REPEATS * max(1, 5 // len(urls))):
            elapsed, status, _ = get(urls[i % len(urls)])
            seconds.append(elapsed)
            failed += status != 200
        seconds.sort()
        p50 = statistics.median(seconds)
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        out.append((label, target, p50, p95, len(seconds), failed))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=DEFAULT_PAPERS, help="papers to generate")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--db", type=Path, help="use this database (built before) as it is")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or args.keep or Path(tmp) / "bench.duckdb"
        if not args.db:
            if db.exists():
                parser.error(f"{db} exists: give a new file to --keep, or use --db")
            papers, findings, seconds = build(db, args.papers, args.seed)
            print(f"built {papers:,} papers and {findings:,} findings in {seconds:.1f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(db), str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            wait_ready(base, child)
            print(f"server ready in {time.perf_counter() - start:.1f} s")
            print("load average before the requests: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
            results = measure(base)
            print("load average after the requests: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        finally:
            child.terminate()
            child.wait(timeout=30)
    print(f"{'route':36} {'n':>4} {'not 200':>7} {'p50 ms':>8} {'p95 ms':>8} {'target ms':>10}")
    for label, target, p50, p95, n, failed in results:
        mark = "met" if p95 < target and not failed else "NOT MET"
        print(
            f"{label:36} {n:4d} {failed:7d} {p50 * 1000:8.0f} {p95 * 1000:8.0f} "
            f"{target * 1000:10.0f} {mark}"
        )


if __name__ == "__main__":
    main()
