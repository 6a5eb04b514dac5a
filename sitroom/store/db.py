"""The connection every SQL backend shares: the dialect hook, a thin wrapper with explicit transactions,
and helpers for lists of parameters.

The SQL of the store is written once, with `?` placeholders and portable types; a `Dialect` translates it
for a backend (SQLite, PostgreSQL). A backend only has to open a DB-API connection in autocommit mode,
pick its dialect and name its driver's exception classes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sitroom.errors import StoreBusy, StoreError

# Parameters per IN (...) list: well under SQLite's and PostgreSQL's limits.
CHUNK = 500


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

    def __init__(
        self,
        conn: Connection,
        dialect: Dialect,
        errors: tuple[type[Exception], ...],
        busy: Callable[[Exception], bool] = lambda exc: False,
    ) -> None:
        self.conn = conn
        self.dialect = dialect
        self.errors = errors  # the driver's exceptions, turned into StoreError
        self.busy = busy  # which of them mean "not now" (a lock held too long, a lost server): StoreBusy
        # Set once the schema has `store_writes`: each write transaction then counts itself, so readers
        # can tell in one query whether anything changed.
        self.counts_writes = False
        self._in_transaction = False

    def run(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        try:
            return self.conn.execute(self.dialect.sql(sql), tuple(params))
        except self.errors as exc:
            raise self._failure(exc) from exc

    def run_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """One statement for each row of parameters."""
        try:
            self.conn.cursor().executemany(self.dialect.sql(sql), rows)
        except self.errors as exc:
            raise self._failure(exc) from exc

    def _failure(self, exc: Exception) -> StoreError:
        kind = StoreBusy if self.busy(exc) else StoreError
        return kind(f"database error: {exc}")

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
            if self.counts_writes:
                self.run("UPDATE store_writes SET count = count + 1 WHERE id = 1")
            self.run("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, StoreError | KeyboardInterrupt | SystemExit):
                raise
            # Bad values (NaN, huge ints, unencodable text) surface here as ValueError and the like.
            raise StoreError(f"write failed and was rolled back: {exc!r}") from exc
        finally:
            self._in_transaction = False

    def write_count(self) -> int:
        """How many write transactions the store has committed (0 before the counting migration)."""
        row = self.one("SELECT count FROM store_writes WHERE id = 1")
        return int(row[0]) if row is not None else 0

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


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def placeholders(n: int) -> str:
    return ", ".join("?" * n)


def in_list(values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """Placeholders and parameters for `IN (...)` over `values` (not empty), padded to a power of two by
    repeating the last value, which changes no IN test. The query text then takes one of a few shapes
    per statement, so the driver's cache of prepared statements serves them: one per list length would
    fill it (SQLite's holds 128, each a query plan of tens of kilobytes for a long list)."""
    size = 1 << (len(values) - 1).bit_length()
    return placeholders(size), (*values, *[values[-1]] * (size - len(values)))
