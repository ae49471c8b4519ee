"""JSON and JSON Lines: one nested record per project, streamed."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import (
    Connection,
)

from ..jsontext import to_json as record_to_json
from ..read.records import ProjectFilters, iter_records
from .common import ExportReport

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
