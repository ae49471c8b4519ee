"""PostgreSQL search against the bare ranked query on the same index (issue 20,
item 1), and what finding and ranking a word's matches costs.

Loads ``bench/out/seeds-N`` (``bench/run.py`` writes them) into a throwaway
cluster (``tests/pgcluster.py``), then times, in turns on one connection:

- **before**: the single query search ran until commit 3ca5aed (kept in
  ``tests/test_search_order.py`` as the reference for the order);
- **ours**: ``PostgresSearch.search`` as ``eufunds search`` calls it;
- **bare**: ``SELECT id, -ts_rank_cd(…) … WHERE document @@ q ORDER BY … LIMIT 20``.

With ``--profile`` it also times, for each one-word query, counting the
matches, reading their ids, and ranking every one of them.

    python bench/bench_pg_search.py --size 10000 --repeats 7
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests")]

import psycopg  # noqa: E402
from pgcluster import PostgresCluster, _libpq  # noqa: E402
from sqlalchemy import text  # noqa: E402
from test_search_order import plain_postgresql_search  # noqa: E402

from eufunds import migrate  # noqa: E402
from eufunds.db import create_archive_engine  # noqa: E402
from eufunds.load.loader import load_paths  # noqa: E402
from eufunds.searchindex import PostgresSearch, parse_terms  # noqa: E402

MARKS = ("[", "]")
QUERIES = [
    "de",
    "prin",
    "calitate",
    "workshopuri",
    "Timisoara",
    "cursuri specializate",
    "Fondul Social European",
    "Brașov transparenței",
]


def _summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000, help="seeds to load (default 10000)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each query (default 7)")
    parser.add_argument("--profile", action="store_true", help="also time counting and ranking every match")
    args = parser.parse_args(argv)
    seeds = HERE / "out" / f"seeds-{args.size}"
    if not seeds.is_dir():
        parser.error(f"{seeds} is missing: python bench/run.py --sizes {args.size} writes it")
    cluster = PostgresCluster.start()
    try:
        url = cluster.create_database("search")
        engine = create_archive_engine(url)
        migrate.upgrade(engine)
        started = time.perf_counter()
        load_paths(engine, [seeds])
        print(f"{args.size} seeds loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        with psycopg.connect(_libpq(url), autocommit=True) as raw:
            raw.execute("VACUUM ANALYZE")
        print("| N | query | before median / p95 ms | ours median / p95 ms | bare median / p95 ms |")
        print("|---|---|---|---|---|")
        profiles = []
        for words in QUERIES:
            terms = parse_terms(words)
            query, params = PostgresSearch()._query(terms)
            bare = text(
                f"SELECT e.id, -ts_rank_cd(e.document, ({query}), 1) AS rank FROM search_entries e "
                f"WHERE e.document @@ ({query}) ORDER BY rank, e.id LIMIT 20"
            )
            times: dict[str, list[float]] = {"before": [], "ours": [], "bare": []}
            with engine.connect() as connection:
                for _ in range(args.repeats):
                    for name, run in (
                        ("before", functools.partial(plain_postgresql_search, engine, words, 20, True)),
                        ("ours", functools.partial(PostgresSearch().search, connection, terms, 20, MARKS)),
                        ("bare", functools.partial(_timed, connection, bare, params)),
                    ):
                        begun = time.perf_counter()
                        run()
                        times[name].append(time.perf_counter() - begun)
                if args.profile and len(terms) == 1:
                    where = f"FROM search_entries e WHERE e.document @@ ({query})"
                    row = [words]
                    for select in (
                        f"SELECT count(*) {where}",
                        f"SELECT e.id {where}",
                        f"SELECT ts_rank_cd(e.document, ({query}), 1) {where}",
                    ):
                        best = min(_timed(connection, text(select), params) for _ in range(3))
                        row.append(f"{best * 1000:.0f} ms")
                    row.insert(1, str(connection.execute(text(f"SELECT count(*) {where}"), params).scalar()))
                    profiles.append(row)
            print(
                f"| {args.size} | {words} | {_summary(times['before'])} | {_summary(times['ours'])} "
                f"| {_summary(times['bare'])} |"
            )
        if profiles:
            print("\n| word | matching entries | count(*) | every id | every ts_rank_cd |")
            print("|---|---|---|---|---|")
            for row in profiles:
                print("| " + " | ".join(row) + " |")
        engine.dispose()
    finally:
        cluster.stop()
    return 0


def _timed(connection: object, statement: object, params: dict[str, str]) -> float:
    begun = time.perf_counter()
    connection.execute(statement, params).all()  # type: ignore[attr-defined]
    return time.perf_counter() - begun


if __name__ == "__main__":
    sys.exit(main())
