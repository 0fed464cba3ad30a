"""Install hints give a command that works: synthwatch is on no registry, so the extra is
installed from the clone (or the wheel), never as ``pip install 'synthwatch[report]'``."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

from pipeline.install import (
    clone_command,
    install_hint,
    requirements,
    source_root,
    wheel_command,
)
from pipeline.version import __version__

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_an_editable_install_points_at_its_own_clone_and_python():
    assert source_root() == ROOT
    hint = install_hint("report")
    assert hint == f"{shlex.quote(sys.executable)} -m pip install -e '{ROOT}[report]'"
    # what the command names exists: the clone's pyproject.toml declares the extra
    assert "report" in PROJECT["optional-dependencies"]


def test_the_extras_packages_come_from_the_installed_metadata():
    for extra in ("report", "dask"):
        assert requirements(extra) == PROJECT["optional-dependencies"][extra]


def test_a_wheel_install_names_the_wheel_with_the_extra_and_the_packages():
    hint = wheel_command("report", python="python3")
    assert hint.startswith(f"python3 -m pip install 'synthwatch-{__version__}-")
    assert ".whl[report]'" in hint and "python3 -m pip install 'matplotlib>=3.8'" in hint
    assert "'synthwatch[report]'" not in hint


def test_a_clone_path_with_a_space_is_quoted():
    hint = clone_command("dask", Path("/home/a b/synthwatch"), python="/venv/bin/python")
    assert shlex.split(hint) == [
        "/venv/bin/python", "-m", "pip", "install", "-e", "/home/a b/synthwatch[dask]"
    ]  # fmt: skip


def test_make_demo_installs_the_report_extra():
    # `make demo`, then the README's next step `synthwatch report` needs matplotlib
    dry = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    installs = [line for line in dry.splitlines() if "pip install" in line and " -e " in line]
    assert installs and all("'.[report]'" in line for line in installs), dry


def test_no_message_or_doc_says_pip_install_synthwatch_with_an_extra():
    # `pip install 'synthwatch[...]'` fails for everyone: the package is on no registry. The
    # README names it once, to say so.
    bad = re.compile(r"""pip install ['"]?synthwatch\[""")
    for path in [ROOT / "README.md", *sorted((ROOT / "pipeline").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        for hit in bad.finditer(text):
            assert "fails" in text[hit.end() : hit.end() + 40], f"{path}: {hit.group()}"
