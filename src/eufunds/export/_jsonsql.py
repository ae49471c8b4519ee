"""Each project's JSON record written by SQLite itself, for the JSON and JSON
Lines exports of a whole SQLite archive.

Reading a record into Python objects and writing it out again cost about 1 ms
a project, eight times what ``sqlite3 -json`` takes to write the same tables;
here one query builds every project's text, in slug order, with the same keys,
separators, escapes and numbers as ``jsontext.to_json`` of ``read.records``.
SQLite's ``json_quote`` escapes as Python's json module does (the two-letter
escapes for \\b \\t \\n \\f \\r, ``\\u00XX`` for the other control characters,
everything else as it is). Where SQLite could not write a value exactly as the
record would (a stored value of an unexpected type, an indicator value whose
shortest decimal needs more than 15 digits or that is a float zero, evidence that names its file among
several sources, which takes the texts), its piece is NULL, the project's
whole text with it, and that project is read as a record instead.

Child rows come in order because each list is a ``group_concat`` over an
ordered subquery, which SQLite does not flatten into an aggregate (its
flattening rule 16) and so reads in that order; ``tests/test_export_json_sql.py``
holds the output to the record path's, byte for byte.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from ..read.records import Reading

# Rows fetched from SQLite at a time: a few hundred kilobytes of text.
_FETCH = 200


def iter_record_json(connection: Connection) -> Iterator[str]:
    """The JSON text of every project's record, in slug order (SQLite only)."""
    from sqlalchemy.exc import DBAPIError

    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        try:
            cursor.execute(_RECORDS)
        except dbapi.Error as exc:
            raise DBAPIError.instance(_RECORDS, (), exc, dbapi.Error, dialect=connection.dialect) from exc
        while rows := cursor.fetchmany(_FETCH):
            for row in rows:
                text = row_text(row)
                yield record_text(connection, row[0]) if text is None else text
    finally:
        # A reader that stops early may drop this generator after the
        # connection is closed; the cursor then has nothing left to close.
        with contextlib.suppress(dbapi.ProgrammingError):
            cursor.close()


def row_text(row: tuple[Any, ...]) -> str | None:
    """The record's JSON text from one row of the records query (slug first),
    or None when SQLite could not write some piece of it exactly."""
    if None in row:
        return None
    values = list(row[1:])
    values[_EVIDENCE_COLUMN] = "{" + _evidence(values[_EVIDENCE_COLUMN]) + "}"
    return _TEMPLATE % tuple(values)


def record_text(connection: Reading, slug: str) -> str:
    """One project's JSON text the general way: read as a record, then written."""
    from ..jsontext import to_json
    from ..read.records import ProjectFilters, iter_records

    (record,) = iter_records(connection, ProjectFilters(project=slug))
    return to_json(record)


def range_texts(
    connection: sqlite3.Connection, after: str | None, last: str
) -> tuple[list[str | None], list[str]]:
    """The JSON texts of the projects whose slugs are after ``after`` (None: from
    the first) up to ``last``, in slug order; None for each that SQLite could
    not write, whose slugs come second, in order, for the caller to read as
    records. It needs nothing but SQLite, so export workers run it too."""
    texts: list[str | None] = []
    unwritten: list[str] = []
    if after is None:
        cursor = connection.execute(_FIRST_RANGE, (last,))
    else:
        cursor = connection.execute(_RANGE, (after, last))
    try:
        while rows := cursor.fetchmany(_FETCH):
            for row in rows:
                text = row_text(row)
                if text is None:
                    unwritten.append(row[0])
                texts.append(text)
    finally:
        cursor.close()
    return texts, unwritten


def slug_ranges(connection: sqlite3.Connection, size: int) -> list[tuple[str | None, str]]:
    """The archive's slugs cut into ranges of ``size`` projects, in order: each
    as (the last slug before it or None, its own last slug)."""
    ranges: list[tuple[str | None, str]] = []
    after: str | None = None
    cursor = connection.execute("SELECT slug FROM projects ORDER BY slug")
    try:
        while slugs := cursor.fetchmany(size):
            ranges.append((after, slugs[-1][0]))
            after = slugs[-1][0]
    finally:
        cursor.close()
    return ranges


