"""Writing the CSV files of one export in several processes, from one snapshot.

A CSV export spends its time turning rows into Python objects and text, one
core's work per table; on a large SQLite archive the tables are written in
worker processes, each table by one of them, largest first.

An export must show the archive at one moment, even while a load commits. Each
worker reads in its own transaction, so the pool checks that they all read the
same state: ``PRAGMA data_version`` on a separate watching connection changes
whenever anyone commits, so if it is the same before the first worker starts
and after the last one has begun reading, no commit fell in between and every
worker's snapshot is the same. If one did, the workers are stopped and the
export is tried again; after a few tries it is written in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from .db import ArchiveError

# Below this many rows in all, starting workers costs more than it saves.
PARALLEL_MIN_ROWS = 200_000
# Set to 1 to write in-process whatever the size; to N to use N workers even
# for a small archive (tests do).
WORKERS_ENV_VAR = "EUFUNDS_EXPORT_WORKERS"
# Attempts at a common snapshot before writing in-process instead.
SNAPSHOT_ATTEMPTS = 3
# How long to wait for a worker's next word before checking that it still lives.
_POLL_SECONDS = 0.5


# What an attempt returns when the workers could not start.
_NO_WORKERS: dict[str, tuple[int, dict[int, set[str]]]] = {}


class WorkerFailed(ArchiveError):
    """A worker stopped or reported an error; the message says which table."""


def archive_file(connection: Connection) -> Path | None:
    """The SQLite file behind ``connection`` (whatever URL opened it), or None
    for memory databases and other backends."""
    if connection.dialect.name != "sqlite":
        return None
    row = connection.execute(text("SELECT file FROM pragma_database_list WHERE name = 'main'")).first()
    return Path(row[0]) if row and row[0] else None


def worker_count(rows: int) -> int:
    configured = os.environ.get(WORKERS_ENV_VAR, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ArchiveError(f"{WORKERS_ENV_VAR}={configured!r} is not a whole number") from None
    if rows < PARALLEL_MIN_ROWS:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def write_tables(
    database: Path,
    root: Path,
    tables: Sequence[str],
    filters: Any,
    workers: int,
) -> dict[str, tuple[int, dict[int, set[str]]]] | None:
    """Write each of ``tables`` as CSV under ``root``: this process and
    ``workers - 1`` worker processes, reading ``database`` at one common snapshot,
    each take the next table until none is left. Returns, per table, its row
    count and the value types seen in untyped columns; None when no common
    snapshot could be had or the workers could not start (the caller then
    writes in-process)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["eufunds.exporters"])
    helpers = max(1, min(workers, len(tables)) - 1)
    for _ in range(SNAPSHOT_ATTEMPTS):
        outcome = _Attempt(context, database, root, tables, filters, helpers).run()
        if outcome is _NO_WORKERS:
            return None
        if outcome is not None:
            return outcome
    return None


def _data_version(watch: sqlite3.Connection) -> int:
    return int(watch.execute("PRAGMA data_version").fetchone()[0])


