"""Every documented parameter of the API, driven from /openapi.json with hypothesis.

The schemathesis run (test_schemathesis.py) checks the answers against the document; this one
adds values just outside it mixed with valid ones, and drives the HTML findings page with the
same parameters: 200 with the documented shape or 400 with a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


def _value(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    """Values of a parameter: valid ones from its schema, and some that are not."""
    if "enum" in schema:
        valid = st.sampled_from(schema["enum"])
    elif schema.get("type") == "integer":
        valid = st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)).map(str)
    else:
        valid = TEXT
    wrong = st.one_of(TEXT, st.integers(-(10**12), 10**12).map(str))
    return st.one_of(valid, valid, wrong)


def _parameters(doc: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p["schema"] for p in doc["paths"][path]["get"]["parameters"]}


def _requests(client, path: str) -> st.SearchStrategy[dict[str, str]]:
    schemas = _parameters(client.get("/openapi.json").json(), path)
    return st.fixed_dictionaries({}, optional={n: _value(s) for n, s in schemas.items()})


def _check(r, shape: set[str]) -> None:
    assert r.status_code in (200, 400), (r.status_code, r.text[:300])
    if r.status_code == 400:
        assert r.json()["error"]
    elif r.headers["content-type"].startswith("application/json"):
        assert shape <= set(r.json())


def test_api_findings_answers_every_documented_parameter(client):
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=_requests(client, "/api/findings"))
    def run(params: dict[str, str]) -> None:
        r = client.get("/api/findings", params=params)
        _check(r, {"total", "page", "per_page", "results"})

    run()


def test_api_papers_answers_every_documented_parameter(client):
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=_requests(client, "/api/papers"))
    def run(params: dict[str, str]) -> None:
        _check(client.get("/api/papers", params=params), {"total", "page", "per_page", "results"})

    run()


def test_the_findings_page_answers_every_documented_parameter(client):
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=_requests(client, "/api/findings"))
    def run(params: dict[str, str]) -> None:
        params.pop("format", None)
        r = client.get("/findings", params=params)
        assert r.status_code in (200, 400), (r.status_code, r.text[:300])

    run()
