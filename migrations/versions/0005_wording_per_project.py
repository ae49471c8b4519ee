"""each project keeps the wording its release gives an organisation

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Organisations are shared by a folded key (case, ş/ș): two releases that write
"Consiliul Judeţean Cluj" and "CONSILIUL JUDEȚEAN CLUJ" name one body. The
wording each release used now lives beside the link — ``projects.beneficiary_name``
and ``acting_through_name``, ``partners.name``, ``contacts.organisation_name`` —
so a project shows what its release wrote, and correcting it changes it.
Existing rows take the wording their organisation row holds, which is what they
showed until now; ``project_overview`` names the beneficiary as its project does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OVERVIEW = """
CREATE VIEW project_overview AS
SELECT p.id AS project_id, p.slug, p.title, p.acronym, p.sipoca_code, p.mysmis_code,
       p.status, {beneficiary} AS beneficiary, pr.code AS programme, pa.number AS priority_axis,
       so.code AS specific_objective, p.currency,
       ROUND(p.total_value_minor / 100.0, 2) AS total_value,
       ROUND(p.eligible_value_minor / 100.0, 2) AS eligible_value,
       p.start_date, p.end_date, p.duration_months,
       p.target_group_size, p.target_group_description, p.location
FROM projects p
JOIN organisations b ON b.id = p.beneficiary_id
JOIN programmes pr ON pr.id = p.programme_id
LEFT JOIN priority_axes pa ON pa.id = p.priority_axis_id
LEFT JOIN specific_objectives so ON so.id = p.specific_objective_id
"""

# (table, new column, the link whose organisation gives existing rows their wording)
_WORDING = (
    ("projects", "beneficiary_name", "beneficiary_id"),
    ("projects", "acting_through_name", "acting_through_id"),
    ("partners", "name", "organisation_id"),
    ("contacts", "organisation_name", "organisation_id"),
)


def upgrade() -> None:
    op.execute("DROP VIEW project_overview")
    # Plain ALTER TABLE on both databases: a batch rebuild of ``projects`` on
    # SQLite would trip over the views that read it.
    for table, column, _link in _WORDING:
        op.add_column(table, sa.Column(column, sa.Text(), nullable=True))
    for table, column, link in _WORDING:
        op.execute(
            f"UPDATE {table} SET {column} = "
            f"(SELECT o.name FROM organisations o WHERE o.id = {table}.{link}) WHERE {link} IS NOT NULL"
        )
    op.execute(_OVERVIEW.format(beneficiary="COALESCE(p.beneficiary_name, b.name)"))


def downgrade() -> None:
    op.execute("DROP VIEW project_overview")
    for table, column, _link in reversed(_WORDING):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # SQLite 3.35+, PostgreSQL
    op.execute(_OVERVIEW.format(beneficiary="b.name"))
