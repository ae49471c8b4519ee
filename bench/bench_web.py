"""The web face's latency: project pages and search pages served by a running
`eufunds serve`, at N synthetic projects, against floors measured in the same run.

For each N it generates N projects (``bench/generate.py``), loads them into a
fresh archive, starts ``eufunds serve`` in a child process on 127.0.0.1 (the
same way the tests do, ``tests/webserver.py``) and times, one request after
another from one client (urllib, keep-alive off, as a first visit is):

- **project page** ``/proiect/<slug>`` for a fixed random sample of projects;
- **search page** ``/cautare?q=…`` over the query set of ``bench/run.py``;
- floors, in the same run: a **static file** (what any request costs the
  server), **Datasette's own row page** for the same projects (what Datasette
  takes to show one row of this archive), and the project and search **reads
  alone**, in this process, without HTTP or HTML (``eufunds.web.pages``).

Figures are medians and 95th percentiles in milliseconds; the target is a
p95 of at most 200 ms at 100 000 projects (issue 19).

    python bench/bench_web.py                        # N = 10 000
    python bench/bench_web.py --sizes 1000,10000,100000 --requests 300

``bench/RESULTS.md`` records a run.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from run import SEARCH_QUERIES, machine, seeds_for  # noqa: E402
from webserver import running_server  # noqa: E402

TARGET_P95_MS = 200.0
OURS = ("project page", "search page")
WARM_UP = 20


def build(count: int, work: Path) -> Path:
    """An archive of ``count`` generated projects (kept between runs)."""
    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url
    from eufunds.load.loader import load_paths

    archive = work / f"web-{count}.db"
    done = work / f"web-{count}.complete"
    if done.exists():
        return archive
    archive.unlink(missing_ok=True)
    seeds = seeds_for(count, work)
    engine = create_archive_engine(resolve_database_url(str(archive)))
    migrate.upgrade(engine)
    started = time.perf_counter()
    load_paths(engine, [seeds])
    engine.dispose()
    print(f"  loaded {count} projects in {time.perf_counter() - started:.0f} s", flush=True)
    done.write_text("")
    return archive


def timed_get(url: str) -> float:
    """Milliseconds to fetch ``url`` whole (status 200 required)."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def over_http(urls: list[str]) -> dict[str, float]:
    for url in urls[:WARM_UP]:
        timed_get(url)
    return summary([timed_get(url) for url in urls])


def in_process(calls: list[Callable[[], Any]]) -> dict[str, float]:
    for call in calls[:WARM_UP]:
        call()
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def measure(count: int, work: Path, requests: int) -> dict[str, Any]:
    from eufunds.web.archive import ServedArchive
    from eufunds.web.pages import project_page, search_hits

    archive = build(count, work)
    with sqlite3.connect(archive) as connection:
        projects = connection.execute("SELECT id, slug FROM projects ORDER BY id").fetchall()
    rng = random.Random(7)
    sample = [rng.choice(projects) for _ in range(requests)]
    queries = [SEARCH_QUERIES[i % len(SEARCH_QUERIES)] for i in range(requests)]
    figures: dict[str, Any] = {"projects": count, "requests": requests}
    with running_server(archive) as base:
        figures["static file"] = over_http([f"{base}-/static/app.css"] * requests)
        figures["project page"] = over_http([f"{base}proiect/{slug}" for _, slug in sample])
        figures["Datasette row page"] = over_http([f"{base}arhiva/projects/{pid}" for pid, _ in sample])
        figures["search page"] = over_http(
            [f"{base}cautare?" + urllib.parse.urlencode({"q": q}) for q in queries]
        )  # fmt: skip
    served = ServedArchive(archive, time_limit_ms=60_000)
    figures["project read alone"] = in_process(
        [lambda slug=slug: served.read(lambda c, s=slug: project_page(c, s)) for _, slug in sample]
    )
    figures["search read alone"] = in_process(
        [lambda q=q: served.read(lambda c, w=q: search_hits(c, w)) for q in queries]
    )
    served.dispose()
    return figures


def report(results: list[dict[str, Any]]) -> str:
    rows = [
        "| N | what | median ms | p95 ms | max ms | p95 / 200 ms target |",
        "|---|---|---|---|---|---|",
    ]
    for figures in results:
        for what, s in figures.items():
            if not isinstance(s, dict):
                continue
            ratio = f"**{s['p95'] / TARGET_P95_MS:.2f}**" if what in OURS else ""
            cells = [
                str(figures["projects"]),
                what,
                f"{s['median']:.1f}",
                f"{s['p95']:.1f}",
                f"{s['max']:.1f}",
            ]
            rows.append("| " + " | ".join([*cells, ratio]) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000", help="comma-separated project counts (default 10000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page kind")
    parser.add_argument(
        "--work", type=Path, default=REPO / "bench" / "out", help="where seeds and archives go"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    print(machine(), flush=True)
    for count in [int(size) for size in args.sizes.split(",")]:
        print(f"N = {count}", flush=True)
        results.append(measure(count, args.work, args.requests))
    text = report(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
