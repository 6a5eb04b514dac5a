"""Finding events by the words of their evidence through an index, not a scan of every record.

SQLite keeps `events_fts`, an FTS5 table of trigrams over each event's evidence sentences (lower-cased as
Python does), in step with `events` through triggers: a phrase of three characters or more is then found
as a substring, as the scan found it. PostgreSQL indexes the lower-cased records with trigrams (pg_trgm),
which serves the `LIKE` that narrows a text search; where the extension cannot be installed the scan stays.
Either way the index only narrows: `evidence_says` has the last word, so the results are the scan's.
"""

from __future__ import annotations

import orjson

from sitroom.errors import StoreError
from sitroom.store.db import Db

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


def _try_postgres_index(db: Db) -> None:
    """The extension needs a privilege the store's role may lack: without it, searches scan as before."""
    db.run("SAVEPOINT text_index")
    try:
        for statement in _POSTGRES_INDEX:
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


# Where a search checks each candidate's evidence without reading its whole record: SQLite's index holds
# an event's sentences, lower-cased, one a line; PostgreSQL reads the evidence out of the record.
_EVIDENCE = {
    "sqlite": "(SELECT f.evidence FROM events_fts f WHERE f.rowid = events.rowid)",
    "postgresql": "CAST(CAST(record AS json) -> 'evidence' AS text)",
}


def evidence_column(dialect: str, text: str) -> str | None:
    """An expression over `events` whose value `says` checks for `text`; None: decode the record."""
    if dialect == "sqlite" and "\n" in text:  # found across two lines, it would span two sentences
        return None
    return _EVIDENCE.get(dialect)


def says(dialect: str, evidence: str | None, text: str) -> bool:
    """Whether the `evidence_column` value has a sentence that contains `text` (case-insensitive): what
    `sitroom.store.query.evidence_says` tells from the decoded event."""
    if evidence is None:
        return False
    wanted = text.lower()
    if dialect == "sqlite":
        return any(wanted in line for line in evidence.split("\n"))
    return any(wanted in item["sentence"].lower() for item in orjson.loads(evidence))
