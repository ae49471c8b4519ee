"""Where SQLite's time goes in the JSON export's query (``export/_jsonsql``),
and whether aggregating each list once per export would save it (issue 20,
item 3).

On the archive of ``bench/bench_web.py`` at N projects (built and kept in
``bench/out/`` as ``bench_records.py`` does), in CPU seconds of this process
(``time.process_time``), so that other work on the machine weighs less:

- the whole query, and each list column's share of it (the query again with
  that column replaced by a constant);
- ``sqlite3 -json`` writing the same tables as ``bench_records.py``'s limit,
  in its own CPU seconds;
- three ways of building one list per project, each item ``json_quote`` of one
  column so that only the way differs: a subquery per project over an ordered
  subquery (what ``_jsonsql`` does), one ``GROUP BY`` over the table (in the
  order of its ``(project_id, ordinal)`` index) materialized and joined to the
  projects by id, and a window ordered by ordinal whose last row per project
  holds the list (the one aggregate whose order SQLite defines).

    python bench/bench_json_sql.py --size 10000
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests"), str(REPO / "src")]

from bench_records import DOCUMENT_COLUMNS, RECORD_TABLES  # noqa: E402
from bench_web import build  # noqa: E402
from run import machine  # noqa: E402

from eufunds.export import _jsonsql  # noqa: E402

# (table, the list's order, the column quoted)
LISTS = [
    ("funding_sources", "ordinal", "source"),
    ("objectives", "ordinal", "text"),
    ("evidence", "field, ordinal", "quote"),
]


def cpu(connection: sqlite3.Connection, sql: str, repeat: int) -> float:
    """The least CPU time of ``repeat`` runs of ``sql``, every row fetched."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        for _ in connection.execute(sql):
            pass
        times.append(time.process_time() - started)
    return min(times)


def limit_cpu(archive: Path, repeat: int) -> float:
    return min(_limit_cpu(archive) for _ in range(repeat))


def _limit_cpu(archive: Path) -> float:
    statements = [f"SELECT * FROM {table};" for table in RECORD_TABLES]
    statements += [f"SELECT {DOCUMENT_COLUMNS} FROM documents;", "SELECT * FROM evidence;"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        ["sqlite3", "-json", str(archive), " ".join(statements)], stdout=subprocess.DEVNULL, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def column_names(fields: list[tuple[str, Any]], prefix: str = "") -> list[str]:
    names = []
    for key, value in fields:
        names += column_names(value, f"{prefix}{key}.") if isinstance(value, list) else [prefix + key]
    return names


def ways(table: str, order: str, column: str) -> dict[str, str]:
    item = f"json_quote({column})"
    return {
        "subquery per project": (
            f"SELECT (SELECT group_concat(item, ', ') FROM (SELECT {item} AS item FROM {table} v "
            f"WHERE v.project_id = p.id ORDER BY {order})) FROM projects p ORDER BY p.slug"
        ),
        "GROUP BY once, joined": (
            f"WITH l(key, list) AS MATERIALIZED (SELECT project_id, group_concat({item}, ', ') "
            f"FROM {table} GROUP BY project_id) "
            "SELECT l.list FROM projects p LEFT JOIN l ON l.key = p.id ORDER BY p.slug"
        ),
        "window once, joined": (
            "WITH l(key, list) AS MATERIALIZED (SELECT key, list FROM (SELECT key, "
            "group_concat(item, ', ') OVER w AS list, lead(1) OVER w AS more FROM "
            f"(SELECT project_id AS key, {order.replace('field, ', 'field AS o0, ')} AS o1, {item} AS item "
            f"FROM {table}) WINDOW w AS (PARTITION BY key ORDER BY {'o0, ' if 'field' in order else ''}o1)) "
            "WHERE more IS NULL) "
            "SELECT l.list FROM projects p LEFT JOIN l ON l.key = p.id ORDER BY p.slug"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000, help="projects (default 10000)")
    parser.add_argument(
        "--work", type=Path, default=HERE / "out", help="where archives are kept (default bench/out)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query; the least counts")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    print(machine(), flush=True)
    archive = build(args.size, args.work)
    connection = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    columns = _jsonsql._COLUMNS
    select = ", ".join(columns)
    whole = cpu(connection, _jsonsql._RECORDS, repeat)
    limit = limit_cpu(archive, repeat)
    print(f"\nN = {args.size}: the export's query {whole:.3f} s CPU; sqlite3 -json {limit:.3f} s CPU")
    print("\n| list column | its share of the query, s CPU |\n|---|---|")
    for i, name in enumerate(column_names(_jsonsql._RECORD)):
        if "SELECT" not in columns[i]:
            continue
        without = [*columns[:i], "'x'", *columns[i + 1 :]]
        share = whole - cpu(connection, _jsonsql._RECORDS.replace(select, ", ".join(without)), repeat)
        print(f"| {name} | {share:.3f} |")
    bare = [column if "SELECT" not in column else "'x'" for column in columns]
    rest = cpu(connection, _jsonsql._RECORDS.replace(select, ", ".join(bare)), repeat)
    print(f"| (every list constant: the rest of the query) | {rest:.3f} |")
    print("\n| list | way | s CPU |\n|---|---|---|")
    for table, order, column in LISTS:
        texts = {}
        for way, sql in ways(table, order, column).items():
            print(f"| {table} | {way} | {cpu(connection, sql, repeat):.3f} |")
            texts[way] = connection.execute(sql).fetchall()
        if len({repr(t) for t in texts.values()}) != 1:
            print(f"  ({table}: the ways give different lists)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
