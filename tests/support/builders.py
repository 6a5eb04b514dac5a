"""Small builders of records for tests that need no model."""

from __future__ import annotations

from datetime import date

from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)


def place(
    name: str,
    gid: str | None = None,
    precision: PlacePrecision = PlacePrecision.SITE,
    country: str = "SY",
    admin1: str | None = None,
) -> Place:
    return Place(
        name=name,
        lat=36.0,
        lon=40.0,
        precision=precision,
        country="Syria",
        country_code=country,
        admin1=admin1,
        gazetteer_id=gid or f"test:{name}",
    )


def day(iso: str, end: str | None = None) -> TimeSpan:
    start, stop = date.fromisoformat(iso), date.fromisoformat(end or iso)
    return TimeSpan(start, stop, DatePrecision.DAY if start == stop else DatePrecision.MONTH)


def actor(name: str, role: Role = Role.AGENT, actor_id: str | None = None) -> ActorRef:
    return ActorRef(name=name, role=role, mention=name, id=actor_id or name.lower().replace(" ", "-"))


def event(
    eid: str,
    etype: EventType,
    status: Status,
    where: Place | None,
    when: TimeSpan | None,
    actors=(),
    certainty: Certainty = Certainty.REPORTED,
    reported: str = "2026-02-23",
    offset: int = 0,
    fatalities: int | None = None,
) -> Event:
    return Event(
        id=eid,
        type=etype,
        status=status,
        certainty=certainty,
        trigger="t",
        actors=tuple(actors),
        place=where,
        date=when,
        fatalities=fatalities,
        reported=date.fromisoformat(reported),
        evidence=(Evidence("doc", offset, offset + 10, "A sentence."),),
    )
