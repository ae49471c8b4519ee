"""Frictionless Tabular Data Package: the CSV files plus ``datapackage.json``
declaring each field's type and the primary and foreign keys."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, func, select

from ..models import Load, Project
from ..read.records import ProjectFilters, selected_project_ids
from ._csvtext import utc_text
from .common import ExportReport, inside_folder, prepare_folder
from .csv import write_csv_files
from .descriptions import column_description, table_description
from .tables import ExportTable, ObservedTypes

# --------------------------------------------------------------------------- datapackage

_FRICTIONLESS_TYPES = {
    "integer": "integer",
    "number": "number",
    "money": "number",
    "share": "number",
    "date": "date",
    "datetime": "datetime",
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
    root = prepare_folder(folder)
    report = ExportReport("datapackage", str(folder))
    written = write_csv_files(connection, root, filters, report, workers)
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
        # What the archive is as of: its last load that changed it, and the
        # latest dated source of the projects exported.
        "as_of": _as_of(connection, filters),
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    inside_folder(root, PurePosixPath("datapackage.json")).write_text(text, encoding="utf-8")
    return report


def _as_of(connection: Connection, filters: ProjectFilters | None) -> dict[str, str | None]:
    last_load = connection.execute(select(func.max(Load.finished_at))).scalar()
    latest_source = connection.execute(
        select(func.max(Project.as_of)).where(Project.id.in_(selected_project_ids(filters)))
    ).scalar()
    return {
        "last_load": utc_text(last_load) if last_load else None,
        "latest_source": latest_source.isoformat() if latest_source else None,
    }


def _resource(
    table: ExportTable, relative: PurePosixPath, observed: ObservedTypes, included: set[str]
) -> dict[str, Any]:
    fields = []
    for i, col in enumerate(table.columns):
        spec: dict[str, Any] = {
            "name": col.name,
            "type": _FRICTIONLESS_TYPES.get(col.kind) or observed.type_of(i),
        }
        description = column_description(table.name, col.name, col.kind)
        if description:
            spec["description"] = description
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
    resource: dict[str, Any] = {"name": table.name}
    description = table_description(table.name)
    if description:
        resource["description"] = description
    return {
        **resource,
        "path": relative.as_posix(),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }
