"""A whole SQLite archive's JSON records made in several processes, written in order.

Most of a JSON export's time is SQLite making each value's text (see
``_jsonsql``), one core's work. On a large archive this process and worker
processes (the CSV export's, ``_csvworker``) each take the next range of slugs
and make its projects' texts; this process writes the ranges out in slug
order as they are ready, so the output streams, and no more than a few ranges
wait in memory at any time.

Every process reads in its own transaction; the pool takes them as one
snapshot only when no commit fell between the first and the last, by the
CSV pool's rule (``_csvpool``: ``PRAGMA data_version`` on a watching
connection). A project SQLite cannot write exactly is read as a record by
this process, in its own snapshot, which is the workers'.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import settings
from ..db import busy_timeout_of, read_only_uri
from ..errors import WorkerFailed
from . import _csvpool, _csvworker
from ._jsonsql import iter_record_json, range_texts, record_text, slug_ranges

if TYPE_CHECKING:
    from sqlalchemy import Connection

# Below this many projects, records are written in-process.
PARALLEL_MIN_PROJECTS = 5_000
# Projects a process makes at a time: about 3 MB of text.
RANGE_PROJECTS = 1_000

Chunk = tuple[list["str | None"], list[str]]


@contextlib.contextmanager
def record_texts(connection: Connection, workers: int | None = None) -> Iterator[Iterator[str]]:
    """Every project's JSON text in slug order (SQLite only): from worker
    processes and this one when the archive is a large file (or ``workers``
    says so), else from ``connection`` alone."""
    database = _csvpool.archive_file(connection)
    run = None
    if database is not None:
        projects = connection.exec_driver_sql("SELECT count(*) FROM projects").scalar_one()
        processes = settings.worker_count(workers, projects >= PARALLEL_MIN_PROJECTS)
        if processes > 1 and projects > 0:
            run = _ready_run(database, processes - 1, busy_timeout_of(connection))
    if run is None:
        yield iter_record_json(connection)
        return
    try:
        yield run.texts()
    finally:
        run.close()


def _ready_run(database: Path, helpers: int, busy_timeout_ms: int) -> _Run | None:
    """Workers started on one snapshot with this process's, or None when none
    could be had (no process to start, or commits kept falling between)."""
    for _ in range(_csvpool.SNAPSHOT_ATTEMPTS):
        run = _Run(database, helpers, busy_timeout_ms)
        try:
            state = run.start()
        except BaseException:
            run.close()
            raise
        if state == "ready":
            return run
        run.close()
        if state == "no workers":
            return None
    return None


class _Run:
    """One export's worker processes, the threads that talk to them, and this
    process's own snapshot."""

    def __init__(self, database: Path, helpers: int, busy_timeout_ms: int):
        self.database, self.helpers, self.busy_timeout_ms = database, helpers, busy_timeout_ms
        self.cond = threading.Condition()
        self.ranges: list[tuple[str | None, str]] = []
        self.done: dict[int, Chunk] = {}  # made, not yet written
        self.next_range = 0  # the next range no process has taken
        self.written = 0  # ranges written out
        self.failure: Exception | None = None
        self.stopped = False
        self.workers: list[subprocess.Popen[bytes]] = []
        self.threads: list[threading.Thread] = []
        self.here: sqlite3.Connection | None = None
        self.watch: sqlite3.Connection | None = None

    def start(self) -> str:
        """Take every snapshot: "ready", "moved" (a commit fell between them)
        or "no workers"."""
        uri = read_only_uri(self.database)
        self.watch = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.watch.isolation_level = None
        before = _csvpool._data_version(self.watch)
        for _ in range(self.helpers):
            try:
                self.workers.append(
                    _csvpool._start_worker(self.database, self.database.parent, self.busy_timeout_ms)
                )
            except OSError:  # no process to be had: the caller writes in-process
                return "no workers"
        self.here = _csvworker.open_snapshot(uri, self.busy_timeout_ms)
        for worker in self.workers:
            reply = _csvpool._reply(worker)
            if reply is None:
                return "no workers"
            if "error" in reply:
                raise WorkerFailed(f"an export worker could not start: {reply['error']}")
        if _csvpool._data_version(self.watch) != before:
            return "moved"
        self.ranges = slug_ranges(self.here, RANGE_PROJECTS)
        for worker in self.workers:
            thread = threading.Thread(target=self._serve, args=(worker,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return "ready"

    def texts(self) -> Iterator[str]:
        """The texts of every range, in order; this process makes a range
        itself whenever the next one to write is not ready."""
        assert self.here is not None  # started
        while (taken := self._next()) is not None:
            index, chunk = taken
            if chunk is None:
                try:
                    chunk = range_texts(self.here, *self.ranges[index])
                except sqlite3.Error as exc:
                    raise WorkerFailed(f"projects: {type(exc).__name__}: {exc}") from exc
                if index != self.written:
                    with self.cond:
                        self.done[index] = chunk
                    continue
            texts, unwritten = chunk
            records = iter(unwritten)
            for text in texts:
                yield record_text(self.here, next(records)) if text is None else text
            with self.cond:
                self.written += 1
                self.cond.notify_all()

    def _next(self) -> tuple[int, Chunk | None] | None:
        """The next range to write with its texts, when made; else a range for
        this process to make (None for its texts); None when all are written."""
        with self.cond:
            while True:
                if self.failure is not None:
                    raise self.failure
                if self.written >= len(self.ranges):
                    return None
                if self.written in self.done:
                    return self.written, self.done.pop(self.written)
                if self._may_take():
                    self.next_range += 1
                    return self.next_range - 1, None
                self.cond.wait()

    def _may_take(self) -> bool:
        # Ranges are taken no further ahead of the writing than a few per
        # process, so memory holds a few ranges whatever the archive's size.
        ahead = 2 * (len(self.workers) + 1)
        return self.next_range < len(self.ranges) and self.next_range < self.written + ahead

    def _take(self) -> int | None:
        """A range for a worker, once one may be taken; None when there is no more."""
        with self.cond:
            while not self.stopped and self.failure is None and self.next_range < len(self.ranges):
                if self._may_take():
                    self.next_range += 1
                    return self.next_range - 1
                self.cond.wait()
            return None

    def _fail(self, failure: Exception) -> None:
        with self.cond:
            self.failure = self.failure or failure
            self.cond.notify_all()

    def _serve(self, worker: subprocess.Popen[bytes]) -> None:
        try:
            assert worker.stdin is not None  # started with stdin=PIPE
            while (index := self._take()) is not None:
                after, last = self.ranges[index]
                _csvworker.send(worker.stdin, {"json": True, "after": after, "last": last, "part": index})
                reply = _csvpool._reply(worker)
                if reply is None or "error" in reply:
                    problem = "an export worker stopped" if reply is None else reply["error"]
                    self._fail(WorkerFailed(f"projects: {problem}"))
                    return
                with self.cond:
                    self.done[index] = (reply["texts"], reply["unwritten"])
                    self.cond.notify_all()
        except Exception as exc:  # a broken pipe to a worker that died, a garbled reply
            self._fail(WorkerFailed(f"an export worker failed: {exc}"))

    def close(self) -> None:
        """Stop the workers (at once, unless every range was written) and close
        the snapshots."""
        with self.cond:
            clean = self.failure is None and self.ranges and self.written == len(self.ranges)
            self.stopped = True
            self.cond.notify_all()
        for worker in self.workers:
            if clean:
                _csvpool._end(worker)
            else:
                _csvpool._kill(worker)
        for thread in self.threads:
            thread.join()
        for worker in self.workers:
            _csvpool._close_pipes(worker)
        for connection in (self.here, self.watch):
            if connection is not None:
                connection.close()
