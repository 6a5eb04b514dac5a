"""The store on any SQL backend: documents and reports written, merged events and the situation read.

Its parts: `db` (connection and SQL dialect), `rows` (tables <-> records), `query` (event listings),
`remerge` (the incremental re-merge), `caches`, `situation_table`, `migrations`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from datetime import date
from types import TracebackType
from typing import Any, Self

from sitroom.codec import collector_paused, to_json
from sitroom.errors import StoreError
from sitroom.records import Document, Event, Review, SituationEntry
from sitroom.situation import PairKey, StateChange
from sitroom.store import counts, search
from sitroom.store.caches import DECODED_EVENTS, DECODED_REPORTS, DecodedRecords
from sitroom.store.db import Db, chunks, in_list, utc_now
from sitroom.store.query import Branch, EventQuery, days_before, event_filters, evidence_says, led_by_actor
from sitroom.store.remerge import Merger, Remerging
from sitroom.store.rows import (
    DOCUMENT_COLUMNS,
    INSERT_EVENT_ACTOR,
    LINK_DOCUMENT,
    LINK_REPORTED_DOCUMENTS,
    LONG_SPAN_DAYS,
    UPSERT_EVENT,
    UPSERT_REPORT,
    actor_rows,
    decode,
    document_from_row,
    document_row,
    event_from_record,
    event_row,
    iso,
    member_ids,
)


class SqlStore(Remerging):
    """The store on any SQL backend. Every failure is a StoreError.

    Each document's events are stored as *reports*; the events users see are the merged view over the
    reports (`merger`). Writing a document re-merges only the reports that share a block with its own,
    in the same transaction, so the store never holds a document without its merged events.
    """

    def __init__(self, db: Db, merger: Merger | None = None) -> None:
        from sitroom.merge import ReportMerger

        self._db = db
        db.counts_writes = True  # migrated (or a reader of a migrated store): `store_writes` exists
        self.merger = merger if merger is not None else ReportMerger()
        self._decoded_reports = DecodedRecords(DECODED_REPORTS)
        self._decoded_events = DecodedRecords(DECODED_EVENTS)
        self._listed: DecodedRecords | None = None  # see `keep_decoded`

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def keep_decoded(self, listed: DecodedRecords) -> None:
        """Keep the events that listings decode in `listed` (shared by a server's readers), and decode
        again only those whose record changed."""
        self._listed = listed

    def _decoded(self, id_: str, record: str) -> Event:
        return self._listed.get(id_, record) if self._listed is not None else event_from_record(record)

    def schema_version(self) -> int:
        """The newest migration applied to this database (0 when none)."""
        row = self._db.one("SELECT MAX(version) FROM schema_migrations")
        return int(row[0] or 0)

    def write_count(self) -> int:
        """How many write transactions the store has committed: unchanged, so is every answer."""
        return self._db.write_count()

    def has_document(self, content_hash: str) -> bool:
        return self._db.one("SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)) is not None

    def add_document(self, doc: Document) -> bool:
        """Store `doc`; False (and nothing changes) when its content hash is already stored."""
        with self._db.transaction():
            return self._insert_document(doc)

    def write(self, doc: Document, events: Sequence[Event]) -> bool:
        """In one transaction, add `doc`, store `events` as its reports (same id replaces the earlier
        report) and re-merge the events those reports belong to.

        False, writing nothing, when the content hash is already stored; a failure rolls back.
        """
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
            rows.append((report.id, document_id, None, iso(report.reported), record, card))
            self._decoded_reports.put(report.id, record, report)
            keys += [(report.id, key) for key in dict.fromkeys(self.merger.keys(report))]
        self._db.run_many(UPSERT_REPORT, rows)
        for chunk in chunks(list(latest)):
            marks, params = in_list(chunk)
            self._db.run(f"DELETE FROM report_keys WHERE report_id IN ({marks})", params)
        self._db.run_many("INSERT INTO report_keys (report_id, key) VALUES (?, ?)", keys)

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
        return [event_from_record(row[0]) for row in self._db.all(sql, params)]

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
        for chunk in chunks(list(report_ids)):
            marks, params = in_list(chunk)
            rows = self._db.all(
                "SELECT DISTINCT e.id, e.record FROM events e JOIN reports r ON r.event_id = e.id"
                f" WHERE r.id IN ({marks})",
                params,
            )
            found.update((row[0], event_from_record(row[1])) for row in rows)
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

    def remove_review(self, review_id: str) -> Review | None:
        """Take a decision back (a reviewer's undo) and re-merge the reports it touched, in one
        transaction; the review removed, or None if there was none with this id."""
        row = self._db.one("SELECT record FROM reviews WHERE id = ?", (review_id,))
        if row is None:
            return None
        review = decode(Review, row[0])
        with self._db.transaction():
            self._db.run("DELETE FROM reviews WHERE id = ?", (review_id,))
            self._remerge([*review.reports, *review.other_reports])
        return review

    def reviews(self, event_id: str | None = None) -> list[Review]:
        """Reviews, oldest first; with `event_id`, those made on that event id."""
        sql, params = "SELECT record FROM reviews", []
        if event_id is not None:
            sql += " WHERE event_id = ?"
            params.append(event_id)
        return [decode(Review, row[0]) for row in self._db.all(sql + " ORDER BY created_at, id", params)]

    def remerge_all(self) -> int:
        """Merge every report again (after a change to the merge rules); returns the event count."""
        with self._db.transaction():
            ids = sorted(self._ids("SELECT id FROM reports", ()))
            documents = dict(self._db.all("SELECT id, document_id FROM reports"))
            self._insert_reports([(report, documents[report.id]) for report in self._reports_by_id(ids)])
            return self._merge_all(self._reports_by_id(ids))

    def load(self, items: Sequence[tuple[Document, Sequence[Event]]]) -> int:
        """`write_many` for a bulk import, merging every report once at the end rather than each write's
        linked reports as they come (100,000 synthetic reports: a fraction of the time); the events are
        those of writing the documents one by one. Returns the event count."""
        with collector_paused(), self._db.transaction():
            reports = []
            for doc, events in items:
                if self._insert_document(doc):
                    reports += [(report, doc.id) for report in events]
            self._insert_reports(reports)
            stored = set(self._ids("SELECT id FROM reports", ())) - {report.id for report, _ in reports}
            latest = {report.id: report for report, _ in reports}  # a later report of an id replaces one
            return self._merge_all([*self._reports_by_id(sorted(stored)), *latest.values()])

    def _merge_all(self, reports: Sequence[Event]) -> int:
        """Replace every event, the situation and the counts with those of merging all `reports`."""
        self._db.run("DELETE FROM event_actors")
        self._db.run("DELETE FROM event_documents")
        self._db.run("DELETE FROM events")
        self._db.run("UPDATE reports SET event_id = NULL")
        events = self.merger.merge(reports, self.reviews())
        self._store_events(events, utc_now())
        self._rebuild_situation()
        counts.rebuild(self._db)
        return len(events)

    def situation_as_of(self, as_of: date) -> list[SituationEntry]:
        """The situation as of a day from the table kept at write time: what
        `sitroom.situation.situation_as_of(self.events(), as_of)` gives, through an index."""
        from sitroom.store import situation_table

        return situation_table.situation_as_of(self._db, as_of)

    def changes(
        self, since: date, until: date | None = None, limit: int | None = None, offset: int = 0
    ) -> list[StateChange]:
        """The changes of state between `since` and `until` (both included), oldest first, from the table
        kept at write time: what `sitroom.situation.changes(self.events(), since, until)` gives, paged."""
        from sitroom.store import changes_table

        return changes_table.changes_in(self._db, since, until, limit, offset)

    def count_changes(self, since: date, until: date | None = None) -> int:
        """How many changes `changes` gives for the window, unpaged."""
        from sitroom.store import changes_table

        return changes_table.count(self._db, since, until)

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
            f"INSERT INTO documents ({DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (content_hash) DO NOTHING",
            document_row(doc, utc_now()),
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
            rows.append(event_row(event, record, now))
            self._decoded_events.put(event.id, record, event)
        self._db.run_many(UPSERT_EVENT, rows)
        # The events' links are rewritten from their records, so the newest version is the truth.
        for chunk in chunks(ids):
            marks, params = in_list(chunk)
            for table in ("event_actors", "event_documents"):
                self._db.run(f"DELETE FROM {table} WHERE event_id IN ({marks})", params)
        self._db.run_many(INSERT_EVENT_ACTOR, [row for event in events for row in actor_rows(event)])
        links = [(event.id, linked) for event in events for linked in event.documents]
        self._db.run_many(LINK_DOCUMENT, links)
        members = [(event.id, member) for event in events for member in member_ids(event)]
        self._db.run_many("UPDATE reports SET event_id = ? WHERE id = ?", members)
        self._db.run_many(LINK_REPORTED_DOCUMENTS, [(id_, id_, id_) for id_ in ids])

    def documents(self, include_text: bool = True) -> list[Document]:
        """Every document, oldest dateline first; `include_text=False` leaves `text` empty (lighter)."""
        text = "text" if include_text else "''"
        rows = self._db.all(
            f"SELECT id, content_hash, date, origin, url, outlet, title, {text} FROM documents"
            " ORDER BY date, id"
        )
        return [document_from_row(row) for row in rows]

    def document(self, id: str) -> Document | None:
        row = self._db.one(f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (id,))
        return document_from_row(row) if row is not None else None

    def document_count(self) -> int:
        return int(self._db.one("SELECT COUNT(*) FROM documents")[0])

    def event_count(self) -> int:
        return int(self._db.one("SELECT COUNT(*) FROM events")[0])

    def place_counts(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Places that events happened at, each with its event count, most first (kept at write time);
        `limit` of them from `offset`."""
        return counts.place_counts(self._db, limit, offset)

    def count_places(self) -> int:
        return counts.total(self._db, "place_counts")

    def actor_counts(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Actors named in events, each with its event count, most first (kept at write time); `limit`
        of them from `offset`."""
        return counts.actor_counts(self._db, limit, offset)

    def count_actors(self) -> int:
        return counts.total(self._db, "actor_counts")

    def _counted_keys(self, event_ids: Iterable[str]) -> counts.Keys:
        """The places and actors these stored events are counted under: read before they are replaced."""
        return counts.keys_of_stored(self._db, event_ids)

    def _refresh_counts(self, replaced: counts.Keys, stored: Sequence[Event]) -> None:
        counts.refresh(self._db, replaced | counts.keys_of(stored))

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
        return event_from_record(row[0]) if row is not None else None

    def events(
        self, query: EventQuery | None = None, limit: int | None = None, offset: int = 0, **filters: Any
    ) -> list[Event]:
        """Events matching every given filter, ordered by start date (undated last), then id."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit=}, {offset=}")
        query = EventQuery.given(query, filters)
        branches = self._branches(query)
        if query.text is not None:
            # Paging happens after the evidence check, which SQL cannot do.
            ids = self._saying(branches, query.text)
            return self._events_by_id(ids[offset:] if limit is None else ids[offset : offset + limit])
        if limit is None and not offset and len(branches) == 1:
            return [self._decoded(row[2], row[-1]) for row in self._ordered(branches, "record", None)]
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
                sql, params = led_by_actor(branch)
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

    def _saying(self, branches: list[Branch], text: str) -> list[str]:
        """The ids of the branches' events whose evidence says `text`, in listing order: checked in their
        evidence column, not their decoded records (thousands of whole records cost a tenth of a second
        at 100,000 reports, for each page and each count)."""
        column = search.evidence_column(text)
        if column is None:
            rows = self._ordered(branches, "record", None)
            return [r[2] for r in rows if evidence_says(self._decoded(r[2], r[-1]), text)]
        return [r[2] for r in self._ordered(branches, column, None) if search.says(r[-1], text)]

    def _events_by_id(self, ids: Sequence[str]) -> list[Event]:
        """The events with these ids, in that order."""
        records: dict[str, str] = {}
        for chunk in chunks(ids):
            marks, params = in_list(chunk)
            rows = self._db.all(f"SELECT id, record FROM events WHERE id IN ({marks})", params)
            records.update((id_, record) for id_, record in rows)
        return [self._decoded(id_, records[id_]) for id_ in ids if id_ in records]

    def counted_events(
        self, query: EventQuery | None = None, limit: int | None = None, offset: int = 0, **filters: Any
    ) -> tuple[int, list[Event]]:
        """`count_events` and `events` for the same filters, a text search's evidence checked once."""
        query = EventQuery.given(query, filters)
        if query.text is None:
            return self.count_events(query), self.events(query, limit, offset)
        ids = self._saying(self._branches(query), query.text)
        return len(ids), self._events_by_id(ids[offset:] if limit is None else ids[offset : offset + limit])

    def count_events(self, query: EventQuery | None = None, **filters: Any) -> int:
        """How many events `events` gives for the same filters, without paging."""
        query = EventQuery.given(query, filters)
        if query.text is not None:
            return len(self._saying(self._branches(query), query.text))
        total = 0
        for branch in self._branches(query):
            where, params = branch.plain()
            sql = "SELECT COUNT(*) FROM events" + (" WHERE " + " AND ".join(where) if where else "")
            total += int(self._db.one(sql, params)[0])
        return total

    def _branches(self, query: EventQuery) -> list[Branch]:
        """The disjoint queries whose rows together are what `events` and `count_events` give."""
        actor_is_id = self._is_actor_id(query.actor)
        parts = ("recent", "long") if query.since is not None else ("recent",)
        lower = self._db.dialect.lower
        text_index = self._db.dialect.name == "sqlite"
        found = [
            event_filters(lower, query, actor_is_id=actor_is_id, part=part, text_index=text_index)
            for part in parts
        ]
        branches = [Branch(where, params) for where, params in found]
        if actor_is_id and query.since is not None:
            first = days_before(query.since, LONG_SPAN_DAYS).isoformat()
            branches[0] = Branch(*found[0], by_actor=(str(query.actor), first))
        return branches

    def _is_actor_id(self, actor: str | None) -> bool:
        if actor is None or actor != actor.strip() or " " in actor:
            return False
        return self._db.one("SELECT 1 FROM event_actors WHERE actor_id = ? LIMIT 1", (actor,)) is not None