def _evidence(rows: str) -> str:
    """``"field": ["quote", …], …`` from the evidence column's text."""
    if not rows:
        return ""
    parts = []
    last = None
    for row in rows.split(_ROW_END):
        field, quote = row.split(_FIELD_END)
        if field == last:
            parts.append(", " + quote)
        else:
            parts.append(("], " if last is not None else "") + field + ": [" + quote)
            last = field
    parts.append("]")
    return "".join(parts)


# --------------------------------------------------------------------------- pieces of SQL


def _text(column: str) -> str:
    return f"CASE WHEN typeof({column}) IN ('text', 'null') THEN json_quote({column}) END"


def _integer(column: str) -> str:
    return f"CASE WHEN typeof({column}) IN ('integer', 'null') THEN json_quote({column}) END"


def _date(column: str) -> str:
    # SQLAlchemy reads SQLite's date text into a date; ISO text is written back as it is.
    return (
        f"CASE WHEN {column} IS NULL THEN 'null' "
        f"WHEN {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN json_quote({column}) END"
    )


def _hundredths(column: str) -> str:
    """Integer hundredths (money's minor units, shares' basis points) as their
    shortest decimal: 62499552 → 624995.52, 8500 → 85, 1250 → 12.5."""
    whole = f"(abs({column}) / 100)"
    part = f"(abs({column}) % 100)"
    return (
        f"CASE typeof({column}) WHEN 'null' THEN 'null' WHEN 'integer' THEN "
        f"(CASE WHEN {column} < 0 THEN '-' ELSE '' END) || {whole} || "
        f"CASE WHEN {part} = 0 THEN '' WHEN {part} % 10 = 0 THEN '.' || ({part} / 10) "
        f"ELSE '.' || printf('%02d', {part}) END END"
    )


def _indicator_value(column: str) -> str:
    """An indicator value as ``numbers.indicator_number`` writes it: SQLite keeps
    it as an integer or a float. A float with a positive whole value is written
    whole; another as SQLite's text of it when that text has at most 15 digits,
    no exponent and no trailing zero and reads back as the same float: two
    decimals of at most 15 digits never make the same float, so it is then the
    float's shortest form, which Python writes. Zero as a float (``-0.0``
    among them) and everything else go the record's way."""
    as_text, as_integer = f"CAST({column} AS TEXT)", f"CAST({column} AS INTEGER)"
    return (
        f"CASE typeof({column}) WHEN 'integer' THEN {as_text} WHEN 'real' THEN CASE "
        f"WHEN {column} = {as_integer} THEN CASE WHEN {column} > 0 THEN CAST({as_integer} AS TEXT) END "
        f"WHEN length(replace(replace({as_text}, '.', ''), '-', '')) <= 15 AND instr({as_text}, 'e') = 0 "
        f"AND {as_text} NOT GLOB '*0' AND CAST({as_text} AS REAL) = {column} THEN {as_text} END END"
    )


def _object(fields: list[tuple[str, str]]) -> str:
    parts = []
    for i, (key, value) in enumerate(fields):
        lead = ("{" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False) + ": "
        parts.append("'" + lead.replace("'", "''") + "' || (" + value + ")")
    return " || ".join(parts) + " || '}'"


def _list(item: str, source: str) -> str:
    """``[item, …]`` over the rows of ``source`` (a FROM … WHERE … ORDER BY …)."""
    # group_concat skips NULL items; a NULL item must make the whole list NULL
    # (and no rows, an empty list: the aggregate gives one row all the same).
    return (
        "(SELECT CASE WHEN count(item) = count(*) "
        "THEN '[' || ifnull(group_concat(item, ', '), '') || ']' END "
        f"FROM (SELECT {item} AS item {source}))"
    )


