"""``eufunds serve``: the archive on the web, read-only, through Datasette.

The file is served *immutable*: SQLite then takes no locks and reads no WAL, so
it must be complete and unchanging. ``prepare_archive`` checkpoints the WAL
into the file first (refusing while a load holds it) and checks it is an
archive; to keep loading while serving, serve a copy (``eufunds db backup``).
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..db import describe_url, is_sqlite, sqlite_path
from ..errors import WebError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
# Datasette stops any one query after this long (its default, said here so that
# a change of default upstream does not change what a visitor may cost us).
SQL_TIME_LIMIT_MS = 1000
INSTALL_HINT = "pip install 'eufunds[web]'"


def datasette_installed() -> bool:
    try:
        import datasette  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def prepare_archive(url: str, busy_timeout_ms: int) -> Path:
    """The SQLite file behind ``url``, checked to be an archive and with its WAL
    written into it, ready to be opened immutable."""
    if not is_sqlite(url):
        raise WebError(
            f"serve needs a SQLite archive, and {describe_url(url)} is not one; "
            "copy it into SQLite with `eufunds export --format yaml` and `eufunds load`, then serve that file"
        )
    path = sqlite_path(url)
    if path is None or not path.is_file():
        raise WebError(f"no archive at {describe_url(url)}; run `eufunds build` first")
    try:
        connection = sqlite3.connect(path, timeout=busy_timeout_ms / 1000)
        try:
            if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'projects'").fetchone() is None:
                raise WebError(f"the archive at {path} has no schema yet; run `eufunds build` first")
            if (
                connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").fetchone()
                is None
            ):
                raise WebError(f"the archive at {path} has no search index; run `eufunds db upgrade`")
            busy, _log, _moved = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise WebError(f"cannot open {path} as an archive: {exc}") from None
    if busy:
        raise WebError(
            f"{path} is being written to (a load is running): an immutable server would not see its "
            "changes; serve when it finishes, or serve a copy made with `eufunds db backup`"
        )
    return path


def make_datasette(path: Path, *, base_url: str = "/", time_limit_ms: int = SQL_TIME_LIMIT_MS) -> Any:
    """A Datasette instance serving ``path`` immutable as the database ``arhiva``,
    with the eufunds plugin, templates and metadata."""
    from datasette.app import Datasette  # type: ignore[import-untyped]
    from datasette.database import Database  # type: ignore[import-untyped]
    from datasette.plugins import pm  # type: ignore[import-untyped]

    from .archive import ServedArchive
    from .metadata import DATABASE_NAME, archive_metadata
    from .plugin import EufundsPlugin

    here = Path(__file__).resolve().parent
    archive = ServedArchive(path, time_limit_ms)
    with archive.engine.connect() as connection:
        names = [
            row[0]
            for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        metadata = archive_metadata(connection, names)
    # One archive per process: a plugin left from an earlier instance (tests
    # make several) would serve the wrong file.
    previous = pm.get_plugin("eufunds")
    if previous is not None:
        pm.unregister(previous)
    pm.register(EufundsPlugin(archive, here / "templates"), name="eufunds")
    # Datasette's own error handler prints each error with its local variables
    # (through rich, when installed) before ours answers: seconds of CPU for a
    # visitor's bad query, and request details in the log. Ours handles them all.
    default_handler = pm.get_plugin("datasette.handle_exception")
    if default_handler is not None:
        pm.unregister(default_handler)
    datasette = Datasette(
        metadata=metadata,
        template_dir=str(here / "templates"),
        static_mounts=[("eufunds-static", str(here / "static"))],
        settings={
            "base_url": base_url,
            "sql_time_limit_ms": time_limit_ms,
            # Suggestions run extra queries on every table page: at 100 000
            # projects that is time spent for a hint few readers follow.
            "suggest_facets": False,
            "default_page_size": 50,
        },
    )
    # Added by hand rather than as a file argument, so that its name (and every
    # URL) is the same whatever the file is called. Datasette adds an empty
    # in-memory database when given no files: a place to run SQL on nothing, gone.
    datasette.add_database(Database(datasette, str(path), is_mutable=False), name=DATABASE_NAME)
    datasette.remove_database("_memory")
    return datasette


def serve(
    url: str, *, host: str, port: int, base_url: str, busy_timeout_ms: int, on_ready: Callable[[str], None]
) -> None:
    """Serve the archive at ``url`` on ``host``:``port`` until interrupted;
    ``on_ready`` is told the address once the server listens."""
    if not datasette_installed():
        raise WebError(
            f"the web face needs Datasette, which is not installed; install it with: {INSTALL_HINT}"
        )
    if not base_url.startswith("/") or not base_url.endswith("/"):
        raise WebError(f"--base-url must start and end with '/' (as in /proiecte-ue/), not {base_url!r}")
    path = prepare_archive(url, busy_timeout_ms)
    listener = _listen(host, port)
    datasette = make_datasette(path, base_url=base_url)
    address = f"http://{host}:{listener.getsockname()[1]}{base_url}"
    asyncio.run(_run(datasette, listener, lambda: on_ready(f"serving {path} at {address} (Ctrl+C to stop)")))


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` before anything else starts, so that a
    port in use is one clear error rather than a server that logs and exits."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        # Listening at once: a browser that connects before the server's loop
        # runs waits in the backlog instead of being refused.
        listener.listen(128)
    except OSError as exc:
        raise WebError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except (UnicodeError, TypeError, ValueError):
        # The socket module refuses a host it cannot even encode (TypeError for
        # labels too long or not IDNA) before asking the system.
        raise WebError(f"cannot listen on {host!r}: not a host name or address") from None
    return listener


async def _run(datasette: Any, listener: socket.socket, ready: Callable[[], None]) -> None:
    import uvicorn

    await datasette.invoke_startup()
    # As Datasette's own `serve` does: open the database once before listening.
    await datasette.get_database("arhiva").execute("SELECT count(*) FROM projects")
    config = uvicorn.Config(datasette.app(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    ready()
    await server.serve(sockets=[listener])
