"""Events as JSON Lines, GeoJSON or an ACLED-style CSV, each written to a text stream.

Every writer takes any iterable of events (read once) and returns an `ExportCount`.
"""

from __future__ import annotations

import csv
import json
import math
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO

import pycountry

from sitroom.codec import to_dict
from sitroom.records import ActorRef, Event, EventType, Role


class ExportCount(NamedTuple):
    written: int  # events written (lines, features or rows)
    left_out: int = 0  # events that could not be written in this format (GeoJSON: no coordinates)


# Characters json.dumps leaves raw that many line readers (str.splitlines among them) split on.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def write_jsonl(events: Iterable[Event], out: TextIO) -> ExportCount:
    """One `codec.to_dict(event)` per line; `codec.from_dict(Event, json.loads(line))` reads it back."""
    written = 0
    for event in events:
        line = json.dumps(to_dict(event), ensure_ascii=False).translate(_LINE_BREAKS)
        out.write(line + "\n")
        written += 1
    return ExportCount(written)


# ---------------------------------------------------------------- GeoJSON (RFC 7946)


def _coordinates(event: Event) -> list[float] | None:
    """[lon, lat] (GeoJSON's order), or None when the place has no usable point."""
    place = event.place
    if place is None or place.lat is None or place.lon is None:
        return None
    if not (math.isfinite(place.lat) and math.isfinite(place.lon)):
        return None
    if abs(place.lat) > 90 or abs(place.lon) > 180:
        return None
    return [place.lon, place.lat]


def _feature_properties(event: Event) -> dict[str, Any]:
    span, place = event.date, event.place
    return {
        "id": event.id,
        "type": event.type.value,
        "status": event.status.value,
        "certainty": event.certainty.value,
        "date_start": span.start.isoformat() if span else None,
        "date_end": span.end.isoformat() if span else None,
        "date_prec": int(span.precision) if span else None,  # UCDP date_prec
        "time_precision": span.precision.acled if span else None,  # ACLED
        "place": place.name if place else None,
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None,
        "where_prec": int(place.precision) if place else None,  # UCDP
        "geo_precision": place.precision.acled if place else None,  # ACLED
        "fatalities": event.fatalities,
        "actors": [ref.name for ref in event.actors],
        "sources": [source.name for source in event.sources],
    }


def write_geojson(events: Iterable[Event], out: TextIO) -> ExportCount:
    """A FeatureCollection of Point features; events without coordinates are left out and counted.

    Features are streamed one per line, so a large export never sits in memory as one object.
    """
    written = left_out = 0
    out.write('{"type": "FeatureCollection", "features": [')
    for event in events:
        point = _coordinates(event)
        if point is None:
            left_out += 1
            continue
        feature = {
            "type": "Feature",
            "id": event.id,
            "geometry": {"type": "Point", "coordinates": point},
            "properties": _feature_properties(event),
        }
        out.write(("," if written else "") + "\n" + json.dumps(feature, ensure_ascii=False, allow_nan=False))
        written += 1
    out.write("\n]}\n")
    return ExportCount(written, left_out)


# ---------------------------------------------------------------- ACLED-style CSV

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# Default ACLED (event_type, sub_event_type) of each sitroom type; `acled_type` refines
# assault, fight and control from the trigger words and the target (see its docstring).
ACLED_TYPES: dict[EventType, tuple[str, str]] = {
    EventType.WITHDRAW: ("Strategic developments", "Other"),
    EventType.DEPLOY: ("Strategic developments", "Other"),
    EventType.PRESENCE: ("Strategic developments", "Other"),
    EventType.STATEMENT: ("Strategic developments", "Other"),
    EventType.ASSAULT: ("Battles", "Armed clash"),
    EventType.FIGHT: ("Battles", "Armed clash"),
    EventType.CONTROL: ("Strategic developments", "Non-violent transfer of territory"),
}

# Trigger words that make an assault or fight ACLED "Explosions/Remote violence"; first match wins.
REMOTE_VIOLENCE: tuple[tuple[str, str], ...] = (
    (r"\bsuicide", "Suicide bomb"),
    (r"\b(car bomb|roadside bomb|ied|landmine|explosive device)", "Remote explosive/landmine/IED"),
    (r"\b(air ?strike|air raid|drone|warplane|bomb)", "Air/drone strike"),
    (r"\b(shell|artillery|rocket|missile|mortar)", "Shelling/artillery/missile attack"),
    (r"\bgrenade", "Grenade"),
)

# Trigger words that make a change of control a battle rather than a non-violent transfer.
TAKEN_BY_FORCE = re.compile(r"\b(captur|seiz|storm|overr[au]n|recaptur|retak|retook|liberat)", re.IGNORECASE)

# ACLED inter codes by sitroom actor kind (1 state forces, 2 rebels, 3 political militias,
# 7 civilians, 8 external/other forces). Kinds not listed get no code.
ACLED_INTER: dict[str, int] = {
    "state_force": 1,
    "government": 1,
    "armed_group": 2,
    "rebel_group": 2,
    "militia": 3,
    "civilians": 7,
    "coalition": 8,
    "international": 8,
}

_STATE_KINDS = {"state_force", "government"}


def _is_civilian(ref: ActorRef) -> bool:
    return ref.kind == "civilians" or "civilian" in ref.name.lower()


