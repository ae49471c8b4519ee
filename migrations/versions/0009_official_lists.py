"""official lists of contracted projects, kept as snapshots beside the releases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

``list_files`` holds one row per imported list (a spreadsheet or CSV a managing
authority publishes): its name, SHA-256, the programme and date it is a list
of, the sheet and header row it was read from. ``list_rows`` holds each of its
rows twice over: the cells exactly as read (JSON) and the fields read from
them (SMIS code, beneficiary, CUI, values in minor units, rate in basis
points, dates, place, status), with ``project_id`` linking a row to the
project of the same MySMIS code.

Only new tables: existing rows are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The list the CHECK holds, as of this revision (later ones may extend it).
_CURRENCY_CODES = ("RON", "EUR", "USD", "GBP", "CHF", "HUF", "BGN")


def upgrade() -> None:
    op.create_table(
        "list_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=16), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("sheet", sa.Text(), nullable=True),
        sa.Column("header_row", sa.Integer(), nullable=False),
        sa.Column("header_cells", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_list_files_sha256")),
    )
    currencies = ", ".join(f"'{code}'" for code in _CURRENCY_CODES)
    op.create_table(
        "list_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_file_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("smis_code", sa.String(length=32), nullable=True),
        sa.Column("beneficiary", sa.Text(), nullable=True),
        sa.Column("cui", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("total_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("eligible_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("eu_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("cofinancing_rate_bp", sa.Integer(), nullable=True),
        sa.Column("cofinancing_rate_text", sa.Text(), nullable=True),
        sa.Column("fund", sa.Text(), nullable=True),
        sa.Column("programme", sa.Text(), nullable=True),
        sa.Column("priority_axis", sa.Text(), nullable=True),
        sa.Column("specific_objective", sa.Text(), nullable=True),
        sa.Column("intervention", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("locality", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"currency IN ({currencies})", name=op.f("ck_list_rows_currency")),
        sa.CheckConstraint(
            "cofinancing_rate_bp BETWEEN 0 AND 10000", name=op.f("ck_list_rows_cofinancing_rate_0_100")
        ),
        sa.ForeignKeyConstraint(
            ["list_file_id"],
            ["list_files.id"],
            name=op.f("fk_list_rows_list_file_id_list_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_list_rows_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_rows")),
        sa.UniqueConstraint("list_file_id", "row_number", name=op.f("uq_list_rows_list_file_id_row_number")),
    )
    with op.batch_alter_table("list_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_rows_smis_code"), ["smis_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_list_rows_project_id"), ["project_id"], unique=False)
    op.execute(LIST_COMPARISON)


# Each project with a MySMIS code beside the latest list row of that code (the
# latest dated snapshot, then the latest imported): release and list figures
# side by side, for sqlite3 users and the exports. `eufunds lists compare` says
# where they differ, folding names and counties as the view cannot.
LIST_COMPARISON = """
CREATE VIEW list_comparison AS
SELECT p.slug, p.mysmis_code, f.file_name AS list_file, f.as_of AS list_as_of, r.row_number AS list_row,
       ROUND(p.total_value_minor / 100.0, 2) AS release_total_value,
       ROUND(r.total_value_minor / 100.0, 2) AS list_total_value,
       ROUND(p.eligible_value_minor / 100.0, 2) AS release_eligible_value,
       ROUND(r.eligible_value_minor / 100.0, 2) AS list_eligible_value,
       ROUND(r.eu_value_minor / 100.0, 2) AS list_eu_value,
       p.start_date AS release_start_date, r.start_date AS list_start_date,
       p.end_date AS release_end_date, r.end_date AS list_end_date,
       p.beneficiary_name AS release_beneficiary, r.beneficiary AS list_beneficiary,
       p.beneficiary_cui AS release_cui, r.cui AS list_cui,
       p.county_name AS release_county, r.county AS list_county
FROM projects p
JOIN list_rows r ON r.id = (
    SELECT r2.id FROM list_rows r2 JOIN list_files f2 ON f2.id = r2.list_file_id
    WHERE r2.smis_code = p.mysmis_code
    ORDER BY f2.as_of IS NULL, f2.as_of DESC, f2.imported_at DESC, f2.id DESC, r2.row_number
    LIMIT 1
)
JOIN list_files f ON f.id = r.list_file_id
"""


def downgrade() -> None:
    op.execute("DROP VIEW list_comparison")
    with op.batch_alter_table("list_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_rows_project_id"))
        batch_op.drop_index(batch_op.f("ix_list_rows_smis_code"))
    op.drop_table("list_rows")
    op.drop_table("list_files")
