"""The archive at a million projects (issue 20, item 5): search, ``show`` and
export memory, with the rows generated straight into the tables.

Loading a million seed files would take this machine most of a day and more
disk than it has, so the archive is grown instead: ``bench/bench_web.py``'s
archive of ``--base`` generated projects is loaded through the loader, then
its per-project rows (projects and everything that hangs off them: funding,
objectives, results, indicators, documents, contacts, partners, and, with
``--evidence``, the evidence rows) are copied ``N / base`` times by
``INSERT … SELECT`` with new ids, slugs and codes, and the full-text index is
rebuilt over the whole. Bodies, programmes, axes and objectives are shared, as
they would be. The result is kept as ``WORK/web-N.db`` so that
``python bench/bench_search.py --sizes N`` measures search on it too.

Then, each in a fresh interpreter:

- ``show`` of a project in the middle of the archive, wall time of the whole
  command (target ≤ 300 ms), beside ``show`` on the base archive;
- ``export --format csv|jsonl --output …`` of the whole archive, with the peak
  resident size (flat memory: the same peak as on the base archive).

    python bench/bench_scale.py --projects 1000000 [--base 1000] [--work bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests"), str(REPO / "src")]

from bench_web import build  # noqa: E402
from run import machine  # noqa: E402

# Tables copied per project, parents before children. Anything else (bodies,
# programmes, axes, objectives, loads, lists) is shared by the copies.
PER_PROJECT = (
    "projects", "documents", "project_funds", "funding_sources", "partners", "contacts", "objectives",
    "results", "indicators", "indicator_topics", "restatements", "evidence",
)  # fmt: skip
# Columns unique across the archive: each copy makes its own.
UNIQUE_TEXT = {
    ("projects", "slug"): "{col} || '-c' || {k}",
    ("projects", "mysmis_code"): "{col} || '.' || {k}",
    ("projects", "sipoca_code"): "{col} || '.' || {k}",
    ("documents", "sha256"): "substr({col}, 1, 56) || printf('%08x', {k})",
}


def grow(base_archive: Path, archive: Path, projects: int, evidence: bool) -> None:
    """Copy ``base_archive`` to ``archive`` and grow it to ``projects`` projects."""
    from sqlalchemy import create_engine

    from eufunds.models import Base
    from eufunds.searchindex import rebuild_index

    shutil.copyfile(base_archive, archive)
    tables = [t for t in PER_PROJECT if evidence or t != "evidence"]
    connection = sqlite3.connect(archive, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA foreign_keys = OFF")
    base_count = connection.execute("SELECT count(*) FROM projects").fetchone()[0]
    if projects % base_count:
        raise SystemExit(f"--projects must be a multiple of the base's {base_count} projects")
    copies = projects // base_count
    if not evidence:
        connection.execute("DELETE FROM evidence")
    span = {t: connection.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in tables}
    started = time.perf_counter()
    connection.execute("BEGIN")
    for k in range(1, copies):
        for name in tables:
            table = Base.metadata.tables[name]
            columns, values = [], []
            for column in table.columns:
                expression = f'"{column.name}"'
                targets = {fk.column.table.name for fk in column.foreign_keys}
                if column.name == "id":
                    expression = f"{expression} + {span[name] * k}"
                elif targets & set(tables):
                    (target,) = targets
                    expression = f"{expression} + {span[target] * k}"
                elif (name, column.name) in UNIQUE_TEXT:
                    expression = UNIQUE_TEXT[name, column.name].format(col=expression, k=k)
                columns.append(f'"{column.name}"')
                values.append(expression)
            last = f" WHERE id <= {span[name]}" if span[name] else ""
            connection.execute(
                f"INSERT INTO {name} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {name}{last}"
            )
        if k % 50 == 0:
            print(f"  {k * base_count:,} projects, {time.perf_counter() - started:.0f} s", flush=True)
    connection.execute("COMMIT")
    connection.close()
    print(f"  rows copied in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    engine = create_engine(f"sqlite:///{archive}")
    with engine.begin() as session:
        rebuild_index(session)
    engine.dispose()
    print(f"  search index rebuilt in {time.perf_counter() - started:.0f} s", flush=True)


def eufunds(archive: Path, *args: str) -> tuple[float, int, str]:
    """Wall seconds, peak resident KiB and stdout of one ``eufunds`` command."""
    command = [
        "/usr/bin/time", "-f", "%e %M", sys.executable, "-c", "from eufunds.cli import main; main()",
        "--db", str(archive), *args,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    wall, peak = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(peak), done.stdout


def middle_slug(archive: Path) -> str:
    with sqlite3.connect(archive) as connection:
        count = connection.execute("SELECT count(*) FROM projects").fetchone()[0]
        return connection.execute(
            "SELECT slug FROM projects ORDER BY id LIMIT 1 OFFSET ?", (count // 2,)
        ).fetchone()[0]


def measure(archive: Path, work: Path, repeats: int) -> dict[str, Any]:
    slug = middle_slug(archive)
    eufunds(archive, "show", slug)  # the page cache warm
    shows = [eufunds(archive, "show", slug)[0] for _ in range(repeats)]
    figures: dict[str, Any] = {
        "show_seconds": statistics.median(shows),
        "show_max": max(shows),
        "exports": {},
    }
    for fmt in ("csv", "jsonl"):
        out = work / f"scale-export.{fmt}"
        if fmt == "csv":
            out.mkdir(exist_ok=True)
        wall, peak, _ = eufunds(archive, "export", "--format", fmt, "--output", str(out))
        figures["exports"][fmt] = {"seconds": wall, "peak_kib": peak}
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=1000, help="projects loaded through the loader")
    parser.add_argument("--work", type=Path, default=HERE / "out")
    parser.add_argument(
        "--evidence", action="store_true", help="copy the evidence rows too (about 3× the disk)"
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    base = build(args.base, args.work)
    archive = args.work / f"web-{args.projects}.db"
    done = args.work / f"web-{args.projects}.complete"
    if not done.exists():
        grow(base, archive, args.projects, args.evidence)
        done.write_text("")
    print(f"  archive: {archive.stat().st_size / 2**30:.1f} GiB", flush=True)
    results = {
        "base": measure(base, args.work, args.repeats),
        "grown": measure(archive, args.work, args.repeats),
    }
    results["projects"] = {"base": args.base, "grown": args.projects}
    print(json.dumps(results, indent=2))
    small, large = results["base"], results["grown"]
    print(
        f"show: {small['show_seconds'] * 1000:.0f} ms at {args.base:,}, "
        f"{large['show_seconds'] * 1000:.0f} ms at {args.projects:,} (target 300 ms)"
    )
    for fmt, row in large["exports"].items():
        ratio = row["peak_kib"] / small["exports"][fmt]["peak_kib"]
        peak = row["peak_kib"] / 1024
        print(f"export {fmt}: {row['seconds']:.0f} s, peak {peak:.0f} MiB, {ratio:.2f}× the base's peak")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
