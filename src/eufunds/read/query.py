"""Read-only SQL over the archive, and the formats its rows are printed in.

``open_query`` runs one statement on a connection that cannot change the archive:
on SQLite the file is opened read-only with ``query_only`` on, and an authorizer
refuses what those two do not cover (ATTACH, pragmas that set something,
``load_extension``) or would only refuse with a vague "readonly database"
message; on PostgreSQL the session is read-only and only a single statement is
accepted, so it cannot switch the session back. Rows are fetched in batches and
written as they come, so memory does not grow with the result.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy.exc import DBAPIError

from ..db import create_archive_engine, is_sqlite
from ..errors import QueryError
from ..jsontext import to_json
from ..numbers import shortest_decimal
from ..text import terminal_safe

FETCH_BATCH = 500
FORMATS = ("table", "csv", "json")
# A table on a terminal is sized from the first rows; later, wider values still
# print in full, they only break the alignment of their own line.
TABLE_SAMPLE_ROWS = 200


@dataclass
class QueryResult:
    """Column names and a one-pass iterator over the rows (tuples)."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]


# --------------------------------------------------------------------------- SQLite guard

# Pragmas that only describe the database; their argument names a table or index.
_DESCRIBING_PRAGMAS = frozenset(
    {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "database_list", "collation_list",
        "function_list", "module_list", "pragma_list", "compile_options", "integrity_check",
        "quick_check",
    }
)  # fmt: skip
# Settings whose value may be read (PRAGMA name, no argument). Others are left out
# on purpose: "PRAGMA optimize" or "PRAGMA wal_checkpoint" without an argument act.
_READABLE_SETTINGS = frozenset(
    {
        "user_version", "schema_version", "application_id", "encoding", "page_size", "page_count",
        "freelist_count", "journal_mode", "foreign_keys", "query_only", "data_version",
        "busy_timeout", "cache_size", "auto_vacuum", "max_page_count", "case_sensitive_like",
    }
)  # fmt: skip
_WRITES = {
    sqlite3.SQLITE_INSERT: "INSERT",
    sqlite3.SQLITE_UPDATE: "UPDATE",
    sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_CREATE_INDEX: "CREATE INDEX",
    sqlite3.SQLITE_CREATE_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "CREATE INDEX",
    sqlite3.SQLITE_CREATE_TEMP_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "CREATE TRIGGER",
    sqlite3.SQLITE_CREATE_TEMP_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_CREATE_TRIGGER: "CREATE TRIGGER",
    sqlite3.SQLITE_CREATE_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE",
    sqlite3.SQLITE_DROP_INDEX: "DROP INDEX",
    sqlite3.SQLITE_DROP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_TEMP_INDEX: "DROP INDEX",
    sqlite3.SQLITE_DROP_TEMP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_TEMP_TRIGGER: "DROP TRIGGER",
    sqlite3.SQLITE_DROP_TEMP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_DROP_TRIGGER: "DROP TRIGGER",
    sqlite3.SQLITE_DROP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_TRANSACTION: "a transaction statement",
    sqlite3.SQLITE_SAVEPOINT: "a savepoint",
}
_ROW_WRITES = (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)
_SCHEMA_TABLES = ("sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema")


