"""Benchmark the canned queries on a database of 1,000,000 papers and 10,000,000 findings.

Builds the database with DuckDB SQL only (``range`` and ``hash``, no Python loop) in the real
schema (``Store`` creates it, indexes included): papers of every status, format, field,
venue and year, about 15% using synthetic data, ~10 findings a paper on average, a ``files``
row per paper and a calibration row, so the prevalence queries apply their correction. The
rows are pseudo-random from ``hash(row number, --seed)``: the same on every run and thread
count (``random()`` with ``setseed`` is not, once DuckDB runs the insert on several threads).
Then times every canned query (``pipeline.answers.queries``) on a read-only connection, as
``synthwatch query`` runs them, the corpus report as ``synthwatch report`` makes it (gathered
from the database, then rendered to HTML with its charts), and an export of each table in each
format as ``synthwatch export`` writes it; and prints the database's size per 1M papers.

Targets: every query < 1 s, the report < 10 s.

Example:
    .venv/bin/python benchmarks/query.py                  # 1M papers, ~10M findings
    .venv/bin/python benchmarks/query.py --papers 100000  # a quicker, smaller run
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import detect  # noqa: E402
from pipeline.answers.corpus import gather_corpus  # noqa: E402
from pipeline.answers.queries import list_queries, run_query  # noqa: E402
from pipeline.answers.report import render_corpus  # noqa: E402
from pipeline.cli.export import COPY_OPTIONS, TABLES, export_connection, export_sql  # noqa: E402
from pipeline.detect.model import CATEGORIES, ROLES  # noqa: E402
from pipeline.review.papers import assessed_papers  # noqa: E402
from pipeline.review.reviews import Review, ReviewStore  # noqa: E402
from pipeline.review.sampling import design, draw, is_detected  # noqa: E402
from pipeline.store import Store, connect_readonly  # noqa: E402

DEFAULT_PAPERS = 1_000_000
# A paper read and assessed (~94%) has 0..21 findings: ~10 a paper over all papers.
MAX_FINDINGS = 21
REPEATS = 3
# papers in the generated validation sample (the validated queries read its reviews)
REVIEWED = 400
TARGET_S = 1.0
REPORT_TARGET_S = 10.0
FIELDS = ("medicine", "computer science", "psychology", "economics", "biology", "physics")
GENERATORS = ("GPT-4", "ChatGPT", "Synthea", "StyleGAN2", "SMOTE", "CTGAN", "Llama 2", "DALL-E")
STANCES = ("use", "use", "use", "cited", "background", "negated", "future")
# parameters of the queries that need one (the paper: one in the middle); the rest run with
# their defaults
PARAMS = {
    "paper": {"id": "10.5555/bench.{middle}"},
    "search": {"phrase": "silicon sample"},
}


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: tuple[str, ...], salt: str, key: str = "i") -> str:
    """A value of ``values`` chosen by the hash of the row and a salt."""
    return f"{_sql_list(values)}[1 + (hash({key}, $seed, '{salt}') % {len(values)})::INTEGER]"


def _u(salt: str, key: str = "i") -> str:
    """A uniform number in [0, 1) from the hash of the row and a salt."""
    return f"((hash({key}, $seed, '{salt}') % 1000000) / 1000000.0)"


def build(db: Path, n_papers: int, seed: int) -> tuple[int, int, float]:
    """Fill ``db`` with generated rows; (papers, findings, seconds)."""
    patterns_version = detect.patterns_version()
    start = time.perf_counter()
    with Store(db) as store:
        con = store.con
        seed_only = {"seed": seed}
        con.execute(
            f"""
            CREATE TEMP TABLE gen AS
            SELECT
                i,
                sha256(i::VARCHAR || ':' || $seed::VARCHAR) AS paper_id,
                CASE WHEN {_u("status")} < 0.97 THEN 'ok'
                     WHEN {_u("status")} < 0.99 THEN 'failed'
                     WHEN {_u("status")} < 0.995 THEN 'no_text'
                     WHEN {_u("status")} < 0.998 THEN 'timeout' ELSE 'skipped' END AS status,
                CASE WHEN {_u("lang")} < 0.97 THEN 'en' ELSE 'pt' END AS language,
                {_u("uses")} < 0.15 AS positive,
                (hash(i, $seed, 'k') % {MAX_FINDINGS + 1})::INTEGER AS k
            FROM range($n) t(i)
            """,
            {**seed_only, "n": n_papers},
        )
        con.execute(
            f"""
            INSERT INTO papers
            SELECT
                paper_id,
                'corpus/' || (i % 1000)::VARCHAR || '/paper-' || i::VARCHAR || '.pdf',
                CASE WHEN i % 10 < 7 THEN 'pdf' WHEN i % 10 < 9 THEN 'jats' ELSE 'text' END,
                CASE WHEN i % 10 < 7 THEN 'pypdfium2' WHEN i % 10 < 9 THEN 'jats' ELSE 'text' END,
                status,
                CASE WHEN status <> 'ok' THEN 'generated ' || status || ' row' END,
                [],
                'Generated paper ' || i::VARCHAR || ' on synthetic data',
                ['A. Author', 'B. Author'],
                '10.5555/bench.' || i::VARCHAR,
                (1995 + hash(i, $seed, 'year') % 31)::INTEGER,
                'Venue ' || (hash(i, $seed, 'venue') % 500)::VARCHAR,
                {_pick(FIELDS, "field")},
                language,
                (5 + hash(i, $seed, 'pages') % 36)::INTEGER,
                (20000 + hash(i, $seed, 'chars') % 200000)::BIGINT,
                (100000 + hash(i, $seed, 'bytes') % 5000000)::BIGINT,
                status = 'ok' AND language = 'en',
                CASE WHEN status = 'ok' AND language = 'en' THEN positive END,
                CASE WHEN positive THEN list_distinct([
                    {_pick(CATEGORIES, "c1")}, {_pick(CATEGORIES, "c2")}]) ELSE [] END,
                CASE WHEN positive THEN [{_pick(ROLES, "r1")}] ELSE [] END,
                CASE WHEN positive THEN [{_pick(GENERATORS, "g1")}] ELSE [] END,
                CASE WHEN status = 'ok' AND language = 'en' THEN {_u("med")} < 0.3 END,
                CASE WHEN status = 'ok' AND language = 'en' THEN positive
                     AND {_u("part")} < 0.1 END,
                CASE WHEN positive THEN
                    CASE WHEN {_u("real")} < 0.6 THEN 'found' ELSE 'not_found' END END,
                CASE WHEN positive THEN {_u("abs")} < 0.7 END,
                CASE WHEN NOT (status = 'ok' AND language = 'en') THEN NULL
                     WHEN NOT positive THEN 'none'
                     WHEN {_u("concern")} < 0.2 THEN 'high'
                     WHEN {_u("concern")} < 0.5 THEN 'medium' ELSE 'low' END,
                CASE WHEN language <> 'en' THEN ['language not supported: pt'] ELSE [] END,
                CASE WHEN status = 'ok' AND language = 'en' THEN k ELSE 0 END,
                0.3,
                '0.1.0',
                $pv,
                'bench',
                TIMESTAMP '2026-01-01'
            FROM gen
            """,
            {**seed_only, "pv": patterns_version},
        )
        con.execute(
            """
            INSERT INTO files (path, paper_id, n_bytes, run_id, seen_at)
            SELECT 'corpus/' || (i % 1000)::VARCHAR || '/paper-' || i::VARCHAR || '.pdf',
                   paper_id, 1000, 'bench', TIMESTAMP '2026-01-01'
            FROM gen
            """
        )
        con.execute(
            f"""
            INSERT INTO findings
            WITH f AS (
                SELECT g.paper_id, g.positive, g.i, unnest(range(g.k)) AS ordinal
                FROM gen g
                WHERE g.status = 'ok' AND g.language = 'en'
            ),
            h AS (SELECT *, i * 100 + ordinal AS j FROM f)
            SELECT
                left(paper_id, 16) || ':' || ordinal::VARCHAR,
                paper_id,
                ordinal,
                {_pick(("abstract", "introduction", "methods", "results", "discussion"), "s", "j")},
                (1 + hash(j, $seed, 'page') % 20)::INTEGER,
                ordinal * 400,
                ordinal * 400 + 180,
                'We generated synthetic '
                    || {_pick(("records", "images", "text", "labels", "survey answers"), "w", "j")}
                    || ' with ' || {_pick(GENERATORS, "fg", "j")}
                    || CASE WHEN {_u("silicon", "j")} < 0.01
                            THEN ' as a silicon sample of respondents' ELSE '' END
                    || ' to train and evaluate the model (finding ' || j::VARCHAR || ').',
                CASE WHEN positive THEN {_pick(STANCES, "st", "j")}
                     ELSE {_pick(STANCES[3:], "st", "j")} END,
                {_pick(CATEGORIES, "fc", "j")},
                [{_pick(ROLES, "fr", "j")}],
                {_pick(GENERATORS, "fg", "j")},
                [{_pick(GENERATORS, "fg", "j")}],
                ['synth.synthetic_data', 'stance.we_action'],
                0.5 + {_u("conf", "j")} / 2
            FROM h
            """,
            seed_only,
        )
        con.execute(
            "INSERT INTO calibration VALUES (TIMESTAMP '2026-01-01', 'bench', '0.1.0', $pv, "
            "'pypdfium2', 'any', 200, 40, 4, 6, 150, 0.87, 0.974)",
            {"pv": patterns_version},
        )
        con.execute("DROP TABLE gen")
        con.execute("CHECKPOINT")
        papers = con.execute("SELECT count(*) FROM papers").fetchall()[0][0]
        findings = con.execute("SELECT count(*) FROM findings").fetchall()[0][0]
    return papers, findings, time.perf_counter() - start


def make_reviews(db: Path, reviews: Path, n: int = REVIEWED) -> int:
    """A reviews file for the validated queries: a sample drawn as ``synthwatch sample``
    draws it, answered as a reviewer who agrees with the detector 9 times in 10 (chosen by
    the paper id's digits, the same on every run). Returns the papers reviewed."""
    con = connect_readonly(db)
    try:
        papers = assessed_papers(con)
    finally:
        con.close()
    drawn = draw(papers, design(papers, ("verdict",), n=n))
    with ReviewStore(reviews, database=db) as store:
        store.save_sample(drawn, ("verdict",), 1)
        for d in drawn:
            detected = is_detected(d.stratum)
            agrees = int(d.paper_id[-2:], 16) % 10 != 0
            answer = "yes" if detected == agrees else "no"
            store.add_review(Review(d.paper_id, "bench", answer))
    return len(drawn)


def time_queries(
    db: Path, n_papers: int, reviews: Path
) -> list[tuple[str, int, float, float, float]]:
    """(query, rows, first run s, median of the next runs s, median CPU s) of every canned
    query (the validated ones with ``reviews``). CPU seconds (of all DuckDB's threads) move
    less than wall time when other work shares the machine."""
    con = connect_readonly(db)
    timings = []
    try:
        for query in list_queries():
            params = {
                k: v.format(middle=n_papers // 2) for k, v in PARAMS.get(query.name, {}).items()
            }
            seconds, cpu = [], []
            rows = 0
            for _ in range(1 + REPEATS):
                start, start_cpu = time.perf_counter(), time.process_time()
                given = reviews if query.needs_reviews else None
                rows = len(run_query(con, query.name, params, reviews=given))
                seconds.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            timings.append(
                (
                    query.name,
                    rows,
                    seconds[0],
                    statistics.median(seconds[1:]),
                    statistics.median(cpu[1:]),
                )
            )
    finally:
        con.close()
    return timings


def time_report(db: Path) -> tuple[float, float, float, int]:
    """(gather s, render s, CPU s, HTML bytes) of the corpus report, as ``synthwatch report``."""
    con = connect_readonly(db)
    start_cpu = time.process_time()
    try:
        start = time.perf_counter()
        report = gather_corpus(con, database=str(db))
        gathered = time.perf_counter() - start
    finally:
        con.close()
    start = time.perf_counter()
    rendered = render_corpus(report, "html", stem="corpus")
    rendered_s = time.perf_counter() - start
    cpu_s = time.process_time() - start_cpu
    return gathered, rendered_s, cpu_s, len(rendered.text.encode("utf-8"))


def time_exports(db: Path, folder: Path) -> list[tuple[str, str, float, float]]:
    """(table, format, seconds, MB written) of an export of each table in each format."""
    timings = []
    for table in TABLES:
        for fmt in COPY_OPTIONS:
            out = folder / f"{table}.{fmt}"
            con = export_connection(db, out)
            try:
                start = time.perf_counter()
                con.execute(export_sql(table, fmt, out))
                seconds = time.perf_counter() - start
            finally:
                con.close()
            timings.append((table, fmt, seconds, out.stat().st_size / 2**20))
            out.unlink()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=DEFAULT_PAPERS, help="papers to generate")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated rows")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--reuse", type=Path, help="time a database built before with --keep")
    parser.add_argument("--no-export", action="store_true", help="skip the exports (minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.reuse:
            db = args.reuse
            con = connect_readonly(db)
            papers, findings = con.execute(
                "SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM findings)"
            ).fetchall()[0]
            con.close()
            print(f"reusing {db}: {papers:,} papers and {findings:,} findings")
        else:
            db = args.keep or Path(tmp) / "bench.duckdb"
            if db.exists():
                parser.error(f"{db} exists: give a new file to --keep, or --reuse it")
            papers, findings, build_s = build(db, args.papers, args.seed)
            print(f"built {papers:,} papers and {findings:,} findings in {build_s:.1f} s")
        size_mb = os.path.getsize(db) / 2**20
        print(
            f"database {size_mb:,.0f} MB: {size_mb * 1_000_000 / papers:,.0f} MB per 1M papers "
            f"(with ~{findings / papers:.0f} findings each)"
        )
        reviews = Path(tmp) / "reviews.duckdb"
        reviewed = make_reviews(db, reviews)
        print(f"reviews file: {reviewed} sampled papers reviewed (for the validated queries)")
        timings = time_queries(db, papers, reviews)
        gather_s, render_s, report_cpu_s, html_bytes = time_report(db)
        exports = [] if args.no_export else time_exports(db, Path(tmp))
    print(f"{'query':40} {'rows':>6} {'first s':>8} {'median s':>9} {'CPU s':>7}")
    for name, rows, first, median, cpu in timings:
        print(f"{name:40} {rows:6d} {first:8.3f} {median:9.3f} {cpu:7.3f}")
    worst = max(timings, key=lambda t: max(t[2], t[3]))
    slowest = max(worst[2], worst[3])
    verdict = "met" if slowest < TARGET_S else "NOT MET"
    print(f"target every query < {TARGET_S:g} s: slowest {worst[0]} {slowest:.3f} s, {verdict}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    report_s = gather_s + render_s
    verdict = "met" if report_s < REPORT_TARGET_S else "NOT MET"
    print(
        f"report (HTML, {html_bytes / 1024:,.0f} KB): {report_s:.2f} s = gather {gather_s:.2f} s "
        f"+ render {render_s:.2f} s ({report_cpu_s:.2f} CPU s); target < {REPORT_TARGET_S:g} s, "
        f"{verdict}"
    )
    print(f"{'export':24} {'seconds':>8} {'MB':>8} {'rows/s':>12}")
    for table, fmt, seconds, mb in exports:
        rows = papers if table == "papers" else findings
        print(f"{table + ' ' + fmt:24} {seconds:8.2f} {mb:8.0f} {rows / seconds:12,.0f}")


if __name__ == "__main__":
    main()
