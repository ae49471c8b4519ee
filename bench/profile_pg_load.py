"""Where a PostgreSQL load's time goes: the database time of each kind of
statement the loader sends (issue 20, item 4).

Loads ``bench/out/seeds-N`` (``bench/run.py`` writes them) into a throwaway
cluster (``tests/pgcluster.py``) and adds up, per statement kind, the wall time
the loader's connection spends waiting for the server: SQLAlchemy's
before/after cursor events for statements, a wrapper for each COPY. Since
the loader sends its writes ahead (``load._outbox``), these are spent on the
writes' own thread, beside the loader's work rather than after it.

It also prints where the machine's CPU went: the loading process's, the
server process's (read from ``/proc``: the cluster is local) and every
process's together (``/proc/stat``), against the cores' time over the load.
On a machine with few cores that sum, not any one wait, is what bounds the
wall time.

    python bench/profile_pg_load.py --size 10000
"""

from __future__ import annotations

import argparse
import collections
import os
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


def process_cpu(pid: int) -> float:
    """CPU seconds (user and system) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """CPU seconds every process has used so far, and the cores' time so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / tick, sum(values) / tick


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
        servers: list[int] = []

        @event.listens_for(engine, "connect")
        def connected(dbapi_connection: Any, record: Any) -> None:
            servers.append(dbapi_connection.info.backend_pid)

        engine.dispose()  # the load's connection is a new one, whose server process is known
        with engine.connect():
            pass
        server_before = {pid: process_cpu(pid) for pid in servers}
        busy_before, cores_before = machine_cpu()
        started, cpu = time.perf_counter(), time.process_time()
        load_paths(engine, [seeds])
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        busy_after, cores_after = machine_cpu()
        busy, cores = busy_after - busy_before, cores_after - cores_before
        server = sum(process_cpu(pid) - server_before.get(pid, 0.0) for pid in servers)
        engine.dispose()
    finally:
        cluster.stop()
    waited = sum(spent.values())
    print(f"{args.size} seeds: {wall:.1f} s wall; the writer's CPU {cpu:.1f} s; ", end="")
    print(f"on the connection {waited:.1f} s")
    print(
        f"CPU: the server's process {server:.1f} s; every process {busy:.1f} s of the cores' "
        f"{cores:.1f} s ({busy / cores:.0%}); the seed readers and the rest {busy - cpu - server:.1f} s"
    )
    print("| statement | s | times | share of the wall time |")
    print("|---|---|---|---|")
    for kind, seconds in spent.most_common(args.top):
        print(f"| `{kind}` | {seconds:.2f} | {counts[kind]} | {seconds / wall:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
