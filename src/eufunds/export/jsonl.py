"""JSON and JSON Lines: one nested record per project, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import (
    Connection,
)

from ..jsontext import to_json as record_to_json
from ..read.records import ProjectFilters, iter_records
from ._jsonpool import record_texts
from .common import ExportReport

# --------------------------------------------------------------------------- json / jsonl


def export_json(
    connection: Connection,
    stream: TextIO,
    *,
    filters: ProjectFilters | None = None,
    lines: bool = False,
    workers: int | None = None,
) -> ExportReport:
    """Projects as nested seed records: one JSON array, or one object per line.
    A whole SQLite archive's records are made by ``workers`` processes (one per
    core for a large archive, by default)."""
    if connection.dialect.name == "sqlite" and (filters is None or not filters.active):
        with record_texts(connection, workers) as texts:
            count = _write(stream, texts, lines)
    else:
        count = _write(
            stream, (record_to_json(record) for record in iter_records(connection, filters)), lines
        )
    return ExportReport("jsonl" if lines else "json", "-", {"projects": count})


def _write(stream: TextIO, texts: Iterator[str], lines: bool) -> int:
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
    return count
