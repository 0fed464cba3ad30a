"""tests/conftest.py's selection: shared-corpus tests run when the corpus is there, else are
deselected with a reason; setting SYNTHWATCH_CORPUS always selects them.

Each case runs a real pytest in a subprocess on a copy of the conftest in a temporary clone,
so that the corpus "beside the clone" (``<tmp>/shared/corpora``) can be there or not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parent / "conftest.py"

SAMPLE_TESTS = """
import pytest


def test_needs_the_corpus(corpus):
    assert (corpus / "labels-dev.csv").is_file()


def test_needs_the_scanned_corpus_by_way_of_a_fixture(tmp_path, corpus):
    assert corpus.is_dir()


def test_stands_alone():
    assert True


class TestOwnFixture:
    @pytest.fixture
    def corpus(self):
        return "a fixture of this module, not the shared corpus"

    def test_uses_a_local_fixture_called_corpus(self, corpus):
        assert corpus.startswith("a fixture")
"""


def _clone(tmp_path: Path) -> Path:
    repo = tmp_path / "clone"
    (repo / "tests").mkdir(parents=True)
    shutil.copy(CONFTEST, repo / "tests" / "conftest.py")
    (repo / "tests" / "test_sample.py").write_text(SAMPLE_TESTS, encoding="utf-8")
    (repo / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return repo


def _pytest(repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "SYNTHWATCH_CORPUS"}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_the_corpus_its_tests_are_deselected_with_a_reason(tmp_path: Path) -> None:
    out = _pytest(_clone(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed, 2 deselected" in out.stdout
    assert "2 test(s) marked 'corpus' deselected: SYNTHWATCH_CORPUS is not set" in out.stdout


def test_with_the_corpus_beside_the_clone_its_tests_run(tmp_path: Path) -> None:
    repo = _clone(tmp_path)
    (tmp_path / "shared" / "corpora").mkdir(parents=True)
    (tmp_path / "shared" / "corpora" / "labels-dev.csv").write_text("file\n", encoding="utf-8")
    out = _pytest(repo)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 passed" in out.stdout and "deselected" not in out.stdout


@pytest.mark.parametrize("where", ["missing", "empty-folder"])
def test_a_set_corpus_variable_selects_the_tests_and_a_wrong_folder_fails(
    tmp_path: Path, where: str
) -> None:
    folder = tmp_path / where
    if where == "empty-folder":
        folder.mkdir()
    out = _pytest(_clone(tmp_path), SYNTHWATCH_CORPUS=str(folder))
    assert out.returncode == 1
    assert "2 errors" in out.stdout and "2 passed" in out.stdout
    assert f"shared corpus not found at {folder}" in out.stdout
