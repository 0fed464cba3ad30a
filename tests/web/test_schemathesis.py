"""A bounded schemathesis run against /openapi.json (issue 15): every documented operation,
with values the document allows (positive mode) and values it does not (negative mode).

Checks on every answer: not a 5xx; its status and content type are documented; a JSON body
conforms to its documented schema; a request the document refuses is not answered 2xx. The
upload (POST /api/screen) is left out: it screens a file in a child process per request
(tests/web/test_pages.py and the browser test cover it with real files).

The cases come from schemathesis' strategies and are run by hypothesis here, not by
schemathesis' pytest plugin: the plugin's fixture loader does not run under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
)
EXAMPLES = 30  # per operation and mode: bounded, the suite's time is shared


@pytest.fixture(scope="session")
def operations(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]
    return {f"{op.method.upper()} {op.path}": op for op in found}


def test_the_document_describes_every_api_route(operations):
    assert {
        "GET /api/findings",
        "GET /api/papers",
        "GET /api/papers/{paper_id}",
        "GET /api/stats",
        "POST /api/screen",
        "GET /healthz",
    } <= set(operations)


# GET /api/stats takes no parameter: there is no request outside its document to make
RUNS = [
    (name, mode)
    for name in ("GET /api/findings", "GET /api/papers", "GET /api/papers/{paper_id}")
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
] + [("GET /api/stats", GenerationMode.POSITIVE)]


@pytest.mark.parametrize(("name", "mode"), RUNS)
def test_every_documented_operation_holds_to_the_document(operations, name, mode):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases on every run: CI is not a lottery
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operations[name].as_strategy(generation_mode=mode))
    def run(case) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
