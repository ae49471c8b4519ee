"""Helpers for comparing whole archives in tests."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select


def sqlite_dump(path: Path) -> list[str]:
    """Every row of every table and the schema, as SQL text, in a stable order."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return without_load_times(connection.iterdump())
    finally:
        connection.close()


_LOAD_ROW = re.compile(r"""^(INSERT INTO "loads" VALUES\(\d+,)'[^']*'""")


def without_load_times(lines: Iterable[str]) -> list[str]:
    """A dump with the clock time of each load blanked: when a load finished is
    the clock's, so two runs of the same loads dump alike."""
    return [_LOAD_ROW.sub(r"\1'…'", line) for line in lines]


def archive_dump(engine: Engine, *, with_ids: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, on any backend, as plain Python values in a stable order.

    ``with_ids=False`` leaves out the surrogate keys (``id`` and ``*_id``
    columns), so archives loaded on different backends or in a different order
    compare equal when they hold the same facts. Values are normalised to what
    both backends return alike (dates as ISO text, numbers as str).
    """
    metadata = MetaData()
    metadata.reflect(engine)
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name == "alembic_version" or name.startswith("search_"):
                continue
            columns = [c for c in table.columns if with_ids or not (c.name == "id" or c.name.endswith("_id"))]
            # When a load finished is the clock's, not the archive's facts.
            columns = [c for c in columns if (name, c.name) != ("loads", "finished_at")]
            rows = [
                tuple(_plain(value) for value in row)
                for row in connection.execute(select(*columns).order_by(*table.primary_key.columns))
            ]
            dump[name] = rows if with_ids else sorted(rows, key=repr)
    return dump


def _plain(value: Any) -> Any:
    # SQLite hands back floats and ISO text where PostgreSQL hands back Decimal
    # and date objects; both become the same text here.
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def archive_snapshot(engine: Engine) -> Any:
    """What "left exactly as it was" compares: the SQLite file's bytes (after
    closing every connection, so the WAL is checkpointed into it), or on a
    server every row of every table with its id."""
    from eufunds.db import sqlite_path

    path = sqlite_path(str(engine.url))
    if path is not None:
        engine.dispose()
        return path.read_bytes()
    return archive_dump(engine)
