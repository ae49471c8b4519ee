"""Writing the CSV files of one export in several processes, from one snapshot.

A CSV export spends its time turning rows into Python objects and text, one
core's work per table; on a large SQLite archive this process and worker
processes (``eufunds.export._csvworker``, built to start quickly)
take the tables one at a time, largest first, until none is left.

An export must show the archive at one moment, even while a load commits.
Each process reads in its own transaction, so the pool checks that they all
read the same state: ``PRAGMA data_version`` on a separate watching connection
changes whenever anyone commits, so if it is the same before the first
snapshot is taken and after the last one is, no commit fell in between and
every snapshot is the same. If one did, the attempt is abandoned and made
again; after a few tries the caller writes the export in-process.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from .. import settings
from ..db import read_only_uri
from ..errors import WorkerFailed
from ..settings import BUSY_TIMEOUT_MS
from . import _csvworker

# Below this many rows in all, an export is written in-process.
PARALLEL_MIN_ROWS = 20_000
# Set to 1 to write in-process whatever the size; to N to use N processes even
# for a small archive (tests do).
# Attempts at a common snapshot before the caller writes in-process instead.
SNAPSHOT_ATTEMPTS = 3

Written = dict[str, tuple[int, dict[int, set[str]]]]


def archive_file(connection: Connection) -> Path | None:
    """The SQLite file behind ``connection`` (whatever URL opened it), or None
    for memory databases and other backends."""
    if connection.dialect.name != "sqlite":
        return None
    row = connection.execute(text("SELECT file FROM pragma_database_list WHERE name = 'main'")).first()
    return Path(row[0]) if row and row[0] else None


def worker_count(rows: int, workers: int | None = None) -> int:
    """Processes to write an export of about ``rows`` rows with, this one
    included: ``workers`` when given."""
    return settings.worker_count(workers, rows >= PARALLEL_MIN_ROWS)


class ExportPool:
    """Worker processes for one export, started before its jobs are known so
    that they are ready by the time the export has planned them.

    Use it as a context manager: leaving it stops any worker still running.
    """

    def __init__(self, database: Path, root: Path, processes: int, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.database, self.root = database, root
        self.helpers = max(1, processes - 1)
        self.busy_timeout_ms = busy_timeout_ms
        self.started: _Attempt | None = None

    def __enter__(self) -> ExportPool:
        self.started = _Attempt(self.database, self.root, self.helpers, self.busy_timeout_ms).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started is not None:
            self.started.abandon()
            self.started = None

    def write(self, jobs: Sequence[dict[str, Any]]) -> Written | None:
        """Run ``jobs`` (see ``eufunds.export._csvworker``; largest first) in this process
        and the workers, all reading the archive at one snapshot. Returns, per
        file written, its row count and the value types seen in watched
        columns; None when no common snapshot could be had or a worker could
        not start (the caller then writes in-process)."""
        for _ in range(SNAPSHOT_ATTEMPTS):
            attempt, self.started = self.started, None
            if attempt is None:
                attempt = _Attempt(self.database, self.root, self.helpers, self.busy_timeout_ms).start()
            outcome = attempt.run(jobs)
            if attempt.no_workers:
                return None
            if outcome is not None:
                return outcome
        return None


def _data_version(watch: sqlite3.Connection) -> int:
    return int(watch.execute("PRAGMA data_version").fetchone()[0])


class _Attempt:
    """One try at writing every table from one snapshot: ``start`` takes the
    watching connection's first reading and starts the workers (each takes its
    snapshot as it starts); ``run`` takes this process's snapshot, checks that
    all are one once the last is taken, and writes."""

    def __init__(self, database: Path, root: Path, helpers: int, busy_timeout_ms: int):
        self.database, self.root, self.helpers = database, root, helpers
        self.busy_timeout_ms = busy_timeout_ms
        self.lock = threading.Lock()
        self.jobs: list[dict[str, Any]] = []
        self.next_job = 0
        self.stopped = False
        self.go = threading.Event()  # the jobs are known
        self.written: Written = {}
        self.snapshots = 0
        self.checked = False  # the snapshots were found to be one
        self.failure: Exception | None = None
        self.snapshot_moved = False
        self.no_workers = False
        self.worker_wrote = False
        self.workers: list[subprocess.Popen[bytes]] = []
        self.threads: list[threading.Thread] = []

    def start(self) -> _Attempt:
        self.watch = sqlite3.connect(read_only_uri(self.database), uri=True, check_same_thread=False)
        self.watch.isolation_level = None
        try:
            self.before = _data_version(self.watch)
            for _ in range(self.helpers):
                try:
                    worker = _start_worker(self.database, self.root, self.busy_timeout_ms)
                except OSError:  # no process to be had: the caller writes in-process
                    self._stop(no_workers=True)
                    break
                self.workers.append(worker)
                thread = threading.Thread(target=self._serve, args=(worker,), daemon=True)
                thread.start()
                self.threads.append(thread)
        except BaseException:
            self.abandon()
            raise
        return self

    def run(self, jobs: Sequence[dict[str, Any]]) -> Written | None:
        with self.lock:
            self.jobs = list(jobs)
        finished = False
        try:
            if not self.no_workers:
                here = _csvworker.open_snapshot(read_only_uri(self.database), self.busy_timeout_ms)
                try:
                    self._snapshot_taken()
                    self.go.set()
                    self._work_here(here)
                finally:
                    here.close()
            self.go.set()
            for thread in self.threads:
                thread.join()
            finished = True
        finally:
            clean = finished and self.failure is None and not self.snapshot_moved and not self.no_workers
            self._finish(clean)
        if self.failure is not None:
            raise self.failure
        if self.no_workers or self.snapshot_moved:
            return None
        if self.worker_wrote and not self.checked:  # pragma: no cover - every worker was ready
            return None
        return self.written

    def abandon(self) -> None:
        """Stop an attempt that will not run (the export gave up before)."""
        self._finish(clean=False)

    def _finish(self, clean: bool) -> None:
        self._stop()
        self.go.set()
        for worker in self.workers:
            if clean:
                _end(worker)
            else:
                # A worker may still be writing a file that a next attempt,
                # or the caller, is about to write: it must be gone first.
                _kill(worker)
        for thread in self.threads:
            thread.join()
        for worker in self.workers:
            _close_pipes(worker)
        self.workers, self.threads = [], []
        self.watch.close()

    def _snapshot_taken(self) -> None:
        """Count one more snapshot (a worker's or this process's); once all
        are taken, see whether any commit fell between the first and the last."""
        with self.lock:
            self.snapshots += 1
            if self.snapshots == len(self.workers) + 1:
                self.snapshot_moved = _data_version(self.watch) != self.before
                self.checked = not self.snapshot_moved

    def _take(self) -> dict[str, Any] | None:
        with self.lock:
            if self.stopped or self.failure is not None or self.snapshot_moved:
                return None
            if self.next_job >= len(self.jobs):
                return None
            job = self.jobs[self.next_job]
            self.next_job += 1
            return job

    def _stop(self, no_workers: bool = False) -> None:
        with self.lock:
            self.stopped = True
            self.no_workers = self.no_workers or no_workers

    def _fail(self, failure: Exception) -> None:
        with self.lock:
            self.failure = self.failure or failure
            self.stopped = True

    def _work_here(self, connection: sqlite3.Connection) -> None:
        while (job := self._take()) is not None:
            try:
                reply = _csvworker.run_job(connection, self.root, job)
            except (sqlite3.Error, OSError) as exc:
                self._fail(WorkerFailed(f"{job['table']}: {type(exc).__name__}: {exc}"))
                return
            self._record(reply)

    def _record(self, reply: dict[str, Any]) -> None:
        seen = {index: set(kinds) for index, kinds in reply["seen"].items()}
        with self.lock:
            self.written[reply["done"]] = (reply["rows"], seen)

    def _serve(self, worker: subprocess.Popen[bytes]) -> None:
        """Talk to one worker: wait until it is ready (its snapshot taken) and
        the jobs are known, then hand it jobs until none is left."""
        try:
            reply = _reply(worker)
            if reply is None:
                self._stop(no_workers=True)
                return
            if "error" in reply:
                self._fail(WorkerFailed(f"an export worker could not start: {reply['error']}"))
                return
            self._snapshot_taken()
            self.go.wait()
            assert worker.stdin is not None  # started with stdin=PIPE
            while (job := self._take()) is not None:
                _csvworker.send(worker.stdin, job)
                reply = _reply(worker)
                if reply is None or "error" in reply:
                    problem = "an export worker stopped" if reply is None else reply["error"]
                    self._fail(WorkerFailed(f"{job['table']}: {problem}"))
                    return
                self.worker_wrote = True
                self._record(reply)
        except Exception as exc:  # a broken pipe to a worker that died, a garbled reply
            self._fail(WorkerFailed(f"an export worker failed: {exc}"))


def worker_environment() -> dict[str, str]:
    """This process's environment, with eufunds found where this process found
    it: what an export worker process runs with."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return env


