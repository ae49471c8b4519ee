"""places and bodies coded, promises set beside results, loads dated

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

- ``organisations`` gain ``cui`` (the fiscal code releases state for them,
  checked by its control digit) and ``kind`` (commune, town, school, NGO…,
  read off the name); ``projects.beneficiary_cui`` keeps the code as this
  project's release gives it. The view ``organisation_names`` lists the
  wordings each body was written in.
- ``projects`` gain their place coded: locality and county SIRUTA codes and
  names, NUTS 3 and NUTS 2, development region, and ``place_status`` (resolved,
  ambiguous, unknown) with ``place_note`` naming the candidate counties of an
  ambiguous name; and ``as_of``, the date of their latest dated source.
- ``indicators.kind`` says whether a value is a target (promised) or achieved;
  the view ``project_promises`` sets them side by side per project and unit.
- ``county_money`` sums projects, values and the EU funds' part per county.
- ``loads`` records when each load finished and what it did: the archive's
  "as of".

Only new columns (all nullable), a table and views: existing rows are kept as
they are, and the next load of a seed fills its new columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The lists the CHECKs hold, as of this revision (later ones may extend them).
_ORGANISATION_KINDS = (
    "commune", "town", "municipality", "county", "ministry", "central_body", "local_body", "school",
    "university", "hospital", "ngo", "company", "other",
)  # fmt: skip
_PLACE_STATUSES = ("resolved", "county", "ambiguous", "unknown")
_INDICATOR_KINDS = ("target", "achieved")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


_COLUMNS = (
    ("organisations", "cui VARCHAR(16)"),
    (
        "organisations",
        f"kind VARCHAR(32) CONSTRAINT ck_organisations_kind CHECK ({_in('kind', _ORGANISATION_KINDS)})",
    ),
    ("projects", "beneficiary_cui VARCHAR(16)"),
    ("projects", "locality_siruta INTEGER"),
    ("projects", "locality_name TEXT"),
    ("projects", "county_siruta INTEGER"),
    ("projects", "county_name TEXT"),
    ("projects", "nuts3 VARCHAR(8)"),
    ("projects", "nuts2 VARCHAR(8)"),
    ("projects", "region TEXT"),
    (
        "projects",
        f"place_status VARCHAR(16) CONSTRAINT ck_projects_place_status CHECK ({_in('place_status', _PLACE_STATUSES)})",
    ),
    ("projects", "place_note TEXT"),
    ("projects", "as_of DATE"),
    ("indicators", f"kind VARCHAR(16) CONSTRAINT ck_indicators_kind CHECK ({_in('kind', _INDICATOR_KINDS)})"),
)

# The EU funds as of this revision (the reference list may grow later).
_EU_FUNDS = ("FSE", "FSE+", "FEDR", "FC", "FEADR", "FEAMP", "FEAMPA", "FEAD", "FTJ", "IEJ")

_VIEWS = {
    # Money per county (and region), in each currency, with the EU funds' part:
    # "how much EU money went to my county" for a sqlite3 user.
    "county_money": f"""
CREATE VIEW county_money AS
SELECT county, nuts3, region, currency, count(*) AS projects,
       count(total) AS with_total_value, ROUND(sum(total) / 100.0, 2) AS total_value,
       count(eu) AS with_eu_amount, ROUND(sum(eu) / 100.0, 2) AS eu_amount
FROM (
    SELECT p.county_name AS county, p.nuts3, p.region, p.currency, p.total_value_minor AS total,
           (SELECT sum(f.amount_minor) FROM funding_sources f
            WHERE f.project_id = p.id AND f.source IN ({", ".join(repr(f) for f in _EU_FUNDS)})) AS eu
    FROM projects p
) AS per_project
GROUP BY county, nuts3, region, currency
""",
    "organisation_names": """
CREATE VIEW organisation_names AS
SELECT organisation_id, name, count(*) AS uses FROM (
    SELECT beneficiary_id AS organisation_id, beneficiary_name AS name FROM projects
    UNION ALL SELECT acting_through_id, acting_through_name FROM projects WHERE acting_through_id IS NOT NULL
    UNION ALL SELECT organisation_id, name FROM partners
    UNION ALL SELECT organisation_id, organisation_name FROM contacts WHERE organisation_id IS NOT NULL
) AS named
WHERE name IS NOT NULL
GROUP BY organisation_id, name
""",
    "project_indicators": """
CREATE VIEW project_indicators AS
SELECT i.id AS indicator_id, COALESCE(o.project_id, r.project_id) AS project_id,
       CASE WHEN i.objective_id IS NOT NULL THEN 'objective' ELSE 'result' END AS owner,
       COALESCE(o.ordinal, r.ordinal) AS owner_ordinal, i.ordinal, i.kind, i.value + 0 AS value, i.unit, i.what
FROM indicators i
LEFT JOIN objectives o ON o.id = i.objective_id
LEFT JOIN results r ON r.id = i.result_id
""",
    # ("+ 0": the value as a plain number in the view, not the stored column's
    # NUMERIC type, which readers would present with its four decimals.)
    # A target and an achieved value of one project are one promise when their
    # units agree (letter case aside); a target with no achieved value yet, or
    # an achieved value nothing promised, stands alone.
    "project_promises": """
CREATE VIEW project_promises AS
SELECT p.id AS project_id, p.slug, t.unit, t.what, t.value AS target, a.value AS achieved,
       t.indicator_id AS target_indicator_id, a.indicator_id AS achieved_indicator_id
FROM project_indicators t
JOIN projects p ON p.id = t.project_id
LEFT JOIN project_indicators a
       ON a.project_id = t.project_id AND a.kind = 'achieved' AND lower(a.unit) = lower(t.unit)
WHERE t.kind = 'target'
UNION ALL
SELECT p.id, p.slug, a.unit, a.what, NULL, a.value, NULL, a.indicator_id
FROM project_indicators a
JOIN projects p ON p.id = a.project_id
WHERE a.kind = 'achieved' AND NOT EXISTS (
    SELECT 1 FROM project_indicators t
    WHERE t.project_id = a.project_id AND t.kind = 'target' AND lower(t.unit) = lower(a.unit)
)
""",
}


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    op.create_table(
        "loads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loads")),
    )
    for sql in _VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(_VIEWS):
        op.execute(f"DROP VIEW {name}")
    op.drop_table("loads")
    for table, column in reversed(_COLUMNS):
        # Each CHECK is the column's own, so SQLite (3.35+) drops it with the column.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
