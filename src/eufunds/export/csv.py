"""CSV: one table to a stream, or every table and view as ``<name>.csv`` in a
folder; on a large SQLite archive the folder is written by this process and
worker processes together (``_csvpool``), one snapshot for all."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from sqlalchemy import (
    Connection,
    Select,
    func,
    literal_column,
    or_,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.sql.elements import ColumnClause

from ..db import busy_timeout_of
from ..errors import ExportError
from ..models import (
    IndicatorValue,
)
from ..read.records import ProjectFilters
from ._csvtext import (
    ROWS_PER_FETCH,
    SQLITE_TEXT,
    csv_line,
    csv_lines,
    value_text,
    write_sqlite_rows,
)
from ._pgpool import Workers
from .common import ExportReport, inside_folder, prepare_folder, safe_relative_path
from .tables import (
    ExportTable,
    ObservedTypes,
    exportable_tables,
    find_table,
    iter_table_rows,
    rows_condition,
    table_query,
)

# The smallest range of a table's rows given to an export process as one job.
PART_MIN_ROWS = 10_000


def _write_csv(
    connection: Connection,
    stream: TextIO,
    table: ExportTable,
    filters: ProjectFilters | None,
    untranslated: bool = False,
) -> tuple[int, ObservedTypes]:
    """``table`` as CSV to ``stream`` (``untranslated``: a file opened with
    ``newline=""``, which PostgreSQL's records may be written to as bytes)."""
    stream.write(csv_line([col.name for col in table.columns]))
    observed = ObservedTypes(table.columns)
    plan = _sqlite_csv_plan(table) if connection.dialect.name == "sqlite" else None
    if plan is not None:
        return _write_sqlite_csv(connection, stream, table, filters, *plan, observed), observed
    if connection.dialect.name == "postgresql":
        from . import _pgcopy  # psycopg is there only with PostgreSQL support

        sql = _pgcopy.copy_sql(connection, table, filters)
        if sql is not None:
            return _pgcopy.write_copy(connection, sql, stream, untranslated=untranslated), observed
    count = 0
    width = len(table.columns)
    for batch in _csv_batches(connection, table, filters, observed):
        stream.write(csv_lines(batch, width))
        count += len(batch)
    return count, observed


def _csv_batches(
    connection: Connection, table: ExportTable, filters: ProjectFilters | None, observed: ObservedTypes
) -> Iterator[list[tuple[str, ...]]]:
    batch: list[tuple[str, ...]] = []
    for row in iter_table_rows(connection, table, filters):
        observed.add(row)
        batch.append(tuple(map(value_text, row)))
        if len(batch) == ROWS_PER_FETCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sqlite_csv_plan(table: ExportTable) -> tuple[list[bool], list[tuple[int, str]]] | None:
    """How to read ``table``'s CSV rows from SQLite: per column, whether a NULL
    is to come back as the empty field already (most columns: it spares most
    rows any per-row step in Python), and which columns to convert into their
    CSV text, with their kinds (``csvtext.SQLITE_TEXT``); None when a column
    type has no known stored form (that table takes the general path)."""
    blanked: list[bool] = []
    plan = []
    for index, col in enumerate(table.columns):
        kind = "unknown" if table.is_view and col.kind == "number" else col.kind
        column = table.table.c[col.source]
        if kind not in SQLITE_TEXT:
            return None
        if kind == "number" and not isinstance(column.type, IndicatorValue):
            return None
        if SQLITE_TEXT[kind] is not None:
            plan.append((index, kind))
        blanked.append(SQLITE_TEXT[kind] is None and not col.required)
    return blanked, plan


# The bounds of a job's range of rows, as the worker's named parameters; open
# at both ends, as the estimate that cut the ranges comes from another snapshot.
_RANGE_BOUNDS = ("low", "high")


def _sqlite_csv_sql(
    connection: Connection,
    table: ExportTable,
    filters: ProjectFilters | None,
    blanked: list[bool],
    ranged: bool = False,
) -> str | None:
    """The SQL, for plain sqlite3, that reads ``table``'s rows (those of the
    selected projects, filter values written in as literals) for CSV; with
    ``ranged``, only those between the named parameters ``low`` and ``high``
    of its key. None when the table cannot be narrowed to a selection."""
    if filters is not None and filters.active:
        query = _sqlite_csv_query(table, filters, blanked)
        if query is None:
            return None
        if ranged:
            key_column = table.table.c[table.primary_key[0]]
            bounds: list[ColumnClause[Any]] = [literal_column(f":{name}") for name in _RANGE_BOUNDS]
            low_bound, high_bound = bounds
            query = query.where(or_(literal_column(f"{low_bound} IS NULL"), key_column > low_bound))
            query = query.where(or_(literal_column(f"{high_bound} IS NULL"), key_column <= high_bound))
        try:
            return str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        except CompileError:  # pragma: no cover - every filter value renders as a literal
            return None
    # Every row: written out here, as SQLAlchemy's compiler spends about a
    # millisecond on each table, a sixth of a small export's time
    # (tests/test_export_csv_paths.py holds this to the same rows as the query).
    quote = connection.dialect.identifier_preparer.quote
    fields = [
        f"coalesce({quote(col.source)}, '')" if blank else quote(col.source)
        for col, blank in zip(table.columns, blanked, strict=True)
    ]
    order = table.primary_key or [col.source for col in table.columns][:2]
    sql = f"SELECT {', '.join(fields)} FROM {quote(table.table.name)}"
    if ranged:
        key = quote(table.primary_key[0])
        low, high = _RANGE_BOUNDS
        sql += f" WHERE (:{low} IS NULL OR {key} > :{low}) AND (:{high} IS NULL OR {key} <= :{high})"
    return sql + " ORDER BY " + ", ".join(map(quote, order))


def _sqlite_csv_query(
    table: ExportTable, filters: ProjectFilters | None, blanked: list[bool]
) -> Select[Any] | None:
    """``table_query`` with each column blanked or not as ``_sqlite_csv_plan`` says."""
    t = table.table
    selected = [
        func.coalesce(t.c[col.source], literal_column("''")) if blank else t.c[col.source]
        for col, blank in zip(table.columns, blanked, strict=True)
    ]
    return table_query(table, filters, selected)


def _write_sqlite_csv(
    connection: Connection,
    stream: TextIO,
    table: ExportTable,
    filters: ProjectFilters | None,
    blanked: list[bool],
    plan: list[tuple[int, str]],
    observed: ObservedTypes,
) -> int:
    # Rows as SQLite stores them, read off the DBAPI cursor: SQLAlchemy's
    # per-row result processing costs several times what writing them does.
    if filters is not None and filters.active:
        query = _sqlite_csv_query(table, filters, blanked)
        if query is None:
            return 0
        cursor = connection.execute(query).cursor
    else:
        cursor = connection.exec_driver_sql(str(_sqlite_csv_sql(connection, table, None, blanked))).cursor
    try:
        count, seen = write_sqlite_rows(cursor, stream, plan, observed.watch, len(table.columns))
    finally:
        cursor.close()
    for index, kinds in seen.items():
        observed.seen[index] |= kinds
    return count


def _sqlite_csv_jobs(
    connection: Connection, table: ExportTable, filters: ProjectFilters | None, rows: int, part_rows: int
) -> list[dict[str, Any]] | None:
    """``table``'s CSV file as jobs for ``eufunds.export._csvworker``: one, or for a big
    table one per range of its key (the first writes the file with its header,
    the others parts that are appended to it in order); None when the table
    has no job form."""
    planned = _sqlite_csv_plan(table)
    if planned is None:
        return None
    blanked, plan = planned
    parts = max(1, -(-rows // part_rows)) if len(table.primary_key) == 1 and rows > 0 else 1
    sql = _sqlite_csv_sql(connection, table, filters, blanked, ranged=parts > 1)
    if sql is None:
        return None
    edges: list[int | None] = [None, *(rows * i // parts for i in range(1, parts)), None]
    final = table_file(table, ".csv")
    jobs = []
    for part in range(parts):
        jobs.append(
            {
                "table": table.name,
                "part": part,
                "sql": sql,
                "params": {"low": edges[part], "high": edges[part + 1]} if parts > 1 else {},
                "file": final.as_posix() if part == 0 else f"{final.parent}/.{final.name}.part{part}",
                "header": [col.name for col in table.columns] if part == 0 else None,
                "width": len(table.columns),
                "plan": plan,
                "watch": [i for i, c in enumerate(table.columns) if c.kind == "unknown"],
                "work": rows // parts,  # rows; the caller weighs them
            }
        )
    return jobs


def export_csv_table(
    connection: Connection, stream: TextIO, table: str, *, filters: ProjectFilters | None = None
) -> ExportReport:
    """One table or view as CSV (UTF-8, header row, decimals with a dot)."""
    found = find_table(connection, table)
    if rows_condition(found, filters) is None:
        raise ExportError(f"{table} cannot be narrowed to the selected projects; export it without filters")
    count, _ = _write_csv(connection, stream, found, filters)
    return ExportReport("csv", "-", {table: count})


def table_file(table: ExportTable, suffix: str) -> PurePosixPath:
    return safe_relative_path(table.name.replace("/", "_"), fallback="table").with_suffix(suffix)


def export_csv_folder(
    connection: Connection,
    folder: Path,
    *,
    filters: ProjectFilters | None = None,
    workers: int | None = None,
) -> ExportReport:
    """Every table and view as ``<name>.csv`` in ``folder``."""
    report = ExportReport("csv", str(folder))
    write_csv_files(connection, prepare_folder(folder), filters, report, workers)
    return report


def write_csv_files(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    report: ExportReport,
    workers: int | None,
) -> list[tuple[ExportTable, PurePosixPath, ObservedTypes]]:
    tables = []
    for table in exportable_tables(connection):
        if rows_condition(table, filters) is None:
            report.warnings.append(f"{table.name}: left out, it cannot be narrowed to the selected projects")
        else:
            tables.append(table)
    if connection.dialect.name == "postgresql":
        written = _write_csv_files_in_processes(connection, root, filters, tables, workers)
    else:
        written = _write_csv_files_in_workers(connection, root, filters, tables, workers)
    if written is None:
        written = [write_csv_file(connection, root, table, filters) for table in tables]
    result = []
    for table, (relative, count, observed) in zip(tables, written, strict=True):
        report.counts[table.name] = count
        result.append((table, relative, observed))
    return result


def write_csv_file(
    connection: Connection, root: Path, table: ExportTable, filters: ProjectFilters | None
) -> tuple[PurePosixPath, int, ObservedTypes]:
    """``table`` as ``<root>/<name>.csv``: its path under root, rows and observed types."""
    relative = table_file(table, ".csv")
    with inside_folder(root, relative).open("w", encoding="utf-8", newline="") as stream:
        count, observed = _write_csv(connection, stream, table, filters, untranslated=True)
    return relative, count, observed


def _write_csv_files_in_workers(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    tables: list[ExportTable],
    workers: int | None,
) -> list[tuple[PurePosixPath, int, ObservedTypes]] | None:
    """The files written by ``exportpool`` workers, in the order of ``tables``;
    None when the archive is small, not a SQLite file, or no common snapshot
    could be had."""
    from . import _csvpool

    database = _csvpool.archive_file(connection)
    if database is None or len(tables) < 2:
        return None
    rows, processes = _process_plan(connection, tables, workers)
    if processes < 2:
        return None
    projects = rows.get("projects", 0)
    # The workers start now and get ready while this process plans their jobs.
    with _csvpool.ExportPool(database, root, processes, busy_timeout_of(connection)) as pool:
        # Jobs of about an eighth of a process's share of rows, so that all finish
        # close together; largest first (a view has about one row a project or
        # more), so that no process starts a big one last.
        part_rows = max(PART_MIN_ROWS, sum(rows.values()) // (processes * 8))
        jobs: list[dict[str, Any]] = []
        for table in tables:
            found = _sqlite_csv_jobs(connection, table, filters, rows[table.name], part_rows)
            if found is None:
                return None
            weight = _row_weight(connection, table)
            for job in found:
                job["work"] = (job["work"] or (projects if table.is_view else 0)) * weight
            jobs += found
        jobs.sort(key=lambda job: -job["work"])
        done = None
        try:
            done = pool.write(jobs)
        finally:
            if done is None:  # failed or given up: no part file may stay in the user's folder
                for job in jobs:
                    if job["part"]:
                        (root / job["file"]).unlink(missing_ok=True)
    if done is None:
        return None
    by_table: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:
        by_table.setdefault(job["table"], []).append(job)
    written = []
    for table in tables:
        parts = sorted(by_table[table.name], key=lambda job: job["part"])
        _join_parts(root, [job["file"] for job in parts])
        observed = ObservedTypes(table.columns)
        for job in parts:
            _, seen = done[job["file"]]
            for index, kinds in seen.items():
                observed.seen[index] |= kinds
        total = sum(done[job["file"]][0] for job in parts)
        written.append((table_file(table, ".csv"), total, observed))
    return written


def _process_plan(
    connection: Connection, tables: list[ExportTable], workers: int | None
) -> tuple[dict[str, int], int]:
    """Each table's estimated rows, and how many processes are to write them."""
    from . import _csvpool

    rows = {table.name: _row_estimate(connection, table) for table in tables}
    # No more processes than tables: a worker with nothing to take would only
    # widen the moment in which a commit makes the export start again.
    return rows, min(_csvpool.worker_count(sum(rows.values()), workers), len(tables))


def _write_csv_files_in_processes(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    tables: list[ExportTable],
    workers: int | None,
) -> list[tuple[PurePosixPath, int, ObservedTypes]] | None:
    """PostgreSQL: the tables written by this process and worker processes
    (``_pgpool``), every one reading the snapshot of ``connection``'s
    transaction; None when the export is small or that transaction does not
    read one snapshot."""
    from . import _pgcopy

    rows, processes = _process_plan(connection, tables, workers)
    if processes < 2:
        return None
    snapshot = _pgcopy.export_snapshot(connection)
    if snapshot is None:
        return None
    with Workers(processes - 1) as started:
        return _write_pg_jobs(connection, root, filters, tables, rows, processes, snapshot, started)


def _write_pg_jobs(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    tables: list[ExportTable],
    rows: dict[str, int],
    processes: int,
    snapshot: str,
    started: Workers,
) -> list[tuple[PurePosixPath, int, ObservedTypes]]:
    """Plan the jobs of ``_write_csv_files_in_processes`` (the workers get
    ready meanwhile) and run them."""
    from . import _pgcopy

    projects = rows.get("projects", 0)
    # As for SQLite's workers: a big table in ranges of its key, so that all
    # processes finish close together.
    part_rows = max(PART_MIN_ROWS, sum(rows.values()) // (processes * 8))
    jobs: list[dict[str, Any]] = []
    for table in tables:
        final = table_file(table, ".csv")
        inside_folder(root, final)  # refused here, before any process writes
        # Sampling a view runs it, whole for an aggregate (a tenth of a second
        # for county_money at 10 000 projects): a view weighs by its columns.
        weight = 8.0 * len(table.columns) + 64 if table.is_view else _row_weight(connection, table)
        count = rows[table.name]
        sql = _pgcopy.copy_sql(connection, table, filters)
        parts = -(-count // part_rows) if sql is not None and len(table.primary_key) == 1 and count else 1
        edges: list[int | None] = [None, *(count * i // parts for i in range(1, parts)), None]
        for part, (low, high) in enumerate(pairwise(edges)):
            jobs.append(
                {
                    "table": table.name,
                    "part": part,
                    "file": final.as_posix() if part == 0 else f"{final.parent}/.{final.name}.part{part}",
                    "header": csv_line([col.name for col in table.columns]) if part == 0 else "",
                    "sql": sql if parts == 1 else _pgcopy.copy_sql(connection, table, filters, (low, high)),
                    "work": (count // parts or (projects if table.is_view else 0)) * weight,
                }
            )
    jobs.sort(key=lambda job: -job["work"])
    by_name = {table.name: table for table in tables}
    observed: dict[str, ObservedTypes] = {}

    def write_here(job: dict[str, Any]) -> int:
        if job["sql"] is None:  # the general path, which watches the values' types
            _, count, observed[job["table"]] = write_csv_file(
                connection, root, by_name[job["table"]], filters
            )
            return count
        with (root / job["file"]).open("w", encoding="utf-8", newline="") as stream:
            stream.write(job["header"])
            return _pgcopy.write_copy(connection, job["sql"], stream, untranslated=True)

    url = connection.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        written = started.write(url, snapshot, root, jobs, write_here)
    except BaseException:
        for job in jobs:  # no part file may stay in the user's folder
            if job["part"]:
                (root / job["file"]).unlink(missing_ok=True)
        raise
    result = []
    for table in tables:
        files = [
            job["file"] for job in sorted(jobs, key=lambda job: job["part"]) if job["table"] == table.name
        ]
        _join_parts(root, files)
        total = sum(written[file] for file in files)
        result.append(
            (table_file(table, ".csv"), total, observed.get(table.name) or ObservedTypes(table.columns))
        )
    return result


def _join_parts(root: Path, files: list[str]) -> None:
    """Append the part files (in order) to the first file, and remove them."""
    if len(files) < 2:
        return
    with (root / files[0]).open("ab") as target:
        for name in files[1:]:
            part = root / name
            with part.open("rb") as source:
                shutil.copyfileobj(source, target, 1 << 20)
            part.unlink()


def _row_weight(connection: Connection, table: ExportTable) -> float:
    """About what writing one of the table's rows costs: a few units a field
    plus the length of its text, averaged over a few rows (a release text
    makes a documents row a hundred times an evidence row). Plain SQL: an
    export plans this for every table, and compiling it would cost more than
    running it."""
    quote = connection.dialect.identifier_preparer.quote
    names = [quote(col.source) for col in table.columns]
    # SQLite measures any value's text; PostgreSQL only a text's.
    as_text = "CAST({} AS TEXT)" if connection.dialect.name == "postgresql" else "{}"
    length = " + ".join(f"coalesce(length({as_text.format(name)}), 0)" for name in names)
    sample = f"SELECT {', '.join(names)} FROM {quote(table.table.name)} LIMIT 32"
    average = connection.exec_driver_sql(f"SELECT avg({length}) FROM ({sample}) AS sample").scalar()
    return 8 * len(table.columns) + float(average or 0)


def _row_estimate(connection: Connection, table: ExportTable) -> int:
    """Rows in a table (its largest key, read from the index's end; 0 for a view):
    cheap, and enough to order work."""
    if table.is_view or len(table.primary_key) != 1:
        return 0
    quote = connection.dialect.identifier_preparer.quote
    sql = f"SELECT max({quote(table.primary_key[0])}) FROM {quote(table.table.name)}"
    value = connection.exec_driver_sql(sql).scalar()
    return value if isinstance(value, int) else 0
