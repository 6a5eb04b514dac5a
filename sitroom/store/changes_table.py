"""The changes of state, kept in a table at write time beside the situation's versions.

A pair's changes depend only on that pair's events (see `sitroom.situation.change_histories`), so the
table is refreshed with `situation_entries`, pair by pair, and the changes in a window are one indexed
range in the fold's order (day, event, stage, actor, then the pair's own order): a page of them reads
that page, and their total is a count of the range, where the fold decoded every event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import orjson

from sitroom.codec import collector_paused, from_dict, to_json
from sitroom.situation import ChangeOrder, PairKey, StateChange
from sitroom.store.caches import DECODED_TEXTS, DecodedTexts
from sitroom.store.db import Db, placeholders

CREATE = (
    """CREATE TABLE situation_changes (
        place_key {text} NOT NULL,
        actor_key {text} NOT NULL,
        seq {int} NOT NULL,
        day {date} NOT NULL,
        event_id {text} NOT NULL,
        stage {int} NOT NULL,
        record {text} NOT NULL,
        PRIMARY KEY (place_key, actor_key, seq)
    )""",
    "CREATE INDEX situation_changes_order ON situation_changes (day, event_id, stage, actor_key, seq)",
)
_INSERT = (
    "INSERT INTO situation_changes (place_key, actor_key, seq, day, event_id, stage, record)"
    f" VALUES ({placeholders(7)})"
)
_ORDER = "day, event_id, stage, actor_key, seq"
_ALL = 2**62  # a LIMIT that keeps every row, in either dialect (SQLite needs one before OFFSET)
# Most windows a process is asked for repeat, and a write changes few of their changes.
_KEPT = DecodedTexts(DECODED_TEXTS)


def replace_pairs(db: Db, pairs: Sequence[PairKey], histories: dict[PairKey, list]) -> None:
    """Write these pairs' changes anew from their histories (`change_histories`; none: no changes)."""
    for place, actor in pairs:
        db.run("DELETE FROM situation_changes WHERE place_key = ? AND actor_key = ?", (place, actor))
    rows = [row for key in pairs for row in _rows(key, histories.get(key, []))]
    if rows:
        db.run_many(_INSERT, rows)


def clear(db: Db) -> None:
    db.run("DELETE FROM situation_changes")


def _rows(key: PairKey, history: Iterable[tuple[ChangeOrder, StateChange]]) -> list[tuple[object, ...]]:
    return [
        (*key, seq, when.isoformat(), event_id, stage, to_json(change))
        for seq, ((when, event_id, stage, _actor), change) in enumerate(history)
    ]


def changes_in(
    db: Db, since: date, until: date | None = None, limit: int | None = None, offset: int = 0
) -> list[StateChange]:
    """The changes that took effect between `since` and `until` (both included), oldest first: what
    `sitroom.situation.changes` gives for every stored event; `limit` and `offset` page them."""
    where, params = _window(since, until)
    sql = f"SELECT record FROM situation_changes WHERE {where} ORDER BY {_ORDER}"
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [_ALL if limit is None else min(limit, _ALL), offset]  # past the largest SQL integer: all
    rows = db.all(sql, params)
    with collector_paused():
        return [_KEPT.get(row[0], _decode) for row in rows]


def count(db: Db, since: date, until: date | None = None) -> int:
    """How many changes `changes_in` gives for the window, unpaged."""
    where, params = _window(since, until)
    return int(db.one(f"SELECT COUNT(*) FROM situation_changes WHERE {where}", params)[0])


def _window(since: date, until: date | None) -> tuple[str, list[object]]:
    if until is None:
        return "day >= ?", [since.isoformat()]
    return "day >= ? AND day <= ?", [since.isoformat(), until.isoformat()]


def _decode(record: str) -> StateChange:
    return from_dict(StateChange, orjson.loads(record))
