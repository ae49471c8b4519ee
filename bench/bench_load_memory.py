"""Where a load's main process keeps memory: Python objects against RSS.

    python bench/bench_load_memory.py SEED_FOLDER [SCRATCH.db]

Loads the folder into a fresh archive with ``tracemalloc`` on in this process
(seed-reading workers are not traced) and prints the traced peak and what is
still held at the end, the peak RSS, and the largest places still holding
memory. A traced peak far below the RSS points at native memory (SQLite,
allocator arenas) rather than at Python objects. Slower than a plain load.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from eufunds import migrate
from eufunds.db import create_archive_engine
from eufunds.load.loader import load_paths


def main(argv: list[str]) -> int:
    seeds = Path(argv[0])
    scratch = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp()) / "archive.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    engine = create_archive_engine(f"sqlite:///{scratch}")
    migrate.upgrade(engine)
    tracemalloc.start(6)
    started = time.perf_counter()
    report = load_paths(engine, [seeds], keep_slugs=False)
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{report.counts['inserted']} inserted in {time.perf_counter() - started:.0f} s; Python objects: "
        f"peak {peak / 2**20:.0f} MB, held at the end {current / 2**20:.0f} MB; peak RSS {rss:.0f} MB"
    )
    for stat in snapshot.statistics("traceback")[:5]:
        print(f"{stat.size / 2**20:.1f} MB in {stat.count} blocks, from:")
        for line in stat.traceback.format()[-4:]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
