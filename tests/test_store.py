"""The store on SQLite and on PostgreSQL: round-trips, idempotence, rollback, filters and URLs.

Tests taking `store` or `new_store_url` run once per backend (see tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from support.strategies import event_lists

from sitroom.errors import StoreError
from sitroom.merge import KeepReports
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Document,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)
from sitroom.store import SqliteStore, Store, open_store


def doc(n: int, text: str = "text") -> Document:
    return Document(
        id=f"doc-{n}",
        text=f"{text} {n}",
        date=date(2024, 1, n),
        content_hash=f"hash-{n}",
        origin=f"file{n}.txt",
        url=f"https://example.org/{n}",
        outlet="Reuters",
        title=f"T{n}",
    )


def span(start: date, end: date | None = None) -> TimeSpan:
    return TimeSpan(start, end or start, DatePrecision.DAY)


def event(id: str, type: EventType = EventType.WITHDRAW, **fields: object) -> Event:
    return Event(
        id=id, type=type, status=Status.BEGAN, certainty=Certainty.REPORTED, trigger="withdrew", **fields
    )  # type: ignore[arg-type]


US = ActorRef(
    "United States Armed Forces", Role.AGENT, "American troops", id="usa-military", kind="state_force"
)
SDF = ActorRef("Syrian Democratic Forces", Role.TARGET, "the SDF", id="sdf", kind="armed_group")
HAMA = Place(
    "Ḥamāh Airbase",
    35.12,
    36.71,
    PlacePrecision.SITE,
    country="Syria",
    country_code="SY",
    admin1="Hama Governorate",
)
RMEILAN = Place("Rmeilan", 37.0, 42.0, PlacePrecision.NEAR, country="Syria", admin1="Al-Hasakah")
ERBIL = Place("Erbil", 36.19, 44.01, PlacePrecision.SITE, country="Iraq", admin1="Erbil")


@pytest.fixture
def store(new_store_url) -> Store:
    # The store's own mechanics, without cross-report merging (tests/test_merge_reports.py has that).
    with open_store(new_store_url(), merger=KeepReports()) as opened:
        yield opened


# ---------------------------------------------------------------- round-trip and idempotence


@settings(max_examples=60, deadline=None)
@given(events=event_lists)
def test_written_events_read_back_equal(new_store_url, events: list[Event]) -> None:
    with open_store(new_store_url(), merger=KeepReports()) as store:
        assert store.write(doc(1), events) is True
        assert store.event_count() == len(events)
        for written in events:
            assert store.event(written.id) == written
        assert sorted(store.events(), key=lambda e: e.id) == sorted(events, key=lambda e: e.id)


def test_documents_read_back_equal(store: Store) -> None:
    docs = [doc(2), dataclasses.replace(doc(1), url=None, outlet=None, title=None)]
    for d in docs:
        assert store.add_document(d) is True
    assert store.documents() == sorted(docs, key=lambda d: d.date)
    assert store.document("doc-2") == docs[0]
    assert store.document("missing") is None
    assert [d.text for d in store.documents(include_text=False)] == ["", ""]
    assert store.has_document("hash-1") and not store.has_document("hash-9")


def test_same_document_twice_changes_nothing(store: Store) -> None:
    assert store.write(doc(1), [event("e1")]) is True
    assert store.write(doc(1), [event("e1", fatalities=3), event("e2")]) is False
    assert store.add_document(doc(1)) is False
    assert (store.document_count(), store.event_count()) == (1, 1)
    assert store.event("e1") == event("e1")


def test_add_document_then_write_is_refused(store: Store) -> None:
    assert store.add_document(doc(1)) is True
    assert store.write(doc(1), [event("e1")]) is False
    assert store.event_count() == 0


def test_same_event_id_is_replaced_with_its_links(store: Store) -> None:
    store.write(doc(1), [event("e1", actors=(US,), place=HAMA)])
    newer = event("e1", actors=(SDF,), place=ERBIL, fatalities=2)
    store.write(doc(2), [newer])
    assert store.event_count() == 1
    assert store.event("e1") == newer
    assert store.events(actor="american") == []
    assert store.events(actor="sdf") == [newer]
    assert store.events(place="hama") == []


def test_event_documents_link_writer_and_stored_evidence_documents(store: Store) -> None:
    cites = (Evidence("doc-1", 0, 4, "text"), Evidence("never-stored", 0, 4, "x"))
    store.add_document(doc(1))
    store.write(doc(2), [event("e1", evidence=cites)])
    links = store._db.all("SELECT document_id FROM event_documents ORDER BY 1")  # type: ignore[attr-defined]
    assert [tuple(row) for row in links] == [("doc-1",), ("doc-2",)]


# ---------------------------------------------------------------- failures roll back


def test_unencodable_event_rolls_back_the_whole_write(store: Store) -> None:
    original = event("e1", place=HAMA)
    store.write(doc(1), [original])
    bad_place = dataclasses.replace(HAMA, lat=float("nan"))
    batch = [event("e2"), event("e1", fatalities=9), event("e3", place=bad_place)]
    with pytest.raises(StoreError, match="rolled back"):
        store.write(doc(2), batch)
    assert not store.has_document("hash-2")
    assert (store.document_count(), store.event_count()) == (1, 1)
    assert store.event("e1") == original
    assert store.event("e2") is None


def test_integer_too_large_for_the_database_rolls_back(store: Store) -> None:
    with pytest.raises(StoreError):
        store.write(doc(1), [event("e1"), event("e2", fatalities=2**70)])
    assert (store.document_count(), store.event_count()) == (0, 0)


def test_constraint_failure_rolls_back(store: Store) -> None:
    store.write(doc(1), [event("e1")])
    same_id_other_text = dataclasses.replace(doc(1), content_hash="other-hash")
    with pytest.raises(StoreError, match="UNIQUE|constraint"):
        store.write(same_id_other_text, [event("e2")])
    assert (store.document_count(), store.event_count()) == (1, 1)
    assert store.write(doc(2), [event("e2")]) is True  # the store is usable afterwards


def test_closed_store_raises_store_error(new_store_url) -> None:
    store = open_store(new_store_url())
    store.close()
    with pytest.raises(StoreError):
        store.event_count()


# ---------------------------------------------------------------- filters


@pytest.fixture
def filled(store: Store) -> Store:
    store.write(
        doc(1),
        [
            event("a-withdraw", actors=(US,), place=HAMA, date=span(date(2024, 1, 1), date(2024, 1, 10))),
            event("b-fight", EventType.FIGHT, actors=(US, SDF), place=RMEILAN, date=span(date(2024, 2, 1))),
            event("c-deploy", EventType.DEPLOY, actors=(SDF,), place=ERBIL, date=span(date(2023, 12, 31))),
            event("d-undated", actors=(US,), place=ERBIL),
            event("e-100%", EventType.STATEMENT, actors=(ActorRef("x_y", Role.CLAIMANT, "x_y"),)),
        ],
    )
    return store


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


def test_no_filter_orders_by_start_date_then_id_undated_last(filled: Store) -> None:
    assert ids(filled.events()) == ["c-deploy", "a-withdraw", "b-fight", "d-undated", "e-100%"]


def test_type_filter(filled: Store) -> None:
    assert ids(filled.events(type="fight")) == ["b-fight"]
    assert ids(filled.events(type=EventType.WITHDRAW)) == ["a-withdraw", "d-undated"]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("ARMED FORCES", ["a-withdraw", "b-fight", "d-undated"]),  # canonical name, any case
        ("the sdf", ["c-deploy", "b-fight"]),  # mention
        ("usa-military", ["a-withdraw", "b-fight", "d-undated"]),  # exact id
        ("usa-mil", []),  # an id must match exactly
        ("%", []),  # LIKE wildcards are literal
        ("x_y", ["e-100%"]),
        ("x%y", []),
    ],
)
def test_actor_filter(filled: Store, actor: str, expected: list[str]) -> None:
    assert ids(filled.events(actor=actor)) == expected


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("ḤAMĀH", ["a-withdraw"]),  # non-ASCII letters fold too
        ("hasakah", ["b-fight"]),  # admin1
        ("iraq", ["c-deploy", "d-undated"]),  # country
        ("syria", ["a-withdraw", "b-fight"]),
        ("nowhere", []),
    ],
)
def test_place_filter(filled: Store, place: str, expected: list[str]) -> None:
    assert ids(filled.events(place=place)) == expected


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (date(2024, 1, 10), None, ["a-withdraw", "b-fight"]),  # overlaps on its last day
        (date(2024, 1, 11), None, ["b-fight"]),
        (None, date(2024, 1, 1), ["c-deploy", "a-withdraw"]),  # overlaps on its first day
        (None, date(2023, 12, 30), []),
        (date(2024, 1, 5), date(2024, 1, 6), ["a-withdraw"]),  # inside a longer event
        (date(2023, 1, 1), date(2025, 1, 1), ["c-deploy", "a-withdraw", "b-fight"]),  # undated left out
    ],
)
def test_date_filters_select_overlapping_events(
    filled: Store, since: date | None, until: date | None, expected: list[str]
) -> None:
    assert ids(filled.events(since=since, until=until)) == expected


def test_a_date_window_finds_events_that_began_long_before_it(store: Store) -> None:
    long_ago = event("long", date=span(date(2014, 6, 1), date(2026, 2, 1)))
    recent = event("recent", date=span(date(2025, 12, 20)))
    store.write(doc(1), [long_ago, recent])
    assert ids(store.events(since=date(2026, 1, 1))) == ["long"]
    assert ids(store.events(since=date(2025, 12, 1), until=date(2025, 12, 31))) == ["long", "recent"]
    assert store.count_events(since=date(2026, 1, 1), type="withdraw") == 1


def test_filters_combine(filled: Store) -> None:
    assert ids(filled.events(actor="sdf", place="syria")) == ["b-fight"]
    assert ids(filled.events(actor="american", since=date(2024, 1, 1), type="withdraw")) == ["a-withdraw"]


def test_limit_and_offset(filled: Store) -> None:
    assert ids(filled.events(limit=2)) == ["c-deploy", "a-withdraw"]
    assert ids(filled.events(limit=2, offset=2)) == ["b-fight", "d-undated"]
    assert ids(filled.events(offset=3)) == ["d-undated", "e-100%"]
    assert filled.events(limit=0) == []
    with pytest.raises(ValueError):
        filled.events(offset=-1)


def test_unknown_event_is_none(filled: Store) -> None:
    assert filled.event("nope") is None


# ---------------------------------------------------------------- opening


def test_urls_open_sqlite(tmp_path: Path) -> None:
    for url in (str(tmp_path / "a" / "plain.db"), f"sqlite:///{tmp_path}/url.db", "sqlite:///:memory:"):
        with open_store(url) as store:
            assert isinstance(store, SqliteStore)
            store.write(doc(1), [event("e1")])
    with open_store(str(tmp_path / "a" / "plain.db")) as reopened:
        assert reopened.event_count() == 1


@pytest.mark.parametrize("url", ["postgresql://user:secret@127.0.0.1:1/db", "postgres://127.0.0.1:1/db"])
def test_unreachable_postgresql_is_a_clear_error(url: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot open the PostgreSQL database") as caught:
        open_store(url)
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("url", ["mysql://host/db", "sqlite:///", ""])
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database file, just some text" * 100)
    with pytest.raises(StoreError, match="not a database"):
        open_store(str(path))


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    with open_store(path) as first, open_store(path) as second:
        assert first.write(doc(1), [event("e1")]) is True
        assert second.write(doc(1), [event("e9")]) is False  # the other store's document counts
        assert second.write(doc(2), [event("e2")]) is True
        assert ids(first.events()) == ["e1", "e2"]


def test_a_batch_with_a_bad_value_stores_the_others_and_skips_that_one(store: Store) -> None:
    from sitroom.jobs import ingest

    bad = event("e2", place=dataclasses.replace(HAMA, lat=float("nan")))
    results = [(doc(1), [event("e1")]), (doc(2), [bad]), (doc(3), [event("e3")])]
    report = ingest([d for d, _ in results], store, None, process=lambda _docs: iter(results))
    assert (report.added, store.document_count()) == (2, 2)
    assert [s.origin for s in report.skipped] == [doc(2).origin]
    assert "not stored" in report.skipped[0].reason
    assert store.event("e1") is not None and store.event("e3") is not None


def test_write_many_is_one_transaction(store: Store) -> None:
    bad = event("e2", place=dataclasses.replace(HAMA, lat=float("nan")))
    with pytest.raises(StoreError, match="rolled back"):
        store.write_many([(doc(1), [event("e1")]), (doc(2), [bad])])
    assert (store.document_count(), store.event_count()) == (0, 0)
    assert store.write_many([(doc(1), [event("e1")]), (doc(1), [event("e1")])]) == [True, False]


def test_in_lists_take_a_few_query_shapes_and_select_what_the_plain_list_does():
    from sitroom.store.db import in_list

    with open_store(":memory:") as store:
        ids = [f"doc-{i:04d}" for i in range(520)]
        for id_ in ids:
            store.add_document(Document(id_, f"text {id_}", date(2026, 3, 1), f"hash-{id_}"))
        shapes = set()
        for n in (*range(1, 70), 127, 128, 129, 300, 500, 511, 512):
            marks, params = in_list(ids[:n])
            shapes.add(marks)
            rows = store._db.all(f"SELECT id FROM documents WHERE id IN ({marks})", params)
            assert sorted(row[0] for row in rows) == ids[:n]
        assert len(shapes) == 10  # 1, 2, 4, ... 512 placeholders
