"""A PostgreSQL archive's CSV files written by several processes, from one snapshot.

The server writes each table's CSV (``_pgcopy``), but the client still takes
one COPY message a record, and that loop is one core's work: several
connections in threads of one process wait on each other for the interpreter
and were measured no faster. Here worker processes, each with a connection of
its own, take tables as this process does, largest first, until none is left.

They read what the export's transaction reads: its snapshot, exported by the
server (``pg_export_snapshot()``) and imported by each worker before its first
statement (``SET TRANSACTION SNAPSHOT``), so the files show one state of the
archive whatever commits meanwhile. A table with no COPY form is written by
this process, on its own connection.

Workers speak the CSV pool's frames (``_csvworker.send``/``receive``): a hello
with the connection URL (never on a command line, where other users could
read its password), the snapshot and the folder; then one job at a time
(``{"table", "file", "header", "sql"}``), answered ``{"done": FILE, "rows":
N}``; a ``None`` job ends it, and an error is answered ``{"error": MESSAGE}``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import WorkerFailed
from . import _csvworker

# What the parent runs with ``python -c``; the worker needs psycopg, so ``site``.
START = "from eufunds.export._pgpool import run; run()"


class Workers:
    """Worker processes started ahead, so that they are ready (Python and
    psycopg loaded) by the time the export has planned their jobs. Use it as
    a context manager: leaving it stops any worker still running."""

    def __init__(self, count: int):
        self.processes: list[subprocess.Popen[bytes]] = []
        self.clean = False
        for _ in range(count):
            try:
                self.processes.append(_start_worker())
            except OSError:  # no process to be had: this one does the rest
                break

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        from . import _csvpool  # the parent's side only: a worker starts without SQLAlchemy

        for worker in self.processes:
            if self.clean:
                _csvpool._end(worker)
            else:
                _csvpool._kill(worker)
        for worker in self.processes:
            _csvpool._close_pipes(worker)
        self.processes = []

    def write(
        self,
        url: str,
        snapshot: str,
        root: Path,
        jobs: Sequence[dict[str, Any]],
        write_here: Callable[[dict[str, Any]], int],
    ) -> dict[str, int]:
        """Run ``jobs`` (largest first) in this process, by ``write_here``, and
        in the workers, which read ``snapshot``; the rows written, by file. A
        job without ``"sql"`` is this process's alone."""
        pool = _Pool(jobs)
        threads = [
            threading.Thread(target=pool.serve, args=(worker, url, snapshot, root), daemon=True)
            for worker in self.processes
        ]
        finished = False
        try:
            for thread in threads:
                thread.start()
            while (job := pool.take(here=True)) is not None:
                pool.record(job["file"], write_here(job))
            finished = True
        finally:
            pool.stop()
            if not finished or pool.failure is not None:
                self.__exit__()  # a worker may be in the middle of a job: stopped, not awaited
            for thread in threads:
                thread.join()
        if pool.failure is not None:
            raise pool.failure
        self.clean = True
        return pool.written


class _Pool:
    """The jobs not yet taken, what is written, and the first failure."""

    def __init__(self, jobs: Sequence[dict[str, Any]]):
        self.jobs = list(jobs)
        self.lock = threading.Lock()
        self.written: dict[str, int] = {}
        self.failure: Exception | None = None
        self.stopped = False

    def take(self, *, here: bool) -> dict[str, Any] | None:
        """The next job this process (``here``) or a worker may do, or None."""
        with self.lock:
            if self.stopped or self.failure is not None:
                return None
            for i, job in enumerate(self.jobs):
                if here or job.get("sql"):
                    return self.jobs.pop(i)
            return None

    def record(self, file: str, rows: int) -> None:
        with self.lock:
            self.written[file] = rows

    def stop(self) -> None:
        with self.lock:
            self.stopped = True

    def fail(self, failure: Exception) -> None:
        with self.lock:
            self.failure = self.failure or failure
            self.stopped = True

    def serve(self, worker: subprocess.Popen[bytes], url: str, snapshot: str, root: Path) -> None:
        """Talk to one worker: say hello, then hand it jobs until none is left
        (a worker that cannot connect leaves its jobs to the others)."""
        from . import _csvpool

        try:
            assert worker.stdin is not None  # started with stdin=PIPE
            _csvworker.send(worker.stdin, {"url": url, "snapshot": snapshot, "root": str(root)})
            reply = _csvpool._reply(worker)
            if reply is None or "error" in reply:
                # No connection to be had (the server's limit reached, say):
                # the export goes on without this worker.
                return
            while (job := self.take(here=False)) is not None:
                _csvworker.send(worker.stdin, job)
                reply = _csvpool._reply(worker)
                if reply is None or "error" in reply:
                    problem = "an export worker stopped" if reply is None else reply["error"]
                    self.fail(WorkerFailed(f"{job['table']}: {problem}"))
                    return
                self.record(reply["done"], reply["rows"])
        except Exception as exc:  # a broken pipe to a worker that died, a garbled reply
            self.fail(WorkerFailed(f"an export worker failed: {exc}"))


def _start_worker() -> subprocess.Popen[bytes]:
    from . import _csvpool  # the parent's side only: a worker starts without SQLAlchemy

    return subprocess.Popen(
        [sys.executable, "-c", START],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_csvpool.worker_environment(),
    )


# --------------------------------------------------------------------------- the worker's side


def serve(jobs: IO[bytes], replies: IO[bytes]) -> int:
    """Answer jobs until a ``None`` job or an error; the exit status."""
    try:
        import psycopg

        from ._pgcopyout import copy_out

        hello = _csvworker.receive(jobs)
        with psycopg.connect(hello["url"]) as connection:
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # SET takes no parameters; the id is the server's own, checked by the parent.
            connection.execute(f"SET TRANSACTION SNAPSHOT '{hello['snapshot']}'")
            connection.execute("SET LOCAL extra_float_digits = 1")
            _csvworker.send(replies, {"ready": True})
            while (job := _csvworker.receive(jobs)) is not None:
                path = os.path.join(hello["root"], job["file"])
                with open(path, "w", encoding="utf-8", newline="") as stream:
                    stream.write(job["header"])
                    rows = copy_out(connection, job["sql"], stream, untranslated=True)
                _csvworker.send(replies, {"done": job["file"], "rows": rows})
            connection.rollback()
    except Exception as exc:  # the parent turns it into an error naming the table
        with contextlib.suppress(OSError):
            _csvworker.send(replies, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


def run() -> None:
    """The worker process's whole life."""
    status = serve(sys.stdin.buffer, sys.stdout.buffer)
    os._exit(status)
