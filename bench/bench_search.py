"""Search latency at N synthetic projects, per kind of query, beside the bare
FTS5 query on the same index in the same run (issue 20, item 1).

For each N it reuses (or builds) the archive of ``bench/bench_web.py``
(``bench/out/web-N.db``: N generated projects loaded by ``eufunds load``), then
times, one query after another:

- **ours**: ``eufunds.read.search.search`` as ``eufunds search`` calls it (a
  connection from the engine, bm25 ranking, snippets and joins for the shown
  hits);
- **bare FTS5**: ``SELECT rowid, rank FROM search_index WHERE search_index MATCH ?
  ORDER BY rank LIMIT 20`` through plain ``sqlite3`` on the same file, with the
  same match expression: the least any ranked search of this index can cost.

Both run in turns, query by query, so that both meet the machine in the same
state. Queries come in four classes: one word, several words, rare words
(picked from the index: three terms found in 2–20 texts, words before
numbers) and very
common words (the three terms found in the most texts, one at a time and
together). Figures are medians and 95th percentiles in milliseconds, and the
ratio of our p95 to the bare query's p95 (target: at most 2; and a p95 of at
most 50 ms on SQLite at 100 000 projects).

    python bench/bench_search.py                        # N = 10 000
    python bench/bench_search.py --sizes 100000 --repeats 20
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from bench_web import build  # noqa: E402
from run import machine  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_RATIO = 2.0
CLASSES: dict[str, list[str]] = {
    "one word": ["calitate", "workshopuri", "Timisoara"],
    "several words": [
        "cursuri specializate",
        "Fondul Social European",
        "managementul proiectelor",
        "Brașov transparenței",
    ],
}


def picked_queries(archive: Path) -> dict[str, list[str]]:
    """Rare and very common terms, read off the index's own vocabulary."""
    with sqlite3.connect(archive) as connection:
        connection.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, search_index, row)")
        rare = [
            term
            for (term,) in connection.execute(
                # Words before numbers (the synthetic releases' rare terms are
                # mostly codes), the rarest last.
                "SELECT term FROM temp.vocabulary WHERE doc BETWEEN 2 AND 20 "
                "ORDER BY term GLOB '*[a-z]*' DESC, doc DESC, term LIMIT 3"
            )
        ]
        common = [
            term
            for (term,) in connection.execute("SELECT term FROM temp.vocabulary ORDER BY doc DESC LIMIT 3")
        ]
    return {**CLASSES, "rare": rare, "very common": [*common, " ".join(common)]}


def fts5_match(search_text: str) -> str:
    """The match expression ``eufunds.searchindex`` builds for ``search_text``."""
    from eufunds.searchindex import parse_terms

    parts = []
    for term in parse_terms(search_text):
        quoted = '"' + term.text.replace('"', '""') + '"'
        parts.append(quoted + "*" if term.prefix else quoted)
    return " ".join(parts)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "max": ordered[-1], "n": len(ordered)}


def measure(count: int, work: Path, repeats: int) -> dict[str, Any]:
    from eufunds.db import create_archive_engine
    from eufunds.read.search import search

    archive = build(count, work)
    classes = picked_queries(archive)
    engine = create_archive_engine(f"sqlite:///{archive}")
    bare = sqlite3.connect(archive)
    bare_sql = "SELECT rowid, rank FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT 20"
    search(engine, "calitate")  # the connection and the page cache warm
    bare.execute(bare_sql, ('"calitate"',)).fetchall()
    figures: dict[str, Any] = {"projects": count, "repeats": repeats, "classes": {}}
    for name, queries in classes.items():
        if not queries:  # an archive grown by copying has no rare words
            continue
        ours: list[float] = []
        floor: list[float] = []
        matches = {}
        for query in queries:
            match = fts5_match(query)
            matches[query] = bare.execute(
                "SELECT count(*) FROM search_index WHERE search_index MATCH ?", (match,)
            ).fetchone()[0]
            for _ in range(repeats):
                started = time.perf_counter()
                search(engine, query)
                ours.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                bare.execute(bare_sql, (match,)).fetchall()
                floor.append((time.perf_counter() - started) * 1000)
        figures["classes"][name] = {"queries": matches, "ours": summary(ours), "bare": summary(floor)}
    bare.close()
    engine.dispose()
    return figures


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| N | class | queries (matching texts) | ours median / p95 ms | bare FTS5 median / p95 ms "
        "| p95 ours / bare | p95 / 50 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for figures in results:
        for name, row in figures["classes"].items():
            queries = ", ".join(f"{q} ({n})" for q, n in row["queries"].items())
            ours, bare = row["ours"], row["bare"]
            lines.append(
                f"| {figures['projects']} | {name} | {queries} | {ours['median']:.1f} / {ours['p95']:.1f} "
                f"| {bare['median']:.1f} / {bare['p95']:.1f} | **{ours['p95'] / bare['p95']:.2f}** "
                f"| **{ours['p95'] / TARGET_P95_MS:.2f}** |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000", help="comma-separated project counts (default 10000)")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs of each query")
    parser.add_argument(
        "--work", type=Path, default=HERE / "out", help="where archives are kept (default bench/out)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    print(machine(), flush=True)
    results = [measure(int(n), args.work, args.repeats) for n in args.sizes.split(",") if n]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
