"""The schema, as an ordered list of named migrations recorded in `schema_migrations`.

Each migration is DDL with type slots (`{text}`, `{int}`, `{float}`, `{date}`, `{timestamp}`) that
the backend's `Dialect` fills in, so SQLite and PostgreSQL share one history; a migration may end
with a Python step for rows that DDL cannot derive. Never edit a migration that has shipped: add a new
one at the end with the next version number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitroom.errors import StoreError
from sitroom.store import counts, search, situation_table
from sitroom.store.changes_table import CREATE as CHANGES
from sitroom.store.db import Db, utc_now
from sitroom.store.rows import flag_long_spans


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    # Fills what the statements cannot (rows derived from stored records), in the same transaction. It
    # runs on the schema as of this migration: a later migration that changes what it reads or writes
    # must keep it working there.
    then: Callable[[Db], None] | None = None


_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version {int} PRIMARY KEY,
    name {text} NOT NULL,
    applied_at {timestamp} NOT NULL
)"""

_INITIAL = (
    """CREATE TABLE documents (
        id {text} PRIMARY KEY,
        content_hash {text} NOT NULL UNIQUE,
        date {date} NOT NULL,
        origin {text} NOT NULL,
        url {text},
        outlet {text},
        title {text},
        text {text} NOT NULL,
        ingested_at {timestamp} NOT NULL
    )""",
    """CREATE TABLE events (
        id {text} PRIMARY KEY,
        type {text} NOT NULL,
        status {text} NOT NULL,
        certainty {text} NOT NULL,
        date_start {date},
        date_end {date},
        place_name {text},
        lat {float},
        lon {float},
        admin1 {text},
        country {text},
        fatalities {int},
        reported {date},
        record {text} NOT NULL,
        updated_at {timestamp} NOT NULL
    )""",
    "CREATE INDEX events_type ON events (type)",
    "CREATE INDEX events_dates ON events (date_start, date_end)",
    "CREATE INDEX events_place_name ON events (place_name)",
    "CREATE INDEX events_admin1 ON events (admin1)",
    "CREATE INDEX events_country ON events (country)",
    "CREATE INDEX events_coordinates ON events (lat, lon)",
    """CREATE TABLE event_actors (
        event_id {text} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        position {int} NOT NULL,
        actor_id {text},
        name {text} NOT NULL,
        role {text} NOT NULL,
        mention {text} NOT NULL,
        PRIMARY KEY (event_id, position)
    )""",
    "CREATE INDEX event_actors_name ON event_actors (name)",
    "CREATE INDEX event_actors_actor_id ON event_actors (actor_id)",
    """CREATE TABLE event_documents (
        event_id {text} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        document_id {text} NOT NULL REFERENCES documents (id),
        PRIMARY KEY (event_id, document_id)
    )""",
    "CREATE INDEX event_documents_document ON event_documents (document_id)",
)

# Each document's account of an event becomes a report; events are the merged view over reports.
# Rows that migration 1 stored as events are one-report events: they become reports of themselves.
_REPORTS_AND_REVIEWS = (
    "ALTER TABLE events ADD COLUMN last_reported {date}",
    "ALTER TABLE events ADD COLUMN source_count {int} NOT NULL DEFAULT 1",
    "ALTER TABLE events ADD COLUMN review {text}",
    """CREATE TABLE reports (
        id {text} PRIMARY KEY,
        document_id {text} NOT NULL REFERENCES documents (id),
        event_id {text},
        reported {date},
        record {text} NOT NULL
    )""",
    "CREATE INDEX reports_document ON reports (document_id)",
    "CREATE INDEX reports_event ON reports (event_id)",
    """CREATE TABLE report_keys (
        report_id {text} NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        key {text} NOT NULL,
        PRIMARY KEY (report_id, key)
    )""",
    "CREATE INDEX report_keys_key ON report_keys (key)",
    """INSERT INTO reports (id, document_id, event_id, reported, record)
        SELECT e.id, MIN(d.document_id), e.id, e.reported, e.record
        FROM events e JOIN event_documents d ON d.event_id = e.id
        GROUP BY e.id, e.reported, e.record""",
    """CREATE TABLE reviews (
        id {text} PRIMARY KEY,
        event_id {text} NOT NULL,
        action {text} NOT NULL,
        author {text} NOT NULL,
        created_at {timestamp} NOT NULL,
        record {text} NOT NULL
    )""",
    "CREATE INDEX reviews_event ON reviews (event_id)",
    """CREATE TABLE tokens (
        name {text} PRIMARY KEY,
        hash {text} NOT NULL UNIQUE,
        created_at {timestamp} NOT NULL
    )""",
)

