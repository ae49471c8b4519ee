"""The full-text index over the archive's texts: source documents, project titles,
objectives (with how they were achieved) and results.

The index lives in tables whose names start with ``search_`` (the models do not
describe them; migration 0002 creates them). ``search_entries`` holds one row per
searchable text, as written, with the project it belongs to and where it comes
from; the full-text index over it ignores case and diacritics, and ş/ţ (cedilla,
typed on old keyboards) are folded into ș/ț (comma) before indexing and before
querying. The loader calls ``reindex_projects`` for every project it writes.

Each database has its own backend behind ``SearchBackend``: SQLite uses an FTS5
table with external content (snippets show the original spelling) ranked by
bm25; PostgreSQL uses a tsvector column built with ``unaccent``, ranked by
``ts_rank_cd``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .errors import SearchError
from .text import comma_letters, comma_letters_sql

if TYPE_CHECKING:
    from sqlalchemy import Connection, TextClause

# SQLAlchemy is imported where a statement is built, not here: a search of a
# SQLite archive from the CLI runs on sqlite3's own connection, without it.

KINDS: tuple[str, ...] = ("title", "document", "objective", "result")
DEFAULT_LIMIT = 20
# Snippet markers: plain brackets survive copying into any terminal or file.
MARK_START, MARK_END = "[", "]"
SNIPPET_TOKENS = 14


@dataclass(frozen=True)
class SearchHit:
    """One text that matched: the project, where in it, and a highlighted snippet."""

    slug: str | None
    kind: str  # one of KINDS
    label: str | None  # document file name, objective code, result level and code
    snippet: str
    rank: float  # smaller is better (bm25 on SQLite, negated ts_rank_cd on PostgreSQL)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QueryTerm:
    """A word or a quoted phrase of the user's search text; ``prefix`` for ``word*``."""

    text: str
    prefix: bool = False


_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


def parse_terms(search_text: str) -> list[QueryTerm]:
    """Split what the user typed into terms, all of which must match: words, and
    "quoted phrases". A word ending in * matches any word starting with it."""
    terms = []
    for match in _TERM.finditer(comma_letters(search_text)):
        phrase, word = match.groups()
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        if _WORD_CHARS.search(raw):
            terms.append(QueryTerm(raw, prefix))
    if not terms:
        raise SearchError(f"nothing to search for in {search_text!r}; give at least one word")
    return terms


def _text(sql: str) -> TextClause:
    from sqlalchemy import text

    return text(sql)


# --------------------------------------------------------------------------- entries

# What is searchable, as one SELECT per kind. Restricted to some projects by
# replacing {where} with a condition on project_id.
ENTRY_SOURCES: dict[str, str] = {
    "title": "SELECT id, 'title', id, NULL, title || coalesce(' (' || acronym || ')', '') "
    "FROM projects WHERE {where_id}",
    "document": "SELECT project_id, 'document', id, file_name, text FROM documents WHERE {where}",
    "objective": "SELECT project_id, 'objective', id, coalesce(code, kind), "
    "text || coalesce(' — ' || achieved, '') FROM objectives WHERE {where}",
    "result": "SELECT project_id, 'result', id, level || coalesce(' ' || code, ''), text "
    "FROM results WHERE {where}",
}


def entries_insert_sql(where: str = "1 = 1", where_id: str | None = None) -> str:
    """INSERT … SELECT filling ``search_entries`` from the archive's tables."""
    selects = [
        sql.format(where=where, where_id=where_id or where.replace("project_id", "id"))
        for sql in ENTRY_SOURCES.values()
    ]
    return "INSERT INTO search_entries (project_id, kind, source_id, label, text)\n" + "\nUNION ALL\n".join(
        selects
    )


