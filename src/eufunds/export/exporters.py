"""Taking data out of the archive: CSV, JSON, JSON Lines, seed YAML, XLSX and
Frictionless Data Packages, all streamed.

Rows and records are read in bounded pages and written as they come, so memory
stays flat however large the archive grows (``bench/bench_export_memory.py``
measures it). Two shapes come out: *tables* (every table and view as it is in the
database, with integer money columns turned back into decimals) for CSV, XLSX and
data packages; and *records* (one nested project in the seed format, from
``records``) for JSON and YAML. Nothing is written outside the folder or file the
caller names: every file name taken from the archive is sanitised first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, TextIO

import yaml
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Select,
    Table,
    func,
    inspect,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import CompileError
from sqlalchemy.sql.elements import ColumnElement

from ..db import busy_timeout_of
from ..errors import ExportError
from ..jsontext import to_json as record_to_json
from ..models import (
    Base,
    Contact,
    Indicator,
    IndicatorValue,
    Objective,
    Partner,
    Project,
    Result,
    SpecificObjective,
)
from ..numbers import computed_number, from_minor_units
from ..read.records import ProjectFilters, iter_records, iter_records_with_sources, selected_project_ids
from ._csvtext import (
    ROWS_PER_FETCH,
    SQLITE_TEXT,
    csv_line,
    csv_lines,
    observed_kind,
    value_text,
    write_sqlite_rows,
)

FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "yaml", "xlsx", "datapackage")
# Formats whose output is a folder of files rather than one stream.
FOLDER_FORMATS: frozenset[str] = frozenset({"yaml", "datapackage"})

# The smallest range of a table's rows given to an export process as one job.
PART_MIN_ROWS = 10_000
# Spreadsheet limits (Excel's): longer texts are cut, extra rows dropped, with a warning.
XLSX_MAX_CELL_CHARS = 32_767
XLSX_MAX_ROWS = 1_048_576

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass
class ExportReport:
    """What an export wrote."""

    format: str
    target: str  # the file or folder, or "-" for standard output
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, or {"projects": n}
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"{self.format} → {self.target}: {parts or 'nothing'}"


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
    (default: one per usable core for a large SQLite archive)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if table is not None and fmt != "csv":
        raise ExportError("--table is for --format csv; the other formats export every table or project")
    if output is None and (fmt in FOLDER_FORMATS or (fmt == "csv" and table is None)):
        need = "a folder" if fmt != "csv" else "a folder (or --table NAME to write one table to stdout)"
        raise ExportError(f"--format {fmt} writes several files: give --output with {need}")
    if output is None and stdout is None:
        raise ExportError(f"--format {fmt} needs --output PATH")
    # One transaction for the whole export; a caller's open one (it looked the
    # project up, say) is used as it is.
    with nullcontext() if connection.in_transaction() else connection.begin():
        if fmt == "csv" and table is None:
            assert output is not None
            return export_csv_folder(connection, output, filters=filters, workers=workers)
        if fmt == "yaml":
            assert output is not None
            return export_yaml(connection, output, filters=filters)
        if fmt == "datapackage":
            assert output is not None
            return export_datapackage(connection, output, filters=filters, workers=workers)
        if fmt == "xlsx":
            if output is not None:
                _check_file_target(output)
                return export_xlsx(connection, output, filters=filters)
            assert stdout is not None
            return export_xlsx(connection, stdout, filters=filters)
        with _TextTarget(output, stdout) as (stream, shown):
            if fmt == "csv":
                assert table is not None
                report = export_csv_table(connection, stream, table, filters=filters)
            else:
                report = export_json(connection, stream, filters=filters, lines=fmt == "jsonl")
            report.target = shown
            return report


class _TextTarget:
    """A UTF-8 text stream over a file or the given binary stdout, whatever the locale."""

    def __init__(self, output: Path | None, stdout: BinaryIO | None):
        self.output, self.stdout = output, stdout
        self.stream: io.TextIOWrapper | None = None
        self.file: IO[bytes] | None = None

    def __enter__(self) -> tuple[TextIO, str]:
        if self.output is not None:
            _check_file_target(self.output)
            self.file = self.output.open("wb")
            self.stream = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
            return self.stream, str(self.output)
        assert self.stdout is not None
        self.stream = io.TextIOWrapper(self.stdout, encoding="utf-8", newline="")  # type: ignore[arg-type]
        return self.stream, "-"

    def __exit__(self, *exc: object) -> None:
        assert self.stream is not None
        if self.file is not None:
            self.stream.close()
        else:
            self.stream.flush()
            # Leave the caller's stdout open.
            self.stream.detach()


# --------------------------------------------------------------------------- paths


def _check_file_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ExportError(f"no folder {path.parent} to write {path.name} into")


def _prepare_folder(folder: Path) -> Path:
    """The output folder, created if needed; it must be empty so that what is in it
    afterwards is exactly this export (a stale seed would be loaded with it)."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ExportError(f"{folder} is not empty; export into a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')


