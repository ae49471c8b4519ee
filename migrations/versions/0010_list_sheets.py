"""each sheet of a workbook may be its own list

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

A workbook may hold several lists, one programme a sheet, and
``eufunds lists import --sheet`` reads the one it names. A snapshot is then
known by its file's SHA-256 *and* its sheet: the same workbook imported for
another sheet is another snapshot, imported again for the same sheet changes
nothing. The unique constraint on ``sha256`` alone becomes a unique index on
the file and sheet (a CSV's sheet is NULL, counted as one value).

Rows are untouched; the constraint is only widened, so every existing row
still satisfies it.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@contextmanager
def _views_set_aside() -> Iterator[None]:
    """SQLite rebuilds a table to change its constraints, and refuses to rename
    the rebuilt table while a view reads the old one: the views are dropped
    and put back word for word."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    views = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
    ).all()
    # Run as the driver's own statements: a view of the user's may hold text
    # that SQLAlchemy's text() would take for a bound parameter (' :noon').
    quote = bind.dialect.identifier_preparer.quote_identifier
    for name, _ in views:
        bind.exec_driver_sql(f"DROP VIEW {quote(name)}")
    yield
    for _, sql in views:
        bind.exec_driver_sql(sql)


def upgrade() -> None:
    with _views_set_aside(), op.batch_alter_table("list_files") as batch_op:
        batch_op.drop_constraint("uq_list_files_sha256", type_="unique")
    op.create_index(
        "uq_list_files_sha256_sheet", "list_files", ["sha256", sa.text("coalesce(sheet, '')")], unique=True
    )


def downgrade() -> None:
    # Back to one snapshot per file: a downgrade that would have to drop a
    # snapshot to restore the constraint is refused by the database instead.
    op.drop_index("uq_list_files_sha256_sheet", table_name="list_files")
    with _views_set_aside(), op.batch_alter_table("list_files") as batch_op:
        batch_op.create_unique_constraint("uq_list_files_sha256", ["sha256"])
