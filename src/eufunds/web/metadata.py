"""Datasette's metadata for the archive: titles, licence and source notes, what
each table and column means, the facets of the project list and the canned
queries.

Column descriptions come from ``export.descriptions``, the same table the data
package is described from, in Romanian; a column that stores integers (money
in bani, shares in hundredths of a percent) says so after its meaning.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from ..export.descriptions import STORED_AS, column_description, table_description
from ..export.tables import exportable_tables
from .queries import CANNED_QUERIES

DATABASE_NAME = "arhiva"
TITLE = "Proiecte cu finanțare europeană din România"
DESCRIPTION = (
    "Arhiva comunicatelor de presă ale proiectelor finanțate din fonduri europene: fiecare comunicat "
    "păstrat întreg și informațiile lui (coduri, beneficiar, program, valori, surse de finanțare, "
    "date, obiective, rezultate) în tabele, fiecare cu citatul din care a fost citită."
)
LICENSE = "Cod: MIT · textele comunicatelor aparțin emitenților lor"
SOURCE = "Comunicatele de presă publicate de beneficiarii proiectelor"

# The project list people browse, and the columns they narrow it by. It is the
# projects table, not the project_overview view: a facet groups every listed
# row, and over the view's joins that took 150-190 ms a facet at 100 000
# projects (past Datasette's 200 ms per facet, with five facets on the page);
# on the table's indexed ids it takes 10-70 ms, and Datasette shows each id by
# its label (LABEL_COLUMNS). The fund is not a column (a project can have
# several): the ``fonduri`` facet of ``plugin`` counts it through project_funds.
PROJECT_LIST = "projects"
PROJECT_LIST_COLUMNS = (
    "slug", "title", "status", "beneficiary_id", "programme_id", "priority_axis_id", "total_value_minor",
    "start_date", "end_date",
)  # fmt: skip
FACETS: list[Any] = ["programme_id", "priority_axis_id", {"fonduri": "fund"}, "status", "beneficiary_id"]


def project_list_path() -> str:
    """The browsing page of the project list, showing the columns a reader needs first."""
    return f"/{DATABASE_NAME}/{PROJECT_LIST}?" + urlencode(
        [("_col", column) for column in PROJECT_LIST_COLUMNS]
    )


# Tables a visitor has no use for: the search index's own storage, the schema
# version, and the original bytes of each release (binary; its text is in documents).
HIDDEN_PREFIXES = ("search_",)
HIDDEN_TABLES = ("alembic_version", "source_contents")

# Which column names a row of a table that others point at.
LABEL_COLUMNS = {
    "organisations": "name",
    "programmes": "code",
    "priority_axes": "title",
    "specific_objectives": "title",
    "projects": "title",
    "documents": "file_name",
}

TABLE_TITLES = {
    "projects": "Proiecte",
    "project_overview": "Proiecte, cu nume în loc de identificatori",
    "project_funding_split": "Împărțirea finanțării pe proiect",
    "funding_overview": "Surse de finanțare",
    "funding_sources": "Surse de finanțare (tabelul de bază)",
    "documents": "Comunicate de presă",
    "evidence": "Citate: de unde vine fiecare informație",
    "objectives": "Obiective",
    "results": "Rezultate",
    "indicators": "Indicatori",
    "organisations": "Organizații",
    "programmes": "Programe operaționale",
    "project_funds": "Fonduri UE pe proiect",
}


def archive_metadata(connection: Connection, table_names: list[str]) -> dict[str, Any]:
    """The metadata dict for ``Datasette(metadata=…)``; ``table_names`` are the
    tables present in the file (hidden ones included)."""
    tables: dict[str, dict[str, Any]] = {}
    for table in exportable_tables(connection):
        columns = {}
        for col in table.columns:
            meaning = column_description(table.name, col.name, col.kind, "ro")
            stored = STORED_AS.get(col.kind)
            text = "; ".join(part for part in (meaning, stored.ro if stored else None) if part)
            if text:
                # Datasette names columns as stored (amount_minor), exports as exported (amount).
                columns[col.source] = text
        entry: dict[str, Any] = {"columns": columns}
        if table.name in TABLE_TITLES:
            entry["title"] = TABLE_TITLES[table.name]
        description = table_description(table.name, "ro")
        if description:
            entry["description"] = description
        if table.name in LABEL_COLUMNS:
            entry["label_column"] = LABEL_COLUMNS[table.name]
        tables[table.name] = entry
    tables[PROJECT_LIST].update({"facets": FACETS, "sort": "slug"})
    for name in table_names:
        if name in HIDDEN_TABLES or name.startswith(HIDDEN_PREFIXES):
            tables.setdefault(name, {})["hidden"] = True
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "license": LICENSE,
        "source": SOURCE,
        "databases": {
            DATABASE_NAME: {
                "title": TITLE,
                "description": DESCRIPTION,
                "tables": tables,
                "queries": {q.name: {"title": q.title, "sql": q.sql} for q in CANNED_QUERIES},
            }
        },
    }
