"""a project's currency is null when its release states no money

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Until now every project had a currency, RON when the seed named none; for a
release that gives no amount that was a fact nobody stated. ``projects.currency``
now accepts null. Existing rows keep the currency they hold: a seed reloaded
after this revision stores null where it states no money.

PostgreSQL drops the NOT NULL in place. SQLite cannot, so ``projects`` is
rebuilt from its own stored definition (every constraint, index and column
order kept), with the views that read it set aside and put back word for word.
Downgrading gives a null currency the old default, RON, since the older schema
has no way to say "none".
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_NULL = "currency VARCHAR(3) NOT NULL"
_NULLABLE = "currency VARCHAR(3)"


def _rebuild_projects_sqlite(old: str, new: str) -> None:
    """Rebuild ``projects`` with ``old`` in its definition replaced by ``new``.

    The migration environment has turned foreign keys off, so dropping the old
    table cascades nowhere and the other tables' references follow the name.
    """
    bind = op.get_bind()
    views = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
    ).fetchall()
    definition = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'projects'"
    ).scalar_one()
    indexes = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'projects' AND sql IS NOT NULL"
        )
    ]
    if definition.count(old) != 1:
        raise RuntimeError(f"projects is not defined as expected (looking for {old!r})")
    # A table SQLite has renamed keeps its name quoted in the stored definition.
    rebuilt = re.sub(
        r'^CREATE TABLE "?projects"?', "CREATE TABLE _projects_rebuilt", definition.replace(old, new)
    )
    for name, _ in views:
        op.execute(f'DROP VIEW "{name}"')
    op.execute(rebuilt)
    op.execute("INSERT INTO _projects_rebuilt SELECT * FROM projects")
    op.execute("DROP TABLE projects")
    op.execute("ALTER TABLE _projects_rebuilt RENAME TO projects")
    for sql in indexes:
        op.execute(sql)
    for _, sql in views:
        op.execute(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_projects_sqlite(_NOT_NULL, _NULLABLE)
    else:
        op.execute("ALTER TABLE projects ALTER COLUMN currency DROP NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE projects SET currency = 'RON' WHERE currency IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_projects_sqlite(_NULLABLE + ",", _NOT_NULL + ",")
    else:
        op.execute("ALTER TABLE projects ALTER COLUMN currency SET NOT NULL")
