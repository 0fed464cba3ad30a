"""``/openapi.json``: the API's contract, built from the same lists the routes check against."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pipeline.results import STATUSES
from pipeline.version import __version__
from pipeline.web.common import json_answer, only_params
from pipeline.web.params import CHOICES, MAX_OFFSET, MAX_PER_PAGE, MAX_TEXT, OUTPUTS, YEAR_RANGE

ERROR = {"$ref": "#/components/responses/Error"}
PAGE_TEXT = f"page number; the page must start within the first {MAX_OFFSET:,} rows (else 400)"
FINDING_REQUIRED = ["paper_id", "sentence", "section", "page", "stance", "category"]


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _enum(values: Any) -> dict[str, Any]:
    """A choice; the empty value means no filter (what an HTML form sends for "any")."""
    return {"type": "string", "enum": [*values, ""]}


def _int(low: int, high: int) -> dict[str, Any]:
    """A whole number in [low, high], or empty (no bound; the default page)."""
    return {
        "oneOf": [
            {"type": "integer", "minimum": low, "maximum": high},
            {"type": "string", "enum": [""]},
        ]
    }


def _year() -> dict[str, Any]:
    """A publication year, or 0 or empty: no bound (the facet links clear a year with 0)."""
    low, high = YEAR_RANGE
    return {
        "oneOf": [
            {"type": "integer", "minimum": low, "maximum": high},
            {"type": "integer", "enum": [0]},
            {"type": "string", "enum": [""]},
        ]
    }


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "maxLength": MAX_TEXT, "description": description}


def finding_parameters() -> list[dict[str, Any]]:
    params = [_query("q", _text(""), 'search: words, "a phrase", a OR b, prefix*')]
    for name, choices in CHOICES.items():
        schema = _enum(choices) if choices else _text("")
        params.append(_query(name, schema, f"only findings whose {name} is this value"))
    for name in ("year_from", "year_to"):
        params.append(
            _query(
                name,
                _year(),
                "publication year bound (inclusive); 0 or empty: no bound",
            )
        )
    params.append(_query("page", _int(1, MAX_OFFSET + 1), PAGE_TEXT))
    params.append(_query("per_page", _int(1, MAX_PER_PAGE), "rows"))
    return params


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["total", "page", "per_page", "results"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": item},
        },
    }


def document() -> dict[str, Any]:
    paper_id = {
        "name": "paper_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    }
    finding = {"type": "object", "required": FINDING_REQUIRED}
    ok_json = {"content": {"application/json": {"schema": {"type": "object"}}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "synthwatch",
            "version": __version__,
            "description": "Findings of synthetic or model-generated data use in papers.",
        },
        "paths": {
            "/api/findings": {
                "get": {
                    "summary": "Findings matching a search and filters, one page (or all: csv)",
                    "parameters": [
                        *finding_parameters(),
                        _query(
                            "format",
                            _enum(OUTPUTS),
                            "json: one page; csv: every matching row, streamed",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "one page of findings, or every row as CSV",
                            "content": {
                                "application/json": {"schema": _list(finding)},
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": ERROR,
                    },
                }
            },
            "/api/papers": {
                "get": {
                    "summary": "Papers, newest first",
                    "parameters": [
                        _query("status", _enum(STATUSES), "status"),
                        _query(
                            "concern",
                            _enum(CHOICES["concern"] or ()),
                            "concern level",
                        ),
                        _query(
                            "uses_synthetic",
                            _enum(["true", "false"]),
                            "uses synthetic data",
                        ),
                        _query("page", _int(1, MAX_OFFSET + 1), PAGE_TEXT),
                        _query("per_page", _int(1, MAX_PER_PAGE), "rows"),
                    ],
                    "responses": {
                        "200": {
                            "description": "one page of papers",
                            "content": {"application/json": {"schema": _list({"type": "object"})}},
                        },
                        "400": ERROR,
                    },
                }
            },
            "/api/papers/{paper_id}": {
                "get": {
                    "summary": "One paper: the `synthwatch screen --format json` contract",
                    "parameters": [paper_id],
                    "responses": {"200": {"description": "the paper", **ok_json}, "404": ERROR},
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Corpus statistics: prevalence with intervals, concern, failures",
                    "responses": {"200": {"description": "statistics", **ok_json}},
                }
            },
            "/api/screen": {
                "post": {
                    "summary": "Screen an uploaded paper (serve --allow-upload); nothing stored",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["file"],
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "the `screen --format json` contract", **ok_json},
                        "400": ERROR,
                        "403": ERROR,
                        "413": ERROR,
                        "503": ERROR,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "The server answers and the database can be read",
                    "responses": {"200": {"description": "ok", **ok_json}},
                }
            },
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "what was wrong, in words",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error"],
                                "properties": {"error": {"type": "string"}},
                            }
                        }
                    },
                }
            }
        },
    }


def openapi_json(request: Request) -> Response:
    only_params(request, ())
    return json_answer(document())
