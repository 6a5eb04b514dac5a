"""Reads for the page at any size of store: the time bar's span and events per day, the events in a map
view (grid cells or points), town labels from sitroom's own gazetteer, name search over places and
actors, and where a document came from (its URL, outlet, date) without its text."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from sitroom import queries
from sitroom.api.filters import BBOX_PATTERN, Filters, parse_bbox
from sitroom.api.schemas import ERRORS, Day
from sitroom.api.state import config, store_for
from sitroom.codec import to_dict
from sitroom.records import SituationEntry
from sitroom.store import overview
from sitroom.text import folded

router = APIRouter(prefix="/api", tags=["page"], responses=ERRORS)

Zoom = Annotated[int, Query(ge=0, le=20, description="the map's zoom level (web Mercator tiles)")]
# The smallest town labelled at each zoom (inhabitants); sites (bases, airports) from zoom 9.
_LABEL_POPULATION = {0: 5_000_000, 1: 5_000_000, 2: 3_000_000, 3: 2_000_000, 4: 700_000, 5: 250_000}
_LABEL_POPULATION |= {6: 80_000, 7: 25_000, 8: 8_000}
_SMALLEST_TOWN = 5_000
_SITE_ZOOM = 9
_MAX_LABELS = 150
_MAX_SEARCH = 20


@router.get("/page-settings")
def page_settings(request: Request) -> JSONResponse:
    """What the server was started with for the page: the basemap it serves (`sitroom serve --basemap`)."""
    return JSONResponse({"basemap": "/basemap.pmtiles" if config(request).basemap else None})


@router.get("/stats")
def stats(request: Request, filters: Filters) -> JSONResponse:
    """The store's span (first and last event start, latest report dateline: the page's default day),
    its event count, and events per start day for the filters (dates aside), for the time bar."""
    with store_for(request) as store:
        span = overview.span(store)
        days = overview.per_day(store, filters)
        total = store.event_count()
    body = {
        "first": _iso(span.first),
        "last": _iso(span.last),
        "latest_report": _iso(span.latest_report),
        "events": total,
        "per_day": days,
    }
    return JSONResponse(body)


@router.get("/situation/view")
def situation_view(
    request: Request,
    as_of: Annotated[Day, Query(description="the day to describe")],
    known_at: Annotated[Day | None, Query(description="use only what was reported by this day")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="actor name or id (part)")] = None,
    place: Annotated[str | None, Query(max_length=200, description="place, admin1 or country (part)")] = None,
    bbox: Annotated[str | None, Query(pattern=BBOX_PATTERN, max_length=120, description="map view")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="entries in full, at most")] = 400,
) -> JSONResponse:
    """The situation as the page shows it: the entries matching the actor, place and view filters (their
    `total`, the first `limit` in full, for the table) and every matching place with its entries as
    [actor, status, contested] (for the map): a fraction of /api/situation's size on a large store."""
    with store_for(request) as store:
        entries = queries.situation_on(store, as_of, known_at)
    box = parse_bbox(bbox) if bbox else None
    found = [e for e in entries if _entry_matches(e, actor, place, box)]
    body = {
        "as_of": as_of.isoformat(),
        "known_at": _iso(known_at),
        "total": len(found),
        "entries": to_dict(found[:limit]),
        "places": _places_of(found),
    }
    return JSONResponse(body)


def _entry_matches(entry: SituationEntry, actor: str | None, place: str | None, box) -> bool:
    if actor and folded(actor) not in folded(entry.actor) and actor != entry.actor_id:
        return False
    names = (entry.place.name, entry.place.admin1, entry.place.country)
    if place and not any(folded(place) in folded(n) for n in names if n):
        return False
    return box is None or _inside(entry.place.lat, entry.place.lon, box)


def _inside(lat: float | None, lon: float | None, box) -> bool:
    if lat is None or lon is None:
        return False
    min_lon, min_lat, max_lon, max_lat = box
    inside_lon = min_lon <= lon <= max_lon if min_lon <= max_lon else (lon >= min_lon or lon <= max_lon)
    return min_lat <= lat <= max_lat and inside_lon


def _places_of(entries: list[SituationEntry]) -> list[dict]:
    """Each place with a point, with its entries' [actor, status, contested], in the entries' order."""
    places: dict[str, dict] = {}
    for e in entries:
        if e.place.lat is None or e.place.lon is None:
            continue
        key = e.place.gazetteer_id or e.place.name
        found = places.setdefault(
            key, {"name": e.place.name, "lat": e.place.lat, "lon": e.place.lon, "entries": []}
        )
        found["entries"].append([e.actor, e.status.value, e.contested])
    return list(places.values())


