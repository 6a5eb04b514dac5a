"""Serving many readers: reads while an ingest writes, busy answers, and the reader pool."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support.serving import synthetic_batches, write_synthetic

from sitroom.api.app import create_app
from sitroom.api.state import ApiConfig
from sitroom.errors import StoreBusy
from sitroom.store import open_reader, open_store
from sitroom.store.pool import ReaderPool

READS = (
    "/api/events",
    "/api/events?type=assault&since=2026-03-01",
    "/api/events?q=shelling",
    "/api/situation?as_of=2026-06-01",
    "/api/changes?since=2026-03-01",
    "/api/places",
    "/api/actors",
)


@pytest.fixture
def db_url(tmp_path):
    url = str(tmp_path / "serving.db")
    with open_store(url) as store:
        write_synthetic(store, synthetic_batches(120))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path):
    """A store of synthetic events on each backend (PostgreSQL skips without a server)."""
    if request.param == "sqlite":
        url = str(tmp_path / "serving.db")
    else:
        url = request.getfixturevalue("postgres_schemas").fresh_url()
    with open_store(url) as store:
        write_synthetic(store, synthetic_batches(120))
    return url


@pytest.fixture
def make_app(base_settings, db_url):
    def make(**config):
        return create_app(ApiConfig(replace(base_settings, db=db_url), **config))

    return make


def test_reads_in_threads_while_an_ingest_writes_never_fail(base_settings, any_db_url):
    db_url = any_db_url
    app = create_app(ApiConfig(replace(base_settings, db=db_url)))
    writing = threading.Event()
    statuses: list[int] = []
    written: list[int] = []

    def ingest() -> None:
        try:
            with open_store(db_url) as store:
                for batch in synthetic_batches(600, seed=11, batch=5):
                    store.write_many(batch)
                    written.append(len(batch))
        finally:
            writing.set()

    def read() -> None:
        client = TestClient(app)
        while not writing.is_set():
            statuses.extend(client.get(path).status_code for path in READS)

    writer = threading.Thread(target=ingest)
    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in (writer, *readers):
        thread.start()
    for thread in (writer, *readers):
        thread.join()
    assert sum(written) == 600
    assert statuses and set(statuses) == {200}


class _Locked:
    """A connection whose every statement meets a writer's lock held past the wait."""

    def execute(self, sql, params=()):
        raise sqlite3.OperationalError("database is locked")

    def close(self) -> None:
        pass


def _locked_reader(url: str):
    store = open_reader(url)
    store._db.conn = _Locked()
    return store


def test_a_read_that_meets_a_lock_is_answered_503_with_retry_after(make_app, db_url):
    app = make_app()
    app.state.readers = ReaderPool(db_url, opener=_locked_reader)
    response = TestClient(app).get("/api/events")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"]["status"] == 503


def test_a_read_that_finds_every_reader_lent_is_told_to_retry(db_url):
    pool = ReaderPool(db_url, size=1, wait_s=0.05)
    with pool.reading():
        with pytest.raises(StoreBusy):
            with pool.reading():
                pass
    with pool.reading() as store:  # given back: lent again
        assert store.event_count() > 0
    pool.close()


def test_a_reader_whose_read_failed_is_not_lent_again(db_url):
    pool = ReaderPool(db_url, size=1, wait_s=0.05, opener=_locked_reader)
    with pytest.raises(StoreBusy):
        with pool.reading() as store:
            store.event_count()
    with pytest.raises(StoreBusy):  # a fresh store (still locked here), not a wait for the broken one
        with pool.reading() as store:
            store.event_count()


def test_readers_cannot_write(db_url):
    with open_reader(db_url) as store:
        with pytest.raises(Exception, match="readonly|read-only"):
            store.add_token("someone", "hash")


def test_an_unchanged_store_answers_a_poll_with_304(make_app, db_url):
    client = TestClient(make_app())
    first = client.get("/api/events", params={"limit": 5})
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = client.get("/api/events", params={"limit": 5}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    other = client.get("/api/events", params={"limit": 6}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    with open_store(db_url) as store:
        write_synthetic(store, synthetic_batches(20, seed=9))
    changed = client.get("/api/events", params={"limit": 5}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["total"] > first.json()["total"]


def test_a_kept_answer_is_the_answer(make_app):
    client = TestClient(make_app())
    for path in READS:
        computed, kept = client.get(path), client.get(path)
        assert kept.status_code == 200 and kept.content == computed.content
        assert kept.headers["ETag"] == computed.headers["ETag"]
        assert kept.headers["X-Content-Type-Options"] == "nosniff"
        assert kept.headers["X-Request-ID"] != computed.headers["X-Request-ID"]


def test_errors_are_neither_kept_nor_tagged(make_app):
    client = TestClient(make_app())
    for _ in range(2):
        missing = client.get("/api/events/no-such-event")
        assert missing.status_code == 404 and "ETag" not in missing.headers


def test_an_answer_for_a_token_is_neither_kept_nor_given_to_another(make_app, db_url):
    from sitroom.api.auth import create_token

    with open_store(db_url) as store:
        alice, bob = create_token(store, "alice"), create_token(store, "bob")
    client = TestClient(make_app())
    for token, name in ((alice, "alice"), (bob, "bob"), (alice, "alice")):
        response = client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.json() == {"name": name} and "ETag" not in response.headers
    assert client.get("/api/whoami").status_code == 401


def test_readers_sharing_decoded_events_see_every_write(db_url):
    pool = ReaderPool(db_url, size=2)
    with pool.reading() as reader:
        before = reader.events()
    with open_store(db_url) as store:
        write_synthetic(store, synthetic_batches(80, seed=4))
        store.remerge_all()
        expected = store.events()
    with pool.reading() as reader:
        after = reader.events()
    assert after == expected and len(after) > len(before)
    pool.close()
