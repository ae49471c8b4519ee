"""Search: the best matching texts of the archive for a person's words.

The index itself (its tables, one backend per database, and its upkeep by the
loader) lives in ``eufunds.searchindex``; this is the read side's entry to it.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..errors import SearchError
from ..searchindex import (
    DEFAULT_LIMIT,
    KINDS,
    MARK_END,
    MARK_START,
    QueryTerm,
    SearchBackend,
    SearchHit,
    backend_for,
    parse_terms,
    rebuild_index,
)

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
    engine: Engine,
    search_text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    mark: tuple[str, str] = (MARK_START, MARK_END),
    ranked: bool = True,
) -> list[SearchHit]:
    """The best ``limit`` texts matching every word of ``search_text``, best first;
    ``mark`` surrounds each matched word in the snippets. Not ``ranked``: the
    newest matching texts first, at a cost that does not grow with the matches."""
    terms = parse_terms(search_text)
    with engine.connect() as connection:
        backend = backend_for(connection)
        try:
            return backend.search(connection, terms, limit, mark, ranked)
        except DBAPIError:
            # The index is looked for only when a search fails: for a rare word
            # the look-up cost as much as the search itself.
            connection.rollback()
            _indexed(connection)
            raise


def count_matches(engine: Engine, search_text: str, *, at_most: int) -> int:
    """How many texts match ``search_text``, counted up to ``at_most`` (so the
    count costs no more than that many matches)."""
    terms = parse_terms(search_text)
    with engine.connect() as connection:
        return _indexed(connection).count(connection, terms, at_most)


def _indexed(connection: Connection) -> SearchBackend:
    backend = backend_for(connection)
    if not backend.has_index(connection):
        raise SearchError("this archive has no search index yet; run `eufunds db upgrade`")
    return backend
