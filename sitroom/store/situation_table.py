"""The situation as of any date, kept in a table at write time.

`sitroom.situation` defines the situation as a fold over events, in which each (place, actor) pair's state
depends only on that pair's changes. So `situation_entries` holds each pair's versions (`entry_histories`),
each valid over [valid_from, valid_to), and the situation as of a day is every pair's version with the
latest `valid_from` by then (SQLite: one index probe per pair; PostgreSQL: one pass over an index of
validity ranges), settled by `settled` as the fold's result is.
An entry's lists are capped (`event_count` says how many events there were), so each row holds its whole
entry: its place (`place`, apart, since a few hundred places serve thousands of pairs) and the rest
(`record`).

A write refreshes the pairs that its replaced and its stored events bear on (a pair's events are found
through `events.place_key` and `event_actors`); `rebuild` makes the whole table anew from the events.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date

import orjson

from sitroom import records
from sitroom.codec import collector_paused, from_dict, to_dict
from sitroom.records import Event, Place, SituationEntry
from sitroom.situation import (
    POSTURE_TYPES,
    EntryVersion,
    PairKey,
    change_histories,
    entry_histories,
    pair_keys,
    place_key,
    settled,
)
from sitroom.store import changes_table
from sitroom.store.caches import DECODED_TEXTS, DecodedTexts
from sitroom.store.db import Db, chunks, in_list, placeholders
from sitroom.store.rows import event_from_record, iso

_POSTURE = tuple(sorted(t.value for t in POSTURE_TYPES))
_IS_POSTURE = f"type IN ({placeholders(len(_POSTURE))})"
_FIELD_TYPES = typing.get_type_hints(SituationEntry, vars(records), vars(records))
_EVIDENCE = _FIELD_TYPES["evidence"]
# Versions decoded by this process: a situation asked for again after a write decodes only its new ones.
_KEPT = DecodedTexts(DECODED_TEXTS)


def _plain(tp: object) -> bool:
    """A type whose values JSON gives back as they are: text, whole numbers, flags, maybe None."""
    return all(arg in (str, int, bool, type(None)) for arg in (typing.get_args(tp) or (tp,)))


# An entry's fields that its record holds in another form (dates as text, enums as values), but for the
# place and the lists, which `_Decoding.entry` reads its own way.
_DECODED = tuple(
    name
    for name, tp in _FIELD_TYPES.items()
    if not _plain(tp) and name not in ("place", "events", "evidence")
)
_INSERT = (
    "INSERT INTO situation_entries (place_key, actor_key, valid_from, valid_to, place, record)"
    f" VALUES ({placeholders(6)})"
)
# Each pair (listed by the index of latest versions) and its latest version by the day: one index probe
# per pair. The version comes as one column, its place and record on two lines (JSON text holds no raw
# newline): a second column costs PostgreSQL more to fetch than the split costs here. NULL: the pair had
# no version yet (filtered here, since a filter in SQL would make PostgreSQL probe twice).
_AS_OF = """
SELECT (
    SELECT v.place || '\n' || v.record FROM situation_entries v
    WHERE v.place_key = c.place_key AND v.actor_key = c.actor_key AND v.valid_from <= ?
    ORDER BY v.valid_from DESC LIMIT 1
)
FROM situation_entries c
WHERE c.valid_to IS NULL
"""
# PostgreSQL finds the versions valid on the day in one pass over an index of validity ranges (GiST, which
# SQLite lacks): a third of the time of the probes above, whose per-pair cost is higher there.
_VALID_ON = """
SELECT place || '\n' || record FROM situation_entries
WHERE daterange(valid_from, valid_to) @> CAST(? AS date)
"""
_VALIDITY_INDEX = (
    "CREATE INDEX situation_entries_validity ON situation_entries"
    " USING gist (daterange(valid_from, valid_to))"
)


def situation_as_of(db: Db, as_of: date) -> list[SituationEntry]:
    """The situation as of a day, from the table: what `sitroom.situation.situation_as_of` gives for
    every stored event."""
    decoding = _Decoding()
    query = _VALID_ON if db.dialect.name == "postgresql" else _AS_OF
    rows = db.all(query, (as_of.isoformat(),))
    with collector_paused():  # thousands of entries: collections would double the time, now and then
        return settled(_KEPT.get(row[0], decoding.entry) for row in rows if row[0] is not None)


def index_validity(db: Db) -> None:
    """The index `_VALID_ON` reads, where the backend has one."""
    if db.dialect.name == "postgresql":
        db.run(_VALIDITY_INDEX)


# An event from its id and stored record: the store's cache of the events it wrote lately, or decoding.
Decode = Callable[[str, str], Event]


def _decode_record(_id: str, record: str) -> Event:
    return event_from_record(record)


def pairs_of_events(db: Db, event_ids: Iterable[str], decode: Decode = _decode_record) -> set[PairKey]:
    """The pairs these stored events bear on."""
    found: set[PairKey] = set()
    for chunk in chunks(sorted(event_ids)):
        marks, params = in_list(chunk)
        sql = f"SELECT id, record FROM events WHERE id IN ({marks}) AND {_IS_POSTURE}"
        rows = db.all(sql, (*params, *_POSTURE))
        found |= {key for id_, record in rows for key in pair_keys(decode(id_, record))}
    return found


def refresh(db: Db, pairs: Iterable[PairKey], decode: Decode = _decode_record) -> None:
    """Make these pairs' versions and changes again from their events (none left: the pair is gone)."""
    by_place: dict[str, set[str]] = {}
    for place, actor in pairs:
        by_place.setdefault(place, set()).add(actor)
    for place, actors in sorted(by_place.items()):
        for chunk in chunks(sorted(actors)):
            events = _events_of(db, place, chunk, decode)
            histories = entry_histories(events)
            rows = []
            for actor in chunk:
                db.run("DELETE FROM situation_entries WHERE place_key = ? AND actor_key = ?", (place, actor))
                rows += _rows((place, actor), histories.get((place, actor), []))
            _insert(db, rows)
            changes_table.replace_pairs(db, [(place, a) for a in chunk], change_histories(events))


