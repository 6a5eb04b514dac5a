"""The situation table the store keeps at write time answers as the fold over the stored events does.

For every store and day, `store.situation_as_of(day)` must equal `situation_as_of(store.events(), day)`:
after writes in any order (reports merging, a report rewritten elsewhere), after reviews, after
`remerge_all`, after a rebuild, and for a store that held events before the table existed.
Tests taking `new_store_url` or `store_url` run once per backend (see tests/conftest.py).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.builders import actor, day

from sitroom.merge import KeepReports
from sitroom.records import (
    ActorRef,
    Certainty,
    Document,
    Event,
    EventType,
    Evidence,
    Mark,
    Place,
    PlacePrecision,
    PostureStatus,
    Role,
    Source,
    SourceKind,
    Status,
    TimeSpan,
)
from sitroom.review import review
from sitroom.situation import changes, situation_as_of
from sitroom.store import Store, open_store

BASE = Place("Base A", 36.50, 40.75, PlacePrecision.SITE, "Syria", "SY", "Hasakah", gazetteer_id="t:base-a")
# Another place of the same name: the two never interact, and the order between them is still fixed.
OTHER_BASE = Place("Base A", 35.0, 38.0, PlacePrecision.SITE, "Syria", "SY", "Homs", gazetteer_id="t:base-a2")
TOWN = Place("Town B", 35.00, 38.00, PlacePrecision.SITE, "Syria", "SY", "Homs", gazetteer_id="t:town-b")
CHECKPOINT = Place(
    "Checkpoint 7", 36.0, 41.0, PlacePrecision.NEAR, "Syria", "SY", "Hasakah"
)  # no gazetteer id
US = actor("US forces", actor_id="us")
ARMY = actor("Syrian army", actor_id="sy-army")
IS = actor("Islamic State", actor_id="is")
MILITIA = ActorRef("Wazalendo militiamen", Role.AGENT, "Wazalendo militiamen")  # no id: known by its name
NAMESAKE = actor("US forces", actor_id="us-2")  # the same name as US, another actor

_PLACES = [BASE, OTHER_BASE, TOWN, CHECKPOINT]
_AGENTS = [US, ARMY, IS, MILITIA, NAMESAKE]
_TYPES = [EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL, EventType.ASSAULT]
_FIRST = date(2026, 3, 1)


def report(
    id: str,
    doc: str,
    type: EventType,
    where: Place | None,
    when: TimeSpan | None,
    status: Status = Status.COMPLETED,
    actors: tuple[ActorRef, ...] = (US,),
    certainty: Certainty = Certainty.REPORTED,
    reported: date = _FIRST,
) -> Event:
    return Event(
        id=id,
        type=type,
        status=status,
        certainty=certainty,
        trigger="withdrew" if type == EventType.WITHDRAW else "took",
        actors=actors,
        place=where,
        date=when,
        sources=(Source(f"Outlet of {doc}", SourceKind.OUTLET),),
        evidence=(Evidence(doc, 0, 30, f"Report {doc}: {type.value} at {where.name if where else '?'}."),),
        reported=reported,
    )


def document(name: str, reported: date) -> Document:
    return Document(name, f"text of {name}", reported, f"hash-{name}")


def assert_same_situation(store: Store, days: list[date] | None = None) -> None:
    """The situation and the changes the store keeps are the fold's over its events, on every day."""
    events = store.events()
    days = days or _days(events)
    for when in days:
        assert store.situation_as_of(when) == situation_as_of(events, when), when
    for since, until in [(days[0], None), *((d, d + timedelta(days=3)) for d in days[::2])]:
        assert store.changes(since, until) == changes(events, since, until), (since, until)


def _days(events: list[Event]) -> list[date]:
    """Every day around the events' dates and datelines, and one long before and after."""
    found = {e.reported for e in events if e.reported} | {d for e in events if e.date for d in _ends(e.date)}
    if not found:
        return [_FIRST]
    first, last = min(found), max(found)
    span = [first + timedelta(days=n) for n in range(-1, (last - first).days + 2)]
    return [date(2000, 1, 1), *span, date(2100, 1, 1)]


def _ends(span: TimeSpan) -> tuple[date, date]:
    return (span.start, span.end)


# ---------------------------------------------------------------- writes in any order


