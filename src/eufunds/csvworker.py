"""A CSV export worker process: ``python -m eufunds.csvworker DATABASE FOLDER``.

Started by ``eufunds.exportpool``. It opens the SQLite archive read-only, begins
a read transaction (its snapshot), says ``{"ready": true}`` on standard output,
then reads one job a line from standard input (a JSON object: the SQL of one
table's rows or a range of them, the file to write under FOLDER, the header if
any, the columns to convert), writes it and answers ``{"done": FILE, "rows": N,
"seen": {...}}``; a ``null`` line ends it. Any error is answered ``{"error": MESSAGE}`` and ends it.

It imports nothing heavier than ``sqlite3``, ``json`` and ``eufunds.csvtext``
(not even ``typing`` or ``pathlib``) and is started without ``site``, so that
it is ready in about two hundredths of a second; the parent compiles the SQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

from .csvtext import csv_line, write_sqlite_rows

# Type checkers read the names below; at run time they would only cost imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

BUSY_TIMEOUT_MS = 10_000


def open_snapshot(database: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection inside a read transaction that has read the schema,
    so its snapshot of the archive is fixed from here on."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return connection


def run_job(connection: sqlite3.Connection, folder: str | Path, job: dict[str, Any]) -> dict[str, Any]:
    """Write one table's CSV file as ``job`` says; the reply for the parent."""
    cursor = connection.execute(job["sql"], job.get("params") or {})
    try:
        with open(os.path.join(folder, job["file"]), "w", encoding="utf-8", newline="") as stream:
            if job["header"]:
                stream.write(csv_line(job["header"]))
            rows, seen = write_sqlite_rows(
                cursor, stream, [tuple(step) for step in job["plan"]], job["watch"], job["width"]
            )
    finally:
        cursor.close()
    return {"done": job["file"], "rows": rows, "seen": {str(k): sorted(v) for k, v in seen.items()}}


def main(argv: list[str] | None = None) -> int:
    database, folder = argv if argv is not None else sys.argv[1:3]
    out = sys.stdout
    try:
        connection = open_snapshot(database)
        out.write(json.dumps({"ready": True}) + "\n")
        out.flush()
        for line in sys.stdin:
            job = json.loads(line)
            if job is None:
                break
            out.write(json.dumps(run_job(connection, folder, job)) + "\n")
            out.flush()
        connection.close()
    except Exception as exc:  # the parent turns it into an error naming the table
        out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        out.flush()
        return 1
    return 0


if __name__ == "__main__":
    # Every file is closed and every answer flushed by now; skipping the
    # interpreter's tear-down saves the export waiting for it.
    os._exit(main())
