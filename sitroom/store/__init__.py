"""Where documents and events are kept: the `Store` contract and `open_store`.

Backends share their SQL and migrations (`sitroom.store.base`, `sitroom.store.migrations`): SQLite
(`sitroom.store.sqlite`) and PostgreSQL (`sitroom.store.postgres`, loaded only for a postgresql:// URL).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from sitroom.errors import StoreError
from sitroom.records import Document, Event, Review, SituationEntry
from sitroom.store.base import Merger
from sitroom.store.sqlite import SqliteStore

__all__ = ["Merger", "Store", "SqliteStore", "open_store", "sqlite_path"]


class Store(Protocol):
    """What the stages, the situation and the CLI may ask of a store. Every failure is a StoreError."""

    def has_document(self, content_hash: str) -> bool: ...

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False (and nothing changes) when its content hash is already stored."""
        ...

    def write(self, doc: Document, events: Sequence[Event]) -> bool:
        """In one transaction, add `doc`, store `events` as its reports (same id replaces the earlier
        report) and re-merge the events those reports belong to.

        False, writing nothing, when the content hash is already stored; a failure rolls back.
        """
        ...

    def write_many(self, items: Sequence[tuple[Document, Sequence[Event]]]) -> list[bool]:
        """`write` for each (document, events) pair, all in one transaction and one re-merge; whether
        each document was new. A failure rolls back the whole batch."""
        ...

    def reports(self, event_id: str | None = None, known_at: date | None = None) -> list[Event]:
        """Each document's own account of events (all, one event's, or those dated by `known_at`)."""
        ...

    def find_event(self, id: str) -> Event | None:
        """The event with this id, or the event that now holds the report with this id."""
        ...

    def events_holding(self, report_ids: Sequence[str]) -> list[Event]:
        """The merged events that hold any of these reports."""
        ...

    def events_known_at(self, known_at: date) -> list[Event]:
        """The merged events as they stood when only the reports dated by `known_at` had come in."""
        ...

    def add_review(self, review: Review) -> None:
        """Record a reviewer's decision; the events it touches are merged again at once."""
        ...

    def reviews(self, event_id: str | None = None) -> list[Review]: ...

    def remerge_all(self) -> int: ...

    def situation_as_of(self, as_of: date) -> list[SituationEntry]:
        """The situation as of a day, from a table kept up to date by every write: equal to
        `sitroom.situation.situation_as_of(self.events(), as_of)`, at the cost of an indexed query."""
        ...

    def rebuild_situation(self) -> None:
        """Make the situation table anew from the stored events (needed only after writing events past
        `write`, as the benchmark's bulk loader does)."""
        ...

    def add_token(self, name: str, token_hash: str) -> None: ...

    def token_name(self, token_hash: str) -> str | None: ...

    def token_names(self) -> list[str]: ...

    def delete_token(self, name: str) -> bool: ...

    def documents(self, include_text: bool = True) -> list[Document]: ...

    def document(self, id: str) -> Document | None: ...

    def document_count(self) -> int: ...

    def event_count(self) -> int: ...

    def event(self, id: str) -> Event | None: ...

    def known_names(self, kind: str) -> list[str]:
        """The actor ("actor") or place ("place") names that the `events` filters can match."""
        ...

    def events(
        self,
        type: str | None = None,
        actor: str | None = None,
        place: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
        offset: int = 0,
        bbox: tuple[float, float, float, float] | None = None,
        min_sources: int | None = None,
        text: str | None = None,
        rejected: bool | None = None,
    ) -> list[Event]:
        """Events matching every given filter, by start date (undated last) then id.

        `actor`: case-insensitive substring of an actor's canonical name or mention, or an exact
        actor id (then only that actor's events, found through an index).
        `place`: case-insensitive substring of the place name, admin1 or country.
        `since`/`until`: the event's dates overlap [since, until]; undated events are left out.
        `bbox`: (min lon, min lat, max lon, max lat) holds the event's point (min lon > max lon: the box
        crosses the antimeridian). `min_sources`: at least this many independent origins.
        `text`: case-insensitive substring of an evidence sentence. `rejected`: None keeps every event,
        False leaves out those a reviewer rejected, True keeps only those.
        """
        ...

    def count_events(
        self,
        type: str | None = None,
        actor: str | None = None,
        place: str | None = None,
        since: date | None = None,
        until: date | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        min_sources: int | None = None,
        text: str | None = None,
        rejected: bool | None = None,
    ) -> int:
        """How many events `events` gives for the same filters, without paging."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


_SQLITE_PREFIX = "sqlite:///"


def open_store(url: str, merger: Merger | None = None) -> Store:
    """Open (creating and migrating as needed) the store at `url`.

    `url`: a file path, `sqlite:///relative/path`, `sqlite:////absolute/path`, `:memory:`, or
    `postgresql://user@host/dbname` (any libpq URL, e.g. `postgresql:///dbname?host=/run/postgresql`).
    """
    if url.startswith(("postgresql://", "postgres://")):
        from sitroom.store.postgres import PostgresStore

        return PostgresStore(url, merger)
    path = sqlite_path(url)
    if path is None:
        raise StoreError(
            f"unsupported database URL {url!r}: use a file path, sqlite:///path, :memory: or postgresql://..."
        )
    if not path:
        raise StoreError(f"no database path in {url!r}")
    return SqliteStore(path, merger)


def sqlite_path(url: str) -> str | None:
    """The SQLite file (or ":memory:") a store URL names; None for any other kind of URL."""
    if url.startswith(_SQLITE_PREFIX):
        return url[len(_SQLITE_PREFIX) :]
    return None if "://" in url else url