@st.composite
def documents(draw) -> list[tuple[Document, list[Event]]]:
    """Documents of posture reports that merge across documents; report ids repeat, so a later document
    may replace an earlier report (and move it to another place)."""
    found: dict[str, list[Event]] = {}
    for n in range(draw(st.integers(1, 12))):
        start = _FIRST + timedelta(days=draw(st.integers(0, 30)))
        width = draw(st.sampled_from([0, 0, 1, 6]))
        kind = draw(st.sampled_from(_TYPES))
        agent = draw(st.sampled_from(_AGENTS))
        actors = (
            (agent, ActorRef(IS.name, Role.PREVIOUS, "IS", id=IS.id))
            if kind == EventType.CONTROL
            else (agent,)
        )
        doc = f"d{draw(st.integers(0, 5))}"
        reported = start + timedelta(days=draw(st.integers(0, 4)))
        when = day(start.isoformat(), (start + timedelta(days=width)).isoformat())
        event = report(
            id=f"ev-{draw(st.integers(0, n))}",
            doc=doc,
            type=kind,
            where=draw(st.sampled_from([*_PLACES, None])),
            when=draw(st.sampled_from([when, when, when, None])),
            status=draw(st.sampled_from([Status.BEGAN, Status.COMPLETED, Status.ONGOING, Status.EXPECTED])),
            actors=actors,
            certainty=draw(st.sampled_from([Certainty.REPORTED, Certainty.REPORTED, Certainty.CLAIMED])),
            reported=reported,
        )
        found.setdefault(doc, []).append(event)
    return [(document(d, min(e.reported for e in rs)), rs) for d, rs in sorted(found.items())]


@settings(max_examples=40, deadline=None)
@given(batches=documents(), seed=st.integers(0, 2**32 - 1))
def test_the_table_answers_as_the_fold_after_writes_in_any_order(new_store_url, batches, seed) -> None:
    random.Random(seed).shuffle(batches)
    with open_store(new_store_url()) as store:
        for doc, reports in batches[:2]:
            store.write(doc, reports)
            assert_same_situation(store)
        store.write_many(batches[2:])
        assert_same_situation(store)
        rows = _table(store)
        store.rebuild_situation()
        assert _table(store) == rows  # kept at write time, it is what a rebuild makes


