"""Finding events by the words of their evidence through an index, not a scan of every record.

SQLite keeps `events_fts`, an FTS5 table of trigrams over each event's evidence sentences (lower-cased as
Python does), in step with `events` through triggers: a phrase of three characters or more is then found
as a substring, as the scan found it. PostgreSQL indexes the trigrams (pg_trgm) of `events.evidence`, the
same sentences that each write stores, which serves the `LIKE` that narrows a text search; where the
extension cannot be installed the LIKE scans that column. Either way the index only narrows: each
candidate's sentences have the last word (`says`), so the results are those of `evidence_says`.
"""

from __future__ import annotations

import orjson

from sitroom.errors import StoreError
from sitroom.store.db import Db
from sitroom.store.rows import evidence_text

# FTS5's trigram tokenizer finds a phrase of at least three characters; a shorter one is scanned for.
SHORTEST_INDEXED = 3
# An event's evidence sentences, one per line, lower-cased with Python's rules (`sitroom_lower`).
_EVIDENCE_TEXT = (
    "(SELECT sitroom_lower(group_concat(json_extract(value, '$.sentence'), char(10)))"
    " FROM json_each({row}.record, '$.evidence'))"
)
_SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE events_fts USING fts5(evidence, tokenize = 'trigram')",
    "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN"
    f" INSERT INTO events_fts (rowid, evidence) VALUES (new.rowid, {_EVIDENCE_TEXT.format(row='new')}); END",
    "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN"
    " DELETE FROM events_fts WHERE rowid = old.rowid; END",
    "CREATE TRIGGER events_fts_update AFTER UPDATE OF record ON events BEGIN"
    " DELETE FROM events_fts WHERE rowid = old.rowid;"
    f" INSERT INTO events_fts (rowid, evidence) VALUES (new.rowid, {_EVIDENCE_TEXT.format(row='new')}); END",
)
_POSTGRES_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX events_record_trigrams ON events USING gin (sitroom_lower(record) gin_trgm_ops)",
)


def create_index(db: Db) -> None:
    """The backend's text index, filled from the stored events (a migration step)."""
    if db.dialect.name == "sqlite":
        for statement in _SQLITE_INDEX:
            db.run(statement)
        rebuild(db)
    else:
        _try_postgres_index(db)


def rebuild(db: Db) -> None:
    """Index every stored event again. SQLite: after a VACUUM, which may renumber the events' rowids."""
    if db.dialect.name != "sqlite":
        return
    db.run("DELETE FROM events_fts")
    evidence = _EVIDENCE_TEXT.format(row="events")
    db.run(f"INSERT INTO events_fts (rowid, evidence) SELECT rowid, {evidence} FROM events")


def _try_postgres_index(db: Db, statements: tuple[str, ...] = _POSTGRES_INDEX) -> None:
    """The extension needs a privilege the store's role may lack: without it, searches scan as before."""
    db.run("SAVEPOINT text_index")
    try:
        for statement in statements:
            db.run(statement)
    except StoreError:
        db.run("ROLLBACK TO SAVEPOINT text_index")
    db.run("RELEASE SAVEPOINT text_index")


def phrase(text: str) -> str | None:
    """The FTS5 query for `text` as a substring (lower-cased), or None when too short for the index."""
    wanted = text.lower()
    if len(wanted) < SHORTEST_INDEXED:
        return None
    return '"' + wanted.replace('"', '""') + '"'


def evidence_column(text: str) -> str | None:
    """The column whose value `says` checks for `text`: the events' lower-cased evidence sentences, one a
    line; None when `text` spans lines (it would span two sentences there): decode the record."""
    return None if "\n" in text else "evidence"


def says(evidence: str | None, text: str) -> bool:
    """Whether the `evidence_column` value has a sentence that contains `text` (case-insensitive): what
    `sitroom.store.query.evidence_says` tells from the decoded event."""
    if evidence is None:
        return False
    wanted = text.lower()
    return any(wanted in line for line in evidence.split("\n"))


# PostgreSQL: the evidence column's trigrams, in place of the whole record's (migration 14). A LIKE on
# the record checked every candidate's lower-cased record, and reading its evidence parsed the record.
_POSTGRES_EVIDENCE_INDEX = (
    "DROP INDEX IF EXISTS events_record_trigrams",
    "CREATE INDEX events_evidence_trigrams ON events USING gin (evidence gin_trgm_ops)",
)


def index_evidence(db: Db) -> None:
    """Fill the evidence column from the stored records, and index it where the backend can (a migration
    step)."""
    last = ""
    while rows := db.all("SELECT id, record FROM events WHERE id > ? ORDER BY id LIMIT 2000", (last,)):
        texts = [(_evidence_of(record), id_) for id_, record in rows]
        db.run_many("UPDATE events SET evidence = ? WHERE id = ?", texts)
        last = rows[-1][0]
    if db.dialect.name == "postgresql":
        _try_postgres_index(db, _POSTGRES_EVIDENCE_INDEX)


def _evidence_of(record: str) -> str | None:
    return evidence_text(item["sentence"] for item in orjson.loads(record).get("evidence", ()))
