"""The situation read from a store: on a day, its changes in a window, one place's timeline.

Each answers from every report, or with `known_at` from only the reports dated by then (the events merged
again from those reports), so the CLI and the API tell the same story. Rejected events count nowhere.
"""

from __future__ import annotations

from datetime import date

from sitroom.records import Event, ReviewState, SituationEntry
from sitroom.situation import StateChange, changes, situation_as_of, timeline
from sitroom.store import Store


def known_events(store: Store, known_at: date | None = None) -> list[Event]:
    """The events as merged from the reports dated by `known_at` (all when None), without rejected ones."""
    if known_at is None:
        return store.events(rejected=False)
    return [e for e in store.events_known_at(known_at) if e.review != ReviewState.REJECTED]


def situation_on(store: Store, as_of: date, known_at: date | None = None) -> list[SituationEntry]:
    """The state of every (place, actor) pair on `as_of`, from what was reported by `known_at`."""
    if known_at is None:
        return store.situation_as_of(as_of)  # the table kept at write time: one indexed query
    return situation_as_of(known_events(store, known_at), as_of, known_at=known_at)


def changes_in(
    store: Store, since: date, until: date | None = None, known_at: date | None = None
) -> list[StateChange]:
    """Every change of state that took effect between `since` and `until`, oldest first."""
    return changes_page(store, since, until, known_at)[1]


def changes_page(
    store: Store,
    since: date,
    until: date | None = None,
    known_at: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[StateChange]]:
    """How many changes `changes_in` gives, and `limit` of them from `offset` (all when None)."""
    if known_at is None:  # the table kept at write time: a count and a page, each one indexed query
        return store.count_changes(since, until), store.changes(since, until, limit, offset)
    found = changes(known_events(store, known_at), since, until, known_at=known_at)
    return len(found), found[offset:] if limit is None else found[offset : offset + limit]


def place_timeline(
    store: Store, place: str, known_at: date | None = None
) -> tuple[list[Event], list[StateChange]]:
    """The events at the places matching `place`, by date, and the changes of state they saw."""
    return timeline(known_events(store, known_at), place, known_at=known_at)
