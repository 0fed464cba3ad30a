"""synthwatch: find where research papers use synthetic or model-generated data.

For notebooks: ``Corpus("synthwatch.duckdb").query("prevalence_by_year")`` and
``screen("paper.pdf")`` (see :mod:`pipeline.api`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.version import __version__

__all__ = ["Corpus", "__version__", "screen"]

if TYPE_CHECKING:
    from pipeline.api import Corpus, screen


def __getattr__(name: str) -> Any:
    # Imported on first use: the API pulls in pandas, DuckDB and spaCy, and `import pipeline`
    # (every worker process, every CLI start) should stay light.
    if name in ("Corpus", "screen"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
