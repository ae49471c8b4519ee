"""Writes a load sends ahead of itself on its connection, done in order by a
thread of their own.

On PostgreSQL a batch's rows go to another process: while the server parses a
COPY, checks its foreign keys and builds the search index's tsvectors, the
loader used to wait, idle, with the next rows still to build and the next
seeds still to take from their readers. Sent here, those writes run on a
thread that spends its time waiting on the socket (the interpreter's lock is
released there), while the loader goes on building rows.

What keeps that safe: the writes run one at a time in the order they were
sent, on the one connection, inside the load's one transaction; the loader
touches the connection itself only after ``wait`` (its reads must see every
write before them); the first write that fails is raised by the next ``wait``,
and nothing sent after it runs. SQLite's writes are this process's own CPU
work, so there ``send`` simply writes at once.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Outbox:
    """Writes sent in order to one worker thread (``threaded``) or done at once."""

    def __init__(self, *, threaded: bool):
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="eufunds-load-writes") if threaded else None
        )
        self._sent: deque[Future[Any]] = deque()
        self._failed = False  # set by the thread, read by the thread

    def send(self, write: Callable[..., Any], *args: Any) -> None:
        """Do ``write(*args)`` after every write sent before it."""
        if self._executor is None:
            write(*args)
            return
        self._sent.append(self._executor.submit(self._run, write, args))

    def _run(self, write: Callable[..., Any], args: tuple[Any, ...]) -> None:
        if self._failed:
            return  # the transaction is lost already; the failure is what to report
        try:
            write(*args)
        except BaseException:
            self._failed = True
            raise

    def wait(self) -> None:
        """Return once every write sent is done; raise the first that failed
        (the ones sent after it are dropped). After a failure the outbox does
        no more writes: its transaction is lost."""
        while self._sent:
            future = self._sent.popleft()
            try:
                future.result()
            except BaseException:
                self._drop()
                raise

    def close(self) -> None:
        """Drop what has not started, let a running write end, stop the thread.
        The caller rolls back or commits only after this."""
        try:
            self._drop()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)

    def _drop(self) -> None:
        for future in self._sent:
            future.cancel()
        for future in self._sent:
            # A write already running must end before its transaction does;
            # its own failure, if any, is not the one to report.
            with contextlib.suppress(Exception):
                future.result()
        self._sent.clear()
