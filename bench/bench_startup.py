"""Start-up: the wall time of short CLI commands on the seeds' archive (issue 20,
item 2: ``--help`` ≤ 150 ms; ``show``, ``list``, ``search`` ≤ 300 ms).

Each command runs as a fresh process, as a person runs it, ``--repeat`` times
after one untimed run that compiles its modules (into a bytecode cache in a
temporary folder, as an installed package has them, even where
PYTHONDONTWRITEBYTECODE is set), taking turns with the limit measured in the
same run: the same interpreter
importing click and exiting (``python -c "import click"``), the least any click
command pays. ``--before SRC`` times another source tree too (a ``src/``
unpacked from an older commit with ``git archive``), in the same turns, on the
same archive. Medians are printed with the ratio ours / limit.

    python bench/bench_startup.py
    git archive 8707f12 src migrations | tar -x -C /tmp/before
    python bench/bench_startup.py --before /tmp/before/src --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

COMMANDS: list[list[str]] = [
    ["--help"],
    ["list"],
    ["list", "--format", "json"],
    ["show", "primaria-calafat-management-calitate"],
    ["search", "proiect"],
]
_MAIN = "from eufunds.cli import main; main()"


def wall_time(argv: list[str], src: Path | None, pycache: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def build_archive(folder: Path) -> Path:
    db = folder / "seeds.db"
    argv = [sys.executable, "-c", _MAIN, "--db", str(db), "build", "--seeds", str(REPO / "seeds")]
    subprocess.run(argv, env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=True, capture_output=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another src/ tree to time in the same turns")
    args = parser.parse_args()
    trees = {"after": REPO / "src"}
    if args.before is not None:
        trees = {"before": args.before.resolve(), **trees}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        db = build_archive(Path(tmp))
        limit_argv = [sys.executable, "-c", "import click"]
        # One cache per tree: the trees hold modules of the same names.
        caches = {name: Path(tmp) / f"pycache-{name}" for name in trees}
        print("| command | tree | median ms | runs ms | limit median ms | ours / limit |")
        print("|---|---|---|---|---|---|")
        for command in COMMANDS:
            argv = [sys.executable, "-c", _MAIN, "--db", str(db), *command]
            times: dict[str, list[float]] = {name: [] for name in trees}
            limits: list[float] = []
            wall_time(limit_argv, None, caches["after"])
            for name, src in trees.items():
                wall_time(argv, src, caches[name])
            for _ in range(args.repeat):
                limits.append(wall_time(limit_argv, None, caches["after"]))
                for name, src in trees.items():
                    times[name].append(wall_time(argv, src, caches[name]))
            limit = statistics.median(limits)
            for name, runs in times.items():
                ours = statistics.median(runs)
                shown = " ".join(f"{t * 1000:.0f}" for t in runs)
                print(
                    f"| eufunds {' '.join(command)} | {name} | {ours * 1000:.0f} | {shown} | "
                    f"{limit * 1000:.0f} | {ours / limit:.2f} |"
                )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
