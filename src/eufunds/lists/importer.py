"""Importing an official list into the archive: one file, all or nothing.

Each file is a snapshot: ``list_files`` says which file it was (name, SHA-256,
programme, as-of date, sheet, header row), ``list_rows`` holds each data row's
cells as read (JSON) beside the fields read from them. A file already imported
(same SHA-256) changes nothing; a newer list of the same programme is another
snapshot beside the earlier ones.

Rows are read and written in batches of ``BATCH_ROWS`` within one transaction,
so memory stays bounded whatever the list's length, and a value that cannot be
read (an amount, a date) refuses the whole file with the place it was found.
A row without a code (a total, a note under the table) is kept as written with
what can be read from it, and is never a reason to refuse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import migrate
from ..db import has_schema
from ..errors import ArchiveError, ListError
from ..jsontext import to_json
from ..models import ListFile, ListRow, Project
from ..reference import PROGRAMME_CODES
from .cells import code_value, currency_value, date_value, money_minor, rate_value, text_value
from .headers import FIELD_KINDS
from .read import ListColumn, ListTable, open_list

BATCH_ROWS = 1000
# Any fixed bigint; PostgreSQL imports take it so two of the same file queue up.
_IMPORT_LOCK_KEY = 0x6C697374_73  # "lists"


@dataclass
class ImportReport:
    """What importing one list did."""

    path: Path
    sha256: str
    status: str  # "imported" or "unchanged" (already imported: nothing written)
    list_file_id: int
    sheet: str | None
    header_row: int
    rows: int
    linked: int  # rows of this file whose SMIS code is a project's MySMIS code
    without_code: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field → heading as written
    unmapped: list[str] = field(default_factory=list)  # headings the table does not know
    skipped_sheets: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.status == "unchanged":
            return f"{self.path.name}: already imported (snapshot {self.list_file_id}); nothing changed"
        where = f"sheet {self.sheet!r}, " if self.sheet is not None else ""
        extra = f", {self.without_code} without a code" if self.without_code else ""
        return (
            f"{self.path.name}: {self.rows} row{'' if self.rows == 1 else 's'} imported from {where}"
            f"header row {self.header_row} as snapshot {self.list_file_id}; {self.linked} linked to "
            f"projects{extra}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path), "sha256": self.sha256, "status": self.status,
            "snapshot": self.list_file_id, "sheet": self.sheet, "header_row": self.header_row,
            "rows": self.rows, "linked": self.linked, "without_code": self.without_code,
            "columns": self.columns, "unmapped": self.unmapped, "skipped_sheets": self.skipped_sheets,
        }  # fmt: skip


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        # A FIFO or a device would block or never end: only regular files are lists.
        if not stat.S_ISREG(path.stat().st_mode):
            raise ListError(f"{path.name}: not a regular file")
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 16):  # small pieces: memory flat whatever the size
                digest.update(chunk)
    except OSError as exc:
        raise ListError(f"{path.name}: cannot be read: {exc.strerror or exc}") from None
    return digest.hexdigest()


def import_list(
    engine: Engine,
    path: Path,
    *,
    programme: str | None = None,
    as_of: dt.date | None = None,
    sheet: str | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the list in ``path`` as a snapshot, all or nothing; ``programme``
    and ``as_of`` say which programme's list it is and what date it is as of,
    ``sheet`` which sheet of a workbook holds it (else the first with a code
    column). ``progress`` is told the rows written so far after each batch."""
    if programme is not None:
        programme = programme.upper()
        if programme not in PROGRAMME_CODES:
            raise ListError(f"{programme!r} is not a programme code ({', '.join(PROGRAMME_CODES)})")
    _check_schema(engine)
    sha256 = file_sha256(path)
    # A snapshot is a file and a sheet. Without --sheet the sheet is known only
    # once the file is open (the first with a code column); with it, a file
    # imported before is recognised without reading it.
    if sheet is not None:
        with engine.connect() as connection:
            known = _known(connection, sha256, path, sheet)
        if known is not None:
            return known
    with open_list(path, sheet) as table, _write_transaction(engine) as connection:
        known = _known(connection, sha256, path, table.sheet)
        if known is not None:
            return known
        imported_at = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        list_file_id = connection.execute(
            insert(ListFile).returning(ListFile.id),
            {
                "file_name": path.name, "sha256": sha256, "programme": programme, "as_of": as_of,
                "imported_at": imported_at, "sheet": table.sheet, "header_row": table.header.row,
                "header_cells": to_json(table.header.cells), "row_count": 0,
            },
        ).scalar_one()  # fmt: skip
        rows, without_code = _write_rows(connection, table, list_file_id, progress)
        connection.execute(update(ListFile).where(ListFile.id == list_file_id).values(row_count=rows))
        link_list_rows(connection)
        linked = connection.execute(
            select(func.count())
            .select_from(ListRow)
            .where(ListRow.list_file_id == list_file_id, ListRow.project_id.is_not(None))
        ).scalar_one()
    mapped = {c.index for c in table.header.columns}
    return ImportReport(
        path, sha256, "imported", list_file_id, table.sheet, table.header.row, rows, linked, without_code,
        columns={c.field: " ".join(c.heading.split()) for c in table.header.columns},
        unmapped=[" ".join(h.split()) for i, h in enumerate(table.header.cells) if h and i not in mapped],
        skipped_sheets=table.skipped_sheets,
    )  # fmt: skip


