"""The CSV text of archive values, and the loop that writes SQLite rows as CSV.

Its own module, free of SQLAlchemy, because export worker processes
(``eufunds.export._csvworker``) import it and must start quickly (a worker is
worth starting only if it costs far less than the table it writes); the
exporter writes through the same functions, so a table comes out byte for byte
the same whichever process wrote it.

CSV here is UTF-8, comma-separated, ``\\n`` after every record, with a field
quoted when it holds a comma, a double quote, ``\\n`` or ``\\r``; money and
shares are decimals with a dot and two places; dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..numbers import decimal_text, format_minor_units, indicator_number, view_float_text

# Type checkers read the names below; at run time ``typing`` would be most of
# an export worker's start-up imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, Protocol, TextIO

    class Cursor(Protocol):
        def fetchmany(self, size: int = ...) -> Sequence[Any]: ...


# Rows fetched per round trip when streaming a table.
ROWS_PER_FETCH = 1000

_CENT = Decimal("0.01")


def csv_field(value: Any) -> str:
    """One CSV field: quoted when it holds a comma, a quote or a line break
    (``\\r`` included, which the csv module leaves bare before Python 3.12)."""
    if type(value) is str:
        if '"' in value:
            return '"' + value.replace('"', '""') + '"'
        if "," in value or "\n" in value or "\r" in value:
            return '"' + value + '"'
        return value
    return "" if value is None else str(value)


def csv_line(fields: Sequence[Any]) -> str:
    """One CSV record, ``\\n``-terminated, of values already in their CSV text
    (or ints and None); a record of one empty field is written ``""`` so that it
    is not an empty line."""
    return (",".join(map(csv_field, fields)) or '""') + "\n"


def csv_lines(rows: Sequence[tuple[Any, ...]], width: int) -> str:
    """CSV records of rows (tuples) holding only text and ints (no None): each
    is first written by one ``%`` format in C, and most need no quoting, which
    four scans of the line tell at C speed; the rest are written field by field.
    ``%s`` writes a value as ``str`` does, so either way the text is the same."""
    if width < 2:
        return "".join(map(csv_line, rows))
    commas = width - 1
    template = ",".join(("%s",) * width)
    lines = [template % row for row in rows]
    for i, line in enumerate(lines):
        if line.count(",") != commas or '"' in line or "\n" in line or "\r" in line:
            lines[i] = ",".join(map(csv_field, rows[i]))
    lines.append("")
    return "\n".join(lines)


def value_text(value: Any) -> str:
    """The CSV text of a typed value (Decimal, float, date, bool, int, str, None)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def utc_text(moment: dt.datetime) -> str:
    """A stored moment (naive, in UTC) as ISO 8601 with its zone said: the
    archive's own clock times are UTC, and a reader should not have to know."""
    return moment.isoformat() + "Z"


def observed_kind(value: Any) -> str | None:
    """The Frictionless type a value shows, for columns with no declared type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"


# How a value of each export kind, as SQLite stores it, becomes its CSV text;
# None where the stored form already is the text (dates are stored YYYY-MM-DD).
SQLITE_TEXT: dict[str, Callable[[Any], Any] | None] = {
    "integer": None,
    "string": None,
    "date": None,
    "datetime": lambda v: utc_text(dt.datetime.fromisoformat(v)),
    "money": format_minor_units,
    "share": format_minor_units,
    "boolean": lambda v: "true" if v else "false",
    "number": lambda v: value_text(indicator_number(v)) if type(v) is float else v,
    "unknown": lambda v: view_float_text(v) if type(v) is float else v,
}


def write_sqlite_rows(
    cursor: Cursor,
    stream: TextIO,
    plan: Sequence[tuple[int, str]],
    watch: Sequence[int],
    width: int,
) -> tuple[int, dict[int, set[str]]]:
    """Write the rows of ``cursor`` (values as SQLite stores them, NULLs already
    blank except in the columns of ``plan``) as CSV records; ``plan`` names the
    columns to convert and their kinds, ``watch`` those whose value types are
    to be reported. Returns the row count and the types seen per watched column."""
    converters = [(index, SQLITE_TEXT[kind]) for index, kind in plan]
    seen: dict[int, set[str]] = {index: set() for index in watch}
    count = 0
    while batch := cursor.fetchmany(ROWS_PER_FETCH):
        for index in watch:
            kinds = seen[index]
            for row in batch:
                kind = observed_kind(row[index])
                if kind is not None:
                    kinds.add(kind)
        if converters:
            batch = [_converted(row, converters) for row in batch]
        stream.write(csv_lines(batch, width))
        count += len(batch)
    return count, seen


def _converted(
    row: Sequence[Any], converters: list[tuple[int, Callable[[Any], Any] | None]]
) -> tuple[Any, ...]:
    values = list(row)
    for index, convert in converters:
        value = values[index]
        if value is None:
            values[index] = ""
        elif convert is not None:
            values[index] = convert(value)
    return tuple(values)
