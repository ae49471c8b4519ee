"""Peak memory of ``eufunds export`` on a small and a large archive.

Builds two archives of synthetic projects through the loader (1 000 and 20 000
by default; each project has funding, objectives, results with indicators, a
partner, a contact, a source text and evidence), then runs every export format
on each in a fresh interpreter and reports the peak of Python allocations
(tracemalloc) and the process's peak resident size. Export streams, so the
large archive's peak should be about the small one's: the ratio column is the
figure to watch (1.0 is flat; 20.0 would be linear in the archive).

    python bench/bench_export_memory.py [--sizes 1000 20000] [--formats csv json ...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "json", "jsonl", "yaml", "xlsx", "datapackage")
# Seeds are loaded this many at a time: the loader holds a whole load in memory.
LOAD_CHUNK = 2000


def build_archive(database: Path, count: int, work: Path) -> float:
    """A migrated archive of ``count`` synthetic projects; returns seconds taken."""
    sys.path.insert(0, str(REPO / "tests"))
    from synthetic import write_seed_folder

    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url
    from eufunds.load.loader import load_paths

    started = time.perf_counter()
    engine = create_archive_engine(resolve_database_url(str(database)))
    migrate.upgrade(engine)
    for first in range(0, count, LOAD_CHUNK):
        folder = write_seed_folder(
            work / f"seeds-{count}-{first}", range(first, min(first + LOAD_CHUNK, count))
        )
        load_paths(engine, [folder])
    engine.dispose()
    return time.perf_counter() - started


def measure(database: Path, fmt: str, output: Path) -> dict[str, float]:
    """Run one export in this interpreter and report its peaks."""
    from eufunds.db import create_archive_engine, resolve_database_url
    from eufunds.export.exporters import export

    engine = create_archive_engine(resolve_database_url(str(database)), read_only=True)
    target = output / fmt if fmt in ("csv", "yaml", "datapackage") else output / f"export.{fmt}"
    tracemalloc.start()
    started = time.perf_counter()
    with engine.connect() as connection:
        export(connection, fmt, output=target)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    return {
        "peak_mib": peak / 2**20,
        "maxrss_mib": peak_resident_mib(),
        "seconds": seconds,
    }


def peak_resident_mib() -> float:
    """This process's peak resident size. /proc's VmHWM starts afresh at exec,
    whereas ru_maxrss can carry over the (large) parent that forked us."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)


def run_measure(database: Path, fmt: str, output: Path) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--measure", str(database), fmt, str(output)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 20000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--keep", type=Path, help="build the archives here and keep them (reused if present)")
    parser.add_argument("--measure", nargs=3, metavar=("DB", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        database, fmt, out = args.measure
        print(json.dumps(measure(Path(database), fmt, Path(out))))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        databases = {}
        for size in args.sizes:
            database = work / f"archive-{size}.db"
            if not database.exists():
                seconds = build_archive(database, size, work)
                print(f"built {size} projects in {seconds:.0f} s ({database.stat().st_size / 2**20:.0f} MiB)")
            databases[size] = database
        small, large = args.sizes
        head = f"{'format':<12}{'peak ' + str(small):>14}{'peak ' + str(large):>14}{'ratio':>8}"
        print(f"\n{head}{'maxrss ' + str(small):>16}{'maxrss ' + str(large):>16}{'time ' + str(large):>12}")
        for fmt in args.formats:
            figures = {}
            for size, database in databases.items():
                out = Path(tempfile.mkdtemp(dir=work, prefix=f"out-{fmt}-{size}-"))
                figures[size] = run_measure(database, fmt, out)
            a, b = figures[small], figures[large]
            print(
                f"{fmt:<12}{a['peak_mib']:>11.1f} MiB{b['peak_mib']:>11.1f} MiB"
                f"{b['peak_mib'] / a['peak_mib']:>8.2f}"
                f"{a['maxrss_mib']:>12.0f} MiB{b['maxrss_mib']:>12.0f} MiB{b['seconds']:>10.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
