"""What only the PostgreSQL backend needs checking: its ledger, transactional DDL, collation, NUL text.

The store's behaviour itself is tested on both backends by tests/test_store.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner

from sitroom.cli import main
from sitroom.errors import StoreError
from sitroom.records import Document
from sitroom.store import open_store
from sitroom.store.db import Db
from sitroom.store.migrations import MIGRATIONS, Migration, migrate
from sitroom.store.postgres import POSTGRES, PostgresStore, connect, escape_text, unescape_text

psycopg = pytest.importorskip("psycopg")


@pytest.fixture
def url(postgres_schemas) -> str:
    return postgres_schemas.fresh_url()


def raw_db(url: str) -> Db:
    return Db(connect(url), POSTGRES, (psycopg.Error,))


def test_new_database_records_every_migration(url: str) -> None:
    open_store(url).close()
    db = raw_db(url)
    rows = db.all("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    tables = {r[0] for r in db.all("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    db.close()
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in MIGRATIONS]
    assert isinstance(rows[0][2], datetime)
    assert {"documents", "events", "event_actors", "event_documents", "schema_migrations"} <= tables


def test_reopening_keeps_data_and_applies_nothing_again(url: str) -> None:
    document = Document("d1", "text", date(2024, 3, 1), "h1")
    with open_store(url) as store:
        assert isinstance(store, PostgresStore)
        store.add_document(document)
    with open_store(url) as store:
        assert store.document("d1") == document
        assert migrate(store._db) == []


def test_failing_migration_leaves_schema_unchanged(url: str) -> None:
    open_store(url).close()
    broken = MIGRATIONS + (
        Migration(len(MIGRATIONS) + 1, "half done", ("CREATE TABLE half (n {int})", "NOT SQL AT ALL")),
    )
    db = raw_db(url)
    with pytest.raises(StoreError):
        migrate(db, broken)
    assert db.one("SELECT to_regclass('half')")[0] is None  # PostgreSQL rolls DDL back too
    assert db.one("SELECT COUNT(*) FROM schema_migrations")[0] == len(MIGRATIONS)
    db.close()


def test_two_stores_on_one_database_see_each_others_writes(url: str) -> None:
    with open_store(url) as first, open_store(url) as second:
        assert first.add_document(Document("d1", "a", date(2024, 1, 1), "h1")) is True
        assert second.add_document(Document("d1", "a", date(2024, 1, 1), "h1")) is False
        assert second.document_count() == 1


def test_ids_sort_byte_by_byte_as_in_sqlite(url: str, tmp_path) -> None:
    names = ["b", "B", "a-b", "ab", "a_b", "Ä", "é"]
    orders = []
    for target in (url, str(tmp_path / "s.db")):
        with open_store(target) as store:
            for n, name in enumerate(names):
                store.add_document(Document(name, "t", date(2024, 1, 1), f"h{n}"))
            orders.append([d.id for d in store.documents(include_text=False)])
    assert orders[0] == orders[1] == sorted(names)


@pytest.mark.parametrize("text", ["a\x00b", "\ue000", "\ue0000", "\x00\ue000\x00", "plain"])
def test_text_with_nul_round_trips(url: str, text: str) -> None:
    assert unescape_text(escape_text(text)) == text
    with open_store(url) as store:
        store.add_document(Document(text, text, date(2024, 1, 1), text))
        assert store.document(text) == Document(text, text, date(2024, 1, 1), text)
        assert store.has_document(text)


def test_cli_uses_a_postgresql_url(url: str) -> None:
    result = CliRunner().invoke(main, ["--db", url, "events"])
    assert result.exit_code == 0, result.output
    assert "0 events" in result.output
    with open_store(url) as store:
        assert store.event_count() == 0
