"""Places and actors counted by the database as the decoded events counted them; pages of them and of
the changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient
from support.builders import actor, day, event, place
from support.serving import synthetic_batches, write_synthetic

from sitroom.api.app import create_app
from sitroom.api.state import ApiConfig
from sitroom.codec import to_dict
from sitroom.records import ActorRef, Document, EventType, Role, Status
from sitroom.store import open_store


def _places_by_decoding(events) -> list[dict]:
    counts, first = Counter(), {}
    for found in events:
        if found.place is None:
            continue
        key = found.place.gazetteer_id or found.place.name
        counts[key] += 1
        p = found.place
        described = {"name": p.name, "gazetteer_id": p.gazetteer_id, "country": p.country, "admin1": p.admin1}
        first.setdefault(key, described | {"lat": p.lat, "lon": p.lon, "precision": int(p.precision)})
    ranked = sorted(counts, key=lambda k: (-counts[k], first[k]["name"], k))
    return [first[k] | {"events": counts[k]} for k in ranked]


def _actors_by_decoding(events) -> list[dict]:
    counts, names = Counter(), {}
    for found in events:
        counts.update({a.id or a.name for a in found.actors})
        for a in found.actors:
            names.setdefault(a.id or a.name, (a.name, a.id))
    ranked = sorted(counts, key=lambda k: (-counts[k], names[k][0], k))
    return [{"name": names[k][0], "id": names[k][1], "events": counts[k]} for k in ranked]


def _odd_events():
    """Undated events, places without gazetteer ids, actors without ids, one actor twice in an event."""
    nameless = ActorRef(name="Gunmen", role=Role.AGENT, mention="gunmen")
    homs = replace(place("Homs"), gazetteer_id=None)
    return [
        event("e1", EventType.ASSAULT, Status.COMPLETED, homs, None, [nameless, nameless]),
        event("e2", EventType.ASSAULT, Status.COMPLETED, homs, day("2026-01-02"), [actor("Army")]),
        event(
            "e3", EventType.DEPLOY, Status.BEGAN, place("Tal"), day("2026-01-01"), [actor("Army"), nameless]
        ),
        event("e4", EventType.DEPLOY, Status.BEGAN, None, day("2026-01-03"), [actor("Navy")]),
    ]


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "pages.db")) as opened:
        write_synthetic(opened, synthetic_batches(200))
        opened.write(Document("odd", "text", day("2026-01-01").start, "hash-odd"), _odd_events())
        yield opened


def test_places_counted_by_the_database_are_those_the_decoded_events_gave(store):
    assert store.place_counts() == _places_by_decoding(store.events())


def test_actors_counted_by_the_database_are_those_the_decoded_events_gave(store):
    assert store.actor_counts() == _actors_by_decoding(store.events())


def test_kept_counts_follow_writes_that_move_and_merge_events_again(new_store_url):
    """A report rewritten to another place, events merged again and a store counted before the tables
    existed: the kept counts are always what counting the decoded events gives."""
    with open_store(new_store_url()) as store:
        write_synthetic(store, synthetic_batches(120))
        store.write(Document("odd", "text", day("2026-01-01").start, "hash-odd"), _odd_events())
        moved = replace(_odd_events()[1], place=place("Tal"), actors=(actor("Navy"),))
        store.write(Document("odd-2", "again", day("2026-01-02").start, "hash-odd-2"), [moved])
        _assert_counted(store)
        store.remerge_all()
        _assert_counted(store)
        with store._db.transaction():
            store._db.run("DELETE FROM place_counts")
            store._db.run("DELETE FROM actor_counts")
        store.remerge_all()
        _assert_counted(store)


def _assert_counted(store) -> None:
    assert store.place_counts() == _places_by_decoding(store.events())
    assert store.actor_counts() == _actors_by_decoding(store.events())
    assert (
        store.count_places() == len(store.place_counts())
        and store.place_counts(2, 1) == store.place_counts()[1:3]
    )
    assert (
        store.count_actors() == len(store.actor_counts())
        and store.actor_counts(2, 1) == store.actor_counts()[1:3]
    )


def test_a_store_with_events_counts_them_when_it_migrates(tmp_path):
    path = str(tmp_path / "before.db")
    with open_store(path) as store:
        write_synthetic(store, synthetic_batches(60))
        with store._db.transaction():
            for statement in (
                "DROP TABLE place_counts",
                "DROP TABLE actor_counts",
                "DROP INDEX event_actors_key",
            ):
                store._db.run(statement)
            store._db.run("DELETE FROM schema_migrations WHERE version = 13")
    with open_store(path) as store:
        assert store.place_counts() and store.actor_counts()
        _assert_counted(store)


@pytest.fixture
def client(base_settings, store):
    return TestClient(create_app(ApiConfig(replace(base_settings, db=store.path))))


@pytest.mark.parametrize("path", ["/api/places", "/api/actors"])
def test_places_and_actors_come_in_pages_with_their_total(client, path):
    whole = client.get(path, params={"limit": 5000})
    total = int(whole.headers["X-Total-Count"])
    assert total == len(whole.json()) > 4
    page = client.get(path, params={"limit": 3, "offset": 2})
    assert page.json() == whole.json()[2:5] and page.headers["X-Total-Count"] == str(total)
    assert client.get(path, params={"offset": total}).json() == []


def test_changes_come_in_pages_with_their_total(client):
    whole = client.get("/api/changes", params={"since": "2026-01-01"}).json()
    assert whole["total"] == len(whole["changes"]) > 3
    page = client.get("/api/changes", params={"since": "2026-01-01", "limit": 2, "offset": 1}).json()
    assert page["changes"] == whole["changes"][1:3] and page["total"] == whole["total"]


def test_a_page_of_another_origin_may_read_the_total_and_the_tags(base_settings, store):
    config = ApiConfig(replace(base_settings, db=store.path), cors_origins=("https://desk.example",))
    client = TestClient(create_app(config))
    response = client.get("/api/places", headers={"Origin": "https://desk.example"})
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-request-id", "x-total-count"} <= exposed


def test_the_situation_and_changes_read_as_the_codec_writes_them(client, store):
    """Encoded in one pass (orjson), they are the JSON `to_dict` gives of the store's records."""
    when = "2026-07-01"
    situation = client.get("/api/situation", params={"as_of": when}).json()
    assert situation["entries"] == to_dict(store.situation_as_of(date.fromisoformat(when))) != []
    changes = client.get("/api/changes", params={"since": "2026-06-01", "limit": 50}).json()
    assert changes["changes"] == to_dict(store.changes(date(2026, 6, 1), limit=50)) != []


def test_a_bulk_load_stores_what_writing_one_batch_at_a_time_stores(new_store_url):
    """Into an empty store and into one that holds reports already, a later report of an id replacing
    an earlier one: the events, the situation, the changes and the counts are those of `write_many`."""
    batches = synthetic_batches(160)
    items = [item for batch in batches for item in batch]
    rewritten = replace(items[3][1][0], place=place("Tal"))
    extra = (Document("again", "text", day("2026-01-05").start, "hash-again"), [rewritten])
    with open_store(new_store_url()) as written, open_store(new_store_url()) as loaded:
        write_synthetic(written, [*batches, [extra]])
        loaded.write_many(items[:40])
        loaded.load([*items[40:], extra])
        assert _stored(loaded) == _stored(written)


def _stored(store) -> tuple:
    day_ = date(2026, 7, 1)
    return (
        store.events(),
        store.situation_as_of(day_),
        store.changes(date(2026, 1, 1)),
        store.place_counts(),
        store.actor_counts(),
    )
