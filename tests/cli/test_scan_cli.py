"""``synthwatch scan`` for people: the summary's headline and metadata counts, batch progress."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from pipeline.cli import main
from pipeline.cli.progress import eta_text, terminal_bar
from tests.conftest import DEMO

# A simulation study only, an oversampling paper and an LLM-text paper (corpora/demo).
PAPERS = (
    "markdown/small-area-bootstrap-simulation.md",
    "text/fraud-smote.txt",
    "text/tutoring-dialogues-llama2.txt",
)
PROGRESS = re.compile(
    r"^progress: (\d+)/(\d+\+?) files, (\d+) found using synthetic data, (\d+) failed, "
    r"(?:[\d.]+|-) files/s, ETA (\S+)$",
    re.MULTILINE,
)


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    for rel in PAPERS:
        shutil.copy(DEMO / rel, folder / Path(rel).name)
    return folder


def _scan(papers: Path, db: Path, *options: str):
    return CliRunner().invoke(
        main, ["scan", str(papers), "--db", str(db), "--workers", "1", *options]
    )


def test_scan_without_a_terminal_prints_timed_progress_lines_and_a_last_one(
    tmp_path: Path, papers: Path
) -> None:
    result = _scan(papers, tmp_path / "s.duckdb", "--progress-every", "0.05")
    assert result.exit_code == 0, result.output
    lines = PROGRESS.findall(result.stderr)
    # the workers take a second or more to start: several timed lines come before the last
    assert len(lines) >= 3, result.stderr
    done = [int(d) for d, *_ in lines]
    assert done == sorted(done)
    # the line at the end: all 3 files done (no more to find), 3 found using synthetic data
    assert lines[-1] == ("3", "3", "3", "0", "0s")
    assert all(line[4] == "unknown" for line in lines if line[0] == "0")
    # no count beforehand: while files are still being found, the total says so
    assert all(line[1] in ("0+", "3+", "3") for line in lines)
    # progress goes to stderr only; stdout keeps the summary
    assert "progress:" not in result.stdout


def test_scan_with_the_default_interval_prints_only_the_last_progress_line(
    tmp_path: Path, papers: Path
) -> None:
    result = _scan(papers, tmp_path / "s.duckdb")
    assert result.exit_code == 0, result.output
    assert len(PROGRESS.findall(result.stderr)) == 1


def test_progress_interval_must_be_positive(tmp_path: Path, papers: Path) -> None:
    result = _scan(papers, tmp_path / "s.duckdb", "--progress-every", "0")
    assert result.exit_code == 2
    assert "--progress-every" in result.stderr


def test_scan_summary_shows_model_generated_data_beside_any_synthetic_data(
    tmp_path: Path, papers: Path
) -> None:
    result = _scan(papers, tmp_path / "s.duckdb")
    assert result.exit_code == 0, result.output
    assert re.search(r"uses synthetic data\s+│ 3\s+│ 100.0% of 3 assessed", result.stdout)
    assert re.search(
        r"model-generated data \(excluding simulation\)\s+│ 2\s+│ 66.7% of 3 assessed",
        result.stdout,
    )
    report = json.loads(_scan(papers, tmp_path / "s.duckdb", "--format", "json").stdout)
    assert (report["assessed"], report["uses_synthetic"], report["model_generated"]) == (3, 3, 2)


def test_scan_summary_counts_missing_metadata_and_points_to_the_manifest(
    tmp_path: Path, papers: Path
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,year,venue\npapers/fraud-smote.txt,2021,Demo Journal\n")
    result = _scan(papers, tmp_path / "s.duckdb", "--manifest", str(manifest))
    assert result.exit_code == 0, result.output
    assert re.search(r"no year\s+│ 2\s+│ of 3 read", result.stdout)
    assert re.search(r"no field\s+│ 3\s+│ of 3 read", result.stdout)
    assert "2 no year, 2 no venue, 3 no field (of 3 papers read)" in result.stderr
    assert "--manifest" in result.stderr
    report = json.loads(_scan(papers, tmp_path / "s.duckdb", "--format", "json").stdout)
    assert report["missing_metadata"] == {"year": 2, "venue": 2, "field": 3}


def test_scan_of_one_folder_by_two_spellings_counts_one_file_each(
    tmp_path: Path, papers: Path
) -> None:
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(
        main,
        ["scan", str(papers), f"{papers}/../papers", "--db", str(db), "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    assert "3 file(s): 3 scanned, 0 unchanged (skipped), 3 named twice" in result.stderr


@pytest.mark.parametrize(
    ("done", "total", "seconds", "eta"),
    [
        (0, 10, 5.0, "unknown"),
        (5, 10, 10.0, "10s"),
        (1, 100, 5.0, "8m15s"),
        (1, 1000, 5.0, "1h23m"),
        (10, 10, 3.0, "0s"),
    ],
)
def test_eta_is_the_time_left_at_the_rate_so_far(
    done: int, total: int, seconds: float, eta: str
) -> None:
    assert eta_text(done, total, seconds) == eta


def test_terminal_bar_shows_papers_per_second_and_the_time_left() -> None:
    clock = [0.0]
    console = Console(file=io.StringIO(), force_terminal=True, width=160, record=True)
    bar = terminal_bar(console, disable=False, get_time=lambda: clock[0])
    task_id = bar.add_task("scan", total=10, last="a.pdf")
    bar.advance(task_id, 0)
    clock[0] = 2.0
    bar.advance(task_id, 4)  # 4 papers in 2 s: 2 a second, 6 left, 3 s to go
    console.print(bar.get_renderable())
    text = console.export_text()
    assert "4/10" in text and "2.0 papers/s" in text
    assert re.search(r"ETA\s+0:00:03", text), text
