"""Search ranks in a subquery and makes snippets (and finds projects) for the
kept hits only — on SQLite on the connection's DBAPI cursor; it gives the same
hits, snippets and ranks, in the same order, as the plain query that ranks and
snippets every match through SQLAlchemy, on a generated archive where many
texts tie. On PostgreSQL the plain query is the one search ran before."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgcluster import PostgresCluster
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.db import create_archive_engine
from eufunds.load.loader import load_paths
from eufunds.read.search import SearchHit, parse_terms, search

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/ is not a package)

QUERIES = [
    "calitate",
    "cursuri specializate",
    "ISO 9001",
    "Fondul Social European",
    "Timisoara",
    "managementul proiectelor",
    "workshopuri",
    "bugetul national",
    "Politici publice",
    "Brașov transparenței",
    '"Fondul Social"',
    "transpar*",
    "de",
    "nicăieri-cuvântul-acesta",
]


@pytest.fixture(scope="module")
def generated_archive(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("search-order")
    seeds = generate.generate(60, folder / "seeds")
    engine = create_archive_engine(f"sqlite:///{folder / 'archive.db'}")
    migrate.upgrade(engine)
    load_paths(engine, [seeds])
    return engine


@pytest.fixture(scope="module")
def generated_postgresql_archive(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Engine]:
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    engine = create_archive_engine(url)
    try:
        migrate.upgrade(engine)
        load_paths(engine, [generate.generate(60, tmp_path_factory.mktemp("search-order-pg") / "seeds")])
        yield engine
    finally:
        engine.dispose()
        cluster.drop_database(url)


def plain_search(engine: Engine, words: str, limit: int, ranked: bool) -> list[SearchHit]:
    match = " ".join(
        '"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "") for t in parse_terms(words)
    )
    rank, order = (
        ("bm25(search_index)", "rank, search_index.rowid") if ranked else ("0.0", "search_index.rowid DESC")
    )
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT p.slug, e.kind, e.label, snippet(search_index, 0, '[', ']', '…', 14) AS snippet, "
                f"{rank} AS rank FROM search_index JOIN search_entries e ON e.id = search_index.rowid "
                "LEFT JOIN projects p ON p.id = e.project_id "
                f"WHERE search_index MATCH :match ORDER BY {order} LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        ).all()
    return [SearchHit(r.slug, r.kind, r.label, " ".join(r.snippet.split()), r.rank) for r in rows]


def plain_postgresql_search(engine: Engine, words: str, limit: int, ranked: bool) -> list[SearchHit]:
    parts, params = [], {}
    for i, term in enumerate(parse_terms(words)):
        params[f"t{i}"] = term.text
        parts.append(
            f"to_tsquery('eufunds_search', quote_literal(:t{i}) || ':*')"
            if term.prefix
            else f"phraseto_tsquery('eufunds_search', :t{i})"
        )
    options = 'StartSel="[", StopSel="]", MaxWords=24, MinWords=14'
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                f"WITH q AS (SELECT {' && '.join(parts)} AS query) "
                "SELECT p.slug, e.kind, e.label, ts_headline('eufunds_search', e.text, q.query, :options) "
                "AS snippet, -ts_rank_cd(e.document, q.query, 1) AS rank "
                "FROM search_entries e CROSS JOIN q LEFT JOIN projects p ON p.id = e.project_id "
                f"WHERE e.document @@ q.query ORDER BY {'rank, e.id' if ranked else 'e.id DESC'} LIMIT :limit"
            ),
            {**params, "options": options, "limit": limit},
        ).all()
    return [SearchHit(r.slug, r.kind, r.label, " ".join(r.snippet.split()), float(r.rank)) for r in rows]


@pytest.mark.parametrize("limit", [1, 20, 500])
@pytest.mark.parametrize("ranked", [True, False])
def test_search_on_postgresql_gives_the_plain_querys_hits_in_its_order(
    generated_postgresql_archive: Engine, limit: int, ranked: bool
) -> None:
    for words in QUERIES:
        assert search(
            generated_postgresql_archive, words, limit=limit, ranked=ranked
        ) == plain_postgresql_search(generated_postgresql_archive, words, limit, ranked), words


@pytest.mark.parametrize("limit", [1, 20, 500])
@pytest.mark.parametrize("ranked", [True, False])
def test_search_gives_the_plain_querys_hits_in_its_order(
    generated_archive: Engine, limit: int, ranked: bool
) -> None:
    for words in QUERIES:
        assert search(generated_archive, words, limit=limit, ranked=ranked) == plain_search(
            generated_archive, words, limit, ranked
        ), words


def test_the_generated_archive_has_ties_and_more_matches_than_a_page(generated_archive: Engine) -> None:
    hits = search(generated_archive, "calitate", limit=500)
    assert len(hits) > 20
    assert len({hit.rank for hit in hits}) < len(hits)