def _table(store) -> list[tuple]:
    return [
        tuple(row)
        for table in ("situation_entries", "situation_changes")
        for row in store._db.all(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
    ]


# ---------------------------------------------------------------- reviews, merging again, rebuilding


@pytest.fixture
def story(new_store_url) -> Iterator[Store]:
    with open_store(new_store_url()) as store:
        write_story(store)
        yield store


def write_story(store: Store) -> None:
    """US forces withdraw from Base A (began, then completed: two reports of one event), the army takes
    the town from IS and IS claims it back weeks later; a namesake force deploys to the other Base A."""
    writes = [
        ("d1", _FIRST, [report("r1", "d1", EventType.WITHDRAW, BASE, day("2026-03-01"), Status.BEGAN)]),
        ("d2", date(2026, 3, 9), [report("r2", "d2", EventType.WITHDRAW, BASE, day("2026-03-08"))]),
        (
            "d3",
            date(2026, 3, 3),
            [
                report("r3", "d3", EventType.CONTROL, TOWN, day("2026-03-02"), actors=(ARMY, _previous(IS))),
                report("r4", "d3", EventType.DEPLOY, OTHER_BASE, day("2026-03-02"), actors=(NAMESAKE,)),
            ],
        ),
        (
            "d4",
            date(2026, 3, 6),
            [
                report(
                    "r5",
                    "d4",
                    EventType.CONTROL,
                    TOWN,
                    day("2026-04-20"),
                    actors=(ActorRef(IS.name, Role.CLAIMANT, "IS", id=IS.id),),
                    certainty=Certainty.CLAIMED,
                ),
                report(
                    "r6",
                    "d4",
                    EventType.PRESENCE,
                    CHECKPOINT,
                    None,
                    actors=(MILITIA,),
                    reported=date(2026, 3, 6),
                ),
            ],
        ),
    ]
    for name, reported, reports in writes:
        store.write(document(name, reported), reports)


def _previous(ref: ActorRef) -> ActorRef:
    return ActorRef(ref.name, Role.PREVIOUS, ref.mention, id=ref.id)


def _status(store: Store, when: date, place: str, actor_id: str) -> PostureStatus | None:
    found = [
        e for e in store.situation_as_of(when) if e.place.gazetteer_id == place and e.actor_id == actor_id
    ]
    return found[0].status if found else None


def test_the_story_reads_from_the_table(story) -> None:
    assert_same_situation(story)
    assert _status(story, date(2026, 3, 4), "t:base-a", "us") == PostureStatus.WITHDRAWING
    assert _status(story, date(2026, 3, 8), "t:base-a", "us") == PostureStatus.DEPARTED
    assert _status(story, date(2026, 2, 28), "t:base-a", "us") is None
    held = [e for e in story.situation_as_of(date(2026, 3, 5)) if e.place == TOWN]
    assert {(e.actor_id, e.until, e.contested) for e in held} == {("sy-army", None, False)}
    held = [e for e in story.situation_as_of(date(2026, 4, 20)) if e.place == TOWN]
    assert {(e.actor_id, e.until, e.contested) for e in held} == {("sy-army", None, True), ("is", None, True)}


def test_reviews_and_merging_again_keep_the_table(story) -> None:
    withdrawal = story.find_event("r1")
    assert withdrawal is not None and len(withdrawal.reports) == 2
    review(story, withdrawal.id, "split", "analyst", other="r2")
    assert_same_situation(story)
    review(story, "r1", "merge", "analyst", other="r2")
    assert_same_situation(story)
    review(story, "r3", "reject", "analyst")
    assert_same_situation(story)
    assert _status(story, date(2026, 3, 4), "t:town-b", "sy-army") is None
    review(story, "r1", "correct", "analyst", changes={"status": "ongoing"})
    assert_same_situation(story)
    story.remerge_all()
    assert_same_situation(story)
    rows = _table(story)
    story.rebuild_situation()
    assert _table(story) == rows


def test_a_report_moved_to_another_place_leaves_the_old_one(new_store_url) -> None:
    with open_store(new_store_url()) as store:
        store.write(document("d1", _FIRST), [report("r1", "d1", EventType.DEPLOY, BASE, day("2026-03-01"))])
        assert [e.place for e in store.situation_as_of(_FIRST)] == [BASE]
        moved = report("r1", "d2", EventType.DEPLOY, TOWN, day("2026-03-01"))
        store.write(document("d2", _FIRST + timedelta(days=1)), [moved])  # the same report id, elsewhere
        assert [e.place for e in store.situation_as_of(_FIRST)] == [TOWN]
        assert_same_situation(store)


def test_namesakes_at_namesake_places_come_in_one_order(new_store_url) -> None:
    """Entries alike in place name, actor name and status still have one order, whichever came first."""
    with open_store(new_store_url(), merger=KeepReports()) as store:
        for n, (where, who) in enumerate(
            [(OTHER_BASE, NAMESAKE), (OTHER_BASE, US), (BASE, NAMESAKE), (BASE, US)]
        ):
            when = _FIRST + timedelta(days=n)
            reports = [
                report(f"r{n}", f"d{n}", EventType.DEPLOY, where, day(when.isoformat()), actors=(who,))
            ]
            store.write(document(f"d{n}", when), reports)
        found = store.situation_as_of(_FIRST + timedelta(days=9))
        assert [(e.place.gazetteer_id, e.actor_id) for e in found] == [
            ("t:base-a", "us"),
            ("t:base-a", "us-2"),
            ("t:base-a2", "us"),
            ("t:base-a2", "us-2"),
        ]
        assert_same_situation(store)


def test_a_long_run_of_reports_keeps_small_versions(new_store_url) -> None:
    with open_store(new_store_url(), merger=KeepReports()) as store:  # fifteen events, not merged
        for n in range(15):
            when = _FIRST + timedelta(days=n)
            reports = [
                report(f"r{n}", f"d{n}", EventType.PRESENCE, BASE, day(when.isoformat()), reported=when)
            ]
            store.write(document(f"d{n}", when), reports)
        assert_same_situation(store)
        (entry,) = store.situation_as_of(_FIRST + timedelta(days=20))
        assert entry.since == _FIRST and entry.event_count == 15
        assert entry.events == ("r0", *(f"r{n}" for n in range(6, 15)))
        assert len(store._db.all("SELECT record FROM situation_entries")) == 15  # one version a day


def test_an_entry_with_every_field_set_reads_back_as_it_was(new_store_url) -> None:
    """A withdrawal under way, with an expected end, marked evidence and a place with every field."""
    where = replace(CHECKPOINT, admin2="Qamishli", feature="checkpoint", mention="the checkpoint")
    marked = Evidence("d1", 0, 30, "Report d1: US forces began to withdraw.", (Mark(10, 19, "actor"),))
    began = replace(
        report("r1", "d1", EventType.WITHDRAW, where, day("2026-03-01"), Status.BEGAN),
        evidence=(marked,),
        expected_end=day("2026-04-01", "2026-04-30"),
    )
    with open_store(new_store_url()) as store:
        store.write(document("d1", _FIRST), [began])
        (entry,) = store.situation_as_of(_FIRST)
        assert entry.expected_end == began.expected_end and entry.evidence == (marked,)
        assert entry.place == where and entry.event_count == 1
        assert_same_situation(store)


# ---------------------------------------------------------------- a store from before the table


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A store that can be opened again (a file, or a PostgreSQL schema)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_schemas").fresh_url()


_BEFORE_THE_TABLE = (
    "DROP TABLE situation_entries",
    "DROP INDEX events_place_key",
    "ALTER TABLE events DROP COLUMN place_key",
    "DELETE FROM schema_migrations WHERE version = 6",
)


def test_a_store_with_events_fills_the_table_when_it_migrates(store_url) -> None:
    with open_store(store_url) as store:
        write_story(store)
        expected = {when: situation_as_of(store.events(), when) for when in _days(store.events())}
        assert any(expected.values())
        with store._db.transaction():
            for statement in _BEFORE_THE_TABLE:
                store._db.run(statement)
    with open_store(store_url) as store:
        assert {when: store.situation_as_of(when) for when in expected} == expected
        assert store._db.one("SELECT COUNT(*) FROM events WHERE place_key IS NULL")[0] == 0


def test_a_store_with_events_fills_the_changes_when_it_migrates(store_url) -> None:
    with open_store(store_url) as store:
        write_story(store)
        expected = changes(store.events(), date(2000, 1, 1))
        assert len(expected) > 3
        with store._db.transaction():
            store._db.run("DROP TABLE situation_changes")
            store._db.run("DELETE FROM schema_migrations WHERE version = 12")
    with open_store(store_url) as store:
        assert store.changes(date(2000, 1, 1)) == expected
        assert_same_situation(store)


def test_changes_come_in_pages_with_their_count(story) -> None:
    since, until = date(2000, 1, 1), date(2026, 4, 1)
    window = story.changes(since, until)
    assert story.count_changes(since, until) == len(window) > 3
    assert story.changes(since, until, limit=2, offset=1) == window[1:3]
    assert story.changes(since, until, offset=2) == window[2:]
    assert story.changes(since, until, limit=100, offset=len(window)) == []
    assert story.count_changes(date(2100, 1, 1)) == 0


# ---------------------------------------------------------------- the read side: known_at, reviews


def test_the_read_side_tells_what_was_known_and_leaves_rejected_events_out(new_store_url) -> None:
    from sitroom import queries

    known, later = date(2026, 3, 5), date(2026, 3, 10)
    began = report("r1", "d1", EventType.WITHDRAW, BASE, day("2026-03-01"), Status.BEGAN)
    ended = report("r2", "d2", EventType.WITHDRAW, BASE, day("2026-03-08"), reported=date(2026, 3, 9))
    taken = report("r3", "d3", EventType.CONTROL, TOWN, day("2026-03-02"), actors=(ARMY, _previous(IS)))
    with open_store(new_store_url()) as store:
        store.write_many([(document("d1", _FIRST), [began, taken]), (document("d2", later), [ended])])
        early = queries.situation_on(store, later, known_at=known)
        assert [e.status for e in early if e.actor_id == "us"] == [PostureStatus.WITHDRAWING]
        assert queries.situation_on(store, later) == store.situation_as_of(later)
        afters = {c.after for c in queries.changes_in(store, _FIRST)}
        assert PostureStatus.DEPARTED in afters
        afters = {c.after for c in queries.changes_in(store, _FIRST, known_at=known)}
        assert PostureStatus.DEPARTED not in afters
        events, _ = queries.place_timeline(store, "Base A", known_at=known)
        assert [len(e.reports) for e in events] == [1]
        assert queries.place_timeline(store, "Town B")[0]
        review(store, "r3", "reject", "analyst")
        assert queries.place_timeline(store, "Town B") == ([], [])