def safe_relative_path(name: str, *, fallback: str) -> PurePosixPath:
    """A relative path made from an archived file name that cannot leave the folder
    it is joined to: no absolute paths, no ``..``, no characters that are invalid
    in file names on common systems."""
    parts = []
    for part in name.replace("\\", "/").split("/"):
        part = _UNSAFE_CHARS.sub("_", part).strip().rstrip(".")
        if part in ("", ".", ".."):
            continue
        parts.append(part[:200])
    return PurePosixPath(*parts) if parts else PurePosixPath(fallback)


def _inside(folder: Path, relative: PurePosixPath) -> Path:
    target = (folder / relative).resolve()
    # resolve() follows links, so a link planted in the folder cannot redirect a write.
    if not target.is_relative_to(folder):
        raise ExportError(f"refusing to write {relative} outside {folder}")
    return target


# --------------------------------------------------------------------------- records as text


# libyaml's emitter is several times faster than the pure-Python one; the
# representers below run in Python either way.
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _SeedDumper(_BaseDumper):  # type: ignore[misc]
    """Writes records as seeds: exact decimals as plain numbers, multi-line text as
    literal blocks, keys in record order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted style when a literal block cannot hold the text.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_SeedDumper.add_representer(Decimal, _represent_decimal)
_SeedDumper.add_representer(str, _represent_text)


_SEED_HEADER = "# Exported from the eufunds archive; load with: eufunds load <this folder>\n"


def record_to_yaml(record: dict[str, Any]) -> str:
    """A record as seed YAML that ``eufunds load`` reads back into the same record."""
    data = dict(record)
    # A single quote is written bare, as curators write it.
    data["evidence"] = {k: v[0] if len(v) == 1 else v for k, v in record["evidence"].items()}
    return yaml.dump(
        data, Dumper=_SeedDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


# --------------------------------------------------------------------------- json / jsonl


def export_json(
    connection: Connection, stream: TextIO, *, filters: ProjectFilters | None = None, lines: bool = False
) -> ExportReport:
    """Projects as nested seed records: one JSON array, or one object per line."""
    count = 0
    if not lines:
        stream.write("[")
    for record in iter_records(connection, filters):
        if lines:
            stream.write(record_to_json(record) + "\n")
        else:
            stream.write(("\n" if count == 0 else ",\n") + record_to_json(record))
        count += 1
    if not lines:
        stream.write("\n]\n" if count else "]\n")
    return ExportReport("jsonl" if lines else "json", "-", {"projects": count})


# --------------------------------------------------------------------------- yaml


def export_yaml(
    connection: Connection, folder: Path, *, filters: ProjectFilters | None = None
) -> ExportReport:
    """One ``<slug>.yaml`` seed per project with its source texts beside it, so
    that ``eufunds load FOLDER`` into an empty archive rebuilds the same data."""
    root = _prepare_folder(folder)
    report = ExportReport("yaml", str(folder), {"projects": 0, "source texts": 0})
    for record, documents in iter_records_with_sources(connection, filters):
        slug = record["slug"]
        if not _SLUG.match(slug):
            raise ExportError(f"project slug {slug!r} is not a valid slug; cannot name its seed file")
        renamed: dict[str, str] = {}
        for i, document in enumerate(documents):
            name = _free_source_name(root, slug, document.file, i)
            if name != document.file:
                renamed[document.file] = name
                report.warnings.append(f"{slug}: source {document.file!r} written as {name!r}")
            data = document.text.encode("utf-8")
            if hashlib.sha256(data).hexdigest() != document.sha256:
                # The archive keeps the decoded text (UTF-8, \n line ends), not the
                # original bytes; a reload will record the new bytes' hash.
                report.warnings.append(
                    f"{slug}: source {name!r} was archived from other bytes (encoding or line ends); "
                    "it is written as UTF-8, so its sha256 will differ after a reload"
                )
            _inside(root, PurePosixPath(name)).parent.mkdir(parents=True, exist_ok=True)
            _inside(root, PurePosixPath(name)).write_bytes(data)
            report.counts["source texts"] += 1
        if renamed:
            record = _rename_sources(record, renamed)
        seed = _SEED_HEADER + record_to_yaml(record)
        _inside(root, PurePosixPath(f"{slug}.yaml")).write_text(seed, encoding="utf-8")
        report.counts["projects"] += 1
    return report


def _free_source_name(root: Path, slug: str, name: str, index: int) -> str:
    """Where a source text goes: its archived name when that is safe and free,
    else the same name in a folder named for the project."""
    relative = safe_relative_path(name, fallback=f"source-{index}.txt")
    if relative.suffix.lower() in (".yaml", ".yml"):
        # The loader takes every *.yaml in the folder for a seed.
        relative = relative.with_name(relative.name + ".txt")
    candidates = itertools.chain(
        [relative, PurePosixPath(slug) / relative.name],
        (PurePosixPath(slug) / f"{relative.stem}-{n}{relative.suffix}" for n in range(2, 1000)),
    )
    for candidate in candidates:
        # Existing files are this export's own: the folder started empty.
        if not _inside(root, candidate).exists():
            return candidate.as_posix()
    raise ExportError(f"{slug}: no free file name for source {name!r}")  # pragma: no cover


def _rename_sources(record: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    record = dict(record)
    record["sources"] = [{**s, "file": renamed.get(s["file"], s["file"])} for s in record["sources"]]
    record["evidence"] = {
        fld: [{**q, "file": renamed.get(q["file"], q["file"])} if isinstance(q, dict) else q for q in quotes]
        for fld, quotes in record["evidence"].items()
    }
    return record


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class ExportColumn:
    """A column as exported: money (``*_minor``) and shares (``*_bp``) are renamed
    and turned into decimals; ``kind`` says how values are written."""

    source: str
    name: str
    kind: str  # integer | number | money | share | date | string | boolean | unknown
    required: bool
    unique: bool


@dataclass
class ExportTable:
    name: str
    is_view: bool
    table: Table
    columns: list[ExportColumn]
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]]  # (column, referred table, referred column)


def _column_kind(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, sqltypes.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sqltypes.Boolean):
        return "boolean"
    if isinstance(kind, sqltypes.Integer):
        if column.name.endswith("_minor"):
            return "money"
        if column.name.endswith("_bp"):
            return "share"
        return "integer"
    if isinstance(kind, sqltypes.Numeric):
        return "number"
    if isinstance(kind, sqltypes.DateTime):
        return "string"
    if isinstance(kind, sqltypes.Date):
        return "date"
    if isinstance(kind, sqltypes.String):
        return "string"
    return "unknown"


def _export_name(column: Column[Any], kind: str) -> str:
    if kind == "money":
        return column.name.removesuffix("_minor")
    if kind == "share":
        return column.name.removesuffix("_bp") + "_pct"
    return column.name


def exportable_tables(connection: Connection) -> list[ExportTable]:
    """The archive's tables (in foreign-key order) and then its views."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    found: list[ExportTable] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        unique_columns = {col.name for col in table.columns if col.unique}
        columns = []
        for col in table.columns:
            kind = _column_kind(col)
            columns.append(
                ExportColumn(
                    str(col.name),
                    str(_export_name(col, kind)),
                    kind,
                    not col.nullable,
                    col.name in unique_columns,
                )
            )
        found.append(
            ExportTable(
                # Names as plain str (SQLAlchemy's are a subclass): jobs for
                # export workers are sent in marshal form, which takes only str.
                name=str(table.name),
                is_view=False,
                table=table,
                columns=columns,
                primary_key=[c.name for c in table.primary_key.columns],
                # In column order: the set SQLAlchemy keeps them in changes order
                # from one run to the next, and data package files must not.
                foreign_keys=[
                    (fk.parent.name, fk.column.table.name, fk.column.name)
                    for fk in sorted(table.foreign_keys, key=lambda fk: list(table.columns).index(fk.parent))
                ],
            )
        )
    views = MetaData()
    for name in sorted(inspector.get_view_names()):
        # Names and types are all a view has to give; a full autoload (keys,
        # indexes, …) costs a small export a tenth of its time.
        view = Table(name, views, *[Column(c["name"], c["type"]) for c in inspector.get_columns(name)])
        columns = [
            ExportColumn(str(c.name), str(c.name), _column_kind(c), False, False) for c in view.columns
        ]
        found.append(ExportTable(str(name), True, view, columns, [], []))
    return found


