"""Link cards: what can rule a link between two reports out without their documents or wording.

A `LinkCard` holds a report's type, status, dates, acting actors and place; `card_conflict` says why two
cards cannot be one event. A store keeps each report's card beside its record as compact JSON
(`card_text`, `read_card`), so that it decodes in full only the reports a card leaves. The rules on places
and dates that cards apply (and that linking and blocking build on) live here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import orjson

from sitroom.merge.document import facility_kind
from sitroom.records import (
    OFFSET_FEATURE,
    DatePrecision,
    Event,
    EventType,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)

# A force's move (withdrawal, deployment, handover) is a story that runs for weeks; an attack is a moment.
LASTING = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL})
LASTING_GAP = timedelta(days=45)  # reports of one move may be this far apart
MOMENT_GAP = timedelta(days=1)  # reports of one attack may disagree on its date by a day

# Two differently named points are one place only this close (gazetteer duplicates, a base and the
# village it is named after); "near X" and districts reach further.
NEAR_KM = {PlacePrecision.SITE: 5.0, PlacePrecision.NEAR: 25.0, PlacePrecision.ADMIN2: 40.0}
_OFFSET_KM = 50.0


@dataclass(frozen=True, slots=True)
class LinkCard:
    """What `conflict` reads of a report besides its documents and wording: small enough for a store to
    read for every report in a block, so that it decodes in full only the reports a card cannot rule out."""

    type: EventType
    status: Status
    span: TimeSpan | None  # the event's dates, or else the day it was reported
    agents: frozenset[str]  # the ids of the actors who act
    place: Place | None  # read back from a card, only what comparing places reads is filled in


def link_card(report: Event) -> LinkCard:
    agents = frozenset(x.id for x in report.actors if x.role == Role.AGENT and x.id)
    span = report.date or day_span(report.reported)
    return LinkCard(report.type, report.status, span, agents, report.place)


def card_conflict(a: LinkCard, b: LinkCard) -> str | None:
    """Why two reports with these cards cannot be one event, or None where the cards allow it."""
    if a.type != b.type:
        return "different types"
    if a.agents and b.agents and not a.agents & b.agents:
        return "different actors"
    if not _places_compatible(a.place, b.place):
        return "different places"
    if a.type in LASTING and not _same_scope(a.place, b.place):
        # Leaving a country is not leaving one of its bases: a move's place is its scope.
        return "different scopes"
    if not _dates_compatible(a, b):
        return "different dates"
    return None


# Stored cards say which layout they have: a card of another layout (older rules) rules nothing out.
_CARD_LAYOUT = 1


def card_text(report: Event) -> str:
    """A report's `LinkCard` as compact JSON, to store beside its record."""
    card = link_card(report)
    span, place = card.span, card.place
    return orjson.dumps(
        [
            _CARD_LAYOUT,
            card.type.value,
            card.status.value,
            [span.start.isoformat(), span.end.isoformat(), int(span.precision)] if span else None,
            sorted(card.agents),
            [
                place.name,
                place.lat,
                place.lon,
                int(place.precision),
                place.country_code,
                place.admin1,
                place.gazetteer_id,
            ]
            if place
            else None,
        ]
    ).decode()


def read_card(text: str | None) -> LinkCard | None:
    """The card `card_text` wrote, or None for no card, one of another layout or one that cannot be read."""
    if text is None:
        return None
    try:
        layout, type_, status, span, agents, place = orjson.loads(text)
        if layout != _CARD_LAYOUT:
            return None
        return LinkCard(
            EventType(type_),
            Status(status),
            TimeSpan(date.fromisoformat(span[0]), date.fromisoformat(span[1]), DatePrecision(span[2]))
            if span
            else None,
            frozenset(agents),
            _card_place(place) if place else None,
        )
    except (ValueError, TypeError, IndexError):
        return None


def _card_place(fields: list) -> Place:
    name, lat, lon, precision, country_code, admin1, gazetteer_id = fields
    return Place(
        name,
        lat,
        lon,
        PlacePrecision(precision),
        country_code=country_code,
        admin1=admin1,
        gazetteer_id=gazetteer_id,
    )


def day_span(day: date | None) -> TimeSpan | None:
    return TimeSpan(day, day, DatePrecision.DAY) if day is not None else None


def _places_compatible(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return False
    if same_place(a, b):
        return True
    kinds = {facility_kind(a), facility_kind(b)}
    if None not in kinds and len(kinds) == 2:
        return False  # a palace and an airport of one city are two places, however close
    coarse, fine = (a, b) if a.precision >= b.precision else (b, a)
    if OFFSET_FEATURE in (a.feature, b.feature) and max(a.precision, b.precision) <= PlacePrecision.AREA:
        return distance(a, b) <= _OFFSET_KM  # "50 km west of X": a point, known to tens of kilometres
    if coarse.precision >= PlacePrecision.AREA:
        return True
    if coarse.precision == PlacePrecision.ADMIN1:
        return bool(fine.admin1) and fine.admin1 == coarse.admin1
    limit = NEAR_KM.get(coarse.precision, 25.0)
    return distance(a, b) <= limit


def _same_scope(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if same_place(a, b):
        return True
    points = max(a.precision, b.precision) <= PlacePrecision.ADMIN2
    return points and distance(a, b) <= NEAR_KM.get(max(a.precision, b.precision), 25.0)


def same_place(a: Place, b: Place) -> bool:
    if a.gazetteer_id and b.gazetteer_id:
        return a.gazetteer_id == b.gazetteer_id
    return a.name.lower() == b.name.lower()


def distance(a: Place, b: Place) -> float:
    """Kilometres between two places' points; infinite where either has none."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _dates_compatible(a: LinkCard, b: LinkCard) -> bool:
    sa, sb = a.span, b.span
    if sa is None or sb is None:
        return True
    if a.type in LASTING:
        if a.status == Status.COMPLETED and b.status == Status.COMPLETED:
            return gap(sa, sb) <= timedelta(days=7)  # two completed moves weeks apart are two moves
        return gap(sa, sb) <= LASTING_GAP
    return gap(sa, sb) <= MOMENT_GAP


def gap(a: TimeSpan, b: TimeSpan) -> timedelta:
    """How far apart two spans lie; zero where they overlap."""
    if a.start <= b.end and b.start <= a.end:
        return timedelta(0)
    return (b.start - a.end) if a.end < b.start else (a.start - b.end)