def _start_worker(database: Path, root: Path, busy_timeout_ms: int) -> subprocess.Popen[bytes]:
    # The worker imports eufunds from where this process found it, and only the
    # standard library besides, so it starts without ``site`` (the start-up
    # cost is measured in bench/RESULTS.md).
    env = worker_environment()
    return subprocess.Popen(
        [
            sys.executable,
            "-S",
            "-c",
            _csvworker.START,
            read_only_uri(database),
            str(root),
            str(busy_timeout_ms),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def _reply(worker: subprocess.Popen[bytes]) -> dict[str, Any] | None:
    """The worker's next answer, or None if it ended without one."""
    assert worker.stdout is not None  # started with stdout=PIPE
    try:
        return _csvworker.receive(worker.stdout)
    except EOFError:
        return None


def _end(worker: subprocess.Popen[bytes]) -> None:
    """Tell a worker to finish and reap it; it has no job in hand by now, so it
    exits at once (a blocking wait: with a timeout, Popen.wait polls)."""
    with contextlib.suppress(OSError):
        if worker.stdin is not None and not worker.stdin.closed:
            _csvworker.send(worker.stdin, None)
            worker.stdin.close()
    worker.wait()


def _kill(worker: subprocess.Popen[bytes]) -> None:
    worker.kill()
    worker.wait()


def _close_pipes(worker: subprocess.Popen[bytes]) -> None:
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
