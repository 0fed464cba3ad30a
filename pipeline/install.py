"""How to install an optional extra, as a command that works where synthwatch came from.

synthwatch is on no package registry: ``pip install 'synthwatch[report]'`` fails for everyone.
The command that works depends on how synthwatch was installed. From a clone (``make demo``,
``pip install -e .``) it is ``pip install -e '<the clone>[report]'``; from a wheel it is the
wheel file with the extra. The hint names the Python that runs synthwatch (``python -m pip``),
so that the extra lands in the same environment even when it is not activated.
"""

from __future__ import annotations

import re
import shlex
import sys
from importlib import metadata
from pathlib import Path

from pipeline.version import __version__

DISTRIBUTION = "synthwatch"
# name = "synthwatch" in the [project] table of a pyproject.toml
_PROJECT_NAME = re.compile(r'^name\s*=\s*"synthwatch"\s*$', re.MULTILINE)


def source_root() -> Path | None:
    """The clone synthwatch runs from (an editable install), or None for an installed wheel."""
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if _PROJECT_NAME.search(text) else None


def requirements(extra: str) -> list[str]:
    """The packages an extra adds (``matplotlib>=3.8``), from the installed metadata."""
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    return [r.split(";", 1)[0].strip() for r in requires if marker.search(r)]


def wheel_file() -> str:
    """The file name of the wheel synthwatch was installed from, as far as its metadata says.

    The tag is the one pip recorded (``cp311-cp311-linux_x86_64`` when the C speed-up was
    built, ``py3-none-any`` without it).
    """
    try:
        wheel = metadata.distribution(DISTRIBUTION).read_text("WHEEL") or ""
    except metadata.PackageNotFoundError:
        wheel = ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    return f"{DISTRIBUTION}-{__version__}-{tags[0] if tags else 'py3-none-any'}.whl"


def install_hint(extra: str, python: str | None = None) -> str:
    """A command that installs ``extra`` into the environment that runs synthwatch."""
    root = source_root()
    if root is not None:
        return clone_command(extra, root, python)
    return wheel_command(extra, python)


def _pip(python: str | None) -> str:
    return f"{shlex.quote(python or sys.executable)} -m pip install"


def clone_command(extra: str, root: Path, python: str | None = None) -> str:
    """``python -m pip install -e '/path/to/clone[extra]'``: works from any folder."""
    return f"{_pip(python)} -e {shlex.quote(f'{root}[{extra}]')}"


def wheel_command(extra: str, python: str | None = None) -> str:
    """The wheel with the extra; as a fallback, the extra's packages themselves."""
    command = (
        f"{_pip(python)} {shlex.quote(f'{wheel_file()}[{extra}]')} (in the folder of the wheel"
    )
    packages = " ".join(shlex.quote(r) for r in requirements(extra))
    if packages:
        return f"{command} you installed synthwatch from), or {_pip(python)} {packages}"
    return f"{command} you installed synthwatch from)"
