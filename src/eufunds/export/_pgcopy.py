"""A table's CSV rows written by PostgreSQL itself: ``COPY (SELECT …) TO STDOUT``.

Reading rows into Python and writing them out again costs several times what
the server takes to write them as CSV. COPY's CSV is ours already in most
respects — a field quoted only when it holds a comma, a double quote, ``\\n``
or ``\\r``, quotes doubled, ``\\n`` after each record, NULL as the empty field —
so the SELECT only has to give each column the text our export writes
(``_csvtext``): money and shares as decimals with two places, indicator values
in their shortest form, dates and clock times in ISO 8601, booleans as
``true``/``false``, and an empty text as NULL (COPY would quote it, we do not).
A table holding a column of a type with no such text, or of only one column
(COPY and we write an empty record differently), returns None here and takes
the general path.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any, TextIO

import psycopg
from psycopg import pq
from sqlalchemy import Connection, literal_column
from sqlalchemy.exc import CompileError, DBAPIError, StatementError

from ..models import IndicatorValue
from ..read.records import ProjectFilters
from .tables import ExportTable, table_query

# Bytes gathered from COPY's messages (one a record) before they are written.
_WRITE_BYTES = 1 << 20


def _view_number(name: str) -> str:
    # ``computed_number``: two places when the number has no more, else its
    # digits without trailing zeros.
    return (
        f"CASE WHEN {name} = round({name}, 2) THEN round({name}, 2)::text ELSE trim_scale({name})::text END"
    )


# Each kind's text, as ``_csvtext.value_text`` writes the value the general
# path reads (``tables.iter_table_rows``); a NULL stays NULL (the empty field).
_TEXT: dict[str, Callable[[str], str]] = {
    "integer": lambda name: name,
    "string": lambda name: f"NULLIF({name}, '')",
    # Stored in minor units: 62499552 → 624995.52, exactly.
    "money": lambda name: f"round({name}::numeric / 100, 2)",
    "share": lambda name: f"round({name}::numeric / 100, 2)",
    # Indicator values are read as floats (as SQLite stores them) and written
    # in the shortest form that reads back as the same float; float8's text is
    # that form (extra_float_digits >= 1, set below), then trailing zeros go.
    "number": lambda name: f"trim_scale({name}::float8::text::numeric)",
    "date": lambda name: f"to_char({name}, 'YYYY-MM-DD')",
    # ``datetime.isoformat`` leaves out the fraction when it is zero.
    "datetime": lambda name: (
        f"to_char({name}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN to_char({name}, 'US') = '000000' THEN '' ELSE to_char({name}, '.US') END || 'Z'"
    ),
    "boolean": lambda name: f"CASE WHEN {name} THEN 'true' WHEN NOT {name} THEN 'false' END",
}


def copy_sql(connection: Connection, table: ExportTable, filters: ProjectFilters | None) -> str | None:
    """The ``COPY (SELECT …) TO STDOUT`` that writes ``table``'s CSV records (no
    header) for the selected projects, in the general path's order; None when
    the table has no such form."""
    if len(table.columns) < 2:
        return None
    quote = connection.dialect.identifier_preparer.quote
    fields = []
    for col in table.columns:
        name = f"{quote(table.table.name)}.{quote(col.source)}"
        if table.is_view and col.kind in ("number", "unknown"):
            if col.kind == "unknown":
                return None
            fields.append(_view_number(name))
        elif col.kind == "number" and not isinstance(table.table.c[col.source].type, IndicatorValue):
            return None
        elif col.kind in _TEXT:
            fields.append(_TEXT[col.kind](name))
        else:
            return None
    query = table_query(table, filters, [literal_column(field) for field in fields])
    if query is None:
        return None
    # Text columns name no table of their own to select from.
    query = query.select_from(table.table)
    # Compiled for "named" parameters: for the driver's own "%s" ones SQLAlchemy
    # doubles every % in a literal, and COPY's text is sent as it is, never
    # through the driver's formatting, so '50%' would be compared as '50%%'.
    dialect: Any = type(connection.dialect)(paramstyle="named")  # type: ignore[call-arg]
    try:
        select = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except CompileError:  # pragma: no cover - every filter value renders as a literal
        return None
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


def write_copy(connection: Connection, sql: str, stream: TextIO, *, untranslated: bool = False) -> int:
    """Run ``sql`` (from ``copy_sql``) and write what it gives to ``stream``
    (``untranslated``: opened with ``newline=""``); the number of records."""
    # The float text "number" columns rely on; 1 is the server's default since
    # PostgreSQL 12, set here for the export's transaction in case it is not.
    # (Run through the connection, it also opens the transaction COPY runs in.)
    connection.exec_driver_sql("SET LOCAL extra_float_digits = 1")
    dbapi = connection.connection.dbapi_connection
    pgconn = dbapi.pgconn  # type: ignore[union-attr]
    write = _writer(stream, dbapi.info.encoding, untranslated)  # type: ignore[union-attr]
    pgconn.send_query(sql.encode("utf-8"))
    started = pgconn.get_result()
    if started is None or started.status != pq.ExecStatus.COPY_OUT:
        _drain(pgconn)
        raise _error(started, pgconn)
    try:
        # libpq's own loop, as psql's: the server sends a message a record,
        # and psycopg's ``Copy`` iteration spends more on each (a generator
        # step and a wait) than the server does writing it.
        pending: list[Any] = []
        size = 0
        while True:
            length, data = pgconn.get_copy_data(0)
            if length < 0:
                break
            pending.append(data)
            size += length
            if size >= _WRITE_BYTES:
                write(b"".join(pending), False)
                pending, size = [], 0
        write(b"".join(pending), True)
    except BaseException:
        _drain(pgconn)  # the connection stays usable for the rollback that follows
        raise
    finished = pgconn.get_result()
    _drain(pgconn)
    if finished is None or finished.status != pq.ExecStatus.COMMAND_OK:
        raise _error(finished, pgconn)
    return int(finished.command_tuples or 0)


def _writer(stream: TextIO, encoding: str, untranslated: bool) -> Callable[[bytes, bool], object]:
    """How to write COPY's bytes (in the connection's ``encoding``) to ``stream``:
    when the caller knows the stream writes ``\\n`` as it is (``untranslated``)
    and both are UTF-8, as they are to the file under it, which spares decoding
    and encoding again every byte; else decoded."""
    buffer = getattr(stream, "buffer", None)
    if untranslated and buffer is not None and _is_utf8(encoding) and _is_utf8(stream.encoding):
        stream.flush()  # what the stream holds (the header) goes first
        return lambda data, final: buffer.write(data)
    decoder = codecs.getincrementaldecoder(encoding)()
    return lambda data, final: stream.write(decoder.decode(data, final))


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _drain(pgconn: Any) -> None:
    """Read what is left of a COPY, if one is in progress, and of its results."""
    try:
        while pgconn.get_copy_data(0)[0] >= 0:
            pass
    except psycopg.OperationalError:  # no COPY in progress (any more)
        pass
    while pgconn.get_result() is not None:
        pass


def _error(result: Any, pgconn: Any) -> StatementError:
    # As SQLAlchemy raises a refused statement's error, so callers handle both alike.
    if result is not None and result.status == pq.ExecStatus.FATAL_ERROR:
        error: psycopg.Error = psycopg.errors.error_from_result(result, encoding="utf-8")
    else:
        error = psycopg.OperationalError(pgconn.error_message.decode("utf-8", "replace"))
    return DBAPIError.instance("COPY … TO STDOUT", None, error, psycopg.Error)