_INDICATORS = {
    owner: _list(
        _object(
            [
                ("value", _indicator_value("i.value")),
                ("unit", _text("i.unit")),
                ("what", _text("i.what")),
                ("kind", _text("i.kind")),
                (
                    "topics",
                    _list(
                        _text("t.topic"),
                        "FROM indicator_topics t WHERE t.indicator_id = i.id ORDER BY t.ordinal",
                    ),
                ),
            ]
        ),
        f"FROM indicators i WHERE i.{owner}_id = {alias}.id ORDER BY i.ordinal",
    )
    for owner, alias in (("objective", "o"), ("result", "r"))
}

# Evidence comes as its rows' field and quote texts, in order, between
# separators that json_quote never leaves bare (it escapes every control
# character); Python opens a list where the field changes, which in SQL (a
# window's lag(), or a seek for each field's first quote) cost more than the
# rest of the record. With several sources a quote may have to name its file,
# which only the texts decide: such a project is read as a record.
_FIELD_END, _ROW_END = "\x1f", "\x1e"
_EVIDENCE = (
    "CASE WHEN (SELECT count(*) FROM documents d WHERE d.project_id = p.id) > 1 "
    "AND EXISTS (SELECT 1 FROM evidence v WHERE v.project_id = p.id) THEN NULL ELSE "
    "(SELECT CASE WHEN count(item) = count(*) THEN ifnull(group_concat(item, char(30)), '') END FROM ("
    "SELECT json_quote(v.field) || char(31) || "
    + _text("v.quote")
    + " AS item FROM evidence v WHERE v.project_id = p.id ORDER BY v.field, v.ordinal)) END"
)

_RECORD: list[tuple[str, Any]] = [
    ("slug", _text("p.slug")),
    ("title", _text("p.title")),
    ("acronym", _text("p.acronym")),
    ("codes", [("sipoca", _text("p.sipoca_code")), ("mysmis", _text("p.mysmis_code"))]),
    ("status", _text("p.status")),
    (
        "beneficiary",
        [
            ("name", _text("coalesce(p.beneficiary_name, b.name)")),
            ("acting_through", _text("coalesce(p.acting_through_name, a.name)")),
            ("cui", _text("p.beneficiary_cui")),
        ],
    ),
    (
        "partners",
        _list(
            _object([("name", _text("coalesce(x.name, xo.name)")), ("role", _text("x.role"))]),
            "FROM partners x JOIN organisations xo ON xo.id = x.organisation_id "
            "WHERE x.project_id = p.id ORDER BY x.ordinal",
        ),
    ),
    (
        "contacts",
        _list(
            _object(
                [
                    ("name", _text("c.name")),
                    ("position", _text("c.position")),
                    ("organisation", _text("coalesce(c.organisation_name, co.name)")),
                    ("phone", _text("c.phone")),
                    ("fax", _text("c.fax")),
                    ("email", _text("c.email")),
                ]
            ),
            "FROM contacts c LEFT JOIN organisations co ON co.id = c.organisation_id "
            "WHERE c.project_id = p.id ORDER BY c.ordinal",
        ),
    ),
    ("programme", [("code", _text("g.code")), ("name", _text("p.programme_name"))]),
    (
        "priority_axis",
        "CASE WHEN ax.number IS NULL THEN 'null' ELSE "
        + _object([("number", _text("ax.number")), ("title", _text("p.priority_axis_title"))])
        + " END",
    ),
    (
        "specific_objective",
        "CASE WHEN so.code IS NULL THEN 'null' ELSE "
        + _object([("code", _text("so.code")), ("title", _text("p.specific_objective_title"))])
        + " END",
    ),
    ("funds", _list(_text("f.fund"), "FROM project_funds f WHERE f.project_id = p.id ORDER BY f.ordinal")),
    ("currency", _text("p.currency")),
    ("total_value", _hundredths("p.total_value_minor")),
    ("eligible_value", _hundredths("p.eligible_value_minor")),
    (
        "funding",
        _list(
            _object(
                [
                    ("source", _text("s.source")),
                    ("amount", _hundredths("s.amount_minor")),
                    ("share_pct", _hundredths("s.share_bp")),
                    ("description", _text("s.description")),
                    ("contributor", _text("s.contributor")),
                ]
            ),
            "FROM funding_sources s WHERE s.project_id = p.id ORDER BY s.ordinal",
        ),
    ),
    ("start_date", _date("p.start_date")),
    ("end_date", _date("p.end_date")),
    ("duration_months", _integer("p.duration_months")),
    (
        "target_group",
        [("size", _integer("p.target_group_size")), ("description", _text("p.target_group_description"))],
    ),
    ("location", _text("p.location")),
    (
        "objectives",
        _list(
            _object(
                [
                    ("kind", _text("o.kind")),
                    ("code", _text("o.code")),
                    ("text", _text("o.text")),
                    ("achieved", _text("o.achieved")),
                    ("indicators", _INDICATORS["objective"]),
                ]
            ),
            "FROM objectives o WHERE o.project_id = p.id ORDER BY o.ordinal",
        ),
    ),
    (
        "results",
        _list(
            _object(
                [
                    ("level", _text("r.level")),
                    ("code", _text("r.code")),
                    ("text", _text("r.text")),
                    (
                        "serves",
                        _text(
                            "(SELECT rs.code FROM results rs "
                            "WHERE rs.id = r.serves_result_id AND rs.project_id = r.project_id)"
                        ),
                    ),
                    ("indicators", _INDICATORS["result"]),
                ]
            ),
            "FROM results r WHERE r.project_id = p.id ORDER BY r.ordinal",
        ),
    ),
    (
        "sources",
        _list(
            _object(
                [
                    ("file", _text("d.file_name")),
                    ("kind", _text("d.kind")),
                    ("published", _date("d.published")),
                    ("publisher", _text("d.publisher")),
                    ("issuer", _text("d.issuer")),
                    ("title", _text("d.title")),
                ]
            ),
            "FROM documents d WHERE d.project_id = p.id ORDER BY d.ordinal",
        ),
    ),
    (
        "restated",
        _list(
            _object(
                [
                    ("source", _text("coalesce(zd.file_name, '')")),
                    ("field", _text("z.field")),
                    ("value", _text("z.value")),
                ]
            ),
            "FROM restatements z LEFT JOIN documents zd ON zd.id = z.document_id "
            "WHERE z.project_id = p.id ORDER BY z.ordinal",
        ),
    ),
    ("evidence", _EVIDENCE),
    ("notes", _text("p.notes")),
]


