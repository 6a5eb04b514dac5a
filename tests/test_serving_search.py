"""Text search through the index finds what the scan found; a store from before the index gets one."""

from __future__ import annotations

import pytest
from support.serving import synthetic_batches, write_synthetic

from sitroom.store import SqlStore, changes_table, counts, open_store
from sitroom.store.db import Db
from sitroom.store.migrations import MIGRATIONS, migrate
from sitroom.store.query import evidence_says
from sitroom.store.sqlite import SQLITE, connect

WORDS = ("shelling", "SHELLING", "car bomb", "Place 1", "group 4", "ambush in", "outlet 3", "ca", "zzz", '"x')
WORDS += ("a\nb",)  # across two lines of SQLite's index: two sentences, never one


def _scanned(store, text: str) -> list[str]:
    return [e.id for e in store.events() if evidence_says(e, text)]


@pytest.fixture
def store(new_store_url):
    with open_store(new_store_url()) as opened:
        write_synthetic(opened, synthetic_batches(150))
        yield opened


@pytest.mark.parametrize("text", WORDS)
def test_indexed_search_finds_what_the_scan_found(store, text):
    found = [e.id for e in store.events(text=text)]
    assert found == _scanned(store, text)
    assert store.count_events(text=text) == len(found)
    total, page = store.counted_events(text=text, limit=3, offset=1)
    assert (total, [e.id for e in page]) == (len(found), found[1:4])


def test_the_index_reads_only_the_matching_events(store):
    if store._db.dialect.name != "sqlite":
        pytest.skip("SQLite's FTS5 index")
    plan = store._db.all(
        "EXPLAIN QUERY PLAN SELECT id FROM events WHERE events.rowid IN"
        " (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)",
        ('"shelling"',),
    )
    assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan)


def test_the_index_follows_rewrites_and_removals(store):
    before = store.count_events(text="shelling")
    write_synthetic(store, synthetic_batches(60, seed=3))
    assert [e.id for e in store.events(text="shelling")] == _scanned(store, "shelling")
    store.remerge_all()
    assert [e.id for e in store.events(text="shelling")] == _scanned(store, "shelling")
    assert store.count_events(text="shelling") >= before


def test_a_store_from_before_the_index_is_indexed_when_opened(tmp_path):
    path = str(tmp_path / "old.db")
    db = Db(connect(path), SQLITE, ())
    migrate(db, MIGRATIONS[:9])
    with SqlStore(db) as older:  # as the sitroom that made it: no write counter, no index
        db.counts_writes = False
        # Today's write path also fills the tables of later migrations: there for the write, gone after.
        later = (*changes_table.CREATE, *counts.CREATE, "ALTER TABLE events ADD COLUMN evidence TEXT")
        for statement in later:
            db.run(db.dialect.ddl(statement))
        write_synthetic(older, synthetic_batches(30))
        for table in ("situation_changes", "place_counts", "actor_counts"):
            db.run(f"DROP TABLE {table}")
        db.run("DROP INDEX event_actors_key")
        db.run("ALTER TABLE events DROP COLUMN evidence")
    with open_store(path) as store:
        assert store.schema_version() == len(MIGRATIONS) and store.write_count() == 0
        assert [e.id for e in store.events(text="in place")] == _scanned(store, "in place")
        assert store.count_events(text="in place") > 0
        write_synthetic(store, synthetic_batches(30, seed=5))
        assert store.write_count() == 2


def test_a_store_from_before_the_evidence_column_gets_it_filled_when_opened(store_url):
    with open_store(store_url) as store:
        write_synthetic(store, synthetic_batches(60))
        with store._db.transaction():
            store._db.run("ALTER TABLE events DROP COLUMN evidence")
            store._db.run("DELETE FROM schema_migrations WHERE version = 14")
    with open_store(store_url) as store:
        assert store._db.one("SELECT COUNT(*) FROM events WHERE evidence IS NULL")[0] == 0
        for text in ("shelling", "Place 1", "ca"):
            assert [e.id for e in store.events(text=text)] == _scanned(store, text)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A store that can be opened again (a file, or a PostgreSQL schema)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_schemas").fresh_url()
