"""Screen one uploaded file in a process of its own: ``python -m pipeline.web.screen_worker``.

The web app runs this for every upload, with a time limit, so that a hostile file (a PDF that
makes a reader loop or eat memory) costs a killed child, never the server. Prints one JSON
object: ``result`` (the ``synthwatch screen --format json`` contract) and ``html`` (the
checklist and findings, rendered by the web app's templates, escaped).
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
from dataclasses import replace

# The child's own limits, on top of the parent's wall-clock timeout: CPU seconds and memory.
CPU_SECONDS = 300
MEMORY_BYTES = 4 * 2**30


def main(argv: list[str]) -> int:
    path, display_name = argv[0], argv[1]
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    # a lower hard limit already set is kept
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    from pipeline.answers.screening import build_screening
    from pipeline.scan.pool import quiet_libraries
    from pipeline.scan.work import screen_file
    from pipeline.web.render import render

    quiet_libraries()
    result = replace(screen_file(path), source_path=display_name)
    html = render("_screening.html", s=build_screening(result), result=result, contexts={})
    json.dump({"result": result.to_dict(), "html": html}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
