"""Search: the best matching texts of the archive for a person's words.

The index itself (its tables, one backend per database, and its upkeep by the
loader) lives in ``eufunds.searchindex``; this is the read side's entry to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..db import is_database_error
from ..errors import SearchError
from ..searchindex import (
    DEFAULT_LIMIT,
    KINDS,
    MARK_END,
    MARK_START,
    QueryTerm,
    SearchBackend,
    SearchHit,
    SQLiteSearch,
    backend_for,
    parse_terms,
    rebuild_index,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "DEFAULT_LIMIT",
    "KINDS",
    "MARK_END",
    "MARK_START",
    "QueryTerm",
    "SearchError",
    "SearchHit",
    "count_matches",
    "parse_terms",
    "rebuild_index",
    "search",
]


def search(
    engine: Engine | Connection | sqlite3.Connection,
    search_text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    mark: tuple[str, str] = (MARK_START, MARK_END),
    ranked: bool = True,
) -> list[SearchHit]:
    """The best ``limit`` texts matching every word of ``search_text``, best first;
    ``mark`` surrounds each matched word in the snippets. Not ``ranked``: the
    newest matching texts first, at a cost that does not grow with the matches.
    ``engine`` may be a connection already open: SQLAlchemy's, or sqlite3's own
    on a SQLite archive (the CLI's, which spares it importing SQLAlchemy)."""
    terms = parse_terms(search_text)
    if isinstance(engine, sqlite3.Connection):
        return _search(engine, SQLiteSearch(), terms, limit, mark, ranked)
    from sqlalchemy import Connection

    if isinstance(engine, Connection):
        return _search(engine, backend_for(engine), terms, limit, mark, ranked)
    with engine.connect() as connection:
        return _search(connection, backend_for(connection), terms, limit, mark, ranked)


def _search(
    connection: Any,  # the backend's kind of connection
    backend: SearchBackend,
    terms: Sequence[QueryTerm],
    limit: int,
    mark: tuple[str, str],
    ranked: bool,
) -> list[SearchHit]:
    try:
        return backend.search(connection, terms, limit, mark, ranked)
    except Exception as exc:
        if not is_database_error(exc):
            raise
        # The index is looked for only when a search fails: for a rare word
        # the look-up cost as much as the search itself.
        connection.rollback()
        _indexed(connection, backend)
        raise


def count_matches(engine: Engine, search_text: str, *, at_most: int) -> int:
    """How many texts match ``search_text``, counted up to ``at_most`` (so the
    count costs no more than that many matches)."""
    terms = parse_terms(search_text)
    with engine.connect() as connection:
        return _indexed(connection, backend_for(connection)).count(connection, terms, at_most)


def _indexed(connection: Any, backend: SearchBackend) -> SearchBackend:
    if not backend.has_index(connection):
        raise SearchError("this archive has no search index yet; run `eufunds db upgrade`")
    return backend
