"""Read routes: documents, events, the situation, its changes, places and actors. Reads need no token."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from sitroom import queries
from sitroom.api.errors import ApiError
from sitroom.api.filters import MAX_OFFSET, Filters, Page, check_range
from sitroom.api.schemas import ERRORS, Day, json_list, json_response
from sitroom.api.state import store_for
from sitroom.codec import to_dict
from sitroom.records import Event

router = APIRouter(prefix="/api", tags=["read"], responses=ERRORS)


class RecordsResponse(JSONResponse):
    """JSON with records in it, encoded in one pass in C: `to_dict` and `json.dumps` of a large answer
    (thousands of situation entries or changes) took as long as reading it from the store. The bytes are
    those `to_dict` gives (`sitroom.codec.to_json`); records read from the store hold no NaN."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except orjson.JSONEncodeError:  # an integer past 64 bits
            return super().render(to_dict(content))


EventId = Annotated[str, Path(min_length=1, max_length=200, description="an event id")]
KnownAt = Annotated[Day | None, Query(description="use only what was reported by this day")]
Limit = Annotated[int, Query(ge=1, le=5000, description="at most this many")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]


@router.get("/documents", responses={200: json_response("DocumentPage")})
def list_documents(request: Request, page: Page) -> JSONResponse:
    """Documents without their text, oldest dateline first."""
    with store_for(request) as store:
        found = store.documents(include_text=False)
    items = [{k: v for k, v in to_dict(d).items() if k != "text"} for d in found]
    return _page(len(found), page, items[page.offset : page.offset + page.limit])


@router.get("/documents/{document_id}", responses={200: json_response("Document")})
def get_document(
    request: Request, document_id: Annotated[str, Path(min_length=1, max_length=200)]
) -> JSONResponse:
    """One document with its text."""
    with store_for(request) as store:
        found = store.document(document_id)
    if found is None:
        raise ApiError(404, f"no document with id {document_id!r}")
    return JSONResponse(to_dict(found))


@router.get("/events", responses={200: json_response("EventPage")})
def list_events(request: Request, filters: Filters, page: Page) -> JSONResponse:
    """Events matching every given filter, a page at a time, with the total before paging."""
    with store_for(request) as store:
        total, found = store.counted_events(filters, limit=page.limit, offset=page.offset)
    return _page(total, page, to_dict(found))


@router.get("/events/{event_id}", responses={200: json_response("Event")})
def get_event(request: Request, event_id: EventId) -> JSONResponse:
    """One event: actors, place, dates, claims, sources, evidence, and the reports merged into it."""
    with store_for(request) as store:
        return JSONResponse(to_dict(_event(store, event_id)))


@router.get("/events/{event_id}/reports", responses={200: json_list("Event")})
def get_reports(request: Request, event_id: EventId) -> JSONResponse:
    """Each document's own account of the event, oldest first."""
    with store_for(request) as store:
        _event(store, event_id)
        return JSONResponse(to_dict(store.reports(event_id=event_id)))


@router.get("/events/{event_id}/reviews", responses={200: json_list("Review")})
def get_reviews(request: Request, event_id: EventId) -> JSONResponse:
    """Reviews of the event's reports (by whom, when, what), oldest first."""
    with store_for(request) as store:
        event = _event(store, event_id)
        held = {r.id for r in event.reports} | {event.id}
        found = [r for r in store.reviews() if r.event_id == event.id or held & set(r.reports)]
    return JSONResponse(to_dict(found))


@router.get("/situation", responses={200: json_response("Situation")})
def get_situation(
    request: Request,
    as_of: Annotated[Day | None, Query(description="the day to describe (default: today)")] = None,
    known_at: KnownAt = None,
) -> JSONResponse:
    """Which force is present at, withdrawing from, gone from or in control of which place, on a day."""
    when = as_of or date.today()
    with store_for(request) as store:
        entries = queries.situation_on(store, when, known_at)
    body = {"as_of": when.isoformat(), "known_at": _iso(known_at), "entries": entries}
    return RecordsResponse(body)


@router.get("/changes", responses={200: json_response("Changes")})
def get_changes(
    request: Request,
    since: Annotated[Day, Query(description="first day of the window")],
    until: Annotated[Day | None, Query(description="last day of the window (default: no end)")] = None,
    known_at: KnownAt = None,
    limit: Annotated[int | None, Query(ge=1, description="at most this many (default: all)")] = None,
    offset: Offset = 0,
) -> JSONResponse:
    """Every change of state that took effect between `since` and `until`, oldest first; `total` counts
    them all, `limit` and `offset` page them."""
    check_range(since, until)
    with store_for(request) as store:
        total, page = queries.changes_page(store, since, until, known_at, limit, offset)
    body = {"since": since.isoformat(), "until": _iso(until), "known_at": _iso(known_at), "total": total}
    return RecordsResponse(body | {"changes": page})


@router.get("/places", responses={200: json_response("PlaceCounts")})
def list_places(request: Request, limit: Limit = 500, offset: Offset = 0) -> JSONResponse:
    """Places that events happened at, with their event counts, most first (X-Total-Count: how many)."""
    with store_for(request) as store:
        return _counted(store.place_counts(limit, offset), store.count_places())


@router.get("/places/{place}/timeline", responses={200: json_response("Timeline")})
def place_timeline(
    request: Request,
    place: Annotated[str, Path(min_length=1, max_length=200, description="place name, admin1 or country")],
    known_at: KnownAt = None,
) -> JSONResponse:
    """The history of matching places: their events by date and the changes of state they saw."""
    with store_for(request) as store:
        history, steps = queries.place_timeline(store, place, known_at)
    return JSONResponse({"place": place, "events": to_dict(history), "changes": to_dict(steps)})


@router.get("/actors", responses={200: json_response("ActorCounts")})
def list_actors(request: Request, limit: Limit = 500, offset: Offset = 0) -> JSONResponse:
    """Actors named in events, with their event counts, most first (X-Total-Count: how many)."""
    with store_for(request) as store:
        return _counted(store.actor_counts(limit, offset), store.count_actors())


def _event(store: Any, event_id: str) -> Event:
    found = store.find_event(event_id)
    if found is None:
        raise ApiError(404, f"no event with id {event_id!r}")
    return found


def _page(total: int, page: Any, items: list) -> JSONResponse:
    return JSONResponse({"total": total, "limit": page.limit, "offset": page.offset, "items": items})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _counted(page: list[dict], total: int) -> JSONResponse:
    """A page of a ranked list, with the whole list's length in X-Total-Count."""
    return JSONResponse(page, headers={"X-Total-Count": str(total)})
