"""Which events a listing asks for: the one `EventQuery` record that the CLI, the API and the store share,
and the SQL conditions it becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitroom.records import Event
from sitroom.store.rows import LONG_SPAN_DAYS
from sitroom.store.search import phrase
from sitroom.text import folded


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters on events; every one given must hold, and one left None does not filter.

    `actor`: case-insensitive substring of an actor's canonical name or mention, or an exact
    actor id (then only that actor's events, found through an index).
    `place`: case-insensitive substring of the place name, admin1 or country.
    `since`/`until`: the event's dates overlap [since, until]; undated events are left out.
    `bbox`: (min lon, min lat, max lon, max lat) holds the event's point (min lon > max lon: the box
    crosses the antimeridian). `min_sources`: at least this many independent origins.
    `text`: case-insensitive substring of an evidence sentence. `rejected`: None keeps every event,
    False leaves out those a reviewer rejected, True keeps only those.
    """

    type: str | None = None
    actor: str | None = None
    place: str | None = None
    since: date | None = None
    until: date | None = None
    bbox: tuple[float, float, float, float] | None = None
    min_sources: int | None = None
    text: str | None = None
    rejected: bool | None = None

    @classmethod
    def given(cls, query: EventQuery | None, filters: Mapping[str, Any]) -> EventQuery:
        """`query`, or one made of keyword filters (`store.events(place="Homs")`); not both."""
        if query is not None and filters:
            raise TypeError("give an EventQuery or keyword filters, not both")
        return query if query is not None else cls(**filters)


def _contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", lower-cased, with LIKE's wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def event_filters(
    lower: str,
    query: EventQuery,
    actor_is_id: bool = False,
    part: str = "recent",
    text_index: bool = False,
) -> tuple[list[str], list[object]]:
    """WHERE conditions and their parameters for one `part` of `SqlStore.events` with a `since` date.

    Such a window is read in two disjoint parts that each read one index range. An event overlapping a
    window from `since` ends on or after it, so it started at most LONG_SPAN_DAYS before ("recent"),
    unless it is one of the few flagged long, which started earlier ("long"). (One OR of the two made
    the planners read every event that started before the window's end.)

    `actor_is_id`: `actor` is a stored actor id, so an indexed lookup finds its events (no name search).

    `text` only narrows the rows to events whose evidence column (the sentences, lower-cased, one a line)
    contains it; the store then keeps those with a sentence that does (`sitroom.store.search.says`).
    `text_index`: SQLite's `events_fts` narrows them instead, through its index.
    """
    type, actor, place, since, until = query.type, query.actor, query.place, query.since, query.until
    where: list[str] = []
    params: list[object] = []
    if type is not None:
        where.append("type = ?")
        params.append(str(type))
    first = days_before(since, LONG_SPAN_DAYS).isoformat() if since is not None else None
    if actor is not None and actor_is_id and first is not None and part == "long":
        # Few events are long: read them (an index of their own) and check the actor of each.
        where.append("EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = events.id AND a.actor_id = ?)")
        params.append(actor)
    elif actor is not None and actor_is_id and first is not None:
        pass  # `Branch.by_actor`: the actor's rows, which carry their event's start, lead the query
    elif actor is not None and actor_is_id:
        where.append("id IN (SELECT event_id FROM event_actors WHERE actor_id = ?)")
        params.append(actor)
    elif actor is not None:
        where.append(
            "EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = events.id AND"
            f" ({lower}(a.name) LIKE ? ESCAPE '\\' OR {lower}(a.mention) LIKE ? ESCAPE '\\'"
            " OR a.actor_id = ?))"
        )
        params += [_contains(actor), _contains(actor), actor]
    if place is not None:
        columns = ("place_name", "admin1", "country")
        where.append(
            "(place_search LIKE ? ESCAPE '\\' OR "
            + " OR ".join(f"{lower}({c}) LIKE ? ESCAPE '\\'" for c in columns)
            + ")"
        )
        params += [_contains(folded(place))] + [_contains(place)] * 3
    if since is not None or until is not None:
        where.append("date_start IS NOT NULL")
    if since is not None:
        where.append("date_end >= ?")  # overlap: the event ends on or after `since`...
        params.append(since.isoformat())
        where.append("date_start >= ?" if part == "recent" else "long_span = 1 AND date_start < ?")
        params.append(first)
    if until is not None:
        where.append("date_start <= ?")  # ...and starts on or before `until`
        params.append(until.isoformat())
    if query.bbox is not None:
        _bbox_filter(query.bbox, where, params)
    if query.min_sources is not None:
        where.append("source_count >= ?")
        params.append(int(query.min_sources))
    indexed = phrase(query.text) if query.text is not None and text_index else None
    if indexed is not None:
        where.append("events.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
        params.append(indexed)
    elif query.text is not None:
        # The evidence column is lower-cased already (PostgreSQL: its trigrams are indexed).
        where.append("evidence LIKE ? ESCAPE '\\'")
        params.append(_contains(query.text))
    if query.rejected is True:
        where.append("review = ?")
        params.append("rejected")
    elif query.rejected is False:
        where.append("(review IS NULL OR review <> ?)")
        params.append("rejected")
    return where, params


@dataclass(frozen=True, slots=True)
class Branch:
    """One of the disjoint queries `SqlStore.events` unites: conditions on `events`, and maybe an actor
    id and earliest start by which to read the actor's rows first (`event_actors`, in start order)."""

    where: list[str]
    params: list[object]
    by_actor: tuple[str, str] | None = None

    def plain(self) -> tuple[list[str], list[object]]:
        """The conditions on `events` alone."""
        if self.by_actor is None:
            return self.where, self.params
        condition = "id IN (SELECT event_id FROM event_actors WHERE actor_id = ? AND date_start >= ?)"
        return [*self.where, condition], [*self.params, *self.by_actor]


def led_by_actor(branch: Branch) -> tuple[str, list[object]]:
    """The branch's (nulls-last flag, start, id, id) rows read from the actor's rows in start order,
    each event checked by its key: a page then stops early for a busy actor and stays small for a rare
    one (the planners guessed wrong for one or the other when asked for events of an actor)."""
    assert branch.by_actor is not None
    sql = (
        "SELECT DISTINCT 0, a.date_start, a.event_id, a.event_id FROM event_actors a"
        " WHERE a.actor_id = ? AND a.date_start >= ?"
        " AND EXISTS (SELECT 1 FROM events WHERE events.id = a.event_id"
        + "".join(f" AND {condition}" for condition in branch.where)
        + ") ORDER BY a.date_start, a.event_id"
    )
    return sql, [*branch.by_actor, *branch.params]


def days_before(day: date, days: int) -> date:
    return date.fromordinal(max(1, day.toordinal() - days))


def _bbox_filter(bbox: tuple[float, float, float, float], where: list[str], params: list[object]) -> None:
    """Points inside (min lon, min lat, max lon, max lat); a box whose min lon exceeds its max lon
    crosses the antimeridian."""
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    where.append("lat IS NOT NULL AND lon IS NOT NULL AND lat >= ? AND lat <= ?")
    params += [min_lat, max_lat]
    if min_lon <= max_lon:
        where.append("lon >= ? AND lon <= ?")
    else:
        where.append("(lon >= ? OR lon <= ?)")
    params += [min_lon, max_lon]


def evidence_says(event: Event, text: str) -> bool:
    """Whether an evidence sentence of `event` contains `text` (case-insensitive)."""
    wanted = text.lower()
    return any(wanted in e.sentence.lower() for e in event.evidence)
