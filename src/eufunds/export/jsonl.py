"""JSON and JSON Lines: one nested record per project, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import (
    Connection,
)

from ..jsontext import to_json as record_to_json
from ..read.records import ProjectFilters, iter_records
from ._jsonsql import iter_record_json
from .common import ExportReport

# --------------------------------------------------------------------------- json / jsonl


def export_json(
    connection: Connection, stream: TextIO, *, filters: ProjectFilters | None = None, lines: bool = False
) -> ExportReport:
    """Projects as nested seed records: one JSON array, or one object per line."""
    if connection.dialect.name == "sqlite" and (filters is None or not filters.active):
        texts: Iterator[str] = iter_record_json(connection)
    else:
        texts = (record_to_json(record) for record in iter_records(connection, filters))
    count = 0
    if not lines:
        stream.write("[")
    for text in texts:
        if lines:
            stream.write(text + "\n")
        else:
            stream.write(("\n" if count == 0 else ",\n") + text)
        count += 1
    if not lines:
        stream.write("\n]\n" if count else "]\n")
    return ExportReport("jsonl" if lines else "json", "-", {"projects": count})
