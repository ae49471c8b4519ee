"""Peak memory of reading seeds, as one seed-reading worker does, against N.

A worker of ``eufunds.load._pool`` reads thousands of seeds in one process; what
it keeps per seed would grow with N. This reads every seed of a folder in this
process and prints the peak resident memory after each tenth of them:

    python bench/bench_read_memory.py bench/out/seeds-100000

(``bench/run.py`` makes the folder.) The load's own worker figure cannot show
this: Linux keeps a process's peak across exec, so the fork server that starts
the workers carries the main process's peak at the moment it was forked.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from eufunds.load._pool import _read_one


def main(argv: list[str]) -> int:
    files = sorted(Path(argv[0]).glob("*.yaml"))
    if not files:
        print(f"no seeds in {argv[0]}", file=sys.stderr)
        return 1
    step = max(1, len(files) // 10)
    started = time.perf_counter()
    print("seeds read | peak MB | seconds")
    for count, path in enumerate(files, start=1):
        _read_one((path, path.name))
        if count % step == 0 or count == len(files):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{count} | {peak:.0f} | {time.perf_counter() - started:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
