"""The event filters the API relies on (bbox, min_sources, evidence text, rejected), on every backend."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.builders import actor, day, event, place

from sitroom.merge import KeepReports
from sitroom.records import Document, EventType, Evidence, Review, ReviewAction, Status
from sitroom.store import Store, open_store

# Three far-apart places: Niamey, Fiji (east of the antimeridian), Samoa (west of it).
NIAMEY = replace(place("Niamey"), lat=13.51, lon=2.11)
SUVA = replace(place("Suva"), lat=-18.14, lon=178.44)
APIA = replace(place("Apia"), lat=-13.83, lon=-171.76)


def _doc(n: int) -> Document:
    text = f"document {n}"
    return Document(f"d{n}", text, date(2026, 3, n), hashlib.sha256(text.encode()).hexdigest(), "test")


def _said(e, sentence: str):
    return replace(e, evidence=(Evidence(e.id, 0, len(sentence), sentence),))


@pytest.fixture
def store(new_store_url) -> Store:
    with open_store(new_store_url()) as opened:
        opened.write(
            _doc(1),
            [
                _said(
                    event("a", EventType.DEPLOY, Status.COMPLETED, NIAMEY, day("2026-03-01")),
                    "Troops arrived at 100% strength in Niamey.",
                )
            ],
        )
        opened.write(
            _doc(2),
            [
                _said(
                    event("b", EventType.ASSAULT, Status.COMPLETED, SUVA, day("2026-03-02")),
                    'A "raid" hit the port of Suva.',
                )
            ],
        )
        opened.write(
            _doc(3),
            [
                _said(
                    event("c", EventType.WITHDRAW, Status.COMPLETED, APIA, day("2026-03-03")),
                    "The last unit left_Apia.",
                )
            ],
        )
        yield opened


def ids(events) -> list[str]:
    return [e.id for e in events]


def test_bbox_keeps_points_inside(store: Store) -> None:
    assert ids(store.events(bbox=(0.0, 10.0, 5.0, 15.0))) == ["a"]
    assert store.count_events(bbox=(0.0, 10.0, 5.0, 15.0)) == 1
    assert ids(store.events(bbox=(-10.0, -10.0, 10.0, 10.0))) == []


def test_bbox_across_the_antimeridian(store: Store) -> None:
    # min lon 170 > max lon -170: the box runs east from 170 across 180 to -170.
    assert ids(store.events(bbox=(170.0, -25.0, -170.0, -10.0))) == ["b", "c"]


def test_text_searches_evidence_sentences_case_insensitively(store: Store) -> None:
    assert ids(store.events(text="suva")) == ["b"]
    assert ids(store.events(text='"RAID"')) == ["b"]  # quotes as written, though the record escapes them
    assert ids(store.events(text="100%")) == ["a"]  # LIKE's wildcards are literal
    assert ids(store.events(text="left_apia")) == ["c"]
    assert ids(store.events(text="100_")) == []
    assert store.count_events(text="the") == 2


def test_text_matches_only_evidence_not_other_fields(store: Store) -> None:
    assert ids(store.events(text="deploy")) == []  # the type, not a word of the sentence


def test_text_search_pages_after_matching(store: Store) -> None:
    assert ids(store.events(text="the", limit=1)) == ["b"]
    assert ids(store.events(text="the", limit=1, offset=1)) == ["c"]


def test_min_sources(store: Store) -> None:
    assert store.count_events(min_sources=1) == 3
    assert store.count_events(min_sources=2) == 0


def test_rejected_events_can_be_left_out_or_picked(store: Store) -> None:
    store.add_review(Review("r1", "b", ReviewAction.REJECT, "tester", "2026-03-05T00:00:00+00:00", ("b",)))
    assert ids(store.events(rejected=False)) == ["a", "c"]
    assert ids(store.events(rejected=True)) == ["b"]
    assert ids(store.events()) == ["a", "b", "c"]
    assert store.count_events(rejected=False) == 2


def test_hostile_filter_values_are_only_data(store: Store) -> None:
    hostile = "x'); DROP TABLE events; --"
    assert store.events(actor=hostile, place=hostile, text=hostile) == []
    assert store.count_events() == 3


def test_an_event_lasting_weeks_is_in_every_window_it_overlaps(new_store_url) -> None:
    with open_store(new_store_url()) as store:
        store.write(
            _doc(1),
            [event("long", EventType.DEPLOY, Status.ONGOING, NIAMEY, day("2026-01-01", "2026-03-20"))],
        )
        store.write(_doc(2), [event("short", EventType.DEPLOY, Status.COMPLETED, NIAMEY, day("2026-01-02"))])
        for since, until, wanted in (
            (date(2026, 3, 1), date(2026, 3, 31), ["long"]),
            (date(2026, 3, 20), None, ["long"]),
            (date(2026, 1, 2), date(2026, 1, 2), ["long", "short"]),
            (date(2026, 3, 21), None, []),
        ):
            for limit in (None, 10):
                found = store.events(type="deploy", since=since, until=until, limit=limit)
                assert [e.id for e in found] == wanted, (since, until, limit)
            assert store.count_events(type="deploy", since=since, until=until) == len(wanted)


_BEFORE_THE_WINDOW_INDEX = (
    # The kept counts index the mentions' start dates: they go too, and come back with their migration.
    "DROP INDEX event_actors_key",
    "DROP TABLE place_counts",
    "DROP TABLE actor_counts",
    "DELETE FROM schema_migrations WHERE version = 13",
    "DROP INDEX events_type_window",
    "DROP INDEX events_long_spans",
    "DROP INDEX event_actors_actor_start",
    "ALTER TABLE event_actors DROP COLUMN date_start",
    "CREATE INDEX events_type_start ON events (type, date_start)",
    "UPDATE events SET long_span = 0",
    "DELETE FROM schema_migrations WHERE version = 7",
)


def test_a_store_flagged_under_the_old_threshold_is_flagged_again(tmp_path) -> None:
    url = str(tmp_path / "store.db")
    with open_store(url) as store:
        store.write(
            _doc(1),
            [
                event(
                    "long",
                    EventType.DEPLOY,
                    Status.ONGOING,
                    NIAMEY,
                    day("2026-01-01", "2026-03-20"),
                    [actor("Niger Army")],
                )
            ],
        )
        with store._db.transaction():
            for statement in _BEFORE_THE_WINDOW_INDEX:
                store._db.run(statement)
        assert store.events(type="deploy", since=date(2026, 3, 1), limit=5) == []  # the flag was missing
    with open_store(url) as store:
        assert [e.id for e in store.events(type="deploy", since=date(2026, 3, 1), limit=5)] == ["long"]
        for since in (date(2026, 1, 10), date(2026, 3, 1)):  # found as a recent event, then a long one
            assert [e.id for e in store.events(actor="niger-army", since=since, limit=5)] == ["long"]


_SPANS = st.tuples(st.integers(0, 120), st.sampled_from([0, 0, 1, 5, 40, 400]))


@settings(max_examples=40, deadline=None)
@given(
    spans=st.lists(st.tuples(_SPANS, st.sampled_from(["army", "militia"])), min_size=1, max_size=25),
    since=st.integers(0, 130),
    until=st.none() | st.integers(0, 130),
    limit=st.integers(1, 6),
    offset=st.integers(0, 4),
)
def test_a_page_of_a_window_is_the_slice_of_all_matches(new_store_url, spans, since, until, limit, offset):
    first = date(2026, 1, 1)
    with open_store(new_store_url(), merger=KeepReports()) as store:
        written = []
        for n, ((start, length), who) in enumerate(spans):
            span = day(str(first + timedelta(start)), str(first + timedelta(start + length)))
            written.append(event(f"e{n:02d}", EventType.DEPLOY, Status.COMPLETED, NIAMEY, span, [actor(who)]))
        store.write(_doc(1), written)
        lo, hi = first + timedelta(since), None if until is None else first + timedelta(until)
        for who in (None, "army"):
            overlapping = (e for e in written if e.date.end >= lo and (hi is None or e.date.start <= hi))
            wanted = sorted(overlapping, key=lambda e: (e.date.start, e.id))
            wanted = [e.id for e in wanted if who is None or e.actors[0].id == who]
            found = store.events(actor=who, since=lo, until=hi, limit=limit, offset=offset)
            assert [e.id for e in found] == wanted[offset : offset + limit]
            assert store.count_events(actor=who, since=lo, until=hi) == len(wanted)
