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

import re
from collections.abc import Callable
from typing import Any, TextIO

import psycopg
from sqlalchemy import Connection, literal_column
from sqlalchemy.exc import CompileError, DBAPIError

from ..models import IndicatorValue
from ..read.records import ProjectFilters
from ._pgcopyout import copy_out
from .tables import ExportTable, table_query


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


def copy_sql(
    connection: Connection,
    table: ExportTable,
    filters: ProjectFilters | None,
    key_range: tuple[int | None, int | None] | None = None,
) -> str | None:
    """The ``COPY (SELECT …) TO STDOUT`` that writes ``table``'s CSV records (no
    header) for the selected projects, in the general path's order; with
    ``key_range`` (low, high), only the rows whose single key is above low and
    at most high (None: unbounded). None when the table has no such form."""
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
    if key_range is not None:
        key = table.table.c[table.primary_key[0]]
        low, high = key_range
        if low is not None:
            query = query.where(key > int(low))
        if high is not None:
            query = query.where(key <= int(high))
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
    try:
        return copy_out(connection.connection.dbapi_connection, sql, stream, untranslated=untranslated)
    except psycopg.Error as exc:
        # As SQLAlchemy raises a refused statement's error, so callers handle both alike.
        raise DBAPIError.instance("COPY … TO STDOUT", None, exc, psycopg.Error) from None


_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")


def export_snapshot(connection: Connection) -> str | None:
    """The id of the snapshot ``connection``'s transaction reads, for other
    connections to read it too; None when the transaction takes a new snapshot
    for each statement (READ COMMITTED), so that there is no one state to share."""
    isolation = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
    if isolation not in ("repeatable read", "serializable"):
        return None
    snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    return snapshot if isinstance(snapshot, str) and _SNAPSHOT_ID.fullmatch(snapshot) else None
