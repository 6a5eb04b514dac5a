"""How records sit in the tables: column lists, the statements that write them, and rows <-> records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import orjson

from sitroom.codec import from_dict
from sitroom.errors import StoreError
from sitroom.records import Document, Event
from sitroom.situation import place_key
from sitroom.store.db import CHUNK, Db
from sitroom.text import folded

# Events lasting longer than this are flagged, so a date window can bound the start of the rest: the
# window's index range then begins this many days before it. Most events last a day or a few.
LONG_SPAN_DAYS = 31


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_date(value: object) -> date:
    # SQLite gives the ISO text back; a backend with a real DATE type gives a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _place_search(place) -> str | None:
    if place is None:
        return None
    names = dict.fromkeys(n for n in (place.name, place.mention, place.admin1, place.country) if n)
    return " | ".join(folded(n) for n in names)


DOCUMENT_COLUMNS = "id, content_hash, date, origin, url, outlet, title, text, ingested_at"
EVENT_COLUMNS = (
    "id, type, status, certainty, date_start, date_end, place_name, lat, lon, admin1, country,"
    " fatalities, reported, last_reported, source_count, review, place_search, long_span, record, updated_at,"
    " place_key, evidence"
)
_EVENT_UPDATES = ", ".join(
    f"{c} = excluded.{c}" for c in EVENT_COLUMNS.replace(" ", "").split(",") if c != "id"
)
UPSERT_EVENT = (
    f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 22)})"
    f" ON CONFLICT (id) DO UPDATE SET {_EVENT_UPDATES}"
)
UPSERT_REPORT = (
    "INSERT INTO reports (id, document_id, event_id, reported, record, card) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET record = excluded.record, reported = excluded.reported,"
    " card = excluded.card"
)
INSERT_EVENT_ACTOR = (
    "INSERT INTO event_actors (event_id, position, actor_id, name, role, mention, date_start)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# The documents of an event's reports, where its record does not list them already.
LINK_REPORTED_DOCUMENTS = (
    "INSERT INTO event_documents (event_id, document_id)"
    " SELECT DISTINCT ?, document_id FROM reports WHERE event_id = ?"
    " AND document_id NOT IN (SELECT document_id FROM event_documents WHERE event_id = ?)"
)
# Link only documents the store holds: evidence may cite a document that was never written.
LINK_DOCUMENT = "INSERT INTO event_documents (event_id, document_id) SELECT ?, id FROM documents WHERE id = ?"


def actor_rows(event: Event) -> list[tuple[object, ...]]:
    start = iso(event.date.start if event.date else None)
    return [
        (event.id, position, ref.id, ref.name, ref.role.value, ref.mention, start)
        for position, ref in enumerate(event.actors)
    ]


def member_ids(event: Event) -> list[str]:
    """The reports merged into an event; an unmerged report is its own event."""
    return [link.id for link in event.reports] or [event.id]


def document_row(doc: Document, ingested_at: str) -> tuple[object, ...]:
    return (
        doc.id,
        doc.content_hash,
        doc.date.isoformat(),
        doc.origin,
        doc.url,
        doc.outlet,
        doc.title,
        doc.text,
        ingested_at,
    )


def document_from_row(row: Sequence[Any]) -> Document:
    id_, content_hash, day, origin, url, outlet, title, text = row[:8]
    return Document(
        id=id_,
        text=text,
        date=as_date(day),
        content_hash=content_hash,
        origin=origin,
        url=url,
        outlet=outlet,
        title=title,
    )


def event_row(event: Event, record: str, updated_at: str) -> tuple[object, ...]:
    span, place = event.date, event.place
    return (
        event.id,
        event.type.value,
        event.status.value,
        event.certainty.value,
        iso(span.start if span else None),
        iso(span.end if span else None),
        place.name if place else None,
        place.lat if place else None,
        place.lon if place else None,
        place.admin1 if place else None,
        place.country if place else None,
        event.fatalities,
        iso(event.reported),
        iso(event.updated),
        event.source_count,
        event.review.value if event.review else None,
        _place_search(place),
        int(is_long_span(span.start, span.end) if span is not None else False),
        record,
        updated_at,
        place_key(place) if place else None,
        evidence_text(e.sentence for e in event.evidence),
    )


def evidence_text(sentences: Iterable[str]) -> str | None:
    """An event's evidence sentences, lower-cased as Python does, one a line: what a text search reads
    (`sitroom.store.search`) instead of the whole record."""
    lowered = [sentence.lower() for sentence in sentences]
    return "\n".join(lowered) if lowered else None


def is_long_span(start: date, end: date) -> bool:
    return (end - start).days > LONG_SPAN_DAYS


def flag_long_spans(db: Db) -> None:
    """Set `long_span` on every dated event from its dates (after the threshold changed)."""
    rows = db.all("SELECT id, date_start, date_end FROM events WHERE date_start IS NOT NULL")
    flags = [(int(is_long_span(as_date(start), as_date(end))), id_) for id_, start, end in rows]
    for i in range(0, len(flags), CHUNK):
        db.run_many("UPDATE events SET long_span = ? WHERE id = ?", flags[i : i + CHUNK])


def event_from_record(record: str) -> Event:
    return decode(Event, record)


def decode(cls: type, record: str):
    try:
        return from_dict(cls, orjson.loads(record))
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"a stored {cls.__name__.lower()} cannot be decoded: {exc!r}") from exc
