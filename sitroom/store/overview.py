"""What the page needs to draw a whole store at once, counted by the database instead of decoded events:
the span of dates and events per day (the time bar), and the events in a map view as grid cells or, when
few, as light points.

Each takes the same `EventQuery` as `SqlStore.events` and reads the same disjoint branches, so a filter
means the same thing in the list, on the map and in the exports. A text filter narrows rows through the
store's text index (SQLite) or the record (PostgreSQL), without the evidence check that listings make.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sitroom.store.query import EventQuery

# Above this many events in a view the map gets grid cells; at or below, each event as a point.
MAX_POINTS = 2000
# Grid cells per 256-pixel tile side at each zoom: cells about 64 pixels wide.
_CELLS_PER_TILE = 4
# A map view this many degrees across or more holds most events: its points are checked row by row.
_WIDE = 30.0
_TINY = 2.0


@dataclass(frozen=True, slots=True)
class Span:
    first: date | None  # the earliest event start
    last: date | None  # the latest event start
    latest_report: date | None  # the latest dateline of a report merged into an event


def _where(branch, extra: tuple[list[str], list[object]]) -> tuple[str, list[object]]:
    where, params = branch.plain()
    where, params = [*where, *extra[0]], [*params, *extra[1]]
    return (" WHERE " + " AND ".join(where) if where else ""), params


def _rows(store, query: EventQuery, select: str, tail: str = "", located: bool = False) -> list[tuple]:
    """`SELECT {select} FROM events` over every branch of `query`, rows of all branches together;
    `located`: only events with a point (inside `query.bbox`, if it has one)."""
    extra: tuple[list[str], list[object]] = ([], [])
    if located:
        query, extra = _located(query)
    found: list[tuple] = []
    for branch in store._branches(query):
        where, params = _where(branch, extra)
        found += [tuple(r) for r in store._db.all(f"SELECT {select} FROM events{where}{tail}", params)]
    return found


def _located(query: EventQuery) -> tuple[EventQuery, tuple[list[str], list[object]]]:
    """The query and conditions for events with a point in its box. A small box reads the points' index
    (the store's own bbox filter); a wide one, or none, checks each row's point instead (`+lat` keeps the
    planners off that index), since a box holding most events would walk the whole index. With a date
    window, the dates' index is the narrower unless the box is tiny."""
    box = query.bbox
    widest = _WIDE if query.since is None else _TINY
    if box is not None and box[3] - box[1] <= widest and (box[2] - box[0]) % 360 <= widest:
        return query, ([], [])
    if box is None:
        return query, (["+lat IS NOT NULL AND +lon IS NOT NULL"], [])
    min_lon, min_lat, max_lon, max_lat = box
    where = ["+lat >= ? AND +lat <= ?"]
    where.append("+lon >= ? AND +lon <= ?" if min_lon <= max_lon else "(+lon >= ? OR +lon <= ?)")
    return replace(query, bbox=None), (where, [min_lat, max_lat, min_lon, max_lon])


def span(store) -> Span:
    """The store's first and last event dates and its latest report (an expected end far ahead does not
    stretch it: only starts and datelines count)."""
    row = store._db.one(
        "SELECT MIN(date_start), MAX(date_start), MAX(reported), MAX(last_reported) FROM events"
    )
    first, last, reported, updated = (_day(v) for v in row)
    latest = max((d for d in (reported, updated) if d is not None), default=None)
    return Span(first, last, latest)


def per_day(store, query: EventQuery) -> list[tuple[str, int]]:
    """(start day, events) for every day an event matching `query` starts, oldest first."""
    counts: dict[str, int] = {}
    undated = replace(query, since=None, until=None)  # the bar spans the whole store
    for day, count in _rows(store, undated, "date_start, COUNT(*)", " GROUP BY date_start"):
        if day is not None:
            key = str(day)[:10]
            counts[key] = counts.get(key, 0) + int(count)
    return sorted(counts.items())


def count_in(store, query: EventQuery) -> int:
    """How many events matching `query` have a point (in its box)."""
    return sum(int(row[0]) for row in _rows(store, query, "COUNT(*)", located=True))


def points(store, query: EventQuery) -> list[list]:
    """[id, lat, lon, type, status, review, place name, start, where_prec] of each placed event."""
    precision = _json_number(store, "place", "precision")
    select = f"id, lat, lon, type, status, review, place_name, date_start, {precision}"
    return [
        [r[0], float(r[1]), float(r[2]), r[3], r[4], r[5], r[6], _iso(r[7]), _int(r[8])]
        for r in _rows(store, query, select, located=True)
    ]


def cells(store, query: EventQuery, zoom: int) -> list[list]:
    """[lat, lon, events, id, type] of each grid cell holding events, at the cells' mean point; id and
    type are those of the cell's one event, or None where it holds several events or types."""
    size = 360.0 / (2**zoom * _CELLS_PER_TILE)
    postgres = store._db.dialect.name == "postgresql"
    gx, gy = (_cell_index(postgres, column, offset, size) for column, offset in (("lon", 180), ("lat", 90)))
    select = f"{gx}, {gy}, COUNT(*), SUM(lat), SUM(lon), MIN(id), MIN(type), MAX(type)"
    merged: dict[tuple, list] = {}
    grouped = f" GROUP BY {gx}, {gy}"
    for x, y, n, lat, lon, first_id, low, high in _rows(store, query, select, grouped, located=True):
        cell = merged.setdefault((x, y), [0, 0.0, 0.0, first_id, low, high])
        cell[0] += int(n)
        cell[1] += float(lat)
        cell[2] += float(lon)
        cell[4], cell[5] = min(cell[4], low), max(cell[5], high)
    return [
        [lat / n, lon / n, n, first if n == 1 else None, low if low == high else None]
        for n, lat, lon, first, low, high in merged.values()
    ]


def _cell_index(postgres: bool, column: str, offset: int, size: float) -> str:
    """The cell a coordinate falls in; shifted to be positive, so truncation is the floor (PostgreSQL's
    CAST rounds, so it floors explicitly)."""
    if postgres:
        return f"FLOOR(({column} + {offset}) / {size})"
    return f"CAST(({column} + {offset}) / {size} AS INTEGER)"


def _json_number(store, *path: str) -> str:
    if store._db.dialect.name == "postgresql":
        return f"(record::jsonb #>> '{{{','.join(path)}}}')"
    return f"json_extract(record, '$.{'.'.join(path)}')"


def _day(value) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _iso(value) -> str | None:
    return None if value is None else str(value)[:10]


def _int(value) -> int | None:
    return None if value is None else int(value)
