"""The bulk loader behind the query benchmark writes real, readable events on both backends."""

from __future__ import annotations

from sitroom.bench.store import bulk_load, query_latency
from sitroom.situation import situation_as_of
from sitroom.store import open_store


def test_bulk_loaded_events_read_back_and_filter(new_store_url) -> None:
    with open_store(new_store_url()) as store:
        bulk_load(store, 3000, seed=4)
        assert store.event_count() == 3000
        events = store.events()
        assert len({e.id for e in events}) == 3000
        first = events[0]
        assert store.event(first.id) == first
        assert store.events(actor=first.actors[0].id, limit=5)
        assert all(e.type == first.type for e in store.events(type=first.type, limit=20))
        last = events[-1].date.end
        assert situation_as_of(events, last)
        assert store.situation_as_of(last) == []  # the loader went past the write path...
        store.rebuild_situation()  # ...so the store makes its situation table from the events
        for when in (events[0].date.start, events[len(events) // 2].date.start, last):
            assert store.situation_as_of(when) == situation_as_of(events, when)
        timings = query_latency(store, repeats=3, situation_repeats=1)
        assert all(t["runs"] >= 1 and t["p95_ms"] >= t["p50_ms"] > 0 for t in timings.values())
