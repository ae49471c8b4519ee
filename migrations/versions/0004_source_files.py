"""source files: releases kept as received, and the pages of PDF sources

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03

``source_files`` describes each release as it was received (media type, size,
SHA-256 of the original bytes, origin path or URL, when it was fetched) and
links it to the text the extractor read, which is the ``documents`` row of
the same SHA-256 (``document_sha256``). ``source_pages`` says where each page
of a PDF lies in that text; the view ``evidence_pages`` names the page of
every evidence span. ``source_contents`` holds the original bytes by SHA-256;
the models leave it out so exports never carry them.

Only new tables and a view: an archive at 0002 upgrades with every existing
row untouched (documents from seeds simply have no source file).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVIDENCE_PAGES = """
CREATE VIEW evidence_pages AS
SELECT e.id AS evidence_id, e.project_id, e.document_id, e.field, e.ordinal, e.line,
       e.char_start, e.char_end, s.id AS source_file_id, s.file_name AS source_file,
       s.media_type, p.page
FROM evidence e
JOIN documents d ON d.id = e.document_id
JOIN source_files s ON s.document_sha256 = d.sha256
LEFT JOIN source_pages p ON p.source_file_id = s.id
     AND e.char_start >= p.char_start AND e.char_start < p.char_end
"""


def upgrade() -> None:
    op.create_table(
        "source_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("charset", sa.String(length=40), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("ocr_pages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_files_sha256")),
    )
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_files_document_sha256"), ["document_sha256"], unique=False
        )
    op.create_table(
        "source_pages",
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.CheckConstraint("char_end >= char_start", name=op.f("ck_source_pages_span_order")),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_source_pages_source_file_id_source_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_file_id", "page", name=op.f("pk_source_pages")),
    )
    op.create_table(
        "source_contents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_source_contents")),
    )
    op.execute(EVIDENCE_PAGES)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS evidence_pages")
    op.drop_table("source_contents")
    op.drop_table("source_pages")
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_files_document_sha256"))
    op.drop_table("source_files")
