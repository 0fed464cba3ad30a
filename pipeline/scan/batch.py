"""The scan's results on their way to the store: kept a few seconds, then written together.

Writing a transaction, or asking the database whether a paper is stored, costs a millisecond
or more whatever its size; small papers come back from the workers hundreds a second. So the
results are written in batches, and the question "is this paper, found under a new path,
stored already?" is asked once a batch, for all of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.results import PaperResult
from pipeline.scan.plan import CHECK, EARLIER, REPLACE, Planner
from pipeline.store import Store

BATCH_SIZE = 256
BATCH_SECONDS = 1.0


@dataclass
class ResultBatch:
    """Results waiting to be written, each with what ``Planner.settle`` said to do with it.

    ``on_stored(result)`` is called for each result as its batch is written; ``count`` for
    each one that is a paper of this scan (not a copy that replaces another)."""

    store: Store
    planner: Planner
    run_id: str
    version: str
    patterns_version: str
    count: Callable[[PaperResult], None]
    on_stored: Callable[[PaperResult], None] | None = None
    results: list[tuple[PaperResult, str]] = field(default_factory=list)
    last_write: float = field(default_factory=time.monotonic)
    writes: int = 0

    def add(self, *results: tuple[PaperResult, str]) -> None:
        """Add results (each with its action); written together, in this batch or the next."""
        if not results:
            return
        self.results.extend(results)
        # the first result is written at once: a scan shows that it works within seconds
        if (
            not self.writes
            or len(self.results) >= BATCH_SIZE
            or time.monotonic() - self.last_write > BATCH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        """Write the results (papers before their files: a file's row is trusted only with
        its paper stored) and the rows of the files settled meanwhile."""
        checks = [r.paper_id for r, action in self.results if action == CHECK]
        stored = self.planner.current(checks) if checks else set()
        papers: dict[str, PaperResult] = {}  # a copy found earlier replaces one in the batch
        written = []
        for result, action in self.results:
            if result.paper_id in stored:  # an unchanged paper under a new path
                if action == CHECK:
                    self.planner.counts.skipped += 1
                    self.planner.first[result.paper_id] = EARLIER
                continue
            papers[result.paper_id] = result
            written.append((result, action))
        self.results.clear()
        self.store.write(
            list(papers.values()),
            run_id=self.run_id,
            version=self.version,
            patterns_version=self.patterns_version,
        )
        self.store.record_files(self.planner.file_rows, self.run_id)
        self.planner.file_rows.clear()
        self.last_write = time.monotonic()
        self.writes += 1
        for result, action in written:  # counted once stored: an interrupted write is not
            if action != REPLACE:
                self.count(result)
            if self.on_stored is not None:
                self.on_stored(result)
