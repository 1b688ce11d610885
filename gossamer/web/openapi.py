"""The OpenAPI 3.1 description of the workbench API, written out (Starlette makes none)."""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import __version__

_FILTERS = [
    ("text", "FTS5 full-text query over titles and bodies"),
    ("actor", "actor name, KB id or corpus actor key"),
    ("place", "place name as resolved"),
    ("near", "LAT,LON in decimal degrees"),
    ("km", "radius for near (default 50)"),
    ("since", "YYYY[-MM[-DD]], inclusive"),
    ("until", "YYYY[-MM[-DD]], inclusive"),
    ("category", "PLOVER event category"),
    ("grade", "Admiralty grade: F6, B, A1-C3"),
]
_PAGE = [("limit", "page size, at most 500"), ("offset", "rows to skip")]


def _params(names: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"name": n, "in": "query", "required": False, "description": d, "schema": {"type": "string"}}
        for n, d in names
    ]


def _get(
    summary: str, params: list[tuple[str, str]] | None = None, path: list[str] | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": _params(params or [])
        + [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in path or []],
        "responses": {
            "200": {"description": "JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"},
        },
    }
    return {"get": op}


@cache
def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/health": _get("Store size, categories, whether ingest is allowed"),
        "/api/search": _get("Full-text search over documents", [("q", "FTS5 query"), *_FILTERS, *_PAGE]),
        "/api/timeline": _get("Events per day and category", _FILTERS),
        "/api/map": _get(
            "Located events clustered on a grid, GeoJSON", [*_FILTERS, ("cell", "grid cell, degrees")]
        ),
        "/api/web": _get(
            "The actor web: nodes, typed edges, evidence", [*_FILTERS, ("type", "edge type"), *_PAGE[:1]]
        ),
        "/api/documents/{doc_id}": _get("One document's stored analysis with claim links", path=["doc_id"]),
        "/api/claims/{doc_id}/{claim_id}": _get(
            "One claim beside the claims linked to it", path=["doc_id", "claim_id"]
        ),
        "/api/export/{kind}.{fmt}": _get(
            "The filtered selection as a file: lists as csv/geojson/jsonl/json, web as gexf/json",
            [*_FILTERS, ("limit", "rows, at most 10000")],
            ["kind", "fmt"],
        ),
    }
    for kind in ("documents", "events", "claims", "actors", "places"):
        paths[f"/api/{kind}"] = _get(f"One page of {kind}", [*_FILTERS, *_PAGE])
    paths["/api/ingest"] = {
        "post": {
            "summary": "Analyse and store pasted or dropped articles (only with --allow-ingest)",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "text": {"type": "string"},
                                "title": {"type": "string"},
                                "published": {"type": "string"},
                                "files": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "name": {"type": "string"},
                                            "text": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    },
                    "text/plain": {"schema": {"type": "string"}},
                }
            },
            "responses": {
                "200": {"description": "counts of added, skipped and failed inputs"},
                "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"},
                "415": {"$ref": "#/components/responses/Error"},
                "422": {"$ref": "#/components/responses/Error"},
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "gossamer workbench API", "version": __version__},
        "paths": paths,
        "components": {
            "responses": {
                "Error": {
                    "description": "what was wrong with the request",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                            }
                        }
                    },
                }
            }
        },
    }
