"""Taking data out of the archive: CSV, JSON, JSON Lines, seed YAML, XLSX and
Frictionless Data Packages, all streamed; ``export`` picks the format's module.

Rows and records are read in bounded pages and written as they come, so memory
stays flat however large the archive grows (``bench/bench_export_memory.py``
measures it). Two shapes come out: *tables* (every table and view as it is in the
database, with integer money columns turned back into decimals) for CSV, XLSX and
data packages; and *records* (one nested project in the seed format, from
``records``) for JSON and YAML. Nothing is written outside the folder or file the
caller names: every file name taken from the archive is sanitised first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import Connection

from ..errors import ExportError
from ..jsontext import to_json as record_to_json
from ..read.records import ProjectFilters
from .common import (
    FOLDER_FORMATS,
    FORMATS,
    ExportReport,
    TextTarget,
    archive_files,
    atomic_file,
    check_file_target,
    safe_relative_path,
)
from .csv import export_csv_folder, export_csv_table
from .datapackage import export_datapackage
from .jsonl import export_json
from .xlsx import export_xlsx
from .yaml import export_yaml, record_to_yaml

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportReport",
    "export",
    "export_csv_folder",
    "export_csv_table",
    "export_datapackage",
    "export_json",
    "export_xlsx",
    "export_yaml",
    "record_to_json",
    "record_to_yaml",
    "safe_relative_path",
]

# --------------------------------------------------------------------------- entry point


def export(
    connection: Connection,
    fmt: str,
    *,
    output: Path | None = None,
    stdout: BinaryIO | None = None,
    table: str | None = None,
    filters: ProjectFilters | None = None,
    workers: int | None = None,
) -> ExportReport:
    """Export in ``fmt`` to ``output`` (a file or folder) or, when the format is one
    stream, to ``stdout``. Reads in one transaction, so the export is a consistent
    snapshot even while a load runs. ``workers`` processes write CSV tables
    and JSON records (default: one per usable core for a large SQLite archive)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if table is not None and fmt != "csv":
        raise ExportError("--table is for --format csv; the other formats export every table or project")
    if output is None and (fmt in FOLDER_FORMATS or (fmt == "csv" and table is None)):
        need = "a folder" if fmt != "csv" else "a folder (or --table NAME to write one table to stdout)"
        raise ExportError(f"--format {fmt} writes several files: give --output with {need}")
    if output is None and stdout is None:
        raise ExportError(f"--format {fmt} needs --output PATH")
    try:
        with _one_snapshot(connection):
            return _export_in_transaction(connection, fmt, output, stdout, table, filters, workers)
    except BrokenPipeError:
        raise  # the reader has had enough (`| head`): the caller stops quietly
    except OSError as exc:  # a full or read-only disk, a closed pipe, a vanished folder
        where = str(output) if output is not None else "standard output"
        raise ExportError(f"cannot write {where}: {exc.strerror or exc}") from None


@contextmanager
def _one_snapshot(connection: Connection) -> Iterator[None]:
    """One transaction for the whole export, reading one state of the archive;
    a caller's open one (it looked the project up, say) is used as it is."""
    if connection.in_transaction():
        yield
        return
    if connection.dialect.name != "postgresql":
        with connection.begin():
            yield
        return
    # PostgreSQL's default isolation takes a snapshot per statement; the
    # export's transaction reads one (the read-only engine's sessions already
    # do), and the connection is given back as it came.
    before = connection.get_execution_options().get("isolation_level", connection.default_isolation_level)
    connection.execution_options(isolation_level="REPEATABLE READ")
    try:
        with connection.begin():
            yield
    finally:
        connection.execution_options(isolation_level=before)


def _export_in_transaction(
    connection: Connection,
    fmt: str,
    output: Path | None,
    stdout: BinaryIO | None,
    table: str | None,
    filters: ProjectFilters | None,
    workers: int | None,
) -> ExportReport:
    if fmt == "csv" and table is None:
        assert output is not None
        return export_csv_folder(connection, output, filters=filters, workers=workers)
    if fmt == "yaml":
        assert output is not None
        return export_yaml(connection, output, filters=filters)
    if fmt == "datapackage":
        assert output is not None
        return export_datapackage(connection, output, filters=filters, workers=workers)
    protected = archive_files(connection)
    if fmt == "xlsx":
        if output is not None:
            check_file_target(output, protected)
            with atomic_file(output) as handle:
                report = export_xlsx(connection, cast(BinaryIO, handle), filters=filters)
            report.target = str(output)
            return report
        assert stdout is not None
        return export_xlsx(connection, stdout, filters=filters)
    with TextTarget(output, stdout, protected) as (stream, shown):
        if fmt == "csv":
            assert table is not None
            report = export_csv_table(connection, stream, table, filters=filters)
        else:
            report = export_json(connection, stream, filters=filters, lines=fmt == "jsonl", workers=workers)
        report.target = shown
        return report
