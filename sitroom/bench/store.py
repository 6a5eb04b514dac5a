"""Query latency of a large store: events loaded in bulk (no NLP), then filters and the situation timed.

The loader writes synthetic events straight into the `events` and `event_actors` tables in a few large
transactions: a pool of template events over sitroom's sites and actors, each row a template with a new id
and dates. That is what a store holds after a long ingest, without waiting for one. Having gone past the
write path, it then has the store rebuild its situation table (timed apart). Latency is measured in this
process, with a warm connection, as p50 and p95 over varied parameters.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sitroom.bench.corpus import load_actors, load_sites
from sitroom.codec import to_json
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Event,
    EventType,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)
from sitroom.store import open_store
from sitroom.store.rows import EVENT_COLUMNS, event_row

_TEMPLATES = 4000
_FIRST_DAY = date(2020, 1, 1)
_DAYS = 6 * 365
_TEMPLATE_ID = "ev-template-0000"
_START, _END = "1900-01-01", "1900-01-02"  # stand-ins replaced by each row's own dates
_TYPES = (EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.ASSAULT, EventType.CONTROL)
_STATUSES = (Status.BEGAN, Status.COMPLETED, Status.ONGOING)
_CHUNK = 5000
# Where the columns a row varies sit in `event_row`'s tuple (the store's own column list).
_COLUMN = {name.strip(): i for i, name in enumerate(EVENT_COLUMNS.split(","))}
_ACTOR_COLUMNS = "event_id, position, actor_id, name, role, mention, date_start"


@dataclass(frozen=True, slots=True)
class _Template:
    row: tuple[object, ...]
    actors: tuple[tuple[object, ...], ...]  # event_actors rows less the event id


def _templates(rng: random.Random) -> list[_Template]:
    sites, actors = load_sites(), load_actors()
    templates = []
    for _ in range(_TEMPLATES):
        site, actor = rng.choice(sites), rng.choice(actors)
        kind = rng.choice(_TYPES)
        refs = (ActorRef(actor.name, Role.AGENT, rng.choice((actor.name, *actor.aliases)), id=actor.id),)
        event = Event(
            id=_TEMPLATE_ID,
            type=kind,
            status=rng.choice(_STATUSES),
            certainty=Certainty.REPORTED,
            trigger="withdrew",
            actors=refs,
            place=Place(site.name, site.lat, site.lon, PlacePrecision.SITE, admin1=site.near_town or None),
            date=TimeSpan(date.fromisoformat(_START), date.fromisoformat(_END), DatePrecision.DAY),
            fatalities=rng.randint(1, 30) if kind == EventType.ASSAULT else None,
        )
        actor_rows = tuple((p, a.id, a.name, a.role.value, a.mention) for p, a in enumerate(refs))
        row = event_row(event, to_json(event), "2026-01-01T00:00:00+00:00")
        templates.append(_Template(row, actor_rows))
    return templates


def synthetic_rows(
    count: int, seed: int = 0
) -> Iterator[tuple[tuple[object, ...], list[tuple[object, ...]]]]:
    """(events row, event_actors rows) for `count` events with distinct ids over six years."""
    rng = random.Random(seed)
    templates = _templates(rng)
    for n in range(count):
        template = rng.choice(templates)
        start = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
        end = start + timedelta(days=rng.choice((0, 0, 0, 1, 3)))
        ident, first, last = f"ev-{seed:04x}{n:012x}", start.isoformat(), end.isoformat()
        row = list(template.row)
        for column, value in (("id", ident), ("date_start", first), ("date_end", last), ("reported", last)):
            row[_COLUMN[column]] = value
        record = str(row[_COLUMN["record"]])
        row[_COLUMN["record"]] = (
            record.replace(_TEMPLATE_ID, ident).replace(_START, first).replace(_END, last)
        )
        yield tuple(row), [(ident, *a, first) for a in template.actors]


def bulk_load(store, count: int, seed: int = 0) -> float:
    """Write `count` synthetic events; the seconds it took."""
    started = time.perf_counter()
    db = store._db  # a benchmark's shortcut past the one-document write path
    if db.dialect.name == "postgresql":
        _copy_rows(db, count, seed)
    else:
        _insert_rows(db, count, seed)
    # What autovacuum would do on a live server: statistics for the planner and, on PostgreSQL, the
    # visibility map that lets an index-only scan skip the table.
    db.run("VACUUM ANALYZE" if db.dialect.name == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def _insert_rows(db, count: int, seed: int) -> None:
    events_sql = f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * len(_COLUMN))})"
    actors_sql = f"INSERT INTO event_actors ({_ACTOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
    rows = synthetic_rows(count, seed)
    while chunk := [next(rows, None) for _ in range(_CHUNK)]:
        chunk = [c for c in chunk if c is not None]
        if not chunk:
            break
        with db.transaction():
            db.run_many(events_sql, [event for event, _ in chunk])
            db.run_many(actors_sql, [a for _, actors in chunk for a in actors])


def _copy_rows(db, count: int, seed: int) -> None:
    actors: list[tuple[object, ...]] = []
    with db.transaction():
        cursor = db.conn.cursor()
        with cursor.copy(f"COPY events ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for event, event_actors in synthetic_rows(count, seed):
                copy.write_row(event)
                actors += event_actors
        with cursor.copy(f"COPY event_actors ({_ACTOR_COLUMNS}) FROM STDIN") as copy:
            for row in actors:
                copy.write_row(row)


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * p95, "runs": len(ordered)}


def _timed(calls: list[Callable[[], object]]) -> dict:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return _percentiles(samples)


def query_latency(store, repeats: int, situation_repeats: int, seed: int = 1) -> dict:
    """p50/p95 of typical `store.events` calls (first page of 50) and of the situation as of a date."""
    rng = random.Random(seed)
    sites, actors = load_sites(), load_actors()

    def some_day(before_end: int = 0) -> date:
        return _FIRST_DAY + timedelta(days=rng.randrange(_DAYS - before_end))

    def page(**filters: object) -> Callable[[], object]:
        return lambda: store.events(**filters, limit=50)

    def situation(day: date) -> Callable[[], object]:
        return lambda: store.situation_as_of(day)

    windows = [(rng.choice(_TYPES).value, some_day(90)) for _ in range(repeats)]
    queries = {
        "events: first page": [page() for _ in range(repeats)],
        "events: type + 90-day window": [
            page(type=t, since=s, until=s + timedelta(days=90)) for t, s in windows
        ],
        "events: place": [page(place=rng.choice(sites).name) for _ in range(repeats)],
        "events: actor id + since": [
            page(actor=rng.choice(actors).id, since=some_day()) for _ in range(repeats)
        ],
        "situation as of a date": [situation(some_day()) for _ in range(situation_repeats)],
    }
    return {name: _timed(calls) for name, calls in queries.items()}


def run_store_bench(url: str, count: int, repeats: int = 40, situation_repeats: int = 20) -> dict:
    """Load `count` events into the (empty) store at `url` and time queries on it."""
    with open_store(url) as store:
        if store.event_count():
            raise ValueError(f"the store at {url} already holds events; give an empty one")
        load_s = bulk_load(store, count)
        started = time.perf_counter()
        store.rebuild_situation()
        rebuild_s = time.perf_counter() - started
        return {
            "events": store.event_count(),
            "load_s": load_s,
            "situation_rebuild_s": rebuild_s,
            "queries": query_latency(store, repeats, situation_repeats),
        }


def render_queries(by_backend: dict) -> list[str]:
    lines = []
    for backend, r in by_backend.items():
        lines.append(
            f"query latency, {backend}, {r['events']:,} events (bulk load {r['load_s']:.0f} s,"
            f" situation table rebuilt in {r['situation_rebuild_s']:.0f} s):"
        )
        for name, q in r["queries"].items():
            lines.append(
                f"  {name:<30} p50 {q['p50_ms']:>8.1f} ms   p95 {q['p95_ms']:>8.1f} ms   ({q['runs']} runs)"
            )
    return lines
