"""The PostgreSQL backend (psycopg 3): the shared SQL and migrations on a server database.

Text columns use the "C" collation, so ids and names sort byte by byte as they do in SQLite. Case-folding
for filters goes through `sitroom_lower`, a small SQL function this backend installs, because `lower()`
follows the column's collation and "C" folds only ASCII. PostgreSQL text cannot hold NUL characters; the
adapters below escape them (and the escape character) on the way in and restore them on the way out, so
any text SQLite stores round-trips here too.
"""

from __future__ import annotations

import re

from sitroom.errors import StoreError
from sitroom.store.base import SqlStore
from sitroom.store.db import Db, Dialect
from sitroom.store.migrations import migrate
from sitroom.store.remerge import Merger

POSTGRES = Dialect(
    name="postgresql",
    paramstyle="format",
    types={
        "text": 'TEXT COLLATE "C"',
        "int": "BIGINT",
        "float": "DOUBLE PRECISION",
        "date": "DATE",
        "timestamp": "TIMESTAMPTZ",
    },
    begin_write="BEGIN",
    lower="sitroom_lower",
)

# A private-use character stands in for NUL: U+E000 U+E000 is a literal U+E000, U+E000 "0" is NUL.
_ESCAPE = "\ue000"
_ESCAPED = re.compile(f"{_ESCAPE}([{_ESCAPE}0])")
# Serialises installing the helper function when several processes open one database at once.
_SETUP_LOCK_KEY = 0x5177_0001
_LOWER_FUNCTION = """
CREATE OR REPLACE FUNCTION sitroom_lower(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(value COLLATE {collation}) $$"""


def escape_text(value: str) -> str:
    if _ESCAPE in value:
        value = value.replace(_ESCAPE, _ESCAPE * 2)
    return value.replace("\x00", _ESCAPE + "0") if "\x00" in value else value


def unescape_text(value: str) -> str:
    if _ESCAPE not in value:
        return value
    return _ESCAPED.sub(lambda m: "\x00" if m.group(1) == "0" else _ESCAPE, value)


def _register_text_adapters(conn) -> None:
    from psycopg.types.string import StrDumperUnknown, TextLoader

    class NulSafeDumper(StrDumperUnknown):
        def dump(self, obj: str):
            return super().dump(escape_text(obj))

    class NulSafeLoader(TextLoader):
        def load(self, data):
            value = super().load(data)
            return unescape_text(value) if isinstance(value, str) else value

    conn.adapters.register_dumper(str, NulSafeDumper)
    conn.adapters.register_loader("text", NulSafeLoader)


def connect(url: str):
    """An autocommit psycopg connection with NUL-safe text adapters."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    _register_text_adapters(conn)
    return conn


def _install_lower(db: Db) -> None:
    """Create `sitroom_lower` if missing: Unicode case-folding (ICU when the server has it)."""
    with db.transaction():
        db.run("SELECT pg_advisory_xact_lock(?)", (_SETUP_LOCK_KEY,))
        if db.one("SELECT to_regprocedure('sitroom_lower(text)')")[0] is not None:
            return
        has_icu = db.one("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'") is not None
        collation = '"und-x-icu"' if has_icu else '"default"'
        db.run(_LOWER_FUNCTION.format(collation=collation))


def _redacted(url: str) -> str:
    """The URL without its password, for error messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database given by a `postgresql://` URL. Pending migrations run on open,
    unless `read_only` (a server's readers: the writer that opened the database first set it up)."""

    def __init__(self, url: str, merger: Merger | None = None, read_only: bool = False) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("the PostgreSQL backend needs psycopg: pip install 'psycopg[binary]'") from exc
        self.url = url
        try:
            conn = connect(url)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the PostgreSQL database {_redacted(url)}: {exc}") from exc
        # A lost or restarting server is worth a retry; a bad query is not.
        db = Db(conn, POSTGRES, (psycopg.Error,), busy=lambda exc: isinstance(exc, psycopg.OperationalError))
        if not read_only:
            try:
                _install_lower(db)
                migrate(db)
            except StoreError:
                conn.close()
                raise
        super().__init__(db, merger)