@router.get("/map")
def map_view(request: Request, filters: Filters, zoom: Zoom = 2) -> JSONResponse:
    """The filtered events in the view (`bbox`): each as a point [id, lat, lon, type, status, review,
    place, start, where_prec] when there are at most 2,000, else grid cells [lat, lon, events, id, type]
    about 64 pixels wide at `zoom` (id and type where a cell holds one event or one type)."""
    with store_for(request) as store:
        total = overview.count_in(store, filters)
        if total <= overview.MAX_POINTS:
            body = {"total": total, "points": overview.points(store, filters)}
        else:
            body = {"total": total, "cells": overview.cells(store, filters, zoom)}
    return JSONResponse(body)


@router.get("/labels")
def labels(
    request: Request,
    bbox: Annotated[str, Query(pattern=BBOX_PATTERN, max_length=120, description="the map's view")],
    zoom: Zoom = 2,
) -> JSONResponse:
    """Towns and cities (and at close zoom sites) in the view from sitroom's gazetteer, largest first:
    [name, lat, lon, population, feature]. Empty where the gazetteer has not been built yet."""
    min_lon, min_lat, max_lon, max_lat = parse_bbox(bbox)
    smallest = _LABEL_POPULATION.get(zoom, _SMALLEST_TOWN)
    towns, sites = _towns(request)
    found = []
    for name, lat, lon, population, feature in [*towns, *(sites if zoom >= _SITE_ZOOM else [])]:
        if feature != "site" and population < smallest:
            if zoom < _SITE_ZOOM:
                break  # towns come largest first: the rest are smaller still
            continue
        if _inside(lat, lon, (min_lon, min_lat, max_lon, max_lat)):
            found.append([name, lat, lon, population, feature])
            if len(found) == _MAX_LABELS:
                break
    return JSONResponse(found)


@router.get("/search")
def search(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=200, description="part of a name")]
) -> JSONResponse:
    """Places and actors whose names contain `q` (without case or diacritics), names that start with it
    first. Actors are sitroom's known ones or proper names: a common noun that a report made an actor
    ("rest", "car bomb") is left out."""
    wanted = folded(q.strip())
    with store_for(request) as store:
        places = [p for p in store.place_counts() if wanted in folded(p["name"] or "")]
        actors = [a for a in store.actor_counts() if _named(a) and wanted in folded(a["name"])]
    rank = lambda item: (not folded(item["name"]).startswith(wanted), -item["events"])  # noqa: E731
    body = {
        "places": sorted(places, key=rank)[:_MAX_SEARCH],
        "actors": sorted(actors, key=rank)[:_MAX_SEARCH],
    }
    return JSONResponse(body)


@router.get("/sources")
def sources(
    request: Request,
    documents: Annotated[str, Query(min_length=1, max_length=4000, description="ids, comma-separated")],
) -> JSONResponse:
    """Where each document came from: {id: {url, outlet, date, title}} (at most 100 ids; unknown ids are
    left out)."""
    ids = [d for d in dict.fromkeys(documents.split(",")) if d][:100]
    found = {}
    with store_for(request) as store:
        for id_ in ids:
            doc = store.document(id_)
            if doc is not None:
                found[id_] = {"url": doc.url, "outlet": doc.outlet, "date": str(doc.date), "title": doc.title}
    return JSONResponse(found)


def _named(actor: dict) -> bool:
    """sitroom knows the actor (an id), or the report named it (a capital letter or a digit)."""
    name = actor["name"] or ""
    return bool(actor.get("id")) or (name[:1].isupper() or name[:1].isdigit())


_towns_lock = threading.Lock()


Town = tuple[str, float, float, int, str]


def _towns(request: Request) -> tuple[list[Town], list[Town]]:
    """The gazetteer's towns (largest first) and sites, read once per process (about 85,000 rows, 0.4 s)."""
    state = request.app.state
    with _towns_lock:
        if getattr(state, "towns", None) is None:
            every = _read_towns(config(request).settings.gazetteer_path)
            state.towns = [t for t in every if t[4] != "site"], [t for t in every if t[4] == "site"]
    return state.towns


def _read_towns(path) -> list[Town]:
    from sitroom.resolve.gazetteer import Gazetteer

    if not path.is_file():
        return []
    gazetteer = Gazetteer(path)
    try:
        return gazetteer.towns(_SMALLEST_TOWN)
    finally:
        gazetteer.close()


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()