# The situation as of any date, kept at write time (see sitroom.store.situation_table): each (place,
# actor) pair's versions, valid from `valid_from` until `valid_to` (NULL: the latest), each holding its
# whole entry: its place and the rest (`record`). Events get a place key to find a pair's events by. A
# store that held events before gets its place keys and table filled here.
_SITUATION_ENTRIES = (
    "ALTER TABLE events ADD COLUMN place_key {text}",
    "CREATE INDEX events_place_key ON events (place_key)",
    """CREATE TABLE situation_entries (
        place_key {text} NOT NULL,
        actor_key {text} NOT NULL,
        valid_from {date} NOT NULL,
        valid_to {date},
        place {text} NOT NULL,
        record {text} NOT NULL,
        PRIMARY KEY (place_key, actor_key, valid_from)
    )""",
    # The pairs, listed by their latest versions.
    "CREATE INDEX situation_entries_latest ON situation_entries (place_key, actor_key)"
    " WHERE valid_to IS NULL",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _INITIAL),
    Migration(2, "reports, reviews and tokens", _REPORTS_AND_REVIEWS),
    # The order `SqlStore.events` lists in, so a page of events reads 50 index entries, not every row.
    Migration(
        3,
        "index events in listing order",
        (
            "CREATE INDEX events_listing ON events"
            " ((CASE WHEN date_start IS NULL THEN 1 ELSE 0 END), date_start, id)",
        ),
    ),
    # Place names as users type them: lower case, no diacritics, with the words the report used
    # ("haditha" finds "Ḩadīthah"). Rows written before this are found by their plain names.
    Migration(4, "searchable place names", ("ALTER TABLE events ADD COLUMN place_search {text}",)),
    # A date window reads only events that start at most a year before it, through an index, plus the
    # few that last longer than a year ("stationed there since 2014"), flagged. Rows from before this
    # migration are flagged conservatively: they are found either way.
    Migration(
        5,
        "index date windows",
        (
            "ALTER TABLE events ADD COLUMN long_span {int} NOT NULL DEFAULT 0",
            "UPDATE events SET long_span = 1 WHERE date_start IS NOT NULL",
            "CREATE INDEX events_type_start ON events (type, date_start)",
        ),
    ),
    Migration(6, "situation entries kept at write time", _SITUATION_ENTRIES, then=situation_table.fill),
    # A date window's page from the index alone: type, dates, the long-span flag and the id in one
    # index; the few long events in one small index; an actor's events by start date. Events are
    # flagged long from a month now (was a year), so the window's range starts a month before it; the
    # flags are set again from the dates.
    Migration(
        7,
        "index date windows by type and by actor",
        (
            "DROP INDEX events_type_start",
            "CREATE INDEX events_type_window ON events (type, date_start, date_end, long_span, id)",
            "CREATE INDEX events_long_spans ON events (date_start) WHERE long_span = 1",
            "ALTER TABLE event_actors ADD COLUMN date_start {date}",
            "UPDATE event_actors SET date_start ="
            " (SELECT e.date_start FROM events e WHERE e.id = event_actors.event_id)",
            "CREATE INDEX event_actors_actor_start ON event_actors (actor_id, date_start, event_id)",
        ),
        then=flag_long_spans,
    ),
    Migration(8, "index situation versions by validity", (), then=situation_table.index_validity),
    # A report's link card (`Merger.card`) lets a write rule out most of a block without decoding it.
    # Reports stored before have none and are decoded as before, until `remerge_all` writes them again.
    Migration(9, "link cards of reports", ("ALTER TABLE reports ADD COLUMN card {text}",)),
    # How many write transactions the store has committed: what a reader's cached answer and ETag are
    # valid for (see `Db.transaction`).
    Migration(
        10,
        "count of writes",
        (
            "CREATE TABLE store_writes (id {int} PRIMARY KEY, count {int} NOT NULL)",
            "INSERT INTO store_writes (id, count) VALUES (1, 0)",
        ),
    ),
    # Text search through an index (see sitroom.store.search), filled from the events stored before.
    Migration(11, "index evidence text", (), then=search.create_index),
    # The changes of state kept at write time (see sitroom.store.changes_table), filled from the events.
    Migration(12, "situation changes kept at write time", CHANGES, then=situation_table.fill_changes),
    # Places and actors with their event counts, kept at write time (see sitroom.store.counts).
    Migration(13, "place and actor counts kept at write time", counts.CREATE, then=counts.rebuild),
    # Each event's evidence sentences, lower-cased, for text searches to narrow by and check (see
    # sitroom.store.search); PostgreSQL indexes their trigrams instead of the whole record's.
    Migration(
        14, "evidence text", ("ALTER TABLE events ADD COLUMN evidence {text}",), then=search.index_evidence
    ),
)


def latest_version(migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def migrate(db: Db, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """Apply pending migrations in one transaction; return those applied.

    Raises StoreError when the database was made by a newer sitroom, or its recorded history
    differs from this code's.
    """
    _check_sequence(migrations)
    with db.transaction():
        db.run(db.dialect.ddl(_LEDGER))
        applied = {int(v): name for v, name in db.all("SELECT version, name FROM schema_migrations")}
        _check_history(applied, migrations)
        pending = [m for m in migrations if m.version not in applied]
        for migration in pending:
            for statement in migration.statements:
                db.run(db.dialect.ddl(statement))
            if migration.then is not None:
                migration.then(db)
            db.run(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, utc_now()),
            )
    return pending


def _check_sequence(migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"migrations must be numbered 1, 2, 3...; got {versions}")


def _check_history(applied: dict[int, str], migrations: tuple[Migration, ...]) -> None:
    newest = max(applied, default=0)
    if newest > latest_version(migrations):
        raise StoreError(
            f"the database has schema version {newest}, newer than this sitroom supports"
            f" ({latest_version(migrations)}); upgrade sitroom to open it"
        )
    known = {m.version: m.name for m in migrations}
    for version, name in sorted(applied.items()):
        if known.get(version) != name:
            raise StoreError(
                f"the database's migration {version} is {name!r}, but this sitroom's is"
                f" {known.get(version)!r}; it was not made by this sitroom"
            )