def _template(fields: list[tuple[str, Any]]) -> tuple[str, list[str]]:
    """A ``%`` template of the object ``fields`` describes and the SQL of its
    values, one column each: Python's ``%`` joins the columns in a fraction
    of what SQLite's ``||`` took to copy the growing text again at each."""
    text, columns = [], []
    for i, (key, value) in enumerate(fields):
        text.append(("{" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False).replace("%", "%%") + ": ")
        if isinstance(value, list):
            inner, more = _template(value)
            text.append(inner)
            columns += more
        else:
            text.append("%s")
            columns.append(value)
    text.append("}")
    return "".join(text), columns


_TEMPLATE, _COLUMNS = _template(_RECORD)
_EVIDENCE_COLUMN = _COLUMNS.index(_EVIDENCE)

_FROM = (
    f"SELECT p.slug, {', '.join(_COLUMNS)} FROM projects p "
    "JOIN organisations b ON b.id = p.beneficiary_id "
    "LEFT JOIN organisations a ON a.id = p.acting_through_id "
    "JOIN programmes g ON g.id = p.programme_id "
    "LEFT JOIN priority_axes ax ON ax.id = p.priority_axis_id "
    "LEFT JOIN specific_objectives so ON so.id = p.specific_objective_id "
)
_RECORDS = _FROM + "ORDER BY p.slug"
_FIRST_RANGE = _FROM + "WHERE p.slug <= ? ORDER BY p.slug"
_RANGE = _FROM + "WHERE p.slug > ? AND p.slug <= ? ORDER BY p.slug"
