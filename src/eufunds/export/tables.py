"""The archive's tables and views as exports see them: each column with its
export name and kind (integer money turned back into decimals), the rows of a
selection of projects, read in bounded pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Select,
    Table,
    inspect,
    select,
    union,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.elements import ColumnElement

from ..errors import ExportError
from ..models import (
    Base,
    Contact,
    Document,
    Indicator,
    ListRow,
    Objective,
    Partner,
    Project,
    Result,
    SourceFile,
    SpecificObjective,
)
from ..numbers import computed_number, from_minor_units
from ..read.records import ProjectFilters, selected_project_ids
from ._csvtext import (
    ROWS_PER_FETCH,
    observed_kind,
    utc_text,
)

# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class ExportColumn:
    """A column as exported: money (``*_minor``) and shares (``*_bp``) are renamed
    and turned into decimals; ``kind`` says how values are written."""

    source: str
    name: str
    kind: str  # integer | number | money | share | date | datetime | string | boolean | unknown
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
        return "datetime"
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


def find_table(connection: Connection, name: str) -> ExportTable:
    tables = exportable_tables(connection)
    for table in tables:
        if table.name == name:
            return table
    names = ", ".join(t.name for t in tables)
    raise ExportError(f"unknown table {name!r}; tables and views: {names}")


def rows_condition(
    table: ExportTable, filters: ProjectFilters | None
) -> ColumnElement[bool] | Literal[True] | None:
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
    # A source belongs to the projects whose documents hold the text read from it.
    used_sources = select(SourceFile.id).where(
        SourceFile.document_sha256.in_(select(Document.sha256).where(Document.project_id.in_(ids)))
    )
    conditions: dict[str, Callable[[], Any]] = {
        "indicators": lambda: c.id.in_(owned_indicators),
        "indicator_topics": lambda: c.indicator_id.in_(owned_indicators),
        "source_files": lambda: c.id.in_(used_sources),
        "source_pages": lambda: c.source_file_id.in_(used_sources),
        "programmes": lambda: c.id.in_(select(Project.programme_id).where(Project.id.in_(ids))),
        # A list belongs to the projects it has a row of (its rows: by project_id, above).
        "list_files": lambda: c.id.in_(select(ListRow.list_file_id).where(ListRow.project_id.in_(ids))),
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


def table_query(
    table: ExportTable, filters: ProjectFilters | None, columns: list[Any] | None = None
) -> Select[Any] | None:
    """The ordered SELECT of ``table``'s rows (its ``columns``, by default all)
    for the selected projects, or None when the table cannot be narrowed to a
    selection."""
    condition = rows_condition(table, filters)
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
    query = table_query(table, filters)
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
    if kind == "datetime":
        return lambda v: None if v is None else utc_text(v)
    return lambda v: v


class ObservedTypes:
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
