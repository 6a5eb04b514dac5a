"""Places and actors with their event counts, kept in tables at write time.

Each is ranked most events first, then by name and key, and described by its first event in listing order
(start date, undated last, then id): what counting the decoded events in that order gave. A write
refreshes the places and actors that its replaced and its stored events name (`refresh`), so a listing
reads a page of small rows in rank order, where counting every event took most of a second at 100,000
reports. `rebuild` counts them all again in one grouped query each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import orjson

from sitroom.records import Event
from sitroom.situation import place_key
from sitroom.store.db import Db, chunks, in_list


def _actor_key(table: str = "") -> str:
    """An actor is its id, or its name when it has none: one expression, so the index below serves it."""
    return f"COALESCE(NULLIF({table}actor_id, ''), {table}name)"


_ACTOR_KEY = _actor_key()
_FIRST_IN_LISTING = "CASE WHEN e.date_start IS NULL THEN 1 ELSE 0 END, e.date_start, e.id"
_MENTION_ORDER = "(CASE WHEN date_start IS NULL THEN 1 ELSE 0 END), date_start, event_id, position"
CREATE = (
    """CREATE TABLE place_counts (
        place_key {text} PRIMARY KEY,
        events {int} NOT NULL,
        name {text} NOT NULL,
        place {text} NOT NULL
    )""",
    "CREATE INDEX place_counts_rank ON place_counts (events DESC, name, place_key)",
    """CREATE TABLE actor_counts (
        actor_key {text} PRIMARY KEY,
        events {int} NOT NULL,
        name {text} NOT NULL,
        actor_id {text}
    )""",
    "CREATE INDEX actor_counts_rank ON actor_counts (events DESC, name, actor_key)",
    # An actor's mentions in listing order (each mention keeps its event's start date): its count and its
    # first mention read from here alone.
    f"CREATE INDEX event_actors_key ON event_actors (({_ACTOR_KEY}), {_MENTION_ORDER})",
)
_ALL = 2**62  # a LIMIT that keeps every row, in either dialect


@dataclass
class Keys:
    """The places and actors some events name: whose counts a write that replaces them changes."""

    places: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)

    def __or__(self, other: Keys) -> Keys:
        return Keys(self.places | other.places, self.actors | other.actors)


def keys_of(events: Iterable[Event]) -> Keys:
    found = Keys()
    for event in events:
        if event.place is not None:
            found.places.add(place_key(event.place))
        found.actors.update(ref.id or ref.name for ref in event.actors)
    return found


def keys_of_stored(db: Db, event_ids: Iterable[str]) -> Keys:
    """The keys these stored events name: read before they are replaced."""
    found = Keys()
    for chunk in chunks(sorted(event_ids)):
        marks, params = in_list(chunk)
        sql = f"SELECT DISTINCT place_key FROM events WHERE place_key IS NOT NULL AND id IN ({marks})"
        found.places.update(row[0] for row in db.all(sql, params))
        sql = f"SELECT DISTINCT {_ACTOR_KEY} FROM event_actors WHERE event_id IN ({marks})"
        found.actors.update(row[0] for row in db.all(sql, params))
    return found


# ---------------------------------------------------------------- kept at write time


def refresh(db: Db, keys: Keys) -> None:
    """Count these places and actors again (none left: their rows go)."""
    for key in sorted(keys.places):
        db.run("DELETE FROM place_counts WHERE place_key = ?", (key,))
        _insert_place(db, key, int(db.one("SELECT COUNT(*) FROM events WHERE place_key = ?", (key,))[0]))
    for key in sorted(keys.actors):
        db.run("DELETE FROM actor_counts WHERE actor_key = ?", (key,))
        sql = f"SELECT COUNT(DISTINCT event_id) FROM event_actors WHERE {_ACTOR_KEY} = ?"
        _insert_actor(db, key, int(db.one(sql, (key,))[0]))


def _insert_place(db: Db, key: str, count: int) -> None:
    if not count:
        return
    sql = f"SELECT e.record FROM events e WHERE e.place_key = ? ORDER BY {_FIRST_IN_LISTING} LIMIT 1"
    place = _place(orjson.loads(db.one(sql, (key,))[0])["place"])
    _put_places(db, [(key, count, place)])


def _insert_actor(db: Db, key: str, count: int) -> None:
    if not count:
        return
    sql = (
        f"SELECT name, NULLIF(actor_id, '') FROM event_actors WHERE {_ACTOR_KEY} = ?"
        f" ORDER BY {_MENTION_ORDER} LIMIT 1"
    )
    name, actor_id = db.one(sql, (key,))
    _put_actors(db, [(key, count, name, actor_id)])


def _put_places(db: Db, rows: Sequence[tuple[str, int, dict]]) -> None:
    db.run_many(
        "INSERT INTO place_counts (place_key, events, name, place) VALUES (?, ?, ?, ?)",
        [(key, count, place["name"], orjson.dumps(place).decode()) for key, count, place in rows],
    )


def _put_actors(db: Db, rows: Sequence[tuple[str, int, str, str | None]]) -> None:
    db.run_many("INSERT INTO actor_counts (actor_key, events, name, actor_id) VALUES (?, ?, ?, ?)", rows)


def _place(place: dict) -> dict:
    fields = ("name", "gazetteer_id", "country", "admin1", "lat", "lon")
    return {name: place.get(name) for name in fields} | {"precision": int(place["precision"])}


# ---------------------------------------------------------------- counted all at once

# Each place key's count, and the record of its first event.
_PLACES = f"""
SELECT place_key, COUNT(*), MAX(CASE WHEN nth = 1 THEN record END) FROM (
    SELECT e.place_key, e.record,
        ROW_NUMBER() OVER (PARTITION BY e.place_key ORDER BY {_FIRST_IN_LISTING}) AS nth
    FROM events e WHERE e.place_key IS NOT NULL
) numbered GROUP BY place_key
"""
# Counted once per event, named by its first mention.
_ACTORS = f"""
SELECT actor_key, COUNT(DISTINCT event_id), MAX(CASE WHEN nth = 1 THEN name END),
    MAX(CASE WHEN nth = 1 THEN actor_id END) FROM (
    SELECT {_actor_key("a.")} AS actor_key, a.event_id, a.name, NULLIF(a.actor_id, '') AS actor_id,
        ROW_NUMBER() OVER (PARTITION BY {_actor_key("a.")} ORDER BY {_FIRST_IN_LISTING}, a.position) AS nth
    FROM event_actors a JOIN events e ON e.id = a.event_id
) numbered GROUP BY actor_key
"""


def rebuild(db: Db) -> None:
    """Count every place and actor again (a migration step, and after merging every report again)."""
    db.run("DELETE FROM place_counts")
    db.run("DELETE FROM actor_counts")
    places = [
        (key, int(count), _place(orjson.loads(record)["place"])) for key, count, record in db.all(_PLACES)
    ]
    _put_places(db, places)
    _put_actors(db, [(key, int(count), name, actor_id) for key, count, name, actor_id in db.all(_ACTORS)])


# ---------------------------------------------------------------- read


def place_counts(db: Db, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Places that events happened at, with their event counts, most first; `limit` from `offset`."""
    sql = "SELECT place, events FROM place_counts ORDER BY events DESC, name, place_key LIMIT ? OFFSET ?"
    rows = db.all(sql, (_ALL if limit is None else limit, offset))
    return [orjson.loads(place) | {"events": int(count)} for place, count in rows]


def actor_counts(db: Db, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Actors named in events, with their event counts, most first; `limit` from `offset`."""
    sql = (
        "SELECT name, actor_id, events FROM actor_counts ORDER BY events DESC, name, actor_key"
        " LIMIT ? OFFSET ?"
    )
    rows = db.all(sql, (_ALL if limit is None else limit, offset))
    return [{"name": name, "id": actor_id, "events": int(count)} for name, actor_id, count in rows]


def total(db: Db, table: str) -> int:
    """How many places (`place_counts`) or actors (`actor_counts`) are counted."""
    if table not in ("place_counts", "actor_counts"):
        raise ValueError(f"no kept counts named {table!r}")
    return int(db.one(f"SELECT COUNT(*) FROM {table}")[0])