class _Attempt:
    """One try at writing every table from one snapshot."""

    def __init__(
        self, context: Any, database: Path, root: Path, tables: Sequence[str], filters: Any, helpers: int
    ):
        self.context, self.database, self.root = context, database, root
        self.tables, self.filters, self.helpers = list(tables), filters, helpers
        # The index of the next table to take, shared by every process; set to
        # the end, it stops them all after the table each is writing.
        self.next_table = context.Value("i", 0)
        self.reports = context.Queue()
        self.written: dict[str, tuple[int, dict[int, set[str]]]] = {}
        self.ready = 0
        self.failure: Exception | None = None
        self.snapshot_moved = False
        self.no_workers = False
        self.settled = threading.Event()  # the snapshot check is done, either way
        self.main_ready = threading.Event()

    def run(self) -> dict[str, tuple[int, dict[int, set[str]]]] | None:
        watch = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, check_same_thread=False)
        watch.isolation_level = None
        processes: list[Any] = []
        collector = threading.Thread(target=self._collect, args=(watch, processes), daemon=True)
        try:
            self.before = _data_version(watch)
            # Starting a worker waits for the fork server to import eufunds (a
            # few tenths of a second): this process writes tables meanwhile.
            collector.start()
            self._work_here()
            collector.join()
        finally:
            self._stop_all()
            if collector.is_alive():
                self.failure = self.failure or WorkerFailed("the export was interrupted")
                collector.join()
            for process in processes:
                process.join(timeout=5)
                if process.is_alive():
                    process.kill()
                    process.join()
            watch.close()
            self.reports.close()
        if self.failure is not None:
            raise self.failure
        if self.no_workers:
            return _NO_WORKERS
        if self.snapshot_moved:
            return None
        return self.written

    def _work_here(self) -> None:
        """This process's share, on its own connection, begun after ``before``."""
        from .db import create_archive_engine
        from .exporters import exportable_tables, write_csv_file

        engine = create_archive_engine(f"sqlite:///{self.database}", read_only=True)
        try:
            with engine.connect() as connection, connection.begin():
                found = {table.name: table for table in exportable_tables(connection)}
                self.main_ready.set()
                while self.failure is None and (name := _take(self.tables, self.next_table)) is not None:
                    _, count, observed = write_csv_file(connection, self.root, found[name], self.filters)
                    self.written[name] = (count, observed.seen)
        except BaseException as exc:
            self.main_ready.set()
            self.failure = self.failure or (exc if isinstance(exc, Exception) else None)
            self._stop_all()
            raise
        finally:
            engine.dispose()

    def _collect(self, watch: sqlite3.Connection, processes: list[Any]) -> None:
        """Start the workers and gather their reports; once every snapshot is
        taken, check that no commit fell between the first and the last."""
        for _ in range(self.helpers):
            process = self.context.Process(
                target=_work,
                args=(str(self.database), str(self.root), self.filters, self.tables, self.next_table,
                      self.reports),
                daemon=True,
            )  # fmt: skip
            process.start()
            processes.append(process)
        while self.failure is None and not (self.settled.is_set() and len(self.written) == len(self.tables)):
            try:
                kind, *detail = self.reports.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if self._lost_worker(processes):
                    return
                continue
            if kind == "error":
                self.failure = WorkerFailed(detail[1])
                self._stop_all()
            elif kind == "ready":
                self.ready += 1
                if self.ready == self.helpers:
                    self.main_ready.wait()
                    self.snapshot_moved = _data_version(watch) != self.before
                    if self.snapshot_moved:
                        self._stop_all()
                        return
                    self.settled.set()
            elif kind == "done":
                name, count, seen = detail
                self.written[name] = (count, seen)

    def _lost_worker(self, processes: list[Any]) -> bool:
        # A worker killed from outside (OOM, a signal) sends nothing more.
        for process in processes:
            if not process.is_alive() and process.exitcode not in (0, None) and self.reports.empty():
                if self.ready < self.helpers:
                    # One that cannot even start (a script without the
                    # ``if __name__ == "__main__":`` guard, say) leaves the
                    # work to the caller, as eufunds.seedpool does.
                    self.no_workers = True
                else:
                    self.failure = WorkerFailed(f"an export worker stopped (exit code {process.exitcode})")
                self._stop_all()
                return True
        return False

    def _stop_all(self) -> None:
        with self.next_table.get_lock():
            self.next_table.value = len(self.tables)


def _take(tables: Sequence[str], next_table: Any) -> str | None:
    with next_table.get_lock():
        index = next_table.value
        if index >= len(tables):
            return None
        next_table.value = index + 1
    return tables[index]


def _work(database: str, root: str, filters: Any, tables: list[str], next_table: Any, reports: Any) -> None:
    """A worker: open a read transaction, say so, then write tables until none is left."""
    from .db import create_archive_engine
    from .exporters import exportable_tables, write_csv_file

    name = None
    try:
        engine = create_archive_engine(f"sqlite:///{database}", read_only=True)
        with engine.connect() as connection, connection.begin():
            # Reading the schema fixes this transaction's snapshot.
            found = {table.name: table for table in exportable_tables(connection)}
            reports.put(("ready",))
            while (name := _take(tables, next_table)) is not None:
                _, count, observed = write_csv_file(connection, Path(root), found[name], filters)
                reports.put(("done", name, count, observed.seen))
        engine.dispose()
    except Exception as exc:  # reported to the parent, which raises it there
        reports.put(("error", name, f"{name or 'export'}: {exc}"))
