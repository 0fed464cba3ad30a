"""docs/taxonomy.md against the code: every label is defined there, and its examples hold.

The tables marked *(tested)* are read here: each stance example must get that stance, each
category example that category (as a use), and no trap example may give a use. So the page
users read and the detector cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.detect import find
from pipeline.detect.model import CATEGORIES, CONCERNS, ROLES, STANCES, Finding
from tests.detect.sentences import build_document

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "taxonomy.md"
# `| `label` | ... | Section: "sentence" |`: a labelled row whose last cell is an example
LABELLED_EXAMPLE = re.compile(r'^\| `(\w+)` \|.*\| (\w+): "([^"]+)" \|$')
# `| trap name | Section: "sentence" |`
TRAP_EXAMPLE = re.compile(r'^\| ([^|`]+?) \| (\w+): "([^"]+)" \|$')


def _section(title: str) -> list[str]:
    """The lines of the docs/taxonomy.md section whose heading starts with ``title``."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"## {title}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), None)
    return lines[start + 1 : end]


def _examples(title: str) -> list[tuple[str, str, str]]:
    return [m.groups() for line in _section(title) if (m := LABELLED_EXAMPLE.match(line))]


def _traps() -> list[tuple[str, str, str]]:
    return [m.groups() for line in _section("Traps") if (m := TRAP_EXAMPLE.match(line))]


def _find(section: str, sentence: str) -> list[Finding]:
    return find(build_document((section, sentence)))


@pytest.mark.parametrize(
    "name",
    [*STANCES, *CATEGORIES, *ROLES, *CONCERNS],
)
def test_every_label_of_the_model_is_defined_in_the_doc(name: str) -> None:
    """A table row of docs/taxonomy.md starts with each stance, category, role, concern."""
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    assert any(row.startswith(f"| `{name}` |") for row in rows), name


def test_the_tested_tables_have_one_example_per_label() -> None:
    assert [label for label, _, _ in _examples("Stance")] == list(STANCES)
    assert [label for label, _, _ in _examples("Category")] == list(CATEGORIES)
    assert len(_traps()) >= 8


@pytest.mark.parametrize(("stance", "section", "sentence"), _examples("Stance"))
def test_stance_examples_get_their_stance(stance: str, section: str, sentence: str) -> None:
    findings = _find(section, sentence)
    assert [f.stance for f in findings] == [stance], sentence


@pytest.mark.parametrize(("category", "section", "sentence"), _examples("Category"))
def test_category_examples_are_uses_of_their_category(
    category: str, section: str, sentence: str
) -> None:
    findings = _find(section, sentence)
    assert findings, sentence
    assert {(f.stance, f.category) for f in findings} == {("use", category)}, sentence


@pytest.mark.parametrize(("trap", "section", "sentence"), _traps())
def test_trap_examples_never_give_a_use(trap: str, section: str, sentence: str) -> None:
    assert not [f for f in _find(section, sentence) if f.stance == "use"], trap


def test_readme_and_docs_link_the_taxonomy_in_the_repository() -> None:
    """The specification is part of the product: no link to a folder outside the clone."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        assert "../shared/TAXONOMY" not in page.read_text(encoding="utf-8"), page
    assert "docs/taxonomy.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_help_points_to_the_taxonomy() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "docs/taxonomy.md" in " ".join(result.output.split())
