"""Schema migrations: the only way an archive's schema is made or changed.

Wraps Alembic so that an installed eufunds (no checkout, no alembic.ini) finds
its migrations inside the package, and a checkout finds them in ``migrations/``.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from .db import is_sqlite
from .errors import ArchiveError


def migrations_directory() -> Path:
    """The folder holding env.py and versions/, in a checkout or installed."""
    # The checkout this very module lives in comes first: run from another
    # checkout (a git worktree, PYTHONPATH=src) beside an editable install, the
    # package finder would hand over the installed checkout's migrations, which
    # need not match these models.
    checkout = Path(__file__).resolve().parents[2] / "migrations"
    if (checkout / "env.py").exists():
        return checkout
    spec = importlib.util.find_spec("eufunds.migrations")
    if spec is not None and spec.origin:
        installed = Path(spec.origin).parent
        if (installed / "env.py").exists():
            return installed
    raise FileNotFoundError("eufunds migrations not found; reinstall the package")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def schema_mismatch(engine: Engine | Connection) -> str | None:
    """Why this code must not write into the archive, or None: its schema is
    older than the code's (``db upgrade`` fixes it) or newer (written by a newer
    eufunds, whose columns this one would leave empty)."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    known = {script.revision for script in _scripts().walk_revisions()}
    if current is not None and current not in known:
        return (
            f"the archive's schema ({current}) is newer than this eufunds knows (up to {head}); "
            "upgrade eufunds to write to it"
        )
    return f"the archive's schema is at {current or 'none'}, not {head}; run `eufunds db upgrade` first"


def current_revision(bind: Engine | Connection) -> str | None:
    """The archive's schema revision, through ``bind`` (an engine, or a connection
    already open, as a read-only SQLite engine hands out only one)."""
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run(engine: Engine, action: str, revision: str) -> None:
    if not revision.strip():
        # Alembic asserts on an empty revision instead of saying so.
        raise ArchiveError(f"name a revision to {action} to (head, base, a revision id, +1 or -1)")
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        try:
            getattr(command, action)(config, revision)
        except CommandError as exc:
            # An unknown revision, or a step past the first or last one: the user's to fix.
            raise ArchiveError(f"cannot {action} to {revision!r}: {exc}") from None
        connection.commit()
        if is_sqlite(str(engine.url)):
            driver = connection.connection.driver_connection
            assert driver is not None  # None only once the connection is closed
            # env.py turned foreign keys off for batch ALTERs; this connection goes
            # back to the pool, and every pooled connection must enforce them.
            driver.execute("PRAGMA foreign_keys = ON")
            if action == "upgrade":
                # WAL lets readers work while a load writes; it is a property of
                # the file, so setting it once here covers every later connection.
                driver.execute("PRAGMA journal_mode = WAL")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the archive up to ``revision`` (default: the newest schema).
    Raises ``ArchiveError`` for an archive written by a newer eufunds."""
    current = current_revision(engine)
    if current is not None and current not in {s.revision for s in _scripts().walk_revisions()}:
        raise ArchiveError(
            f"the archive's schema ({current}) is newer than this eufunds knows (up to {head_revision()}); "
            "upgrade eufunds instead"
        )
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the archive down to ``revision`` (``base`` removes every table)."""
    _run(engine, "downgrade", revision)
