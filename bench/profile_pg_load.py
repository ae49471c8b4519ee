"""Where a PostgreSQL load's time goes: the database time of each kind of
statement the loader sends (issue 20, item 4).

Loads ``bench/out/seeds-N`` (``bench/run.py`` writes them) into a throwaway
cluster (``tests/pgcluster.py``) and adds up, per statement kind, the wall time
the loader's connection spends waiting for the server: SQLAlchemy's
before/after cursor events for statements, a wrapper for each COPY. What is
left of the wall time is the loader's own work and the waits for seeds.

    python bench/profile_pg_load.py --size 10000
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests")]

from pgcluster import PostgresCluster  # noqa: E402
from sqlalchemy import event  # noqa: E402

from eufunds import migrate  # noqa: E402
from eufunds.db import create_archive_engine  # noqa: E402
from eufunds.load import _pgcopy  # noqa: E402
from eufunds.load.loader import load_paths  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=10000, help="seeds to load (bench/out/seeds-N; default 10000)"
    )
    parser.add_argument("--top", type=int, default=15, help="statement kinds to show (default 15)")
    args = parser.parse_args(argv)
    seeds = HERE / "out" / f"seeds-{args.size}"
    if not seeds.is_dir():
        parser.error(f"{seeds} is missing: python bench/run.py --sizes {args.size} writes it")
    spent: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[str] = collections.Counter()
    cluster = PostgresCluster.start()
    try:
        engine = create_archive_engine(cluster.create_database("profile"))
        migrate.upgrade(engine)

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            conn.info.setdefault("started", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            kind = " ".join(statement.split("(")[0].split())[:60]
            if statement.lstrip().startswith("INSERT INTO search_entries"):
                kind = "INSERT INTO search_entries … SELECT (to_tsvector)"
            spent[kind] += time.perf_counter() - conn.info["started"].pop()
            counts[kind] += 1

        real_write = _pgcopy.CopyInto.write

        def write(self: _pgcopy.CopyInto, connection: Any, rows: list[dict[str, Any]]) -> None:
            started = time.perf_counter()
            real_write(self, connection, rows)
            kind = "COPY " + self.sql.split()[1]
            spent[kind] += time.perf_counter() - started
            counts[kind] += 1

        _pgcopy.CopyInto.write = write  # type: ignore[method-assign]
        started, cpu = time.perf_counter(), time.process_time()
        load_paths(engine, [seeds])
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        engine.dispose()
    finally:
        cluster.stop()
    waited = sum(spent.values())
    print(f"{args.size} seeds: {wall:.1f} s wall; the writer's CPU {cpu:.1f} s; ", end="")
    print(f"waiting on the server {waited:.1f} s")
    print("| statement | s | times | share of the wall time |")
    print("|---|---|---|---|")
    for kind, seconds in spent.most_common(args.top):
        print(f"| `{kind}` | {seconds:.2f} | {counts[kind]} | {seconds / wall:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
