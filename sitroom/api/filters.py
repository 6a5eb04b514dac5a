"""The event filters that /api/events and the exports share, parsed and checked from the query string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query

from sitroom.api.errors import ApiError
from sitroom.api.schemas import DEFAULT_PAGE, MAX_PAGE, Day
from sitroom.records import EventType
from sitroom.store import EventQuery

_NUMBER = r"\s*-?\d+(\.\d+)?\s*"
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
# Largest offset either backend takes; nobody pages this far.
MAX_OFFSET = 1_000_000_000
_REJECTED = {"include": None, "exclude": False, "only": True}


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """ "min lon,min lat,max lon,max lat" in degrees; min lon > max lon crosses the antimeridian."""
    min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    if not all(-180 <= lon <= 180 for lon in (min_lon, max_lon)):
        raise ApiError(422, "bbox: longitudes must be within -180..180", [{"location": "query.bbox"}])
    if not all(-90 <= lat <= 90 for lat in (min_lat, max_lat)):
        raise ApiError(422, "bbox: latitudes must be within -90..90", [{"location": "query.bbox"}])
    if min_lat > max_lat:
        raise ApiError(422, "bbox: min lat is above max lat", [{"location": "query.bbox"}])
    return min_lon, min_lat, max_lon, max_lat


def check_range(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and since > until:
        raise ApiError(422, f"since ({since}) is after until ({until})", [{"location": "query.since"}])


def event_filters(
    type: Annotated[EventType | None, Query(description="event type")] = None,
    actor: Annotated[
        str | None, Query(min_length=1, max_length=200, description="actor name, mention or id (substring)")
    ] = None,
    place: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="place name, admin1 or country (substring)"),
    ] = None,
    since: Annotated[Day | None, Query(description="events whose dates reach this day or later")] = None,
    until: Annotated[Day | None, Query(description="events whose dates start by this day")] = None,
    bbox: Annotated[
        str | None,
        Query(pattern=BBOX_PATTERN, max_length=120, description="min lon,min lat,max lon,max lat (degrees)"),
    ] = None,
    min_sources: Annotated[
        int | None, Query(ge=1, le=1000, description="at least this many independent origins")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="text in an evidence sentence")
    ] = None,
    rejected: Annotated[
        Literal["include", "exclude", "only"], Query(description="events a reviewer rejected")
    ] = "include",
) -> EventQuery:
    check_range(since, until)
    return EventQuery(
        type=type.value if type is not None else None,
        actor=actor,
        place=place,
        since=since,
        until=until,
        bbox=parse_bbox(bbox) if bbox is not None else None,
        min_sources=min_sources,
        text=q,
        rejected=_REJECTED[rejected],
    )


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"page size, at most {MAX_PAGE}")
    ] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")] = 0,
) -> Paging:
    return Paging(limit, offset)


Filters = Annotated[EventQuery, Depends(event_filters)]
Page = Annotated[Paging, Depends(paging)]
