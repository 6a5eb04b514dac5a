"""Places and actors with their event counts, counted by the database rather than by decoding every event.

Each is ranked most events first, then by name and key, and described by its first event in listing order
(start date, undated last, then id): what counting the decoded events in that order gave.
"""

from __future__ import annotations

import orjson

from sitroom.store.db import Db

_FIRST_IN_LISTING = "CASE WHEN e.date_start IS NULL THEN 1 ELSE 0 END, e.date_start, e.id"
# Each place key's count, and the record of its first event.
_PLACES = f"""
SELECT place_key, COUNT(*), MAX(CASE WHEN nth = 1 THEN record END) FROM (
    SELECT e.place_key, e.record,
        ROW_NUMBER() OVER (PARTITION BY e.place_key ORDER BY {_FIRST_IN_LISTING}) AS nth
    FROM events e WHERE e.place_key IS NOT NULL
) numbered GROUP BY place_key
"""
# An actor is its id, or its name when it has none; counted once per event, named by its first mention.
_ACTOR_KEY = "COALESCE(NULLIF(a.actor_id, ''), a.name)"
_ACTORS = f"""
SELECT actor_key, COUNT(DISTINCT event_id), MAX(CASE WHEN nth = 1 THEN name END),
    MAX(CASE WHEN nth = 1 THEN actor_id END) FROM (
    SELECT {_ACTOR_KEY} AS actor_key, a.event_id, a.name, NULLIF(a.actor_id, '') AS actor_id,
        ROW_NUMBER() OVER (PARTITION BY {_ACTOR_KEY} ORDER BY {_FIRST_IN_LISTING}, a.position) AS nth
    FROM event_actors a JOIN events e ON e.id = a.event_id
) numbered GROUP BY actor_key
"""


def place_counts(db: Db) -> list[dict]:
    """Every place events happened at, with its event count, most first."""
    found = []
    for key, count, record in db.all(_PLACES):
        place = orjson.loads(record)["place"]
        found.append(_place(place) | {"events": int(count), "_key": key})
    found.sort(key=lambda p: (-p["events"], p["name"], p["_key"]))
    return [{k: v for k, v in p.items() if k != "_key"} for p in found]


def _place(place: dict) -> dict:
    fields = ("name", "gazetteer_id", "country", "admin1", "lat", "lon")
    return {name: place.get(name) for name in fields} | {"precision": int(place["precision"])}


def actor_counts(db: Db) -> list[dict]:
    """Every actor named in events, with its event count, most first."""
    rows = [(key, int(count), name, actor_id) for key, count, name, actor_id in db.all(_ACTORS)]
    rows.sort(key=lambda r: (-r[1], r[2], r[0]))
    return [{"name": name, "id": actor_id, "events": count} for _key, count, name, actor_id in rows]
