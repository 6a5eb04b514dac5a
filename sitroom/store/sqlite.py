"""The SQLite backend: a file (or in-memory) database, WAL mode, foreign keys on.

In WAL mode readers never wait for the writer, nor it for them: a reader sees the last commit before its
query began. SQLite's automatic checkpoints are passive (they copy what no reader still needs and never
wait), so they never block a reader either. Servers read through read-only connections of their own
(`SqliteStore(path, read_only=True)`), which skip migrations and may move between threads.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from sitroom.errors import StoreError
from sitroom.store.base import SqlStore
from sitroom.store.db import Db, Dialect
from sitroom.store.migrations import migrate
from sitroom.store.remerge import Merger

# How long a writer waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000
# A reader waits for a lock only in rare moments (a crashed writer's journal being recovered); past this
# the request is answered "try again" rather than held.
READER_BUSY_TIMEOUT_MS = 5_000

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


def connect_reader(path: str) -> sqlite3.Connection:
    """A read-only connection to an existing file, usable from any thread (one at a time)."""
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    conn = sqlite3.connect(
        uri, uri=True, timeout=READER_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {READER_BUSY_TIMEOUT_MS}")
        conn.create_function("sitroom_lower", 1, _lower, deterministic=True)
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def is_busy(exc: Exception) -> bool:
    """A lock held past the wait: the same request may well succeed a moment later."""
    message = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message)


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
    """The store in a SQLite file; `path` may be ":memory:". Pending migrations run on open, unless
    `read_only` (an existing file, opened for reading only: a server's readers)."""

    def __init__(self, path: str | Path, merger: Merger | None = None, read_only: bool = False) -> None:
        self.path = str(path)
        read_only = read_only and self.path != ":memory:"  # an in-memory database has one connection
        try:
            conn = connect_reader(self.path) if read_only else connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the SQLite database {self.path!r}: {exc}") from exc
        db = Db(conn, SQLITE, (sqlite3.Error,), busy=is_busy)
        if not read_only:
            try:
                migrate(db)
            except StoreError:
                conn.close()
                raise
        super().__init__(db, merger)
