"""restatements: the figures a further release states otherwise

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A project's seed may join its further releases (an end-of-project release
after the start one). A figure such a release states otherwise than the
project's record — another end date, a larger eligible value, the status it
reached — is kept in ``restatements``, naming the source document that states
it, so both figures stay in the archive, each with its evidence, and ``check``
can say which changed between releases.

Only a new table: existing rows are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "restatements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_restatements_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_restatements_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restatements")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_restatements_project_id_ordinal")),
    )


def downgrade() -> None:
    op.drop_table("restatements")
