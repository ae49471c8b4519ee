"""full-text search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

``search_entries`` holds every searchable text (project titles, source
documents, objectives with how they were achieved, results) as written, with its
project and origin. On SQLite, ``search_index`` is an FTS5 index over it
(external content, so snippets show the original spelling); on PostgreSQL a
tsvector column built with unaccent does the same. Cedilla ş/ţ are folded to
comma ș/ț before indexing. The index is built here for the data already in the
archive; afterwards the loader keeps it in step (eufunds.searchindex).

The SQL is frozen here on purpose rather than imported from eufunds.searchindex, so
this revision does the same thing whatever the package later becomes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(expression: str) -> str:
    for cedilla, comma in (("ş", "ș"), ("ţ", "ț"), ("Ş", "Ș"), ("Ţ", "Ț")):
        expression = f"replace({expression}, '{cedilla}', '{comma}')"
    return expression


FILL_ENTRIES = """
INSERT INTO search_entries (project_id, kind, source_id, label, text)
SELECT id, 'title', id, NULL, title || coalesce(' (' || acronym || ')', '') FROM projects
UNION ALL
SELECT project_id, 'document', id, file_name, text FROM documents
UNION ALL
SELECT project_id, 'objective', id, coalesce(code, kind), text || coalesce(' — ' || achieved, '') FROM objectives
UNION ALL
SELECT project_id, 'result', id, level || coalesce(' ' || code, ''), text FROM results
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        """
        CREATE TABLE search_entries (
            id INTEGER PRIMARY KEY,
            project_id INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('title', 'document', 'objective', 'result')),
            source_id INTEGER NOT NULL,
            label TEXT,
            text TEXT NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX search_entries_project_id ON search_entries (project_id)")
    # remove_diacritics 2 folds every Latin diacritic, including letters that carry
    # two; content= keeps the texts once, in search_entries, for snippets.
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "text, content='search_entries', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(FILL_ENTRIES)
    op.execute(f"INSERT INTO search_index (rowid, text) SELECT id, {_fold('text')} FROM search_entries")


def _upgrade_postgresql() -> None:
    # unaccent is a trusted extension (PostgreSQL 13+): a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION eufunds_search (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION eufunds_search "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
    )
    op.execute(
        """
        CREATE TABLE search_entries (
            id SERIAL PRIMARY KEY,
            project_id INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('title', 'document', 'objective', 'result')),
            source_id INTEGER NOT NULL,
            label TEXT,
            text TEXT NOT NULL,
            document TSVECTOR
        )
        """
    )
    op.execute("CREATE INDEX search_entries_project_id ON search_entries (project_id)")
    op.execute("CREATE INDEX search_entries_document ON search_entries USING gin (document)")
    op.execute(FILL_ENTRIES)
    op.execute(f"UPDATE search_entries SET document = to_tsvector('eufunds_search', {_fold('text')})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_entries")
        op.execute("DROP TEXT SEARCH CONFIGURATION eufunds_search")
        # unaccent stays: other objects in the database may use it.
        return
    op.execute("DROP TABLE search_index")
    op.execute("DROP TABLE search_entries")