def acled_type(event: Event) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) for an event.

    - assault/fight: "Explosions/Remote violence" with a weapon sub-type when the trigger names
      a remote weapon (bomb, shell, drone, airstrike...); else an assault on civilians is
      "Violence against civilians"/"Attack"; else "Battles"/"Armed clash".
    - control: "Non-violent transfer of territory" unless the trigger says it was taken by
      force (captured, seized, stormed...): then "Battles"/"Government regains territory" when
      the agent is a state force or government, else "Non-state actor overtakes territory".
    - everything else: "Strategic developments"/"Other".
    """
    trigger = event.trigger.lower()
    if event.type in (EventType.ASSAULT, EventType.FIGHT):
        for pattern, sub_type in REMOTE_VIOLENCE:
            if re.search(pattern, trigger):
                return ("Explosions/Remote violence", sub_type)
        targets = _with_role(event, Role.TARGET)
        if event.type is EventType.ASSAULT and any(_is_civilian(ref) for ref in targets):
            return ("Violence against civilians", "Attack")
    if event.type is EventType.CONTROL and TAKEN_BY_FORCE.search(trigger):
        agents = _with_role(event, Role.AGENT)
        if agents and agents[0].kind in _STATE_KINDS:
            return ("Battles", "Government regains territory")
        return ("Battles", "Non-state actor overtakes territory")
    return ACLED_TYPES[event.type]


def _disorder_type(event_type: str) -> str:
    return "Strategic developments" if event_type == "Strategic developments" else "Political violence"


def _with_role(event: Event, *roles: Role) -> list[ActorRef]:
    return [ref for ref in event.actors if ref.role in roles]


def _names(refs: Iterable[ActorRef]) -> str:
    return "; ".join(dict.fromkeys(ref.name for ref in refs))


def _interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's two-digit code: both inter codes, lower first; one actor alone gives e.g. "10"."""
    if inter1 is None:
        return ""
    if inter2 is None:
        return f"{inter1}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


def _iso_numeric(country_code: str | None) -> str:
    """ISO 3166-1 numeric code (ACLED's `iso`) from the alpha-2 code; empty when unknown."""
    country = pycountry.countries.get(alpha_2=country_code) if country_code else None
    return str(int(country.numeric)) if country is not None else ""


def _actor_columns(event: Event) -> dict[str, object]:
    """actor1 = first agent or claimant, actor2 = first target; the rest become associated actors."""
    side1 = _with_role(event, Role.AGENT, Role.CLAIMANT)
    side2 = _with_role(event, Role.TARGET)
    assoc1 = side1[1:] + _with_role(event, Role.PARTNER)
    inter1 = ACLED_INTER.get(side1[0].kind or "") if side1 else None
    inter2 = ACLED_INTER.get(side2[0].kind or "") if side2 else None
    return {
        "actor1": side1[0].name if side1 else "",
        "assoc_actor_1": _names(assoc1),
        "inter1": inter1 if inter1 is not None else "",
        "actor2": side2[0].name if side2 else "",
        "assoc_actor_2": _names(side2[1:]),
        "inter2": inter2 if inter2 is not None else "",
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if any(_is_civilian(r) for r in side2) else "",
    }


def _place_columns(event: Event) -> dict[str, object]:
    place = event.place
    if place is None:
        return {}
    return {
        "iso": _iso_numeric(place.country_code),
        "country": place.country or "",
        "admin1": place.admin1 or "",
        "admin2": place.admin2 or "",
        "location": place.name,
        "latitude": place.lat if place.lat is not None else "",
        "longitude": place.lon if place.lon is not None else "",
        "geo_precision": place.precision.acled,
    }


def _timestamp(event: Event, exported_at: float) -> int:
    """Unix time of the first report's dateline (midnight UTC), else of the export."""
    if event.reported is None:
        return int(exported_at)
    day = event.reported
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def acled_row(event: Event, exported_at: float) -> dict[str, object]:
    """One CSV row; columns with no sitroom equivalent (region, admin3, source_scale) stay empty."""
    event_type, sub_event_type = acled_type(event)
    span = event.date
    row: dict[str, object] = dict.fromkeys(ACLED_COLUMNS, "")
    row.update(
        event_id_cnty=event.id,
        event_date=span.start.isoformat() if span else "",
        year=span.start.year if span else "",
        time_precision=span.precision.acled if span else "",
        disorder_type=_disorder_type(event_type),
        event_type=event_type,
        sub_event_type=sub_event_type,
        source="; ".join(dict.fromkeys(source.name for source in event.sources)),
        notes=event.evidence[0].sentence if event.evidence else "",
        fatalities=event.fatalities or 0,
        tags=f"status={event.status.value}; certainty={event.certainty.value}",
        timestamp=_timestamp(event, exported_at),
    )
    row.update(_actor_columns(event))
    row.update(_place_columns(event))
    return row


def write_acled_csv(events: Iterable[Event], out: TextIO, exported_at: float | None = None) -> ExportCount:
    """A CSV with ACLED's column names (see `ACLED_COLUMNS`); open `out` with newline="" and UTF-8.

    `exported_at` (unix time, default now) is the timestamp of events with no reported date.
    """
    now = time.time() if exported_at is None else exported_at
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    written = 0
    for event in events:
        writer.writerow(acled_row(event, now))
        written += 1
    return ExportCount(written)
