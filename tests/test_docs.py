"""Every command the README and docs/ show runs, against the repository's own papers.

A command is a line of a ``sh`` block that starts with ``synthwatch``, or a line of any block that
starts with ``$ synthwatch`` (a line ending in ``\\``, or an open quote, continues it).
The commands run in a sandbox laid out as the pages assume a reader's folder:

    work/                     the current folder
      corpora/demo            the demo corpus (the repository's)
      synthwatch.duckdb       the demo corpus and tests/fixtures scanned
      corpus.duckdb           a copy, for the commands that name it
      papers/ , papers.csv    tests/fixtures and a manifest over it
    shared/corpora/           tests/fixtures laid out as the shared corpus (jats/, pdf/, other/)
                              with their labels (tests/fixtures/labels.csv, sentences.csv)

so ``../shared/corpora`` in the docs is a small stand-in for the shared corpus. A block that
cannot run here (it needs a cluster, a server or the network) is preceded by
``<!-- doc-test: not run (why) -->``; the reason is required. docs/cli.md is generated from the
commands' ``--help`` and must be current.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.cli.reference import reference
from tests.conftest import DEMO, FIXTURES, scan_into

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = re.compile(r"<!--\s*doc-test:\s*not run\s*\((?P<why>[^)]+)\)\s*-->")
SHELL = re.compile(r"[|<>&;`$]")
# shared-corpus layout of the fixtures (the paths labels.csv uses)
LAYOUT = {
    "jats": [
        "docling__pone.0234687.nxml",
        "elife__elife02935.xml",
        "plos__journal.pone.0050698.xml",
        "plos__journal.pone.0119074.xml",
    ],
    "pdf": ["synthpop__synthpop.pdf", "s2d__N18-3011.pdf"],
    "other": ["s2orc-simulated-arrivals.json"],
}


def commands(page: Path) -> list[tuple[str, str, str | None]]:
    """(where, command, why it is not run or None) for each command shown on the page."""
    found: list[tuple[str, str, str | None]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    fence: str | None = None
    skip: str | None = None
    pending = ""
    start = 0
    for number, line in enumerate(lines, 1):
        marker = SKIP.search(line)
        if fence is None and marker:
            skip = marker.group("why").strip()
            continue
        if line.startswith("```"):
            if fence is None:
                fence = line[3:].strip()
            else:
                fence, skip = None, None
            continue
        if fence is None:
            continue
        text = line.strip()
        if pending:
            pending += " " + text
        elif text.startswith("$ synthwatch "):
            pending, start = text[2:], number
        elif text.startswith("synthwatch ") and fence in ("sh", "bash", "shell"):
            pending, start = text, number
        if not pending:
            continue
        pending, open_quote = _strip_comment(pending)
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
        elif not open_quote:
            found.append((f"{page.relative_to(ROOT)}:{start}", pending, skip))
            pending = ""
    return found


def _strip_comment(command: str) -> tuple[str, bool]:
    """The command without a trailing ``# comment`` (a # outside quotes, after a space), and
    whether a quote is still open at its end (the command goes on on the next line)."""
    quote = None
    for i, ch in enumerate(command):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or command[i - 1].isspace()):
            return command[:i].rstrip(), False
    return command.rstrip(), quote is not None


ALL = [c for page in PAGES for c in commands(page)]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    shared = root / "shared" / "corpora"
    for folder, names in LAYOUT.items():
        (shared / folder).mkdir(parents=True)
        for name in names:
            shutil.copyfile(FIXTURES / name, shared / folder / name)
    shutil.copyfile(FIXTURES / "labels.csv", shared / "labels-dev.csv")
    shutil.copyfile(FIXTURES / "sentences.csv", shared / "sentences-dev.csv")
    work = root / "work"
    (work / "corpora").mkdir(parents=True)
    (work / "corpora" / "demo").symlink_to(DEMO, target_is_directory=True)
    (work / "papers").symlink_to(FIXTURES, target_is_directory=True)
    (work / "papers.csv").write_text(
        "path,doi,title,year,venue,field\n"
        "papers/synthpop__synthpop.pdf,10.18637/jss.v074.i11,,2016,"
        "Journal of Statistical Software,statistics\n",
        encoding="utf-8",
    )
    scan_into(work / "synthwatch.duckdb", [DEMO, FIXTURES])
    shutil.copyfile(work / "synthwatch.duckdb", work / "corpus.duckdb")
    return work


@pytest.mark.parametrize(("where", "command", "why"), ALL, ids=[f"{w} {c[:60]}" for w, c, _ in ALL])
def test_documented_command_runs(sandbox, monkeypatch, where, command, why):
    if why is not None:
        pytest.skip(f"{where}: not run here: {why}")
    monkeypatch.chdir(sandbox)
    if SHELL.search(command.replace("'$'", "")):
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=600
        )
        code, output = done.returncode, done.stdout + done.stderr
    else:
        result = CliRunner().invoke(main, shlex.split(command)[1:], catch_exceptions=False)
        code, output = result.exit_code, result.output
    assert code == 0, f"{where}: `{command}` exited {code}:\n{output[-3000:]}"


def test_every_page_shows_commands_and_every_skip_says_why():
    assert len([c for c in ALL if c[2] is None]) >= 30
    assert all(why for _, _, why in ALL if why is not None)
    readme = [c for c in ALL if c[0].startswith("README.md")]
    not_run = [c for _, c, why in readme if why is not None]
    assert len(readme) - len(not_run) >= 10
    # only the web server, which runs until stopped (tests/web drives it), is not run here
    assert all(c.startswith("synthwatch serve") for c in not_run), not_run


def test_the_parser_joins_continuations_and_drops_comments(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\nsynthwatch scan a \\\n    --db b.duckdb   # into b\necho no\n```\n"
        "<!-- doc-test: not run (needs a cluster) -->\n```sh\nsynthwatch scan x\n```\n"
        "```text\nsynthwatch not a command here\n```\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = commands(page)
    finally:
        ROOT = saved
    assert found == [
        ("page.md:2", "synthwatch scan a --db b.duckdb", None),
        ("page.md:8", "synthwatch scan x", "needs a cluster"),
    ]


def test_cli_reference_is_current():
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), "regenerate: python -m pipeline.cli.reference > docs/cli.md"


def test_every_relative_link_in_the_pages_resolves():
    """A page that moved (the README's sections went to docs/) leaves no link behind."""
    broken = []
    for page in [*PAGES, ROOT / "benchmarks" / "RESULTS.md"]:
        for match in re.finditer(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            target = match.group(1)
            external = target.startswith(("http://", "https://", "mailto:"))
            if not external and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
