"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22

The normalised archive: reference tables (programmes, priority axes, specific
objectives, organisations), projects and what hangs off them (funds, funding
sources, objectives, results, indicators, partners, contacts), the source
documents kept whole, the evidence linking facts to quotes, and read-only views
for sqlite3 users that show amounts in lei.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


EU_FUNDS = "('FSE', 'FSE+', 'FEDR', 'FC', 'FEADR', 'FEAMP', 'FEAMPA', 'FEAD', 'FTJ', 'IEJ')"


def _split(source_condition: str, name: str) -> str:
    return (
        f"ROUND(SUM(CASE WHEN f.{source_condition} THEN f.amount_minor END) / 100.0, 2) AS {name}_amount,\n"
        f"       ROUND(SUM(CASE WHEN f.{source_condition} THEN f.share_bp END) / 100.0, 2) AS {name}_share_pct"
    )


# Views for people using the sqlite3 shell: amounts in lei (or the project's
# currency) as decimals, computed from the exact integer columns. The same SQL
# runs on PostgreSQL, where the division yields an exact numeric; ROUND(…, 2)
# keeps it at two decimals there (624995.52, not 624995.520000000000).
VIEWS = {
    "project_overview": """
CREATE VIEW project_overview AS
SELECT p.id AS project_id, p.slug, p.title, p.acronym, p.sipoca_code, p.mysmis_code,
       p.status, b.name AS beneficiary, pr.code AS programme, pa.number AS priority_axis,
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
""",
    "funding_overview": f"""
CREATE VIEW funding_overview AS
SELECT p.slug, f.ordinal, f.source,
       CASE WHEN f.source IN {EU_FUNDS} THEN 1 ELSE 0 END AS is_eu_fund,
       p.currency, ROUND(f.amount_minor / 100.0, 2) AS amount, ROUND(f.share_bp / 100.0, 2) AS share_pct,
       f.description, f.contributor
FROM funding_sources f
JOIN projects p ON p.id = f.project_id
""",
    "project_funding_split": f"""
CREATE VIEW project_funding_split AS
SELECT p.slug, p.title, pr.code AS programme, p.currency,
       ROUND(p.total_value_minor / 100.0, 2) AS total_value,
       ROUND(p.eligible_value_minor / 100.0, 2) AS eligible_value,
       {_split(f"source IN {EU_FUNDS}", "eu")},
       {_split("source = 'national_budget'", "national_budget")},
       {_split("source = 'local_budget'", "local_budget")},
       {_split("source = 'beneficiary'", "beneficiary")},
       {_split("source = 'other'", "other")}
FROM projects p
JOIN programmes pr ON pr.id = p.programme_id
LEFT JOIN funding_sources f ON f.project_id = p.id
GROUP BY p.id, p.slug, p.title, pr.code, p.currency, p.total_value_minor, p.eligible_value_minor
""",
}


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organisations_name_key")),
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "code IN ('POCA', 'POCU', 'POR', 'POIM', 'POC', 'PNDR', 'POAD', 'POAT', 'POPAM', 'PNRR', 'PEO', 'PIDS', 'PS', 'PT', 'POCIDIF', 'PDD', 'PAT', 'PTJ', 'PR', 'PAP', 'PNS', 'INTERREG')",
            name=op.f("ck_programmes_code"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_table(
        "priority_axes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_priority_axes_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_axes")),
        sa.UniqueConstraint("programme_id", "number", name=op.f("uq_priority_axes_programme_id_number")),
    )
    op.create_table(
        "specific_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("priority_axis_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["priority_axis_id"],
            ["priority_axes.id"],
            name=op.f("fk_specific_objectives_priority_axis_id_priority_axes"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_specific_objectives_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specific_objectives")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_specific_objectives_programme_id_code")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("acronym", sa.Text(), nullable=True),
        sa.Column("sipoca_code", sa.String(length=32), nullable=True),
        sa.Column("mysmis_code", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("acting_through_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("priority_axis_id", sa.Integer(), nullable=True),
        sa.Column("specific_objective_id", sa.Integer(), nullable=True),
        sa.Column("programme_name", sa.Text(), nullable=True),
        sa.Column("priority_axis_title", sa.Text(), nullable=True),
        sa.Column("specific_objective_title", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("eligible_value_minor", sa.BigInteger(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("target_group_size", sa.Integer(), nullable=True),
        sa.Column("target_group_description", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("seed_file", sa.Text(), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "currency IN ('RON', 'EUR', 'USD', 'GBP', 'CHF', 'HUF', 'BGN')",
            name=op.f("ck_projects_currency"),
        ),
        sa.CheckConstraint(
            "status IN ('announced', 'ongoing', 'completed')", name=op.f("ck_projects_status")
        ),
        sa.CheckConstraint("duration_months >= 0", name=op.f("ck_projects_duration_non_negative")),
        sa.CheckConstraint("eligible_value_minor >= 0", name=op.f("ck_projects_eligible_value_non_negative")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_projects_end_after_start")),
        sa.CheckConstraint("target_group_size >= 0", name=op.f("ck_projects_target_group_size_non_negative")),
        sa.CheckConstraint("total_value_minor >= 0", name=op.f("ck_projects_total_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["acting_through_id"],
            ["organisations.id"],
            name=op.f("fk_projects_acting_through_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["organisations.id"],
            name=op.f("fk_projects_beneficiary_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["priority_axis_id"],
            ["priority_axes.id"],
            name=op.f("fk_projects_priority_axis_id_priority_axes"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_projects_programme_id_programmes")
        ),
        sa.ForeignKeyConstraint(
            ["specific_objective_id"],
            ["specific_objectives.id"],
            name=op.f("fk_projects_specific_objective_id_specific_objectives"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("mysmis_code", name=op.f("uq_projects_mysmis_code")),
        sa.UniqueConstraint("sipoca_code", name=op.f("uq_projects_sipoca_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_projects_slug")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_beneficiary_id"), ["beneficiary_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_projects_specific_objective_id"), ["specific_objective_id"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("fax", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contacts_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_contacts_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_contacts_project_id_ordinal")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('start', 'end', 'other')", name=op.f("ck_documents_kind")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_documents_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_documents_sha256")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_project_id"), ["project_id"], unique=False)

    op.create_table(
        "funding_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("share_bp", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("contributor", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source IN ('FSE', 'FSE+', 'FEDR', 'FC', 'FEADR', 'FEAMP', 'FEAMPA', 'FEAD', 'FTJ', 'IEJ', 'national_budget', 'local_budget', 'beneficiary', 'other')",
            name=op.f("ck_funding_sources_source"),
        ),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_funding_sources_amount_non_negative")),
        sa.CheckConstraint("share_bp BETWEEN 0 AND 10000", name=op.f("ck_funding_sources_share_0_100")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_funding_sources_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_sources")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_funding_sources_project_id_ordinal")),
    )
    op.create_table(
        "objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("achieved", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('general', 'specific')", name=op.f("ck_objectives_kind")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_objectives_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_objectives_project_id_ordinal")),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partners_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_partners_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_partners_project_id_ordinal")),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "project_funds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("fund", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "fund IN ('FSE', 'FSE+', 'FEDR', 'FC', 'FEADR', 'FEAMP', 'FEAMPA', 'FEAD', 'FTJ', 'IEJ')",
            name=op.f("ck_project_funds_fund"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_funds_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_funds")),
        sa.UniqueConstraint("project_id", "fund", name=op.f("uq_project_funds_project_id_fund")),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("serves_result_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("level IN ('programme', 'project')", name=op.f("ck_results_level")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_results_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["serves_result_id"],
            ["results.id"],
            name=op.f("fk_results_serves_result_id_results"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
        sa.UniqueConstraint("project_id", "ordinal", name=op.f("uq_results_project_id_ordinal")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("char_end >= char_start", name=op.f("ck_evidence_span_order")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_evidence_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_evidence_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint(
            "project_id", "field", "ordinal", name=op.f("uq_evidence_project_id_field_ordinal")
        ),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("what", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(objective_id IS NULL) <> (result_id IS NULL)", name=op.f("ck_indicators_one_owner")
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_indicators_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name=op.f("fk_indicators_objective_id_objectives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["results.id"],
            name=op.f("fk_indicators_result_id_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_objective_id"), ["objective_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_indicators_result_id"), ["result_id"], unique=False)

    op.create_table(
        "indicator_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_topics_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_topics")),
        sa.UniqueConstraint("indicator_id", "ordinal", name=op.f("uq_indicator_topics_indicator_id_ordinal")),
    )

    for statement in VIEWS.values():
        op.execute(statement)


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_table("indicator_topics")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_result_id"))
        batch_op.drop_index(batch_op.f("ix_indicators_objective_id"))

    op.drop_table("indicators")
    op.drop_table("evidence")
    op.drop_table("results")
    op.drop_table("project_funds")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_organisation_id"))

    op.drop_table("partners")
    op.drop_table("objectives")
    op.drop_table("funding_sources")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_project_id"))

    op.drop_table("documents")
    op.drop_table("contacts")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_specific_objective_id"))
        batch_op.drop_index(batch_op.f("ix_projects_programme_id"))
        batch_op.drop_index(batch_op.f("ix_projects_beneficiary_id"))

    op.drop_table("projects")
    op.drop_table("specific_objectives")
    op.drop_table("priority_axes")
    op.drop_table("programmes")
    op.drop_table("organisations")