def _insert_entries(
    connection: Connection, where: str, params: dict[str, Any], document: str | None = None
) -> None:
    """Fill ``search_entries`` for the rows ``where`` selects, with ids past the
    highest in the order an id sequence would give them, but without drawing
    from one: a PostgreSQL sequence does not roll back with a refused load
    (``PostgresSearch.settle`` moves it past the rows when the load commits).
    ``document``, if given, is the SQL of the ``document`` column, computed
    from ``s.text``."""
    head, selects = entries_insert_sql(where).split("\n", 1)
    head = head.replace("(project_id,", "(id, project_id,")
    extra, names = "", ""
    if document is not None:  # PostgreSQL only: SQLite names no subquery's columns
        head = head.replace(", text)", ", text, document)")
        extra, names = f", {document}", "(project_id, kind, source_id, label, text)"
    connection.execute(
        _text(
            head
            + f"\nSELECT (SELECT coalesce(max(id), 0) FROM search_entries) + row_number() OVER (), s.*{extra}"
            + f"\nFROM (\n{selects}\n) AS s{names}"
        ),
        params,
    )


# --------------------------------------------------------------------------- backends


class SearchBackend(Protocol):
    """What a database must provide to be searched."""

    def has_index(self, connection: Connection) -> bool: ...

    def reindex_projects(self, connection: Connection, project_ids: Sequence[int]) -> None: ...

    def rebuild(self, connection: Connection) -> None: ...

    def search(
        self,
        connection: Connection,
        terms: Sequence[QueryTerm],
        limit: int,
        mark: tuple[str, str],
        ranked: bool = True,
    ) -> list[SearchHit]: ...

    def count(self, connection: Connection, terms: Sequence[QueryTerm], at_most: int) -> int: ...


