"""Plain SQL on whichever connection the read side is handed.

A reading function takes SQLAlchemy's ``Connection`` (any backend: exports,
the web, PostgreSQL) or sqlite3's own, which the CLI opens on a SQLite archive
so that ``show``, ``list`` and ``search`` need not import SQLAlchemy (its
import, the models and their mappers were most of such a command's time).
Statements are written once, with ``:name`` parameters, which both accept, and
values come back as SQLAlchemy's column types gave them before.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Connection

Reading: TypeAlias = "Connection | sqlite3.Connection"

# Row classes by column names: SQLAlchemy's rows are read by attribute too.
_ROW_TYPES: dict[tuple[str, ...], Any] = {}


def rows(connection: Reading, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row of ``sql``, each with its columns as attributes (and ``_asdict``)."""
    return list(stream(connection, sql, params))


def stream(
    connection: Reading, sql: str, params: Mapping[str, Any] | None = None, *, buffer: int | None = None
) -> Iterator[Any]:
    """The rows of ``sql`` as they come; ``buffer`` asks a server-side cursor to
    hold that many at a time (PostgreSQL; sqlite3 steps through rows anyway)."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.execute(sql, _sqlite_params(params))
        names = tuple(column[0] for column in cursor.description)
        row_type: Any = _ROW_TYPES.get(names)
        if row_type is None:
            row_type = _ROW_TYPES[names] = namedtuple("Row", names, rename=True)
        for row in cursor:
            yield row_type._make(row)
        return
    from sqlalchemy import text

    if buffer is not None:
        connection = connection.execution_options(stream_results=True, max_row_buffer=buffer)
    yield from connection.execute(text(sql), dict(params or {}))


def scalar(connection: Reading, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    """The first column of the first row of ``sql``, or None when there is none."""
    for row in stream(connection, sql, params):
        return row[0]
    return None


def _sqlite_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    # Dates as ISO text, as SQLAlchemy's Date binds them on SQLite (and as the
    # loader wrote them), not through sqlite3's deprecated default adapter.
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in (params or {}).items()}


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, …)`` and its parameters, for ``column IN …``."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    return "(" + ", ".join(":" + key for key in params) + ")", params


def date_value(value: Any) -> dt.date | None:
    """A DATE column's value as a date: SQLite holds ISO text, which SQLAlchemy's
    Date type read with ``date.fromisoformat``; other databases give dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def float_value(value: Any) -> Any:
    """A NUMERIC column that the models read as floats (``asdecimal=False``):
    PostgreSQL gives a Decimal, which SQLAlchemy turned into a float; SQLite
    gives the int or float it holds, which SQLAlchemy passed on as it was."""
    return float(value) if isinstance(value, Decimal) else value
