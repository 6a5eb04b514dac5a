"""What every SQL backend shares: the dialect hook, a thin connection wrapper and the store logic.

The SQL here is written once, with `?` placeholders and portable types; a `Dialect` translates it
for a backend (SQLite today, psycopg later). A backend only has to open a DB-API connection in
autocommit mode, pick its dialect and name its driver's exception classes.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

import orjson

from sitroom.codec import collector_paused, from_dict, to_json
from sitroom.errors import StoreError
from sitroom.records import Document, Event, Review, SituationEntry
from sitroom.situation import PairKey, pair_keys, place_key
from sitroom.text import folded

# Largest LIMIT both SQLite and PostgreSQL accept, for "an offset but no limit".
_NO_LIMIT = 2**62
# Events lasting longer than this are flagged, so a date window can bound the start of the rest: the
# window's index range then begins this many days before it. Most events last a day or a few.
LONG_SPAN_DAYS = 31
# Decoded reports kept for the next re-merge (about six megabytes): a write's stories and the block
# members their cards leave. A feed needs about a thousand; a corpus whose every write merges every story
# again (the bench's texts, each told nine times) needs all its reports, and at 1,024 its writes took a
# third longer, which two workers' client could not spare.
_DECODED_REPORTS = 2048
# Merged events kept as written, for the next write that replaces them (it reads their situation pairs).
_DECODED_EVENTS = 256
# Parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
_CHUNK = 500


class Merger(Protocol):
    """The merge stage as the store uses it: blocking keys per report, and reports -> events."""

    def keys(self, report: Event) -> tuple[str, ...]: ...

    def partner_keys(self, key: str) -> tuple[str, ...]: ...

    def card(self, report: Event) -> str | None:
        """A short text, stored with the report, from which `may_link` can rule pairs out unread."""
        ...

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        """For pairs of stored cards (None where a report has none), whether `linked` could say yes."""
        ...

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]: ...

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]: ...

    def session(self) -> AbstractContextManager[None]:
        """A pass of `linked` and `merge` calls in which no report id changes its record: they may share
        work across calls."""
        ...


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

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """One statement for each row of parameters."""
        try:
            self.conn.cursor().executemany(self.dialect.sql(sql), rows)
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


def _place_search(place) -> str | None:
    if place is None:
        return None
    names = dict.fromkeys(n for n in (place.name, place.mention, place.admin1, place.country) if n)
    return " | ".join(folded(n) for n in names)


def _contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", lower-cased, with LIKE's wildcards escaped."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_DOCUMENT_COLUMNS = "id, content_hash, date, origin, url, outlet, title, text, ingested_at"
_EVENT_COLUMNS = (
    "id, type, status, certainty, date_start, date_end, place_name, lat, lon, admin1, country,"
    " fatalities, reported, last_reported, source_count, review, place_search, long_span, record, updated_at,"
    " place_key"
)
_EVENT_UPDATES = ", ".join(
    f"{c} = excluded.{c}" for c in _EVENT_COLUMNS.replace(" ", "").split(",") if c != "id"
)
_UPSERT_EVENT = (
    f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join('?' * 21)})"
    f" ON CONFLICT (id) DO UPDATE SET {_EVENT_UPDATES}"
)
_UPSERT_REPORT = (
    "INSERT INTO reports (id, document_id, event_id, reported, record, card) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET record = excluded.record, reported = excluded.reported,"
    " card = excluded.card"
)
_INSERT_EVENT_ACTOR = (
    "INSERT INTO event_actors (event_id, position, actor_id, name, role, mention, date_start)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# The documents of an event's reports, where its record does not list them already.
_LINK_REPORTED_DOCUMENTS = (
    "INSERT INTO event_documents (event_id, document_id)"
    " SELECT DISTINCT ?, document_id FROM reports WHERE event_id = ?"
    " AND document_id NOT IN (SELECT document_id FROM event_documents WHERE event_id = ?)"
)
# Link only documents the store holds: evidence may cite a document that was never written.
_LINK_DOCUMENT = (
    "INSERT INTO event_documents (event_id, document_id) SELECT ?, id FROM documents WHERE id = ?"
)


def _actor_rows(event: Event) -> list[tuple[object, ...]]:
    start = _iso(event.date.start if event.date else None)
    return [
        (event.id, position, ref.id, ref.name, ref.role.value, ref.mention, start)
        for position, ref in enumerate(event.actors)
    ]


def _member_ids(event: Event) -> list[str]:
    """The reports merged into an event; an unmerged report is its own event."""
    return [link.id for link in event.reports] or [event.id]


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


def _event_row(event: Event, record: str, updated_at: str) -> tuple[object, ...]:
    span, place = event.date, event.place
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
        _iso(event.updated),
        event.source_count,
        event.review.value if event.review else None,
        _place_search(place),
        int(is_long_span(span.start, span.end) if span is not None else False),
        record,
        updated_at,
        place_key(place) if place else None,
    )


def is_long_span(start: date, end: date) -> bool:
    return (end - start).days > LONG_SPAN_DAYS


def flag_long_spans(db: Db) -> None:
    """Set `long_span` on every dated event from its dates (after the threshold changed)."""
    rows = db.all("SELECT id, date_start, date_end FROM events WHERE date_start IS NOT NULL")
    flags = [(int(is_long_span(_as_date(start), _as_date(end))), id_) for id_, start, end in rows]
    for i in range(0, len(flags), _CHUNK):
        db.run_many("UPDATE events SET long_span = ? WHERE id = ?", flags[i : i + _CHUNK])


def _event_from_record(record: str) -> Event:
    return _decode(Event, record)


def _decode(cls: type, record: str):
    try:
        return from_dict(cls, orjson.loads(record))
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"a stored {cls.__name__.lower()} cannot be decoded: {exc!r}") from exc


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _in_list(values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """Placeholders and parameters for `IN (...)` over `values` (not empty), padded to a power of two by
    repeating the last value, which changes no IN test. The query text then takes one of a few shapes
    per statement, so the driver's cache of prepared statements serves them: one per list length would
    fill it (SQLite's holds 128, each a query plan of tens of kilobytes for a long list)."""
    size = 1 << (len(values) - 1).bit_length()
    return _marks(size), (*values, *[values[-1]] * (size - len(values)))


def _event_filters(
    lower: str,
    type: str | None,
    actor: str | None,
    place: str | None,
    since: date | None,
    until: date | None,
    bbox: tuple[float, float, float, float] | None = None,
    min_sources: int | None = None,
    text: str | None = None,
    rejected: bool | None = None,
    actor_is_id: bool = False,
    part: str = "recent",
) -> tuple[list[str], list[object]]:
    """WHERE conditions and their parameters for one `part` of `SqlStore.events` with a `since` date.

    Such a window is read in two disjoint parts that each read one index range. An event overlapping a
    window from `since` ends on or after it, so it started at most LONG_SPAN_DAYS before ("recent"),
    unless it is one of the few flagged long, which started earlier ("long"). (One OR of the two made
    the planners read every event that started before the window's end.)

    `actor_is_id`: `actor` is a stored actor id, so an indexed lookup finds its events (no name search).

    `text` only narrows the rows to records that contain it somewhere; `_evidence_says` then keeps those
    whose evidence sentences do (portable SQL cannot look inside the JSON record).
    """
    where: list[str] = []
    params: list[object] = []
    if type is not None:
        where.append("type = ?")
        params.append(str(type))
    first = _days_before(since, LONG_SPAN_DAYS).isoformat() if since is not None else None
    if actor is not None and actor_is_id and first is not None and part == "long":
        # Few events are long: read them (an index of their own) and check the actor of each.
        where.append("EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = events.id AND a.actor_id = ?)")
        params.append(actor)
    elif actor is not None and actor_is_id and first is not None:
        pass  # `Branch.by_actor`: the actor's rows, which carry their event's start, lead the query
    elif actor is not None and actor_is_id:
        where.append("id IN (SELECT event_id FROM event_actors WHERE actor_id = ?)")
        params.append(actor)
    elif actor is not None:
        where.append(
            "EXISTS (SELECT 1 FROM event_actors a WHERE a.event_id = events.id AND"
            f" ({lower}(a.name) LIKE ? ESCAPE '\\' OR {lower}(a.mention) LIKE ? ESCAPE '\\'"
            " OR a.actor_id = ?))"
        )
        params += [_contains(actor), _contains(actor), actor]
    if place is not None:
        columns = ("place_name", "admin1", "country")
        where.append(
            "(place_search LIKE ? ESCAPE '\\' OR "
            + " OR ".join(f"{lower}({c}) LIKE ? ESCAPE '\\'" for c in columns)
            + ")"
        )
        params += [_contains(folded(place))] + [_contains(place)] * 3
    if since is not None or until is not None:
        where.append("date_start IS NOT NULL")
    if since is not None:
        where.append("date_end >= ?")  # overlap: the event ends on or after `since`...
        params.append(since.isoformat())
        where.append("date_start >= ?" if part == "recent" else "long_span = 1 AND date_start < ?")
        params.append(first)
    if until is not None:
        where.append("date_start <= ?")  # ...and starts on or before `until`
        params.append(until.isoformat())
    if bbox is not None:
        _bbox_filter(bbox, where, params)
    if min_sources is not None:
        where.append("source_count >= ?")
        params.append(int(min_sources))
    if text is not None:
        # The record is JSON: look for the text as json.dumps would write it inside a string.
        where.append(f"{lower}(record) LIKE ? ESCAPE '\\'")
        params.append(_contains(json.dumps(text, ensure_ascii=False)[1:-1]))
    if rejected is True:
        where.append("review = ?")
        params.append("rejected")
    elif rejected is False:
        where.append("(review IS NULL OR review <> ?)")
        params.append("rejected")
    return where, params


@dataclass(frozen=True, slots=True)
class Branch:
    """One of the disjoint queries `SqlStore.events` unites: conditions on `events`, and maybe an actor
    id and earliest start by which to read the actor's rows first (`event_actors`, in start order)."""

    where: list[str]
    params: list[object]
    by_actor: tuple[str, str] | None = None

    def plain(self) -> tuple[list[str], list[object]]:
        """The conditions on `events` alone."""
        if self.by_actor is None:
            return self.where, self.params
        condition = "id IN (SELECT event_id FROM event_actors WHERE actor_id = ? AND date_start >= ?)"
        return [*self.where, condition], [*self.params, *self.by_actor]


def _led_by_actor(branch: Branch) -> tuple[str, list[object]]:
    """The branch's (nulls-last flag, start, id, id) rows read from the actor's rows in start order,
    each event checked by its key: a page then stops early for a busy actor and stays small for a rare
    one (the planners guessed wrong for one or the other when asked for events of an actor)."""
    assert branch.by_actor is not None
    sql = (
        "SELECT DISTINCT 0, a.date_start, a.event_id, a.event_id FROM event_actors a"
        " WHERE a.actor_id = ? AND a.date_start >= ?"
        " AND EXISTS (SELECT 1 FROM events WHERE events.id = a.event_id"
        + "".join(f" AND {condition}" for condition in branch.where)
        + ") ORDER BY a.date_start, a.event_id"
    )
    return sql, [*branch.by_actor, *branch.params]


def _days_before(day: date, days: int) -> date:
    return date.fromordinal(max(1, day.toordinal() - days))


def _bbox_filter(bbox: tuple[float, float, float, float], where: list[str], params: list[object]) -> None:
    """Points inside (min lon, min lat, max lon, max lat); a box whose min lon exceeds its max lon
    crosses the antimeridian."""
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    where.append("lat IS NOT NULL AND lon IS NOT NULL AND lat >= ? AND lat <= ?")
    params += [min_lat, max_lat]
    if min_lon <= max_lon:
        where.append("lon >= ? AND lon <= ?")
    else:
        where.append("(lon >= ? OR lon <= ?)")
    params += [min_lon, max_lon]


def _evidence_says(event: Event, text: str) -> bool:
    """Whether an evidence sentence of `event` contains `text` (case-insensitive)."""
    wanted = text.lower()
    return any(wanted in e.sentence.lower() for e in event.evidence)


class _Blocks:
    """The members of the blocks one write has read, by key. Most keys a write asks for (the cells around
    a site, the months around a date) have no members, and a report sits in a dozen blocks: so only keys
    with members take a set, and each report id is held once, however many blocks name it."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self._members: dict[str, set[str]] = {}
        self._ids: dict[str, str] = {}

    def add(self, keys: Sequence[str], rows: Iterable[tuple[str, str]]) -> None:
        """Keep the (key, report id) rows read for `keys`."""
        self.read.update(keys)
        for key, id_ in rows:
            self._members.setdefault(key, set()).add(self._ids.setdefault(id_, id_))

    def members(self, key: str) -> AbstractSet[str]:
        return self._members.get(key, _NO_MEMBERS)


_NO_MEMBERS: frozenset[str] = frozenset()


class _DecodedRecords:
    """The reports decoded or written lately, by id, each with a digest of the record text it came from:
    every write re-merges reports that earlier writes decoded or wrote. A changed record is decoded again.
    A digest, not the text, is kept: the text would take half as much memory again as the report."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[str, tuple[bytes, Event]] = OrderedDict()

    def get(self, id_: str, record: str) -> Event:
        digest = _digest(record)
        cached = self._found.get(id_)
        if cached is not None and cached[0] == digest:
            self._found.move_to_end(id_)
            return cached[1]
        event = _event_from_record(record)
        self._keep(id_, digest, event)
        return event

    def put(self, id_: str, record: str, event: Event) -> None:
        self._keep(id_, _digest(record), event)

    def _keep(self, id_: str, digest: bytes, event: Event) -> None:
        self._found[id_] = (digest, event)
        self._found.move_to_end(id_)
        if len(self._found) > self._size:
            self._found.popitem(last=False)


def _digest(record: str) -> bytes:
    return hashlib.blake2b(record.encode(), digest_size=16).digest()


class SqlStore:
    """The store on any SQL backend; see `sitroom.store.Store` for the contract.

    Each document's events are stored as *reports*; the events users see are the merged view over the
    reports (`merger`). Writing a document re-merges only the reports that share a block with its own,
    in the same transaction, so the store never holds a document without its merged events.
    """

    def __init__(self, db: Db, merger: Merger | None = None) -> None:
        from sitroom.merge import ReportMerger

        self._db = db
        self.merger = merger if merger is not None else ReportMerger()
        self._decoded_reports = _DecodedRecords(_DECODED_REPORTS)
        self._decoded_events = _DecodedRecords(_DECODED_EVENTS)

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
        return self.write_many([(doc, events)])[0]

    def write_many(self, items: Sequence[tuple[Document, Sequence[Event]]]) -> list[bool]:
        """`write` for many documents in one transaction, with one re-merge for all their reports:
        merging is a pure function of the reports, so the events are those of writing them one by one.
        The cyclic collector waits for the write to end: a write makes no reference cycles, and its many
        short-lived records set off full collections that cost up to a fifth of it (in a process that keeps
        thousands of decoded reports, each one walks all of them)."""
        with collector_paused(), self._db.transaction():
            written, reports = [], []
            for doc, events in items:
                added = self._insert_document(doc)
                written.append(added)
                if added:
                    reports += [(report, doc.id) for report in events]
            self._insert_reports(reports)
            self._remerge([report.id for report, _ in reports])
            return written

    def _insert_reports(self, reports: Sequence[tuple[Event, str]]) -> None:
        """Store reports (each with its document's id) and their blocking keys, a statement per table."""
        latest = {report.id: (report, document_id) for report, document_id in reports}
        rows, keys = [], []
        for report, document_id in latest.values():
            record = to_json(report)
            card = self.merger.card(report)
            rows.append((report.id, document_id, None, _iso(report.reported), record, card))
            self._decoded_reports.put(report.id, record, report)
            keys += [(report.id, key) for key in dict.fromkeys(self.merger.keys(report))]
        self._db.run_many(_UPSERT_REPORT, rows)
        for chunk in _chunks(list(latest)):
            marks, params = _in_list(chunk)
            self._db.run(f"DELETE FROM report_keys WHERE report_id IN ({marks})", params)
        self._db.run_many("INSERT INTO report_keys (report_id, key) VALUES (?, ?)", keys)

    def _remerge(self, seeds: Sequence[str]) -> None:
        """Merge again every report connected to `seeds` (by a shared block, a merged event or a review)
        and replace the events they made; the result is what merging all reports would give."""
        if not seeds:
            return
        reviews = self.reviews()
        with self.merger.session():
            component = self._component(seeds, reviews)
            reports = self._reports_by_id(component)
            merged = self.merger.merge(reports, reviews)
        old = self._event_ids_of(component)
        stale = self._situation_pairs(old)
        for chunk in _chunks(sorted(old)):
            self._delete_events(chunk)
        now = utc_now()
        self._store_events(merged, now)
        self._refresh_situation(stale | {key for event in merged for key in pair_keys(event)})

    def _component(self, seeds: Sequence[str], reviews: Sequence[Review]) -> list[str]:
        """The reports whose events merging `seeds` may change: those linked to them, transitively (a
        cluster never reaches past the reports its members link to), with the events they are in now and
        the reports a reviewer merged with them."""
        found, frontier = set(seeds), set(seeds)
        reviewed = [(set(r.reports) | set(r.other_reports)) for r in reviews if r.other_reports]
        blocks = _Blocks()  # members by block key, read once: the keys do not change here
        while frontier:
            grown: set[str] = set()
            for chunk in _chunks(sorted(frontier)):
                grown |= self._linked_to(chunk, found, blocks)
                marks, params = _in_list(chunk)
                grown |= self._ids(
                    "SELECT r2.id FROM reports r1 JOIN reports r2 ON r1.event_id = r2.event_id"
                    f" WHERE r1.id IN ({marks})",
                    params,
                )
            for group in reviewed:
                if group & (found | grown):
                    grown |= group
            frontier = grown - found
            found |= grown
        return sorted(found)

    def _linked_to(self, report_ids: Sequence[str], known: set[str], blocks: _Blocks) -> set[str]:
        """The reports outside `known` that share a block with one of `report_ids` and link to it.
        Only links join reports into one event, so blocks alone would chain a busy place's whole
        history into every write. `blocks`: the members of the blocks read so far, added to."""
        partners = self._block_partners(report_ids, blocks)
        candidates = sorted({p for found in partners.values() for p in found} - known)
        own = {r.id: r for r in self._reports_by_id(report_ids)}
        own_cards = {id_: self.merger.card(report) for id_, report in own.items()}
        found: set[str] = set()
        # A country's block holds hundreds of reports a month, most of which a card rules out (another
        # actor, place or month): the cards are read a chunk at a time, and only the reports they leave
        # are decoded, so a write's memory and time do not grow with the blocks.
        for chunk in _chunks(candidates):
            marks, params = _in_list(chunk)
            cards = dict(self._db.all(f"SELECT id, card FROM reports WHERE id IN ({marks})", params))
            pairs = [(id_, other) for id_, others in partners.items() for other in others if other in cards]
            possible = self.merger.may_link([(own_cards[a], cards[b]) for a, b in pairs])
            pairs = [pair for pair, maybe in zip(pairs, possible, strict=True) if maybe]
            decoded = {r.id: r for r in self._reports_by_id(sorted({b for _, b in pairs}))}
            linked = self.merger.linked([(own[a], decoded[b]) for a, b in pairs])
            found |= {other for (_, other), yes in zip(pairs, linked, strict=True) if yes}
        return found

    def _block_partners(self, report_ids: Sequence[str], blocks: _Blocks) -> dict[str, set[str]]:
        """For each report, the reports in the blocks it is compared with; `blocks` holds the members of
        blocks already read, and gets those of the blocks read here."""
        marks, params = _in_list(report_ids)
        rows = self._db.all(f"SELECT report_id, key FROM report_keys WHERE report_id IN ({marks})", params)
        partner_keys = {key: self.merger.partner_keys(key) for key in {key for _, key in rows}}
        wanted = sorted({p for keys in partner_keys.values() for p in keys} - blocks.read)
        for chunk in _chunks(wanted):
            marks, params = _in_list(chunk)
            sql = f"SELECT key, report_id FROM report_keys WHERE key IN ({marks})"
            blocks.add(chunk, self._db.all(sql, params))
        partners: dict[str, set[str]] = {}
        for id_, key in rows:
            found = partners.setdefault(id_, set())
            for partner_key in partner_keys[key]:
                found |= blocks.members(partner_key)
            found.discard(id_)
        return partners

    def _ids(self, sql: str, params: Sequence[object]) -> set[str]:
        return {row[0] for row in self._db.all(sql, params)}

    def _event_ids_of(self, report_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(report_ids):
            marks, params = _in_list(chunk)
            sql = f"SELECT DISTINCT event_id FROM reports WHERE event_id IS NOT NULL AND id IN ({marks})"
            found |= self._ids(sql, params)
        return found

    def _reports_by_id(self, ids: Sequence[str]) -> list[Event]:
        found = []
        for chunk in _chunks(ids):
            marks, params = _in_list(chunk)
            rows = self._db.all(f"SELECT id, record FROM reports WHERE id IN ({marks})", params)
            found += [self._decoded_reports.get(id_, record) for id_, record in rows]
        return found

    def _delete_events(self, ids: Sequence[str]) -> None:
        marks, params = _in_list(ids)
        for table, column in (
            ("event_actors", "event_id"),
            ("event_documents", "event_id"),
            ("events", "id"),
        ):
            self._db.run(f"DELETE FROM {table} WHERE {column} IN ({marks})", params)

    def reports(self, event_id: str | None = None, known_at: date | None = None) -> list[Event]:
        """Each document's account of events: those merged into `event_id`, or those reported by
        `known_at` (a dateline on or before it), or all; oldest report first."""
        sql, params = "SELECT record FROM reports", []
        where = []
        if event_id is not None:
            where.append("event_id = ?")
            params.append(event_id)
        if known_at is not None:
            where.append("reported <= ?")
            params.append(known_at.isoformat())
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY reported, id"
        return [_event_from_record(row[0]) for row in self._db.all(sql, params)]

    def find_event(self, id: str) -> Event | None:
        """The event with this id, or the one that now holds the report with this id: an event's id is
        its first report's, so a link to it keeps working when merging moves that report."""
        found = self.event(id)
        if found is None:
            holding = self.events_holding([id])
            found = holding[0] if holding else None
        return found

    def events_holding(self, report_ids: Sequence[str]) -> list[Event]:
        """The merged events that hold any of these reports."""
        found: dict[str, Event] = {}
        for chunk in _chunks(list(report_ids)):
            marks, params = _in_list(chunk)
            rows = self._db.all(
                "SELECT DISTINCT e.id, e.record FROM events e JOIN reports r ON r.event_id = e.id"
                f" WHERE r.id IN ({marks})",
                params,
            )
            found.update((row[0], _event_from_record(row[1])) for row in rows)
        return [found[k] for k in sorted(found)]

    def events_known_at(self, known_at: date) -> list[Event]:
        """The events as they stood when only the reports dated by `known_at` had come in."""
        return self.merger.merge(self.reports(known_at=known_at), self.reviews())

    def add_review(self, review: Review) -> None:
        """Record a reviewer's decision and re-merge the reports it touches, in one transaction."""
        with self._db.transaction():
            self._db.run(
                "INSERT INTO reviews (id, event_id, action, author, created_at, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (review.id, review.event_id, review.action.value, review.author, review.at, to_json(review)),
            )
            self._remerge([*review.reports, *review.other_reports])

    def reviews(self, event_id: str | None = None) -> list[Review]:
        """Reviews, oldest first; with `event_id`, those made on that event id."""
        sql, params = "SELECT record FROM reviews", []
        if event_id is not None:
            sql += " WHERE event_id = ?"
            params.append(event_id)
        return [_decode(Review, row[0]) for row in self._db.all(sql + " ORDER BY created_at, id", params)]

    def remerge_all(self) -> int:
        """Merge every report again (after a change to the merge rules); returns the event count."""
        with self._db.transaction():
            ids = sorted(self._ids("SELECT id FROM reports", ()))
            documents = dict(self._db.all("SELECT id, document_id FROM reports"))
            self._insert_reports([(report, documents[report.id]) for report in self._reports_by_id(ids)])
            self._db.run("DELETE FROM event_actors")
            self._db.run("DELETE FROM event_documents")
            self._db.run("DELETE FROM events")
            self._db.run("UPDATE reports SET event_id = NULL")
            now = utc_now()
            events = self.merger.merge(self._reports_by_id(ids), self.reviews())
            self._store_events(events, now)
            self._rebuild_situation()
            return len(events)

    def situation_as_of(self, as_of: date) -> list[SituationEntry]:
        """The situation as of a day from the table kept at write time: what
        `sitroom.situation.situation_as_of(self.events(), as_of)` gives, through an index."""
        from sitroom.store import situation_table

        return situation_table.situation_as_of(self._db, as_of)

    def rebuild_situation(self) -> None:
        """Make the situation table anew from the stored events (for events written past `write`)."""
        with self._db.transaction():
            self._rebuild_situation()

    def _rebuild_situation(self) -> None:
        from sitroom.store import situation_table

        situation_table.rebuild(self._db)

    def _situation_pairs(self, event_ids: Iterable[str]) -> set[PairKey]:
        """The (place, actor) pairs these stored events bear on: read before they are replaced."""
        from sitroom.store import situation_table

        return situation_table.pairs_of_events(self._db, event_ids, self._decoded_events.get)

    def _refresh_situation(self, pairs: set[PairKey]) -> None:
        """Bring the situation table up to date for these pairs: those the replaced events bore on and
        those the new events bear on."""
        from sitroom.store import situation_table

        situation_table.refresh(self._db, pairs, self._decoded_events.get)

    def add_token(self, name: str, token_hash: str) -> None:
        """Keep a write token's hash (never the token) under a name; a name or hash in use is an error."""
        with self._db.transaction():
            if self._db.one("SELECT 1 FROM tokens WHERE name = ?", (name,)) is not None:
                raise StoreError(f"a token named {name!r} exists already")
            self._db.run(
                "INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)", (name, token_hash, utc_now())
            )

    def token_name(self, token_hash: str) -> str | None:
        row = self._db.one("SELECT name FROM tokens WHERE hash = ?", (token_hash,))
        return row[0] if row is not None else None

    def token_names(self) -> list[str]:
        return [row[0] for row in self._db.all("SELECT name FROM tokens ORDER BY name")]

    def delete_token(self, name: str) -> bool:
        with self._db.transaction():
            return self._db.run("DELETE FROM tokens WHERE name = ?", (name,)).rowcount == 1

    def _insert_document(self, doc: Document) -> bool:
        """Insert unless the content hash is known (a different document under a known id is an error)."""
        cursor = self._db.run(
            f"INSERT INTO documents ({_DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (content_hash) DO NOTHING",
            _document_row(doc, utc_now()),
        )
        return cursor.rowcount == 1

    def _store_events(self, events: Sequence[Event], now: str) -> None:
        """Upsert merged events and point their reports at them (an unmerged report is its own event).
        Each table takes one statement for all events: reports belong to one event each, so the order
        across events does not matter."""
        ids = [event.id for event in events]
        rows = []
        for event in events:
            record = to_json(event)
            rows.append(_event_row(event, record, now))
            self._decoded_events.put(event.id, record, event)
        self._db.run_many(_UPSERT_EVENT, rows)
        # The events' links are rewritten from their records, so the newest version is the truth.
        for chunk in _chunks(ids):
            marks, params = _in_list(chunk)
            for table in ("event_actors", "event_documents"):
                self._db.run(f"DELETE FROM {table} WHERE event_id IN ({marks})", params)
        self._db.run_many(_INSERT_EVENT_ACTOR, [row for event in events for row in _actor_rows(event)])
        links = [(event.id, linked) for event in events for linked in event.documents]
        self._db.run_many(_LINK_DOCUMENT, links)
        members = [(event.id, member) for event in events for member in _member_ids(event)]
        self._db.run_many("UPDATE reports SET event_id = ? WHERE id = ?", members)
        self._db.run_many(_LINK_REPORTED_DOCUMENTS, [(id_, id_, id_) for id_ in ids])

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

    def known_names(self, kind: str) -> list[str]:
        """Every name the `events` filter of this `kind` ("actor" or "place") can match, for telling a
        user who gave an unknown one what is known instead."""
        if kind == "actor":
            sql = (
                "SELECT name FROM event_actors UNION SELECT mention FROM event_actors"
                " UNION SELECT actor_id FROM event_actors"
            )
        elif kind == "place":
            sql = (
                "SELECT place_name FROM events UNION SELECT admin1 FROM events"
                " UNION SELECT country FROM events"
            )
        else:
            raise ValueError(f"known_names: kind must be 'actor' or 'place', not {kind!r}")
        return sorted({row[0] for row in self._db.all(sql) if row[0]})

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
        bbox: tuple[float, float, float, float] | None = None,
        min_sources: int | None = None,
        text: str | None = None,
        rejected: bool | None = None,
    ) -> list[Event]:
        """Events matching every given filter, ordered by start date (undated last), then id."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit=}, {offset=}")
        branches = self._branches(type, actor, place, since, until, bbox, min_sources, text, rejected)
        if text is not None:
            # Paging happens after the evidence check, which SQL cannot do.
            records = (row[-1] for row in self._ordered(branches, "record", None))
            found = [e for e in map(_event_from_record, records) if _evidence_says(e, text)]
            return found[offset:] if limit is None else found[offset : offset + limit]
        if limit is None and not offset and len(branches) == 1:
            return [_event_from_record(row[-1]) for row in self._ordered(branches, "record", None)]
        # Find the page's ids first, from the index alone where it covers the filters, and read only
        # their records (sorting whole records of every match is what made a wide window slow).
        wanted = None if limit is None else offset + limit
        ids = [row[-1] for row in self._ordered(branches, "id", wanted)]
        return self._events_by_id(ids[offset:wanted])

    def _ordered(self, branches: list[Branch], column: str, limit: int | None) -> list[tuple]:
        """(sort key..., `column`) rows of every branch, in listing order: start date (undated last),
        then id; the first `limit` of them."""
        # Portable "NULLS LAST": SQLite sorts NULL first, PostgreSQL last. Where every row has a start
        # date (a date filter), the plain order lets the planner read the filter's index range instead
        # of walking the listing index from the start.
        dated = all("date_start IS NOT NULL" in branch.where for branch in branches)
        nulls_last = "0" if dated else "CASE WHEN date_start IS NULL THEN 1 ELSE 0 END"
        order = "date_start, id" if dated else f"{nulls_last}, date_start, id"
        parts = []
        for branch in branches:
            if branch.by_actor is not None and column == "id":
                sql, params = _led_by_actor(branch)
            else:
                where, params = branch.plain()
                sql = f"SELECT {nulls_last}, date_start, id, {column} FROM events"
                if where:
                    sql += " WHERE " + " AND ".join(where)
                sql += f" ORDER BY {order}"
            if limit is not None:
                sql += " LIMIT ?"
                params = [*params, limit]
            parts.append([tuple(row) for row in self._db.all(sql, params)])
        rows = parts[0] if len(parts) == 1 else list(heapq.merge(*parts, key=lambda row: row[:3]))
        return rows if limit is None else rows[:limit]

    def _events_by_id(self, ids: Sequence[str]) -> list[Event]:
        """The events with these ids, in that order."""
        records: dict[str, str] = {}
        for chunk in _chunks(ids):
            marks, params = _in_list(chunk)
            rows = self._db.all(f"SELECT id, record FROM events WHERE id IN ({marks})", params)
            records.update((id_, record) for id_, record in rows)
        return [_event_from_record(records[id_]) for id_ in ids if id_ in records]

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
        if text is not None:
            found = self.events(type, actor, place, since, until, None, 0, bbox, min_sources, text, rejected)
            return len(found)
        branches = self._branches(type, actor, place, since, until, bbox, min_sources, text, rejected)
        total = 0
        for branch in branches:
            where, params = branch.plain()
            sql = "SELECT COUNT(*) FROM events" + (" WHERE " + " AND ".join(where) if where else "")
            total += int(self._db.one(sql, params)[0])
        return total

    def _branches(self, type, actor, place, since, until, bbox, min_sources, text, rejected) -> list[Branch]:
        """The disjoint queries whose rows together are what `events` and `count_events` give."""
        actor_is_id = self._is_actor_id(actor)
        parts = ("recent", "long") if since is not None else ("recent",)
        found = [
            _event_filters(
                self._db.dialect.lower,
                type,
                actor,
                place,
                since,
                until,
                bbox,
                min_sources,
                text,
                rejected,
                actor_is_id=actor_is_id,
                part=part,
            )
            for part in parts
        ]
        branches = [Branch(where, params) for where, params in found]
        if actor_is_id and since is not None:
            first = _days_before(since, LONG_SPAN_DAYS).isoformat()
            branches[0] = Branch(*found[0], by_actor=(str(actor), first))
        return branches

    def _is_actor_id(self, actor: str | None) -> bool:
        if actor is None or actor != actor.strip() or " " in actor:
            return False
        return self._db.one("SELECT 1 FROM event_actors WHERE actor_id = ? LIMIT 1", (actor,)) is not None
