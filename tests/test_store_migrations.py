"""Schema migrations, the migration ledger, SQLite settings and the dialect hook."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from sitroom.errors import StoreError
from sitroom.records import Document
from sitroom.store import open_store
from sitroom.store.db import Db, Dialect
from sitroom.store.migrations import MIGRATIONS, Migration, latest_version, migrate
from sitroom.store.sqlite import SQLITE, connect


def ledger(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as conn:
        query = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        return conn.execute(query).fetchall()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS)


def test_new_database_records_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    rows = ledger(path)
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in MIGRATIONS]
    datetime.fromisoformat(rows[0][2])  # applied_at is an ISO timestamp
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"documents", "events", "event_actors", "event_documents", "schema_migrations"} <= tables
    assert {
        "events_type",
        "events_dates",
        "events_place_name",
        "events_admin1",
        "events_country",
        "events_coordinates",
        "event_actors_name",
        "event_actors_actor_id",
    } <= indexes


def test_reopening_keeps_data_and_applies_nothing_again(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    document = Document("d1", "text", date(2024, 3, 1), "h1")
    with open_store(str(path)) as store:
        store.add_document(document)
    before = ledger(path)
    with open_store(str(path)) as store:
        assert store.document("d1") == document
    assert ledger(path) == before


def test_pending_migration_is_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    extra = MIGRATIONS + (Migration(len(MIGRATIONS) + 1, "add notes", ("CREATE TABLE notes (n {int})",)),)
    db = Db(connect(str(path)), SQLITE, (sqlite3.Error,))
    assert [m.name for m in migrate(db, extra)] == ["add notes"]
    assert migrate(db, extra) == []
    db.close()
    assert ledger(path)[-1][:2] == (len(extra), "add notes")


def test_failing_migration_leaves_schema_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    broken = MIGRATIONS + (
        Migration(len(MIGRATIONS) + 1, "half done", ("CREATE TABLE half (n {int})", "NOT SQL AT ALL")),
    )
    db = Db(connect(str(path)), SQLITE, (sqlite3.Error,))
    with pytest.raises(StoreError):
        migrate(db, broken)
    assert db.one("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'")[0] == 0
    db.close()
    assert len(ledger(path)) == len(MIGRATIONS)


def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from the future', '2099-01-01T00:00:00')",
            (latest_version() + 1,),
        )
    with pytest.raises(StoreError, match="newer than this sitroom supports"):
        open_store(str(path))


def test_database_with_another_history_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_migrations SET name = 'something else' WHERE version = 1")
    with pytest.raises(StoreError, match="not made by this sitroom"):
        open_store(str(path))


def test_misnumbered_migrations_are_refused() -> None:
    db = Db(connect(":memory:"), SQLITE, (sqlite3.Error,))
    with pytest.raises(StoreError, match="numbered"):
        migrate(db, (Migration(2, "skips one", ()),))


def test_sqlite_settings(tmp_path: Path) -> None:
    conn = connect(str(tmp_path / "s.db"))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    conn.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.db")) as store:
        with pytest.raises(StoreError, match="FOREIGN KEY"):
            store._db.run("INSERT INTO event_documents (event_id, document_id) VALUES ('none', 'none')")


def test_format_dialect_translates_placeholders_and_percent_signs() -> None:
    postgres_like = Dialect("pg", "format", {"text": "TEXT", "float": "DOUBLE PRECISION"}, "BEGIN", "LOWER")
    assert postgres_like.sql("SELECT 1 WHERE a LIKE ? AND b = '5%' AND c = ?") == (
        "SELECT 1 WHERE a LIKE %s AND b = '5%%' AND c = %s"
    )
    assert postgres_like.ddl("CREATE TABLE t (a {text}, b {float})") == (
        "CREATE TABLE t (a TEXT, b DOUBLE PRECISION)"
    )
    assert SQLITE.sql("a = ?") == "a = ?"
