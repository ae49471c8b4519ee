"""An export worker process, started by ``eufunds.export._csvpool`` (CSV
files) or ``eufunds.export._jsonpool`` (JSON texts) as
``python -S -c "<START>" DATABASE FOLDER``.

It opens the SQLite archive read-only, begins a read transaction (its
snapshot), says ``{"ready": True}``, then takes one job at a time (a dict: the
SQL of one table's rows or a range of them, the file to write under FOLDER,
the header if any, the columns to convert), writes it and answers ``{"done":
FILE, "rows": N, "seen": {...}}``; a job with ``"json"`` names a range of
slugs instead and is answered with those projects' JSON texts
(``eufunds.export._jsonsql.range_texts``). A ``None`` job ends it. Any error
is answered ``{"error": MESSAGE}`` and ends it.

Jobs and answers travel on standard input and output as frames: four bytes of
length, then the value in ``marshal`` form. marshal is built into the
interpreter, so it costs no import (``json`` pulls in ``re``, a quarter of
the worker's start), and both ends are this package, so nothing untrusted is
ever read with it. The worker imports nothing heavier than ``sqlite3`` and
``eufunds.export._csvtext`` (not even ``typing`` or ``pathlib``), runs without
``site`` and without ``runpy`` (hence ``-c``, not ``-m``), so it is ready
quickly (bench/RESULTS.md has the figure); the parent compiles the SQL.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys

from ._csvtext import csv_line, write_sqlite_rows

# Type checkers read the names below; at run time they would only cost imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any, BinaryIO

# What the parent runs with ``python -S -c``, followed by the archive, the
# folder and the busy timeout in milliseconds.
START = (
    "import sys; from eufunds.export._csvworker import run; run(sys.argv[1], sys.argv[2], int(sys.argv[3]))"
)
_LENGTH_BYTES = 4


def send(stream: IO[bytes], value: Any) -> None:
    """Write one frame (``value`` made of dicts, lists, str, int, bool, None) and flush."""
    data = marshal.dumps(value)
    stream.write(len(data).to_bytes(_LENGTH_BYTES, "big") + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one frame; raises EOFError when the other end has gone."""
    head = stream.read(_LENGTH_BYTES)
    if len(head) < _LENGTH_BYTES:
        raise EOFError("the other end closed the pipe")
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other end closed the pipe in the middle of a frame")
    return marshal.loads(data)


def open_snapshot(uri: str, busy_timeout_ms: int) -> sqlite3.Connection:
    """A read-only connection (``uri`` from ``eufunds.db.read_only_uri``) inside a
    read transaction that has read the schema, so its snapshot of the archive is
    fixed from here on."""
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return connection


def run_job(connection: sqlite3.Connection, folder: str | Path, job: dict[str, Any]) -> dict[str, Any]:
    """Write one table's CSV file as ``job`` says, or make a range of projects'
    JSON texts (a job with ``"json"``, from ``eufunds.export._jsonpool``); the
    reply for the parent."""
    if job.get("json"):
        # Imported here: a CSV worker never needs it.
        from ._jsonsql import range_texts

        texts, unwritten = range_texts(connection, job["after"], job["last"])
        return {"done": job["part"], "texts": texts, "unwritten": unwritten}
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
    seen_kinds = {index: sorted(kinds) for index, kinds in seen.items()}
    return {"done": job["file"], "rows": rows, "seen": seen_kinds}


def serve(uri: str, folder: str, busy_timeout_ms: int, jobs: BinaryIO, replies: BinaryIO) -> int:
    """Answer jobs from ``jobs`` on ``replies`` until a ``None`` job or an error;
    the exit status."""
    try:
        connection = open_snapshot(uri, busy_timeout_ms)
        send(replies, {"ready": True})
        while (job := receive(jobs)) is not None:
            send(replies, run_job(connection, folder, job))
        connection.close()
    except Exception as exc:  # the parent turns it into an error naming the table
        send(replies, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


def run(uri: str, folder: str, busy_timeout_ms: int) -> None:
    """The worker process's whole life."""
    status = serve(uri, folder, busy_timeout_ms, sys.stdin.buffer, sys.stdout.buffer)
    # Every file is closed and every answer flushed by now; skipping the
    # interpreter's tear-down saves the export waiting for it.
    os._exit(status)
