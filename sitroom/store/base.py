"""What every SQL backend shares: the dialect hook, a thin connection wrapper and the store logic.

The SQL here is written once, with `?` placeholders and portable types; a `Dialect` translates it
for a backend (SQLite today, psycopg later). A backend only has to open a DB-API connection in
autocommit mode, pick its dialect and name its driver's exception classes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from sitroom.codec import from_dict, to_dict
from sitroom.errors import StoreError
from sitroom.records import Document, Event

# Largest LIMIT both SQLite and PostgreSQL accept, for "an offset but no limit".
_NO_LIMIT = 2**62


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few places where backends differ."""

    name: str
    paramstyle: str  # "qmark" (SQLite) or "format" (psycopg)
    types: Mapping[str, str]  # logical column type -> this backend's type, for DDL templates
    begin_write: str  # statement that opens a write transaction
    lower: str  # SQL function that lower-cases text the way Python's str.lower does

    def sql(self, text: str) -> str:
        """Query text with `?` placeholders, in this backend's parameter style."""
        if self.paramstyle == "qmark":
            return text
        # psycopg reads `%` as the start of a placeholder, so literal ones are doubled first.
        return text.replace("%", "%%").replace("?", "%s")

    def ddl(self, text: str) -> str:
        """DDL with `{text}`, `{int}`, `{float}`, `{date}` and `{timestamp}` type slots filled in."""
        return text.format_map(self.types)


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the store uses (sqlite3 and psycopg 3 both have it)."""

    def execute(self, sql: str, params: Sequence[object] = ...) -> Any: ...

    def close(self) -> None: ...


class Db:
    """A connection in autocommit mode, its dialect, and explicit transactions."""

    def __init__(self, conn: Connection, dialect: Dialect, errors: tuple[type[Exception], ...]) -> None:
        self.conn = conn
        self.dialect = dialect
        self.errors = errors  # the driver's exceptions, turned into StoreError
        self._in_transaction = False

    def run(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        try:
            return self.conn.execute(self.dialect.sql(sql), tuple(params))
        except self.errors as exc:
            raise StoreError(f"database error: {exc}") from exc

    def one(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return self.run(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        if self._in_transaction:
            raise StoreError("nested write transactions are not supported")
        self.run(self.dialect.begin_write)
        self._in_transaction = True
        try:
            yield
            self.run("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, StoreError | KeyboardInterrupt | SystemExit):
                raise
            # Bad values (NaN, huge ints, unencodable text) surface here as ValueError and the like.
            raise StoreError(f"write failed and was rolled back: {exc!r}") from exc
        finally:
            self._in_transaction = False

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except self.errors:
            pass  # the connection may already have rolled back, or be closed; the original error matters

    def close(self) -> None:
        try:
            self.conn.close()
        except self.errors as exc:
            raise StoreError(f"cannot close the database: {exc}") from exc


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _as_date(value: object) -> date:
    # SQLite gives the ISO text back; a backend with a real DATE type gives a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", lower-cased, with LIKE's wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_DOCUMENT_COLUMNS = "id, content_hash, date, origin, url, outlet, title, text, ingested_at"
_EVENT_COLUMNS = (
    "id, type, status, certainty, date_start, date_end, place_name, lat, lon, admin1, country,"
    " fatalities, reported, record, updated_at"
)
_EVENT_UPDATES = ", ".join(
    f"{c} = excluded.{c}" for c in _EVENT_COLUMNS.replace(" ", "").split(",") if c != "id"
)
_UPSERT_EVENT = (
    f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 15)})"
    f" ON CONFLICT (id) DO UPDATE SET {_EVENT_UPDATES}"
)
# Link only documents the store holds: evidence may cite a document that was never written.
_LINK_DOCUMENT = (
    "INSERT INTO event_documents (event_id, document_id) SELECT ?, id FROM documents WHERE id = ?"
)


def _document_row(doc: Document, ingested_at: str) -> tuple[object, ...]:
    return (
        doc.id,
        doc.content_hash,
        doc.date.isoformat(),
        doc.origin,
        doc.url,
        doc.outlet,
        doc.title,
        doc.text,
        ingested_at,
    )


def _document_from_row(row: Sequence[Any]) -> Document:
    id_, content_hash, day, origin, url, outlet, title, text = row[:8]
    return Document(
        id=id_,
        text=text,
        date=_as_date(day),
        content_hash=content_hash,
        origin=origin,
        url=url,
        outlet=outlet,
        title=title,
    )


def _event_row(event: Event, updated_at: str) -> tuple[object, ...]:
    span, place = event.date, event.place
    record = json.dumps(to_dict(event), ensure_ascii=False, allow_nan=False)
    return (
        event.id,
        event.type.value,
        event.status.value,
        event.certainty.value,
        _iso(span.start if span else None),
        _iso(span.end if span else None),
        place.name if place else None,
        place.lat if place else None,
        place.lon if place else None,
        place.admin1 if place else None,
        place.country if place else None,
        event.fatalities,
        _iso(event.reported),
        record,
        updated_at,
    )


def _event_from_record(record: str) -> Event:
    try:
        return from_dict(Event, json.loads(record))
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"a stored event cannot be decoded: {exc!r}") from exc


def _event_filters(
    lower: str,
    type: str | None,
    actor: str | None,
    place: str | None,
    since: date | None,
    until: date | None,
) -> tuple[list[str], list[object]]:
    """WHERE conditions and their parameters for `SqlStore.events`."""
    where: list[str] = []
    params: list[object] = []
    if type is not None:
        where.append("type = ?")
        params.append(str(type))
    if actor is not None:
        where.append(
            "EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = events.id AND"
            f" ({lower}(a.name) LIKE ? ESCAPE '\\' OR {lower}(a.mention) LIKE ? ESCAPE '\\'"
            " OR a.actor_id = ?))"
        )
        params += [_contains(actor), _contains(actor), actor]
    if place is not None:
        columns = ("place_name", "admin1", "country")
        where.append("(" + " OR ".join(f"{lower}({c}) LIKE ? ESCAPE '\\'" for c in columns) + ")")
        params += [_contains(place)] * 3
    if since is not None or until is not None:
        where.append("date_start IS NOT NULL")
    if since is not None:
        where.append("date_end >= ?")  # overlap: the event ends on or after `since`...
        params.append(since.isoformat())
    if until is not None:
        where.append("date_start <= ?")  # ...and starts on or before `until`
        params.append(until.isoformat())
    return where, params


class SqlStore:
    """The store on any SQL backend; see `sitroom.store.Store` for the contract."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def has_document(self, content_hash: str) -> bool:
        return self._db.one("SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)) is not None

    def add_document(self, doc: Document) -> bool:
        with self._db.transaction():
            return self._insert_document(doc)

    def write(self, doc: Document, events: Sequence[Event]) -> bool:
        with self._db.transaction():
            if not self._insert_document(doc):
                return False
            now = utc_now()
            for event in events:
                self._upsert_event(event, doc.id, now)
            return True

    def _insert_document(self, doc: Document) -> bool:
        """Insert unless the content hash is known (a different document under a known id is an error)."""
        cursor = self._db.run(
            f"INSERT INTO documents ({_DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (content_hash) DO NOTHING",
            _document_row(doc, utc_now()),
        )
        return cursor.rowcount == 1

    def _upsert_event(self, event: Event, document_id: str, now: str) -> None:
        self._db.run(_UPSERT_EVENT, _event_row(event, now))
        # The event's links are rewritten from the record, so the newest version is the truth.
        self._db.run("DELETE FROM event_actors WHERE event_id = ?", (event.id,))
        self._db.run("DELETE FROM event_documents WHERE event_id = ?", (event.id,))
        for position, ref in enumerate(event.actors):
            self._db.run(
                "INSERT INTO event_actors (event_id, position, actor_id, name, role, mention)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event.id, position, ref.id, ref.name, ref.role.value, ref.mention),
            )
        for linked in dict.fromkeys((document_id, *event.documents)):
            self._db.run(_LINK_DOCUMENT, (event.id, linked))

    def documents(self, include_text: bool = True) -> list[Document]:
        """Every document, oldest dateline first; `include_text=False` leaves `text` empty (lighter)."""
        text = "text" if include_text else "''"
        rows = self._db.all(
            f"SELECT id, content_hash, date, origin, url, outlet, title, {text} FROM documents"
            " ORDER BY date, id"
        )
        return [_document_from_row(row) for row in rows]

    def document(self, id: str) -> Document | None:
        row = self._db.one(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (id,))
        return _document_from_row(row) if row is not None else None

    def document_count(self) -> int:
        return int(self._db.one("SELECT COUNT(*) FROM documents")[0])

    def event_count(self) -> int:
        return int(self._db.one("SELECT COUNT(*) FROM events")[0])

    def event(self, id: str) -> Event | None:
        row = self._db.one("SELECT record FROM events WHERE id = ?", (id,))
        return _event_from_record(row[0]) if row is not None else None

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
        """Events matching every given filter, ordered by start date (undated last), then id."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit=}, {offset=}")
        where, params = _event_filters(self._db.dialect.lower, type, actor, place, since, until)
        sql = "SELECT record FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # Portable "NULLS LAST": SQLite sorts NULL first, PostgreSQL last.
        sql += " ORDER BY CASE WHEN date_start IS NULL THEN 1 ELSE 0 END, date_start, id"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [_NO_LIMIT if limit is None else limit, offset]
        return [_event_from_record(row[0]) for row in self._db.all(sql, params)]
