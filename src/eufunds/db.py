"""Where the archive lives and how to connect to it.

Resolves the global ``--db`` value (a path or a SQLAlchemy URL, else
``archive.db`` in the current directory) and builds engines
whose SQLite connections always enforce foreign keys, wait a bounded time for a
busy database, and open write transactions with ``BEGIN IMMEDIATE`` so two
writers queue up instead of failing half-way.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .errors import ArchiveError
from .settings import BUSY_TIMEOUT_MS, DEFAULT_DATABASE

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# SQLAlchemy is imported where an engine or a URL other than a plain SQLite
# file's is needed: reading a SQLite archive (show, list, search) goes through
# sqlite3 alone, and importing SQLAlchemy would take most of such a command's time.

# The engine option that carries the busy timeout to whoever holds a connection.
_BUSY_OPTION = "eufunds_busy_timeout_ms"


def resolve_database_url(value: str | None = None) -> str:
    """A SQLAlchemy URL for ``--db`` (a path or a URL), else ./archive.db.
    Raises ``ArchiveError`` for what can hold no archive (see ``check_database_url``)."""
    chosen = value or DEFAULT_DATABASE
    if "://" in chosen:
        return check_database_url(chosen)
    try:
        resolved = Path(chosen).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before Python 3.13
        raise ArchiveError(f"cannot use {chosen} as the archive: {_reason(exc)}") from None
    # The URL reads its database part up to a '?' and unescapes '%XX' in it:
    # escape both, so a path holding them names that very file.
    return check_database_url("sqlite:///" + str(resolved).replace("%", "%25").replace("?", "%3F"))


def check_database_url(url: str) -> str:
    """``url`` itself when it can name an archive: a SQLite file that is a
    regular file or does not exist yet, or a PostgreSQL database. A folder, a
    FIFO (opening one would wait for a writer for ever), a device, a name the
    system refuses or another database system is an ``ArchiveError``."""
    backend = "sqlite" if _plain_sqlite_database(url) is not None else _backend_name(url)
    if backend not in ("sqlite", "postgresql"):
        raise ArchiveError(
            f"eufunds keeps archives in SQLite (a file path) or PostgreSQL (postgresql://…), not {backend}"
        )
    path = sqlite_path(url)
    if path is None:
        return url
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return url  # made by `db upgrade`; read commands say there is no archive
    except (OSError, RuntimeError) as exc:
        raise ArchiveError(f"cannot use {path} as the archive: {_reason(exc)}") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise ArchiveError(f"{path} is {kind}; the archive is a SQLite file")
    return url


def _backend_name(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        raise ArchiveError(f"{url!r} is neither a file path nor a database URL") from None


_PLAIN_SQLITE = "sqlite:///"


def _plain_sqlite_database(url: str) -> str | None:
    """The database part of a ``sqlite:///…`` URL with no query (what
    ``resolve_database_url`` makes of a path), read as SQLAlchemy's ``make_url``
    reads it (up to a '?', '%XX' unescaped) without importing SQLAlchemy; None
    for any other URL."""
    if not url.startswith(_PLAIN_SQLITE) or "?" in url:
        return None
    return unquote(url[len(_PLAIN_SQLITE) :])


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return "too many levels of symbolic links" if isinstance(exc, RuntimeError) else str(exc)


def busy_timeout_of(connection: Connection) -> int:
    """The busy timeout, in milliseconds, that the connection's engine was made with."""
    return int(connection.get_execution_options().get(_BUSY_OPTION, BUSY_TIMEOUT_MS))


