"""The SQLite backend: a file (or in-memory) database, WAL mode, foreign keys on."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sitroom.errors import StoreError
from sitroom.store.base import SqlStore
from sitroom.store.db import Db, Dialect
from sitroom.store.migrations import migrate
from sitroom.store.remerge import Merger

# How long a writer waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000

SQLITE = Dialect(
    name="sqlite",
    paramstyle="qmark",
    # Dates and timestamps are ISO-8601 text: it sorts and compares correctly as text.
    types={"text": "TEXT", "int": "INTEGER", "float": "REAL", "date": "TEXT", "timestamp": "TEXT"},
    # IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading a read lock.
    begin_write="BEGIN IMMEDIATE",
    lower="sitroom_lower",
)


def _lower(value: str | None) -> str | None:
    # SQLite's own lower() only folds ASCII; this matches Python's, for "Ḥamāh" as for "Homs".
    return value.lower() if isinstance(value, str) else value


def connect(path: str) -> sqlite3.Connection:
    """An autocommit connection (transactions are explicit) with the pragmas the store relies on."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _use_wal(conn)
        conn.create_function("sitroom_lower", 1, _lower, deterministic=True)
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL (in-memory databases answer "memory"; that is fine). The switch needs a moment of
    exclusive access and SQLite does not wait for it, so two processes creating one file retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class SqliteStore(SqlStore):
    """The store in a SQLite file; `path` may be ":memory:". Pending migrations run on open."""

    def __init__(self, path: str | Path, merger: Merger | None = None) -> None:
        self.path = str(path)
        try:
            conn = connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the SQLite database {self.path!r}: {exc}") from exc
        db = Db(conn, SQLITE, (sqlite3.Error,))
        try:
            migrate(db)
        except StoreError:
            conn.close()
            raise
        super().__init__(db, merger)