class _ReadOnlyAuthorizer:
    """sqlite3 authorizer callback that remembers why it refused."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(
        self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
    ) -> int:
        reason = self._refusal(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.refused = self.refused or reason
        return sqlite3.SQLITE_DENY

    @staticmethod
    def _refusal(action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action in _ROW_WRITES and arg1 in _SCHEMA_TABLES:
            # SQLite asks these first for every CREATE/DROP (and an UPDATE while it
            # reads table-valued pragmas); letting them through means the refusal
            # names the statement (DROP TABLE projects) rather than the schema
            # table. Editing sqlite_master directly is refused by SQLite itself.
            return None
        if action == sqlite3.SQLITE_ATTACH and arg1 == "":
            return "VACUUM"  # VACUUM attaches a temporary copy
        if action in _WRITES:
            what = _WRITES[action]
            if action in _ROW_WRITES:
                return f"{what} on {arg1}"
            if action == sqlite3.SQLITE_ALTER_TABLE:
                return f"{what} {arg2}"
            return (
                f"{what} {arg1}"
                if arg1 and action not in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT)
                else what
            )
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if name in _DESCRIBING_PRAGMAS or (name in _READABLE_SETTINGS and arg2 is None):
                return None
            return f"PRAGMA {name}" + (f" = {arg2}" if arg2 is not None else "")
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() == "load_extension":
            return "load_extension()"
        return None


# --------------------------------------------------------------------------- running


class _Clock:
    """The query's time limit, and Ctrl-C: SQLite calls it every few thousand
    steps of its virtual machine (a long query never returns to Python
    otherwise, so neither a deadline nor KeyboardInterrupt could stop it)."""

    def __init__(self, limit_s: float | None):
        self.limit_s = limit_s
        self.deadline = time.monotonic() + limit_s if limit_s else None
        self.expired = False
        self.interrupted = False

    def __call__(self) -> int:
        try:
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.expired = True
                return 1
            return 0
        except KeyboardInterrupt:  # delivered while this ran: stop SQLite, re-raised after
            self.interrupted = True
            return 1


@contextmanager
def open_query(
    url: str, sql: str, *, batch: int = FETCH_BATCH, time_limit_s: float | None = None
) -> Iterator[QueryResult]:
    """Run ``sql`` read-only on the archive at ``url``; yield its columns and rows.

    Raises ``QueryError`` for bad SQL, for any attempt to write, and when the
    query (its rows included) runs past ``time_limit_s`` seconds (None or 0: no
    limit). The rows must be consumed inside the ``with`` block (the connection
    closes after it).
    """
    if not sql.strip():
        raise QueryError("no SQL given")
    clock = _Clock(time_limit_s)
    engine = create_archive_engine(url, read_only=True)
    try:
        raw = engine.raw_connection()
        sqlite_driver: sqlite3.Connection | None = None  # under SQLAlchemy's, on SQLite
        try:
            authorizer: _ReadOnlyAuthorizer | None = None
            if is_sqlite(url):
                driver = raw.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                sqlite_driver = driver
                if hasattr(driver, "enable_load_extension"):  # absent when Python was built without it
                    driver.enable_load_extension(False)
                authorizer = _ReadOnlyAuthorizer()
                driver.set_authorizer(authorizer)
                driver.set_progress_handler(clock, 10_000)
            elif time_limit_s:
                # Per statement (the DECLARE and each FETCH), inside the read-only transaction.
                server: Any = raw.driver_connection
                server.execute(f"SET LOCAL statement_timeout = {max(1, int(time_limit_s * 1000))}")
            cursor = _execute(raw, sql, authorizer, clock)
            if cursor.description is None:
                raise QueryError("the statement returned no rows; eufunds query runs SELECT statements")
            columns = [d[0] for d in cursor.description]
            yield QueryResult(columns, _fetch(cursor, batch, authorizer, clock))
        finally:
            if not is_sqlite(url):
                raw.rollback()
            elif sqlite_driver is not None:
                sqlite_driver.set_authorizer(None)
                sqlite_driver.set_progress_handler(None, 0)
            raw.close()
    finally:
        engine.dispose()


def _execute(raw: Any, sql: str, authorizer: _ReadOnlyAuthorizer | None, clock: _Clock) -> Any:
    try:
        if authorizer is not None:
            cursor = raw.cursor()
            cursor.execute(sql)
            return cursor
        # PostgreSQL: a server-side cursor streams rows instead of holding the
        # whole result in the client, and DECLARE … CURSOR accepts one SELECT or
        # VALUES only, sent alone: a query cannot first switch the read-only
        # session back to read-write.
        cursor = raw.driver_connection.cursor(name="eufunds_query")
        cursor.execute(sql)
        return cursor
    except _database_errors() as exc:
        if authorizer is None and (_WRITING_STATEMENT.match(sql) or "multiple commands" in str(exc)):
            raise QueryError(
                "refused: on PostgreSQL eufunds query runs a single SELECT, WITH, VALUES or TABLE "
                "statement; nothing was changed"
            ) from None
        raise _query_error(exc, authorizer, clock) from None


# Leading comments, then the first keyword of a statement that would change something.
_WRITING_STATEMENT = re.compile(
    r"^(?:\s+|--[^\n]*\n?|/\*.*?\*/)*(?:insert|update|delete|merge|truncate|drop|create|alter|"
    r"grant|revoke|set|reset|begin|start|commit|rollback|copy|call|do|vacuum|analyze|cluster|reindex|"
    r"lock|listen|notify|discard|comment|security|import|refresh|load)\b",
    re.I | re.S,
)


def _fetch(
    cursor: Any, batch: int, authorizer: _ReadOnlyAuthorizer | None, clock: _Clock
) -> Iterator[tuple[Any, ...]]:
    while True:
        try:
            rows = cursor.fetchmany(batch)
        except _database_errors() as exc:
            raise _query_error(exc, authorizer, clock) from None
        if not rows:
            return
        for row in rows:
            yield tuple(row)


def _database_errors() -> tuple[type[Exception], ...]:
    errors: tuple[type[Exception], ...] = (sqlite3.Error, DBAPIError)
    try:
        import psycopg
    except ImportError:
        return errors
    return (*errors, psycopg.Error)


def _query_error(exc: Exception, authorizer: _ReadOnlyAuthorizer | None, clock: _Clock) -> QueryError:
    text = str(getattr(exc, "orig", None) or exc)
    # SQLite says "interrupted" when the progress handler stopped it: past the
    # deadline, or because Ctrl-C's KeyboardInterrupt was raised inside it
    # (caught there, or escaping it at the call).
    if clock.interrupted or (text == "interrupted" and not clock.expired):
        raise KeyboardInterrupt
    if clock.expired or "statement timeout" in text:
        return QueryError(
            f"stopped: the query ran past its time limit of {clock.limit_s:g} s "
            "(--time-limit gives it longer, 0 no limit); nothing was changed"
        )
    if authorizer is not None and authorizer.refused:
        return QueryError(
            f"refused: the archive is read-only here ({authorizer.refused} is not allowed); "
            "nothing was changed"
        )
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if "readonly" in message or "read-only" in message:
        return QueryError(f"refused: the archive is read-only here ({message}); nothing was changed")
    return QueryError(f"query failed: {message}")


# --------------------------------------------------------------------------- formats


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # The shortest exact form (5.00 → 5), written with its own digits.
        return shortest_decimal(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def write_csv(result: QueryResult, out: TextIO) -> int:
    """Header row, then one line per row; NULL is an empty field. Returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    count = 0
    for row in result.rows:
        writer.writerow([_text_value(v) for v in row])
        count += 1
    return count


