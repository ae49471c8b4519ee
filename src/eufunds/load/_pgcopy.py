"""A load's rows written to PostgreSQL by ``COPY … FROM STDIN``.

An executemany of INSERTs costs PostgreSQL a parse, a plan and a round trip's
worth of protocol per row, and SQLAlchemy a dict of processed parameters per
row; COPY streams a batch as one message flow that the server reads straight
into the table. It runs on the load's own DBAPI connection, so inside the
load's transaction: a refused load rolls its copied rows back like any other.
Values go to psycopg as the loader built them (ints, text, ``date``,
``Decimal``), each through the column type's bind processing first, as an
INSERT would have sent them; psycopg writes them in COPY's text form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from ._rows import RowValues


@dataclass(frozen=True)
class CopyInto:
    """A COPY into given columns of a table, and how to turn rows into its records."""

    sql: str
    values: RowValues

    @classmethod
    def of(cls, table: Table, keys: tuple[str, ...], dialect: Any) -> CopyInto:
        quote = dialect.identifier_preparer.quote
        columns = ", ".join(quote(table.c[key].name) for key in keys)
        return cls(f"COPY {quote(table.name)} ({columns}) FROM STDIN", RowValues.of(table, keys, dialect))

    def write(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        """Copy ``rows`` (dicts with this COPY's keys) into the table, inside
        ``connection``'s transaction; a refusal is raised as SQLAlchemy raises
        a refused INSERT's, so callers handle both alike."""
        records = self.values.of_rows(rows)
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(self.sql) as copy:
                for record in records:
                    copy.write_row(record)
        except psycopg.Error as exc:
            raise DBAPIError.instance(self.sql, None, exc, psycopg.Error) from None
        finally:
            cursor.close()
