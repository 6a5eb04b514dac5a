"""Where documents and events are kept: the `Store` contract and `open_store`.

Backends share their SQL and migrations (`sitroom.store.base`, `sitroom.store.migrations`); only
SQLite is installed so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from sitroom.errors import StoreError
from sitroom.records import Document, Event
from sitroom.store.sqlite import SqliteStore

__all__ = ["Store", "SqliteStore", "open_store"]


class Store(Protocol):
    """What the stages, the situation and the CLI may ask of a store. Every failure is a StoreError."""

    def has_document(self, content_hash: str) -> bool: ...

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False (and nothing changes) when its content hash is already stored."""
        ...

    def write(self, doc: Document, events: Sequence[Event]) -> bool:
        """In one transaction, add `doc` and upsert `events` (same id replaces the earlier row).

        False, writing nothing, when the content hash is already stored; a failure rolls back.
        """
        ...

    def documents(self, include_text: bool = True) -> list[Document]: ...

    def document(self, id: str) -> Document | None: ...

    def document_count(self) -> int: ...

    def event_count(self) -> int: ...

    def event(self, id: str) -> Event | None: ...

    def events(
        self,
        type: str | None = None,
        actor: str | None = None,
        place: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Event]:
        """Events matching every given filter, by start date (undated last) then id.

        `actor`: case-insensitive substring of an actor's canonical name or mention, or an exact
        actor id. `place`: case-insensitive substring of the place name, admin1 or country.
        `since`/`until`: the event's dates overlap [since, until]; undated events are left out.
        """
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


_SQLITE_PREFIX = "sqlite:///"


def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store at `url`.

    `url`: a file path, `sqlite:///relative/path`, `sqlite:////absolute/path`, or `:memory:`.
    """
    if url.startswith(("postgresql://", "postgres://")):
        raise StoreError("the PostgreSQL backend is not installed yet; use a SQLite path for now")
    if url.startswith(_SQLITE_PREFIX):
        path = url[len(_SQLITE_PREFIX) :]
    elif "://" in url:
        raise StoreError(f"unsupported database URL {url!r}: use a file path, sqlite:///path or :memory:")
    else:
        path = url
    if not path:
        raise StoreError(f"no database path in {url!r}")
    return SqliteStore(path)