def _find_table(connection: Connection, name: str) -> ExportTable:
    tables = exportable_tables(connection)
    for table in tables:
        if table.name == name:
            return table
    names = ", ".join(t.name for t in tables)
    raise ExportError(f"unknown table {name!r}; tables and views: {names}")


def _rows_condition(table: ExportTable, filters: ProjectFilters | None) -> ColumnElement[bool] | bool | None:
    """Which rows of ``table`` belong to the selected projects: a condition, True
    for every row, or None when the table has no rows to give for a selection."""
    if filters is None or not filters.active:
        return True
    ids = selected_project_ids(filters)
    c = table.table.c
    chosen_projects = select(Project.id).where(Project.id.in_(ids))
    if table.name == "projects":
        return c.id.in_(ids)
    if "project_id" in c:
        return c.project_id.in_(ids)
    if table.is_view:
        return c.slug.in_(select(Project.slug).where(Project.id.in_(ids))) if "slug" in c else None
    owned_indicators = select(Indicator.id).where(
        Indicator.objective_id.in_(select(Objective.id).where(Objective.project_id.in_(ids)))
        | Indicator.result_id.in_(select(Result.id).where(Result.project_id.in_(ids)))
    )
    used_objectives = select(Project.specific_objective_id).where(Project.id.in_(chosen_projects))
    conditions: dict[str, Callable[[], Any]] = {
        "indicators": lambda: c.id.in_(owned_indicators),
        "indicator_topics": lambda: c.indicator_id.in_(owned_indicators),
        "programmes": lambda: c.id.in_(select(Project.programme_id).where(Project.id.in_(ids))),
        "specific_objectives": lambda: c.id.in_(used_objectives),
        "priority_axes": lambda: (
            c.id.in_(select(Project.priority_axis_id).where(Project.id.in_(ids)))
            | c.id.in_(
                select(SpecificObjective.priority_axis_id).where(SpecificObjective.id.in_(used_objectives))
            )
        ),
        "organisations": lambda: c.id.in_(
            union(
                select(Project.beneficiary_id).where(Project.id.in_(ids)),
                select(Project.acting_through_id).where(Project.id.in_(ids)),
                select(Partner.organisation_id).where(Partner.project_id.in_(ids)),
                select(Contact.organisation_id).where(Contact.project_id.in_(ids)),
            )
        ),
    }
    make = conditions.get(table.name)
    return make() if make else None


