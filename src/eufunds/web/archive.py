"""The served archive as the web pages read it: one immutable SQLite file, opened
read-only, every statement bounded in time.

Datasette opens the file itself for its own pages; the eufunds pages read it
through SQLAlchemy (the read side's functions take a connection), with their
own small pool of connections opened the same way: ``immutable=1`` (no locks,
no WAL: the file must not change while served; ``server.prepare_archive``
checkpoints it first) and ``query_only``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from ..db import read_only_uri
from ..errors import TooSlow

T = TypeVar("T")

# SQLite calls the progress handler every this many virtual-machine steps: often
# enough to stop within a millisecond or two, rarely enough to cost nothing.
_PROGRESS_STEPS = 1000


def immutable_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only and immutable (no locking, no WAL)."""
    return read_only_uri(path.resolve()) + "&immutable=1"


class ServedArchive:
    """A pool of read-only connections to the served file, each statement run
    under a deadline (``time_limit_ms``), as Datasette's own queries are."""

    def __init__(self, path: Path, time_limit_ms: int, pool_size: int = 4):
        self.path = path
        self.time_limit_ms = time_limit_ms
        self._deadline = threading.local()
        uri = immutable_uri(path)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)

        self.engine: Engine = create_engine(
            "sqlite://", creator=connect, poolclass=QueuePool, pool_size=pool_size, max_overflow=pool_size
        )

        @event.listens_for(self.engine, "connect")
        def _configure(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only = ON")
            dbapi_connection.set_progress_handler(self._past_deadline, _PROGRESS_STEPS)

    def _past_deadline(self) -> int:
        # Non-zero tells SQLite to interrupt the statement running on this thread.
        deadline = getattr(self._deadline, "at", None)
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    def read(self, reader: Callable[[Connection], T]) -> T:
        """``reader(connection)`` within the time limit (blocking: call it from a
        worker thread). Raises ``TooSlow`` when the limit is passed."""
        self._deadline.at = time.monotonic() + self.time_limit_ms / 1000
        try:
            with self.engine.connect() as connection:
                return reader(connection)
        except OperationalError as exc:
            if "interrupted" in str(exc.orig):
                raise TooSlow(f"reading took longer than {self.time_limit_ms} ms") from None
            raise
        finally:
            self._deadline.at = None

    def dispose(self) -> None:
        self.engine.dispose()