def _events_of(db: Db, place: str, actors: Sequence[str], decode: Decode) -> list[Event]:
    """The events at the place with any of these actors: all that bear on those pairs, and maybe more
    (an actor key is an actor's id, or its name when it has none)."""
    marks, params = in_list(actors)
    sql = (
        f"SELECT e.id, e.record FROM events e WHERE e.place_key = ? AND e.{_IS_POSTURE} AND EXISTS"
        " (SELECT 1 FROM event_actors a WHERE a.event_id = e.id"
        f" AND (a.actor_id IN ({marks}) OR a.name IN ({marks})))"
    )
    rows = db.all(sql, (place, *_POSTURE, *params, *params))
    return [decode(id_, record) for id_, record in rows]


def rebuild(db: Db) -> None:
    """Make the versions and the changes anew from the stored events."""
    _rebuild(db, versions=True, changes=True)


def fill_changes(db: Db) -> None:
    """Build the changes table (added after the versions' table) from the stored events."""
    _rebuild(db, versions=False, changes=True)


def _rebuild(db: Db, versions: bool, changes: bool) -> None:
    """Make the tables asked for anew, one place at a time."""
    if versions:
        db.run("DELETE FROM situation_entries")
    if changes:
        changes_table.clear(db)
    sql = f"SELECT DISTINCT place_key FROM events WHERE place_key IS NOT NULL AND {_IS_POSTURE}"
    for (place,) in db.all(sql, _POSTURE):
        rows = db.all(f"SELECT record FROM events WHERE place_key = ? AND {_IS_POSTURE}", (place, *_POSTURE))
        events = [event_from_record(row[0]) for row in rows]
        if versions:
            histories = entry_histories(events)
            _insert(db, [row for key, history in histories.items() for row in _rows(key, history)])
        if changes:
            found = change_histories(events)
            changes_table.replace_pairs(db, sorted(found), found)
    # The query plans depend on how many pairs, versions and changes there are.
    for table, analyze in (("situation_entries", versions), ("situation_changes", changes)):
        if analyze:
            db.run(f"ANALYZE {table}")


def fill(db: Db) -> None:
    """Give the events stored before there was a place key theirs, then build the table."""
    last = ""
    while rows := db.all(
        "SELECT id, record FROM events WHERE place_key IS NULL AND place_name IS NOT NULL AND id > ?"
        " ORDER BY id LIMIT 2000",
        (last,),
    ):
        keys = [(_place_key_of(event_from_record(record)), id_) for id_, record in rows]
        db.run_many("UPDATE events SET place_key = ? WHERE id = ?", keys)
        last = rows[-1][0]
    _rebuild(db, versions=True, changes=False)  # the changes table comes with a later migration


def _place_key_of(event: Event) -> str | None:
    return place_key(event.place) if event.place is not None else None


# ---------------------------------------------------------------- versions as rows, and back


def _rows(key: PairKey, history: list[EntryVersion]) -> list[tuple[object, ...]]:
    """The pair's versions as `situation_entries` rows, each valid until the next one begins."""
    ends = [v.valid_from for v in history[1:]] + [None] if history else []
    return [
        (*key, version.valid_from.isoformat(), iso(end), *_columns(version.entry))
        for version, end in zip(history, ends, strict=True)
    ]


def _columns(entry: SituationEntry) -> tuple[str, str]:
    """The entry as its `place` and `record` columns: JSON without the fields at their defaults (most of a
    place's), which decoding gives back. A smaller table stays cached, and there is less to parse."""
    fields = _without_defaults(entry)
    del fields["place"]
    return _dumps(_without_defaults(entry.place)), _dumps(fields)


def _without_defaults(record: object) -> dict[str, object]:
    defaults = _defaults(type(record))
    return {
        name: value
        for name, value in to_dict(record).items()
        if name not in defaults or value != defaults[name]
    }


@functools.cache
def _defaults(cls: type) -> dict[str, object]:
    """A record type's default field values, as `to_dict` writes them."""
    return {
        f.name: to_dict(f.default) for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING
    }


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class _Decoding:
    """Versions of one query back to entries. Places and field values repeat from pair to pair (one base,
    a handful of statuses, a few hundred dates), so each distinct one is decoded once."""

    def __init__(self) -> None:
        self._places: dict[str, Place] = {}
        self._values: dict[tuple[str, object], object] = {}

    def entry(self, version: str) -> SituationEntry:
        """An entry from its place and record, on two lines."""
        place, record = version.split("\n", 1)
        if place not in self._places:
            self._places[place] = from_dict(Place, orjson.loads(place))
        fields = orjson.loads(record)
        fields["place"] = self._places[place]
        if "events" in fields:
            fields["events"] = tuple(fields["events"])  # what the codec makes of a list of ids, sooner
        if "evidence" in fields:
            fields["evidence"] = from_dict(_EVIDENCE, fields["evidence"])
        values = self._values
        for name in _DECODED:
            if name not in fields:
                continue
            value = fields[name]
            if isinstance(value, dict | list):  # a record (an expected end): rare, and not hashable
                fields[name] = from_dict(_FIELD_TYPES[name], value)
                continue
            key = (name, value)
            if key not in values:
                values[key] = from_dict(_FIELD_TYPES[name], value)
            fields[name] = values[key]
        return SituationEntry(**fields)


def _insert(db: Db, rows: list[tuple[object, ...]]) -> None:
    if rows:
        db.run_many(_INSERT, rows)