def _table_query(
    table: ExportTable, filters: ProjectFilters | None, columns: list[Any] | None = None
) -> Select[Any] | None:
    """The ordered SELECT of ``table``'s rows (its ``columns``, by default all)
    for the selected projects, or None when the table cannot be narrowed to a
    selection."""
    condition = _rows_condition(table, filters)
    if condition is None:
        return None
    t = table.table
    order = [t.c[name] for name in table.primary_key] or list(t.columns)[:2]
    query = select(*(columns or [t.c[col.source] for col in table.columns])).order_by(*order)
    return query if condition is True else query.where(condition)


def iter_table_rows(
    connection: Connection, table: ExportTable, filters: ProjectFilters | None = None
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``table`` (those of the selected projects), streamed, with money and
    shares as ``Decimal``; empty when the table cannot be narrowed to a selection."""
    query = _table_query(table, filters)
    if query is None:
        return
    convert = [
        computed_number if table.is_view and col.kind in ("number", "unknown") else _converter(col.kind)
        for col in table.columns
    ]
    result = connection.execution_options(yield_per=ROWS_PER_FETCH).execute(query)
    for row in result:
        yield tuple(f(v) for f, v in zip(convert, row, strict=True))


def _converter(kind: str) -> Callable[[Any], Any]:
    if kind in ("money", "share"):
        return lambda v: None if v is None else from_minor_units(v)
    return lambda v: v


class _ObservedTypes:
    """The types seen in columns whose database type is unknown (computed view
    columns on SQLite), so the data package can still declare them."""

    def __init__(self, columns: list[ExportColumn]):
        self.watch = [i for i, c in enumerate(columns) if c.kind == "unknown"]
        self.seen: dict[int, set[str]] = {i: set() for i in self.watch}

    def add(self, row: tuple[Any, ...]) -> None:
        for i in self.watch:
            kind = observed_kind(row[i])
            if kind is not None:
                self.seen[i].add(kind)

    def type_of(self, index: int) -> str:
        seen = self.seen.get(index, set())
        if not seen:
            return "any"
        if len(seen) == 1:
            return next(iter(seen))
        return "number" if seen <= {"integer", "number"} else "string"


def _write_csv(
    connection: Connection, stream: TextIO, table: ExportTable, filters: ProjectFilters | None
) -> tuple[int, _ObservedTypes]:
    stream.write(csv_line([col.name for col in table.columns]))
    observed = _ObservedTypes(table.columns)
    plan = _sqlite_csv_plan(table) if connection.dialect.name == "sqlite" else None
    if plan is not None:
        return _write_sqlite_csv(connection, stream, table, filters, *plan, observed), observed
    count = 0
    width = len(table.columns)
    for batch in _csv_batches(connection, table, filters, observed):
        stream.write(csv_lines(batch, width))
        count += len(batch)
    return count, observed


def _csv_batches(
    connection: Connection, table: ExportTable, filters: ProjectFilters | None, observed: _ObservedTypes
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
        if kind not in SQLITE_TEXT or isinstance(column.type, sqltypes.DateTime):
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
            key = table.table.c[table.primary_key[0]]
            low, high = (literal_column(f":{name}") for name in _RANGE_BOUNDS)
            query = query.where(or_(literal_column(f"{low} IS NULL"), key > low))
            query = query.where(or_(literal_column(f"{high} IS NULL"), key <= high))
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
    """``_table_query`` with each column blanked or not as ``_sqlite_csv_plan`` says."""
    t = table.table
    selected = [
        func.coalesce(t.c[col.source], literal_column("''")) if blank else t.c[col.source]
        for col, blank in zip(table.columns, blanked, strict=True)
    ]
    return _table_query(table, filters, selected)


def _write_sqlite_csv(
    connection: Connection,
    stream: TextIO,
    table: ExportTable,
    filters: ProjectFilters | None,
    blanked: list[bool],
    plan: list[tuple[int, str]],
    observed: _ObservedTypes,
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
    final = _table_file(table, ".csv")
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
    found = _find_table(connection, table)
    if _rows_condition(found, filters) is None:
        raise ExportError(f"{table} cannot be narrowed to the selected projects; export it without filters")
    count, _ = _write_csv(connection, stream, found, filters)
    return ExportReport("csv", "-", {table: count})


def _table_file(table: ExportTable, suffix: str) -> PurePosixPath:
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
    _write_csv_files(connection, _prepare_folder(folder), filters, report, workers)
    return report


def _write_csv_files(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    report: ExportReport,
    workers: int | None,
) -> list[tuple[ExportTable, PurePosixPath, _ObservedTypes]]:
    tables = []
    for table in exportable_tables(connection):
        if _rows_condition(table, filters) is None:
            report.warnings.append(f"{table.name}: left out, it cannot be narrowed to the selected projects")
        else:
            tables.append(table)
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
) -> tuple[PurePosixPath, int, _ObservedTypes]:
    """``table`` as ``<root>/<name>.csv``: its path under root, rows and observed types."""
    relative = _table_file(table, ".csv")
    with _inside(root, relative).open("w", encoding="utf-8", newline="") as stream:
        count, observed = _write_csv(connection, stream, table, filters)
    return relative, count, observed


def _write_csv_files_in_workers(
    connection: Connection,
    root: Path,
    filters: ProjectFilters | None,
    tables: list[ExportTable],
    workers: int | None,
) -> list[tuple[PurePosixPath, int, _ObservedTypes]] | None:
    """The files written by ``exportpool`` workers, in the order of ``tables``;
    None when the archive is small, not a SQLite file, or no common snapshot
    could be had."""
    from . import _csvpool

    database = _csvpool.archive_file(connection)
    if database is None or len(tables) < 2:
        return None
    rows = {table.name: _row_estimate(connection, table) for table in tables}
    projects = rows.get("projects", 0)
    # No more processes than tables: a worker with nothing to take would only
    # widen the moment in which a commit makes the export start again.
    processes = min(_csvpool.worker_count(sum(rows.values()), workers), len(tables))
    if processes < 2:
        return None
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
        observed = _ObservedTypes(table.columns)
        for job in parts:
            _, seen = done[job["file"]]
            for index, kinds in seen.items():
                observed.seen[index] |= kinds
        total = sum(done[job["file"]][0] for job in parts)
        written.append((_table_file(table, ".csv"), total, observed))
    return written


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
    length = " + ".join(f"coalesce(length({name}), 0)" for name in names)
    sample = f"SELECT {', '.join(names)} FROM {quote(table.table.name)} LIMIT 32"
    average = connection.exec_driver_sql(f"SELECT avg({length}) FROM ({sample})").scalar()
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


# --------------------------------------------------------------------------- datapackage

_FRICTIONLESS_TYPES = {
    "integer": "integer",
    "number": "number",
    "money": "number",
    "share": "number",
    "date": "date",
    "string": "string",
    "boolean": "boolean",
}


def export_datapackage(
    connection: Connection,
    folder: Path,
    *,
    filters: ProjectFilters | None = None,
    workers: int | None = None,
) -> ExportReport:
    """A Frictionless Tabular Data Package: the CSVs plus ``datapackage.json``
    declaring each field's type and the primary and foreign keys."""
    root = _prepare_folder(folder)
    report = ExportReport("datapackage", str(folder))
    written = _write_csv_files(connection, root, filters, report, workers)
    included = {table.name for table, _, _ in written}
    resources = [_resource(table, relative, observed, included) for table, relative, observed in written]
    descriptor = {
        "profile": "tabular-data-package",
        "name": "eufunds-archive",
        "title": "EU-funded public projects in Romania, from their press releases (eufunds archive)",
        "description": (
            "Money columns are decimals in the project's currency (projects.currency); "
            "*_pct columns are percentages from 0 to 100."
        ),
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    _inside(root, PurePosixPath("datapackage.json")).write_text(text, encoding="utf-8")
    return report


def _resource(
    table: ExportTable, relative: PurePosixPath, observed: _ObservedTypes, included: set[str]
) -> dict[str, Any]:
    fields = []
    for i, col in enumerate(table.columns):
        spec: dict[str, Any] = {
            "name": col.name,
            "type": _FRICTIONLESS_TYPES.get(col.kind) or observed.type_of(i),
        }
        if col.kind == "money":
            spec["description"] = "amount in the project's currency, exact to the minor unit"
        elif col.kind == "share":
            spec["description"] = "share in percent (0–100) as the release states it"
        constraints = {}
        if col.required:
            constraints["required"] = True
        if col.unique:
            constraints["unique"] = True
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    foreign_keys = [
        {
            "fields": [column],
            # A frictionless self-reference names no resource.
            "reference": {"resource": "" if target == table.name else target, "fields": [target_column]},
        }
        for column, target, target_column in table.foreign_keys
        if target in included
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": table.name,
        "path": relative.as_posix(),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


# --------------------------------------------------------------------------- xlsx
#
# Written directly as SpreadsheetML in a zip, one sheet at a time, with texts
# inline in each cell: a shared-strings table (what spreadsheet libraries write,
# openpyxl's write-only mode included) holds every distinct text in memory until
# the end, which is the whole archive's texts.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (indexes into cellXfs below).
_STYLE_DECIMAL, _STYLE_DATE, _STYLE_HEADER = 1, 2, 3
_STYLES = f"""{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_ESCAPE_LIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _xml_text(value: str) -> str:
    # Excel reads _xHHHH_ as an escaped character: protect literal ones, then
    # encode the characters XML 1.0 cannot carry that way.
    value = _XML_ESCAPE_LIKE.sub(r"_x005F_\1", value)
    value = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def export_xlsx(
    connection: Connection, target: Path | BinaryIO, *, filters: ProjectFilters | None = None
) -> ExportReport:
    """One sheet per table and view: a bold, frozen header row, amounts as numbers
    with two decimals, dates as dates."""
    tables = [t for t in exportable_tables(connection) if _rows_condition(t, filters) is not None]
    report = ExportReport("xlsx", str(target) if isinstance(target, Path) else "-")
    names = _sheet_names([t.name for t in tables])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as book:
        _write_workbook_parts(book, names)
        for number, (table, name) in enumerate(zip(tables, names, strict=True), start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
                report.counts[name] = _write_sheet(connection, sheet, table, filters, report.warnings)
    return report


def _sheet_names(tables: list[str]) -> list[str]:
    names: list[str] = []
    for table in tables:
        base = _SHEET_NAME_UNSAFE.sub("_", table)[:31] or "sheet"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            name = f"{base[:28]}~{n}"
            n += 1
        names.append(name)
    return names


def _write_workbook_parts(book: zipfile.ZipFile, names: list[str]) -> None:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    book.writestr(
        "[Content_Types].xml",
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>",
    )
    book.writestr(
        "_rels/.rels",
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    sheet_list = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    book.writestr(
        "xl/workbook.xml",
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheet_list}</sheets></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    styles = f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}{styles}</Relationships>',
    )
    book.writestr("xl/styles.xml", _STYLES)


def _xlsx_cell(ref: str, value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date) or (kind == "date" and isinstance(value, str)):
        day = value if isinstance(value, dt.date) else _parse_date(value)
        if day is not None:
            return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(day - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        style = f' s="{_STYLE_DECIMAL}"' if kind in ("money", "share") or isinstance(value, float) else ""
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return f'<c r="{ref}"{style}><v>{text}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _write_sheet(
    connection: Connection,
    sheet: IO[bytes],
    table: ExportTable,
    filters: ProjectFilters | None,
    warnings: list[str],
) -> int:
    letters = [_column_letter(i) for i in range(len(table.columns))]
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{min(max(len(c.name) + 2, 10), 60)}" customWidth="1"/>'
        for i, c in enumerate(table.columns, start=1)
    )
    header = "".join(
        f'<c r="{letters[i]}1" t="inlineStr" s="{_STYLE_HEADER}"><is><t>{_xml_text(c.name)}</t></is></c>'
        for i, c in enumerate(table.columns)
    )
    sheet.write(
        (
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData><row r="1">{header}</row>'
        ).encode()
    )
    kinds = [c.kind for c in table.columns]
    count, cut = 0, 0
    chunk: list[str] = []
    for row in iter_table_rows(connection, table, filters):
        if count + 1 >= XLSX_MAX_ROWS:
            warnings.append(f"{table.name}: only the first {count} rows fit in a sheet")
            break
        count += 1
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, str) and len(value) > XLSX_MAX_CELL_CHARS:
                value = value[:XLSX_MAX_CELL_CHARS]
                cut += 1
            cells.append(_xlsx_cell(f"{letters[i]}{count + 1}", value, kinds[i]))
        chunk.append(f'<row r="{count + 1}">{"".join(cells)}</row>')
        if len(chunk) >= 500:
            sheet.write("".join(chunk).encode())
            chunk.clear()
    sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    if cut:
        warnings.append(
            f"{table.name}: {cut} text(s) longer than a spreadsheet cell holds "
            f"({XLSX_MAX_CELL_CHARS} characters) were cut; the CSV and JSON exports keep them whole"
        )
    return count
