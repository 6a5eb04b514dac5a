"""Export routes: the filtered events as an ACLED-style CSV, GeoJSON or JSON Lines file."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sitroom import export
from sitroom.api.filters import Filters
from sitroom.api.schemas import ERRORS
from sitroom.api.state import store_for

router = APIRouter(prefix="/api/export", tags=["export"], responses=ERRORS)


def _file_response(media_type: str, schema: dict) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "A file to save", "content": {media_type: {"schema": schema}}}}


def _export(request: Request, filters: Filters, writer: Callable, media_type: str, suffix: str) -> Response:
    with store_for(request) as store:
        found = store.events(filters)
    out = io.StringIO(newline="")
    writer(found, out)
    disposition = f'attachment; filename="sitroom-events.{suffix}"'
    return Response(out.getvalue(), media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/events.csv", response_class=Response, responses=_file_response("text/csv", {"type": "string"}))
def export_csv(request: Request, filters: Filters) -> Response:
    """The events as a CSV with ACLED's column names where a field has an equivalent."""
    return _export(request, filters, export.write_acled_csv, "text/csv; charset=utf-8", "csv")


@router.get(
    "/events.geojson",
    response_class=Response,
    responses=_file_response("application/geo+json", {"type": "object"}),
)
def export_geojson(request: Request, filters: Filters) -> Response:
    """The events with coordinates as a GeoJSON FeatureCollection (UCDP where_prec, ACLED geo_precision)."""
    return _export(request, filters, export.write_geojson, "application/geo+json", "geojson")


@router.get(
    "/events.jsonl",
    response_class=Response,
    responses=_file_response("application/x-ndjson", {"type": "string"}),
)
def export_jsonl(request: Request, filters: Filters) -> Response:
    """One event per line, in the same JSON shape as /api/events."""
    return _export(request, filters, export.write_jsonl, "application/x-ndjson", "jsonl")
