"""Where documents and events are kept: `open_store`, the `Store` it returns and the `EventQuery` that
lists events.

Backends share their SQL and migrations (`sitroom.store.base`, `sitroom.store.migrations`): SQLite
(`sitroom.store.sqlite`) and PostgreSQL (`sitroom.store.postgres`, loaded only for a postgresql:// URL).
"""

from __future__ import annotations

from sitroom.errors import StoreError
from sitroom.store.base import SqlStore
from sitroom.store.query import EventQuery
from sitroom.store.remerge import Merger
from sitroom.store.sqlite import SqliteStore

__all__ = ["EventQuery", "Merger", "Store", "SqliteStore", "open_reader", "open_store", "sqlite_path"]


# The one store, on either backend: SqliteStore and PostgresStore only open its connection.
Store = SqlStore


_SQLITE_PREFIX = "sqlite:///"


def open_store(url: str, merger: Merger | None = None) -> Store:
    """Open (creating and migrating as needed) the store at `url`.

    `url`: a file path, `sqlite:///relative/path`, `sqlite:////absolute/path`, `:memory:`, or
    `postgresql://user@host/dbname` (any libpq URL, e.g. `postgresql:///dbname?host=/run/postgresql`).
    """
    return _open(url, merger, read_only=False)


def open_reader(url: str) -> Store:
    """The existing store at `url`, for reading only: no migrations run, and a SQLite connection may
    move between threads (one at a time), so a server can keep a few and lend them to requests."""
    return _open(url, None, read_only=True)


def _open(url: str, merger: Merger | None, read_only: bool) -> Store:
    if url.startswith(("postgresql://", "postgres://")):
        from sitroom.store.postgres import PostgresStore

        return PostgresStore(url, merger, read_only=read_only)
    path = sqlite_path(url)
    if path is None:
        raise StoreError(
            f"unsupported database URL {url!r}: use a file path, sqlite:///path, :memory: or postgresql://..."
        )
    if not path:
        raise StoreError(f"no database path in {url!r}")
    return SqliteStore(path, merger, read_only=read_only)


def sqlite_path(url: str) -> str | None:
    """The SQLite file (or ":memory:") a store URL names; None for any other kind of URL."""
    if url.startswith(_SQLITE_PREFIX):
        return url[len(_SQLITE_PREFIX) :]
    return None if "://" in url else url
