"""Helpers for comparing whole archives in tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_dump(path: Path) -> list[str]:
    """Every row of every table and the schema, as SQL text, in a stable order."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