def write_json(result: QueryResult, out: TextIO) -> int:
    """A JSON array of objects keyed by column name, one object per line."""
    count = 0
    out.write("[")
    for row in result.rows:
        item = {name: _json_value(value) for name, value in zip(result.columns, row, strict=True)}
        out.write(("," if count else "") + "\n" + to_json(item))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _cell(value: Any, max_width: int) -> str:
    text = "NULL" if value is None else _text_value(value)
    text = terminal_safe(text.replace("\r\n", "↵").replace("\n", "↵").replace("\t", " "))
    if max_width and len(text) > max_width:
        text = text[: max_width - 1] + "…"
    return text


def write_table(result: QueryResult, out: TextIO, *, max_width: int = 60, max_rows: int = 0) -> int:
    """An aligned text table: numbers right-aligned, long cells cut to ``max_width``
    characters (0: never), line breaks shown as ↵; at most ``max_rows`` rows (0:
    all), then a line saying more were left out."""
    sample: list[tuple[Any, ...]] = []
    for row in result.rows:
        sample.append(row)
        if len(sample) >= TABLE_SAMPLE_ROWS:
            break
    widths = [len(name) for name in result.columns]
    numeric = [True] * len(result.columns)
    for row in sample:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(_cell(value, max_width)))
            if value is not None and not isinstance(value, int | float | Decimal):
                numeric[i] = False

    def line(cells: Sequence[str], align: Sequence[bool]) -> str:
        parts = [
            c.rjust(w) if right else c.ljust(w) for c, w, right in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out.write(line(result.columns, [False] * len(widths)) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    count = 0
    for row in _chain(sample, result.rows):
        if max_rows and count == max_rows:
            out.write("… more rows not shown (--max-rows 0 shows them all; --format csv for a file)\n")
            break
        out.write(line([_cell(v, max_width) for v in row], numeric) + "\n")
        count += 1
    return count


def _chain(first: list[tuple[Any, ...]], rest: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    yield from first
    yield from rest


def write_result(
    result: QueryResult, out: TextIO, fmt: str, *, max_width: int = 60, max_rows: int = 0
) -> int:
    """Write ``result`` in ``fmt`` (table, csv or json); returns the number of rows."""
    if fmt == "csv":
        return write_csv(result, out)
    if fmt == "json":
        return write_json(result, out)
    if fmt == "table":
        return write_table(result, out, max_width=max_width, max_rows=max_rows)
    raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
