"""Search: the best matching texts of the archive for a person's words.

The index itself (its tables, one backend per database, and its upkeep by the
loader) lives in ``eufunds.searchindex``; this is the read side's entry to it.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ..errors import SearchError
from ..searchindex import (
    DEFAULT_LIMIT,
    KINDS,
    MARK_END,
    MARK_START,
    QueryTerm,
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
) -> list[SearchHit]:
    """The best ``limit`` texts matching every word of ``search_text``, best first;
    ``mark`` surrounds each matched word in the snippets."""
    terms = parse_terms(search_text)
    with engine.connect() as connection:
        backend = backend_for(connection)
        if not backend.has_index(connection):
            raise SearchError("this archive has no search index yet; run `eufunds db upgrade`")
        return backend.search(connection, terms, limit, mark)