def describe_url(url: str) -> str:
    """How messages name the archive: a SQLite file by its path, else the URL
    with any password hidden."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str) -> bool:
    if _plain_sqlite_database(url) is not None:
        return True
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    database = _plain_sqlite_database(url)
    if database is None:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return None
        database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def create_archive_engine(
    url: str, *, read_only: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    """An engine for the archive at ``url``.

    ``read_only`` opens SQLite in read-only mode with ``query_only`` on, and
    PostgreSQL in read-only transactions that each read one snapshot; it is the
    engine behind ``eufunds query`` and the read commands. ``busy_timeout_ms`` is how long a command
    waits for another writer before saying the archive is busy.
    """
    from sqlalchemy import create_engine, event

    kwargs["execution_options"] = {**kwargs.get("execution_options", {}), _BUSY_OPTION: busy_timeout_ms}
    if is_sqlite(check_database_url(url)):
        return _sqlite_engine(url, read_only=read_only, **kwargs)
    engine = create_engine(url, **kwargs)
    if read_only:

        @event.listens_for(engine, "connect")
        def _read_only_session(dbapi_connection: Any, _record: Any) -> None:
            # PostgreSQL's default, READ COMMITTED, takes a new snapshot for each
            # statement: an export of several tables (or of records read page by
            # page) could then show a load's commit in some and not in others.
            # A REPEATABLE READ transaction reads one snapshot from its first
            # statement on, as a SQLite read transaction does, and read-only it
            # never fails for serialisation.
            cursor = dbapi_connection.cursor()
            cursor.execute(
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            )
            cursor.close()
            dbapi_connection.commit()

    return engine


def read_only_uri(path: str | os.PathLike[str]) -> str:
    """The URI that opens a SQLite file read-only. Built by pathlib, which
    percent-encodes what a URI would read otherwise (``#`` starts a fragment,
    ``?`` the parameters): a path holding them must open that file, not another."""
    return Path(path).absolute().as_uri() + "?mode=ro"


def _sqlite_engine(url: str, *, read_only: bool, **kwargs: Any) -> Engine:
    from sqlalchemy import create_engine, event

    path = sqlite_path(url)
    busy_ms = kwargs["execution_options"][_BUSY_OPTION]
    if read_only:
        if path is None or not path.exists():
            raise ArchiveError(f"no archive at {describe_url(url)}")
        target = read_only_uri(path)

        def connect_read_only() -> sqlite3.Connection:
            return sqlite3.connect(target, uri=True, check_same_thread=False)

        engine = create_engine("sqlite://", creator=connect_read_only, **kwargs)
    else:
        engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        _set_up_sqlite(dbapi_connection, busy_ms, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _set_up_sqlite(connection: sqlite3.Connection, busy_ms: int, *, read_only: bool) -> None:
    """What every archive connection on SQLite holds to, the engine's and the
    read side's own alike: foreign keys, the busy timeout, no writing when read-only."""
    # Transactions are begun by an explicit BEGIN (the engine's "begin" event,
    # ``read_only_connection``): the sqlite3 module's implicit ones would start
    # too late for IMMEDIATE.
    connection.isolation_level = None
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    if read_only:
        connection.execute("PRAGMA query_only = ON")


def is_database_error(exc: BaseException) -> bool:
    """True for an error the database raised: sqlite3's own (read on its
    connection) or SQLAlchemy's wrapping of any driver's."""
    if isinstance(exc, sqlite3.Error):
        return True
    if "sqlalchemy" not in sys.modules:  # then nothing can have raised its errors
        return False
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError)


def has_schema(engine: Engine | Connection | sqlite3.Connection) -> bool:
    """True when the archive has been migrated (the projects table exists)."""
    if isinstance(engine, sqlite3.Connection):
        # What SQLAlchemy's inspector asks SQLite.
        return engine.execute('PRAGMA main.table_info("projects")').fetchone() is not None
    from sqlalchemy import inspect

    return inspect(engine).has_table("projects")


@contextmanager
def read_only_connection(
    url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, sqlalchemy: bool = False
) -> Iterator[Connection | sqlite3.Connection]:
    """A read-only connection to the archive at ``url``, reading in one
    transaction: on a SQLite file, sqlite3's own connection, set up as the
    read-only engine sets up its connections (so the read side runs without
    importing SQLAlchemy); elsewhere, or when ``sqlalchemy`` asks for it (code
    that builds its queries with SQLAlchemy), a connection of that engine."""
    path = None if sqlalchemy or not is_sqlite(url) else sqlite_path(check_database_url(url))
    if path is None:
        engine = create_archive_engine(url, read_only=True, busy_timeout_ms=busy_timeout_ms)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()
        return
    if not path.exists():
        raise ArchiveError(f"no archive at {describe_url(url)}")
    own = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        _set_up_sqlite(own, busy_timeout_ms, read_only=True)
        own.execute("BEGIN DEFERRED")
        yield own
    finally:
        own.close()