def _project_conditions(project_ids: Sequence[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``project_id IN (…)`` conditions with their parameters, a chunk of ids each."""
    for chunk in _chunks(project_ids):
        params = {f"p{i}": pid for i, pid in enumerate(chunk)}
        yield f"project_id IN ({', '.join(':' + name for name in params)})", params


class SQLiteSearch:
    """FTS5 over ``search_entries`` (external content), unicode61 with diacritics removed."""

    def has_index(self, connection: Connection | sqlite3.Connection) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_index'"
        if isinstance(connection, sqlite3.Connection):
            return connection.execute(sql).fetchone() is not None
        return connection.exec_driver_sql(sql).first() is not None

    def _remove(self, connection: Connection, where: str, params: dict[str, Any]) -> None:
        # An external-content FTS5 index forgets a row only when told the exact
        # values it indexed, so read them back from search_entries first.
        connection.execute(
            _text(
                "INSERT INTO search_index (search_index, rowid, text) "
                f"SELECT 'delete', id, {comma_letters_sql('text')} FROM search_entries WHERE {where}"
            ),
            params,
        )
        connection.execute(_text(f"DELETE FROM search_entries WHERE {where}"), params)

    def _add(self, connection: Connection, where: str, params: dict[str, Any]) -> None:
        _insert_entries(connection, where, params)
        connection.execute(
            _text(
                f"INSERT INTO search_index (rowid, text) SELECT id, {comma_letters_sql('text')} "
                f"FROM search_entries WHERE {where}"
            ),
            params,
        )

    def reindex_projects(self, connection: Connection, project_ids: Sequence[int]) -> None:
        for where, params in _project_conditions(project_ids):
            self._remove(connection, where, params)
            self._add(connection, where, params)

    def rebuild(self, connection: Connection) -> None:
        connection.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('delete-all')")
        connection.exec_driver_sql("DELETE FROM search_entries")
        self._add(connection, "1 = 1", {})

    def search(
        self,
        connection: Connection | sqlite3.Connection,
        terms: Sequence[QueryTerm],
        limit: int,
        mark: tuple[str, str],
        ranked: bool = True,
    ) -> list[SearchHit]:
        match = " ".join(_fts5_term(term) for term in terms)
        # Ranked first, snippets after: a snippet re-reads its text, and in one
        # query SQLite would make one for every match before keeping the best
        # `limit` (a word every release has: every release). The second MATCH
        # only gives snippet() its cursor; rowid is search_entries.id, so the
        # order is the same (rank, then id). 1.5x faster at 10 000 projects.
        # Unranked, the newest entries come first, read straight off the index.
        best, order = (
            ("bm25(search_index) AS rank", "rank, rowid") if ranked else ("0.0 AS rank", "rowid DESC")
        )
        rows = _driver_rows(
            connection,
            f"WITH best AS (SELECT rowid AS id, {best} FROM search_index "
            f"WHERE search_index MATCH ?1 ORDER BY {order} LIMIT ?2) "
            "SELECT p.slug, e.kind, e.label, snippet(search_index, 0, ?3, ?4, '…', ?5), best.rank "
            "FROM best JOIN search_index ON search_index.rowid = best.id AND search_index MATCH ?1 "
            "JOIN search_entries e ON e.id = best.id LEFT JOIN projects p ON p.id = e.project_id "
            f"ORDER BY {'best.rank, best.id' if ranked else 'best.id DESC'}",
            (match, limit, mark[0], mark[1], SNIPPET_TOKENS),
        )
        return [
            SearchHit(slug, kind, label, _one_line(snippet), rank)
            for slug, kind, label, snippet, rank in rows
        ]

    def count(self, connection: Connection, terms: Sequence[QueryTerm], at_most: int) -> int:
        match = " ".join(_fts5_term(term) for term in terms)
        return int(
            connection.execute(
                _text(
                    "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH :match "
                    "LIMIT :at_most)"
                ),
                {"match": match, "at_most": at_most},
            ).scalar_one()
        )


def _driver_rows(
    connection: Connection | sqlite3.Connection, sql: str, params: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """The rows of one read on the connection's own DBAPI cursor. SQLAlchemy's
    statement machinery cost more than the search of a rare word itself (0.47
    against 0.29 ms at 10 000 projects); its errors are wrapped as SQLAlchemy
    wraps them, so callers catch the same exceptions (a time limit's interrupt
    among them). A sqlite3 connection itself is read as it is, its errors left
    as sqlite3 raises them."""
    if isinstance(connection, sqlite3.Connection):
        return connection.execute(sql, params).fetchall()
    from sqlalchemy.exc import DBAPIError

    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(sql, params).fetchall())
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dbapi.Error, dialect=connection.dialect) from exc
    finally:
        cursor.close()


def _fts5_term(term: QueryTerm) -> str:
    # A double-quoted FTS5 string is tokenised like the text, so punctuation
    # inside it ("9001:2015", "și-a") becomes a phrase instead of query syntax.
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


PG_CONFIG = "eufunds_search"


class PostgresSearch:
    """A tsvector per entry, built with the ``eufunds_search`` text search
    configuration (simple + unaccent), GIN-indexed, ranked by ts_rank_cd."""

    def has_index(self, connection: Connection) -> bool:
        return connection.exec_driver_sql("SELECT to_regclass('search_entries')").scalar() is not None

    def _add(self, connection: Connection, where: str, params: dict[str, Any]) -> None:
        # The tsvector is made as each entry is inserted: an UPDATE after the
        # INSERT wrote every entry (and its GIN keys) twice.
        document = f"to_tsvector('{PG_CONFIG}', {comma_letters_sql('s.text')})"
        _insert_entries(connection, where, params, document)

    def reindex_projects(self, connection: Connection, project_ids: Sequence[int]) -> None:
        for where, params in _project_conditions(project_ids):
            connection.execute(_text(f"DELETE FROM search_entries WHERE {where}"), params)
            self._add(connection, where, params)

    def rebuild(self, connection: Connection) -> None:
        connection.exec_driver_sql("DELETE FROM search_entries")
        self._add(connection, "1 = 1", {})
        self.settle(connection)

    def settle(self, connection: Connection) -> None:
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('search_entries', 'id'), max_id) "
            "FROM (SELECT max(id) AS max_id FROM search_entries) AS m WHERE max_id IS NOT NULL"
        )

    def _query(self, terms: Sequence[QueryTerm]) -> tuple[str, dict[str, str]]:
        parts, params = [], {}
        for i, term in enumerate(terms):
            params[f"t{i}"] = term.text
            if term.prefix:
                # to_tsquery needs a single lexeme for :*; quote it so punctuation
                # cannot become query syntax.
                parts.append(f"to_tsquery('{PG_CONFIG}', quote_literal(:t{i}) || ':*')")
            else:
                parts.append(f"phraseto_tsquery('{PG_CONFIG}', :t{i})")
        return " && ".join(parts), params

    def search(
        self,
        connection: Connection,
        terms: Sequence[QueryTerm],
        limit: int,
        mark: tuple[str, str],
        ranked: bool = True,
    ) -> list[SearchHit]:
        query, params = self._query(terms)
        options = (
            f'StartSel="{mark[0]}", StopSel="{mark[1]}", '
            f"MaxWords={SNIPPET_TOKENS + 10}, MinWords={SNIPPET_TOKENS}"
        )
        # Ranked first, the kept hits' snippets and projects after: in one
        # query PostgreSQL joined every match to its project before sorting.
        # The query is written out in each part, not shared in a CTE: a CTE
        # read twice is materialised, and a scan that reads one cannot be
        # parallel. Unranked, the newest entries are kept off the primary key
        # and only theirs are ranked. The order is the same (rank, then id).
        best = (
            f"SELECT e.id, -ts_rank_cd(e.document, ({query}), 1) AS rank FROM search_entries e "
            f"WHERE e.document @@ ({query}) ORDER BY rank, e.id LIMIT :limit"
            if ranked
            else f"SELECT e.id, NULL::real AS rank FROM search_entries e "
            f"WHERE e.document @@ ({query}) ORDER BY e.id DESC LIMIT :limit"
        )
        rows = connection.execute(
            _text(
                f"WITH best AS ({best}) "
                "SELECT p.slug, e.kind, e.label, "
                f"ts_headline('{PG_CONFIG}', e.text, ({query}), :options) AS snippet, "
                # Normalisation 1 divides by 1 + log(length), so a short text about the
                # words ranks above a long one that mentions them, as bm25 does.
                f"coalesce(best.rank, -ts_rank_cd(e.document, ({query}), 1)) AS rank "
                "FROM best JOIN search_entries e ON e.id = best.id "
                "LEFT JOIN projects p ON p.id = e.project_id "
                f"ORDER BY {'best.rank, best.id' if ranked else 'best.id DESC'}"
            ),
            {**params, "options": options, "limit": limit},
        )
        return [SearchHit(r.slug, r.kind, r.label, _one_line(r.snippet), float(r.rank)) for r in rows]

    def count(self, connection: Connection, terms: Sequence[QueryTerm], at_most: int) -> int:
        query, params = self._query(terms)
        return int(
            connection.execute(
                _text(
                    f"SELECT count(*) FROM (SELECT 1 FROM search_entries e WHERE e.document @@ ({query}) "
                    "LIMIT :at_most) AS found"
                ),
                {**params, "at_most": at_most},
            ).scalar_one()
        )


def _one_line(snippet: str) -> str:
    # Documents keep their line breaks; a snippet is read as one line.
    return " ".join(snippet.split())


def backend_for(connection: Connection) -> SearchBackend:
    name = connection.dialect.name
    if name == "sqlite":
        return SQLiteSearch()
    if name == "postgresql":
        return PostgresSearch()
    raise SearchError(f"full-text search is not available on {name}")


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    # Stay well under SQLite's limit on bound parameters per statement.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --------------------------------------------------------------------------- public


def settle_index(connection: Connection) -> None:
    """Just before a load commits: move the index's id sequence past its rows
    (PostgreSQL; SQLite needs nothing)."""
    backend = backend_for(connection)
    if isinstance(backend, PostgresSearch) and backend.has_index(connection):
        backend.settle(connection)


def reindex_projects(connection: Connection, project_ids: Sequence[int]) -> None:
    """Bring the index in step with these projects' current rows (inside the
    caller's transaction). Does nothing on an archive not yet migrated to the
    search index; the migration that adds it indexes everything."""
    if not project_ids:
        return
    backend = backend_for(connection)
    if backend.has_index(connection):
        backend.reindex_projects(connection, list(project_ids))


def rebuild_index(connection: Connection) -> None:
    """Index the whole archive again from scratch (inside the caller's transaction)."""
    backend_for(connection).rebuild(connection)