def link_list_rows(connection: Connection) -> None:
    """Link every list row to the project whose MySMIS code is its SMIS code
    (and unlink those whose project is gone or was recoded)."""
    project = select(Project.id).where(Project.mysmis_code == ListRow.smis_code).scalar_subquery()
    # Only rows whose link changes are written: a long list is not rewritten on every import.
    connection.execute(
        update(ListRow).where(ListRow.project_id.is_distinct_from(project)).values(project_id=project)
    )


def _check_schema(engine: Engine) -> None:
    if not has_schema(engine):
        raise ArchiveError("the archive has no schema yet; run `eufunds db upgrade` first")
    mismatch = migrate.schema_mismatch(engine)
    if mismatch is not None:
        raise ArchiveError(mismatch)


def _known(connection: Connection, sha256: str, path: Path, sheet: str | None) -> ImportReport | None:
    """The snapshot of this file's ``sheet`` imported before, if any."""
    f = ListFile
    known = connection.execute(
        select(f.id, f.sheet, f.header_row, f.row_count).where(
            f.sha256 == sha256, func.coalesce(f.sheet, "") == (sheet or "")
        )
    ).first()
    if known is None:
        return None
    linked = connection.execute(
        select(func.count())
        .select_from(ListRow)
        .where(ListRow.list_file_id == known.id, ListRow.project_id.is_not(None))
    ).scalar_one()
    return ImportReport(
        path, sha256, "unchanged", known.id, known.sheet, known.header_row, known.row_count, linked
    )


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(select(func.pg_advisory_xact_lock(_IMPORT_LOCK_KEY)))
                yield connection
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise ArchiveError(
                "the archive is busy: another command is writing to it; try again when it finishes"
            ) from None
        raise
    except IntegrityError:
        raise ListError("the same list was imported by another command at the same time") from None


def _write_rows(
    connection: Connection, table: ListTable, list_file_id: int, progress: Callable[[int], None] | None
) -> tuple[int, int]:
    columns = table.header.columns
    code_column = table.header.fields["smis_code"]
    money_currencies = {c.currency for c in columns if c.field.endswith("_value") and c.currency}
    # The unit the value headings state, when they agree; a currency column overrides it.
    heading_currency = money_currencies.pop() if len(money_currencies) == 1 else None
    batch: list[dict[str, Any]] = []
    rows = without_code = 0
    for number, cells in table.rows:
        code = code_value(_cell(cells, code_column))
        record: dict[str, Any] = {
            "list_file_id": list_file_id, "row_number": number, "cells": to_json(cells), "smis_code": code,
        }  # fmt: skip
        for column in columns:
            if column is code_column:
                continue
            try:
                record.update(_read(column, _cell(cells, column), table))
            except ArchiveError as exc:
                if code is None:  # a total or a note: kept as written, its unreadable cells empty
                    continue
                raise ListError(f"{table.where(number, column)}: {exc}") from None
        if record.get("currency") is None:
            record["currency"] = heading_currency
        without_code += code is None
        batch.append(record)
        rows += 1
        if len(batch) >= BATCH_ROWS:
            _insert(connection, batch)
            batch = []
            if progress is not None:
                progress(rows)
    if batch:
        _insert(connection, batch)
    return rows, without_code


# Every field a row may lack, so each batch's rows have the same keys (executemany).
_ROW_FIELDS = (
    "beneficiary", "cui", "title", "summary", "start_date", "end_date", "total_value_minor",
    "eligible_value_minor", "eu_value_minor", "cofinancing_rate_bp", "cofinancing_rate_text", "fund",
    "programme", "priority_axis", "specific_objective", "intervention", "region", "county", "locality",
    "status", "currency",
)  # fmt: skip


def _insert(connection: Connection, batch: list[dict[str, Any]]) -> None:
    for record in batch:
        for name in _ROW_FIELDS:
            record.setdefault(name, None)
    connection.execute(insert(ListRow), batch)


def _cell(cells: list[Any], column: ListColumn) -> Any:
    return cells[column.index] if column.index < len(cells) else None


def _read(column: ListColumn, value: Any, table: ListTable) -> dict[str, Any]:
    name, kind = column.field, FIELD_KINDS.get(column.field, "text")
    if kind == "money":
        return {f"{name}_minor": money_minor(value, column.scale)}
    if kind == "date":
        return {name: date_value(value, table.epoch)}
    if kind == "rate":
        bp, text = rate_value(value)
        return {f"{name}_bp": bp, f"{name}_text": text}
    if kind == "currency":
        return {name: currency_value(value)}
    return {name: text_value(value)}
