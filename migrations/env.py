"""Alembic environment: runs the migrations on the archive's engine.

Called by ``eufunds db …`` (which hands over an open connection) and by plain
``alembic`` from the repository root (which builds one from ``-x db=…``,
``$EUFUNDS_DB`` or ./archive.db).
"""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.models import Base

config = context.config
target_metadata = Base.metadata

# Tables that migrations make with raw SQL and the models do not describe
# (full-text index and its SQLite shadow tables; the original bytes of sources,
# kept out of the models so exports, which walk the models, never carry them).
UNMODELLED_TABLE_PREFIXES = ("search_", "source_contents")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))


def run_on(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch ALTERs copy and drop tables; with foreign keys on, the drop would
        # cascade. The pragma only takes effect outside a transaction, so it is
        # sent before Alembic begins one.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration left broken foreign keys: {problems[:5]}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    # Run by `alembic` itself, this file is an entry point like the CLI, so it
    # reads $EUFUNDS_DB the way the CLI's --db does.
    url = config.get_main_option("sqlalchemy.url") or resolve_database_url(
        context.get_x_argument(as_dictionary=True).get("db") or os.environ.get("EUFUNDS_DB")
    )
    engine = create_archive_engine(url)
    with engine.connect() as new_connection:
        run_on(new_connection)
        new_connection.commit()
        if new_connection.dialect.name == "sqlite":
            new_connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them on a database")
run_migrations_online()
