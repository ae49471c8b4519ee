"""The benchmark: load, export and search at scale, on SQLite and PostgreSQL,
against a practical limit measured in the same run.

For each N it generates N synthetic projects (``bench/generate.py``), then
measures, each in a fresh child process (so peak memory is that operation's):

- **load**: ``eufunds.load.loader.load_paths`` into a migrated, empty archive, from
  reading the files to the commit: records/s and MB/s of seed files + texts;
- **limit load**: the same files parsed with PyYAML's C loader and the same
  rows inserted with plain ``sqlite3`` ``executemany`` in one transaction, into
  the same migrated schema: no validation, no framework;
- **export** CSV (every table and view), JSON and YAML with ``eufunds.export.exporters``;
  **limit export**: ``sqlite3 -csv`` (on PostgreSQL, ``psql``'s ``\\copy … CSV HEADER``)
  writing the same tables and views;
- **search** latency (median, 95th percentile) over a fixed query set;
- **peak memory** (max RSS of the child and of any worker it started).

    python bench/run.py                         # N = 1000, 10000, 100000; SQLite + PostgreSQL
    python bench/run.py --sizes 1000 --backends sqlite

It prints a table and our/limit ratios; ``bench/RESULTS.md`` records a run.
PostgreSQL runs on a throwaway cluster (``tests/pgcluster.py``), skipped with a
note when none can be started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

SEARCH_QUERIES = [
    "calitate",
    "cursuri specializate",
    "ISO 9001",
    "Fondul Social European",
    "Timisoara",
    "managementul proiectelor",
    "workshopuri",
    "bugetul national",
    "Politici publice",
    "Brașov transparenței",
]
SEARCH_REPEATS = 5


# --------------------------------------------------------------------------- children


def child_main(args: argparse.Namespace) -> None:
    """Run one measured operation and print its figures as one JSON line.

    Imports happen before the clock starts: they cost the same at any N, and
    the figures are about throughput.
    """
    import yaml  # noqa: F401

    import eufunds.db
    import eufunds.load.loader

    if args.child.startswith("export-"):
        import eufunds.export._csvpool  # imported on first use by a CSV export
        import eufunds.export.exporters
    if args.child == "search":
        import eufunds.read.search  # noqa: F401
    # SQLAlchemy imports a backend's dialect when the first engine is made.
    if (args.db or "").startswith("sqlite"):
        import sqlalchemy.dialects.sqlite.pysqlite
    elif (args.db or "").startswith("postgresql"):
        import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
    started = time.perf_counter()
    cpu_before = _cpu_seconds()
    extra: dict[str, Any] = {}
    if args.child == "load":
        from eufunds.db import create_archive_engine
        from eufunds.load.loader import load_paths

        engine = create_archive_engine(args.db)
        report = load_paths(engine, [Path(args.seeds)], keep_slugs=False)  # as the command line loads
        extra = {"inserted": report.counts["inserted"], "warnings": len(report.warnings)}
    elif args.child == "limit-load":
        extra = {"inserted": limit_load(Path(args.db), Path(args.seeds))}
    elif args.child.startswith("export-"):
        from eufunds.db import create_archive_engine
        from eufunds.export.exporters import export

        fmt = args.child.removeprefix("export-")
        engine = create_archive_engine(args.db)
        target = Path(args.out)
        with engine.connect() as connection:
            report = export(connection, fmt, output=target if fmt != "json" else target / "projects.json")
        extra = {"counts": report.counts}
    elif args.child == "search":
        from eufunds.db import create_archive_engine
        from eufunds.read.search import search

        engine = create_archive_engine(args.db)
        search(engine, "calitate")  # warm the connection and the page cache
        latencies = []
        hits = 0
        for _ in range(SEARCH_REPEATS):
            for query in SEARCH_QUERIES:
                t = time.perf_counter()
                hits += len(search(engine, query))
                latencies.append(time.perf_counter() - t)
        latencies.sort()
        extra = {
            "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "hits": hits,
        }
    elapsed = time.perf_counter() - started
    # Seed-reading workers are children of multiprocessing's fork server, not of
    # this process; stopping the server reaps them, so RUSAGE_CHILDREN counts them.
    from multiprocessing import forkserver

    forkserver._forkserver._stop()  # type: ignore[attr-defined]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu = _cpu_seconds() - cpu_before
    figures = {"seconds": elapsed, "cpu_seconds": cpu, "rss_kb": own, "workers_rss_kb": workers}
    print(json.dumps({**figures, **extra}))


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of its reaped children
    (the seed-reading workers, once the fork server is stopped).

    On a machine shared with other work, wall time measures the machine as
    much as the code: a load that reads seeds in several processes gains
    from idle cores the single-process limit cannot use, and loses them when
    others take them. The CPU seconds each spent is the steadier comparison.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def limit_load(db: Path, seeds: Path) -> int:
    """The practical limit: C YAML parser, hand-built rows, sqlite3 executemany.

    Builds the same rows the loader writes (ids assigned here, reference rows
    found in dicts, evidence located with str.find) and inserts them in one
    transaction, flushing every few thousand projects so memory stays flat.
    """
    import yaml

    from eufunds.coding import classify_organisation, place_from_text

    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("BEGIN IMMEDIATE")
    kinds = ("projects", "organisations", "programmes", "axes", "sos", "doc", "obj", "res", "ind")
    ids = dict.fromkeys(kinds, 0)
    refs: dict[Any, int] = {}
    tables: dict[str, list[tuple[Any, ...]]] = {}
    sql = {
        "organisations": "INSERT INTO organisations (id, name, name_key, kind) VALUES (?, ?, ?, ?)",
        "programmes": "INSERT INTO programmes (id, code, name) VALUES (?, ?, ?)",
        "priority_axes": "INSERT INTO priority_axes (id, programme_id, number, title) VALUES (?, ?, ?, ?)",
        "specific_objectives": "INSERT INTO specific_objectives (id, programme_id, priority_axis_id, code,"
        " title)"
        " VALUES (?, ?, ?, ?, ?)",
        "projects": "INSERT INTO projects (id, slug, title, acronym, sipoca_code, mysmis_code, status,"
        " beneficiary_id, acting_through_id, programme_id, priority_axis_id, specific_objective_id,"
        " programme_name, priority_axis_title, specific_objective_title, currency, total_value_minor,"
        " eligible_value_minor, start_date, end_date, duration_months, target_group_size,"
        " target_group_description, location, notes, seed_file, record_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "project_funds": "INSERT INTO project_funds (project_id, ordinal, fund) VALUES (?, ?, ?)",
        "funding_sources": "INSERT INTO funding_sources (project_id, ordinal, source, amount_minor, share_bp,"
        " description, contributor) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "contacts": "INSERT INTO contacts (project_id, organisation_id, ordinal, name, position, phone, fax,"
        " email)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        "objectives": "INSERT INTO objectives (id, project_id, ordinal, kind, code, text, achieved)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        "results": "INSERT INTO results (id, project_id, ordinal, level, code, text, serves_result_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        "indicators": "INSERT INTO indicators (id, objective_id, result_id, ordinal, value, unit, what)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        "indicator_topics": "INSERT INTO indicator_topics (indicator_id, ordinal, topic) VALUES (?, ?, ?)",
        "documents": "INSERT INTO documents (id, project_id, ordinal, file_name, sha256, kind, published,"
        " publisher, issuer, title, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "evidence": "INSERT INTO evidence (project_id, document_id, field, ordinal, quote, line, char_start,"
        " char_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    }

    def add(table: str, row: tuple[Any, ...]) -> None:
        tables.setdefault(table, []).append(row)

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def reference(kind: str, key: Any, table: str, row: tuple[Any, ...]) -> int:
        found = refs.get((kind, key))
        if found is None:
            found = refs[(kind, key)] = next_id(kind)
            add(table, (found, *row))
        return found

    def organisation(name: str | None) -> int | None:
        if name is None:
            return None
        key = " ".join(name.casefold().split())
        return reference(
            "organisations", key, "organisations", (name, key, str(classify_organisation(name).kind))
        )

    def flush() -> None:
        for table in sql:  # parents before children
            rows = tables.pop(table, None)
            if rows:
                connection.executemany(sql[table], rows)

    def minor(value: Any) -> int | None:
        return None if value is None else int(Decimal(str(value)) * 100)

    count = 0
    for path in sorted(seeds.glob("*.yaml")):
        r = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        pid = next_id("projects")
        prog = r["programme"]
        prog_id = reference("programmes", prog["code"], "programmes", (prog["code"], prog["name"]))
        axis = r.get("priority_axis")
        axis_id = axis and reference(
            "axes", (prog_id, axis["number"]), "priority_axes", (prog_id, axis["number"], axis["title"])
        )
        so = r.get("specific_objective")
        so_id = so and reference(
            "sos", (prog_id, so["code"]), "specific_objectives", (prog_id, axis_id, so["code"], so["title"])
        )
        record_hash = hashlib.sha256(json.dumps(r, sort_keys=True, default=str).encode()).hexdigest()
        # The loader codes each project's place; the limit does the same work.
        place_from_text(r["beneficiary"]["name"], r["location"])
        add("projects", (
            pid, r["slug"], r["title"], r["acronym"], r["codes"]["sipoca"], r["codes"]["mysmis"], r["status"],
            organisation(r["beneficiary"]["name"]), organisation(r["beneficiary"].get("acting_through")),
            prog_id, axis_id, so_id, prog["name"], axis and axis["title"], so and so["title"], r["currency"],
            minor(r["total_value"]), minor(r["eligible_value"]), str(r["start_date"]), str(r["end_date"]),
            r["duration_months"], r["target_group"]["size"], r["target_group"]["description"], r["location"],
            r.get("notes"), path.name, record_hash,
        ))  # fmt: skip
        for i, fund in enumerate(r["funds"]):
            add("project_funds", (pid, i, fund))
        for i, f in enumerate(r["funding"]):
            share = f["share_pct"]
            add("funding_sources", (
                pid, i, f["source"], minor(f["amount"]), None if share is None else int(share * 100),
                f["description"], f["contributor"],
            ))  # fmt: skip
        for i, c in enumerate(r.get("contacts", [])):
            add("contacts", (
                pid, organisation(c["organisation"]), i, c["name"], c["position"], c["phone"], c["fax"],
                c["email"],
            ))  # fmt: skip
        for i, o in enumerate(r["objectives"]):
            oid = next_id("obj")
            add("objectives", (oid, pid, i, o["kind"], o["code"], o["text"], o["achieved"]))
            for j, ind in enumerate(o.get("indicators", [])):
                iid = next_id("ind")
                add("indicators", (iid, oid, None, j, ind["value"], ind["unit"], ind["what"]))
                for k, topic in enumerate(ind.get("topics", [])):
                    add("indicator_topics", (iid, k, topic))
        programme_results: dict[str, int] = {}
        for i, res in enumerate(r["results"]):
            rid = next_id("res")
            if res["level"] == "programme":
                programme_results[res["code"]] = rid
            serves = programme_results.get(res["serves"]) if res["serves"] else None
            add("results", (rid, pid, i, res["level"], res["code"], res["text"], serves))
            for j, ind in enumerate(res.get("indicators", [])):
                iid = next_id("ind")
                add("indicators", (iid, None, rid, j, ind["value"], ind["unit"], ind["what"]))
        texts = []
        for i, source in enumerate(r["sources"]):
            raw = (path.parent / source["file"]).read_bytes()
            text = raw.decode("utf-8")
            did = next_id("doc")
            texts.append((did, text))
            add("documents", (
                did, pid, i, source["file"], hashlib.sha256(raw).hexdigest(), source["kind"],
                str(source["published"]), source["publisher"], source["issuer"], source["title"], text,
            ))  # fmt: skip
        for field, quote in r.get("evidence", {}).items():
            did, text = texts[0]
            at = text.find(quote)
            add("evidence", (pid, did, field, 0, quote, text.count("\n", 0, at) + 1, at, at + len(quote)))
        count += 1
        if count % 2000 == 0:
            flush()
    flush()
    connection.execute(
        "INSERT INTO loads (finished_at, inserted, updated, unchanged) VALUES (datetime('now'), ?, 0, 0)",
        (count,),
    )
    connection.execute("COMMIT")
    connection.close()
    return count


# --------------------------------------------------------------------------- parent


# Linux counts a process's peak memory from before its exec: a process started
# by this one (which grows as it migrates, probes and writes results) would
# report at least this one's size. So every measured process is started by a
# small launcher instead, which also times it and reads its peak when it ends.
LAUNCHER = """
import json, resource, subprocess, sys, time
report, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
code = subprocess.call(command)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if report != "-":
    with open(report, "w") as out:
        json.dump({"seconds": seconds, "rss_kb": peak}, out)
sys.exit(code)
"""


def launch(command: list[str], report: Path | None, **popen: Any) -> subprocess.Popen[str]:
    """Start ``command`` through the launcher, which writes its time and peak
    memory to ``report`` (if any) when it ends."""
    if report is not None:
        report.unlink(missing_ok=True)
    argv = [sys.executable, "-S", "-c", LAUNCHER, str(report or "-"), *command]
    return subprocess.Popen(argv, text=True, **popen)


def measure(op: str, **options: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__)), "--child", op]
    for key, value in options.items():
        command += [f"--{key}", value]
    # The child times itself (after its imports) and reads its own peak, and
    # its seed-reading or export workers'.
    process = launch(command, None, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{op} failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def measure_sqlite3_csv(db: Path, folder: Path, tables: list[str]) -> dict[str, Any]:
    """The export limit: the sqlite3 shell writing each table and view as CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    script = "".join(
        f'.headers on\n.mode csv\n.once {folder / (name + ".csv")}\nSELECT * FROM "{name}";\n'
        for name in tables
    )
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "launched.json"
        process = launch(["sqlite3", str(db)], report, stdin=subprocess.PIPE)
        process.communicate(script)
        if process.returncode != 0:
            raise RuntimeError("sqlite3 -csv failed")
        figures = json.loads(report.read_text())
    return {**figures, "workers_rss_kb": 0}


def measure_psql_copy(url: str, folder: Path, tables: list[str]) -> dict[str, Any]:
    """The PostgreSQL export limit: psql's ``\\copy (SELECT * …) TO … CSV HEADER``
    writing each table and view, in one session as sqlite3 above."""
    from pgcluster import _libpq, find_bindir

    bindir = find_bindir()
    psql = str(bindir / "psql") if bindir is not None and (bindir / "psql").exists() else "psql"
    folder.mkdir(parents=True, exist_ok=True)
    script = "".join(
        f"\\copy (SELECT * FROM \"{name}\") TO '{folder / (name + '.csv')}' WITH (FORMAT csv, HEADER)\n"
        for name in tables
    )
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "launched.json"
        command = [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", _libpq(url)]
        process = launch(command, report, stdin=subprocess.PIPE)
        process.communicate(script)
        if process.returncode != 0:
            raise RuntimeError("psql \\copy failed")
        figures = json.loads(report.read_text())
    return {**figures, "workers_rss_kb": 0}


def fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The quickest of repeated runs (the one least disturbed by the machine's
    other work), with how many there were."""
    best = min(runs, key=lambda figures: figures["seconds"])
    return {**best, "runs": len(runs), "all_seconds": [figures["seconds"] for figures in runs]}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def seeds_for(count: int, work: Path) -> Path:
    from generate import generate

    folder = work / f"seeds-{count}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(count, folder)
        done.write_text("")
    return folder


def exporters_available() -> bool:
    try:
        import eufunds.export.exporters  # noqa: F401
    except ImportError:
        return False
    return True


def search_available() -> bool:
    try:
        from eufunds.read.search import search  # noqa: F401
    except ImportError:
        return False
    return True


def run(
    sizes: list[int],
    backends: list[str],
    work: Path,
    exports: list[str],
    progress_json: Path | None = None,
    repeat: int = 1,
) -> dict[str, Any]:
    from eufunds import migrate
    from eufunds.db import create_archive_engine

    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"sizes": {}, "notes": []}
    has_exporters = exporters_available() and bool(exports)
    has_search = search_available()
    if not has_exporters:
        why = (
            "none asked for (--skip-exports or --exports '')"
            if exporters_available()
            else ("eufunds.export.exporters is missing")
        )
        results["notes"].append(f"exports not measured: {why}")
    if not has_search:
        results["notes"].append("search not measured: eufunds.read.search is missing")
    cluster = None
    if "postgresql" in backends:
        from pgcluster import ClusterUnavailable, PostgresCluster

        try:
            cluster = PostgresCluster.start(durable=True)
        except ClusterUnavailable as exc:
            results["notes"].append(f"PostgreSQL not measured: {exc}")
    try:
        for count in sizes:
            print(f"== N = {count}", file=sys.stderr)
            seeds = seeds_for(count, work)
            size = folder_bytes(seeds)
            row: dict[str, Any] = {"bytes": size}
            results["sizes"][count] = row

            limit_db = work / f"limit-{count}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{limit_db}{suffix}").unlink(missing_ok=True)
            engine = create_archive_engine(f"sqlite:///{limit_db}")
            migrate.upgrade(engine)
            engine.dispose()
            print("   limit load", file=sys.stderr)
            os.sync()
            row["limit_load"] = measure("limit-load", db=str(limit_db), seeds=str(seeds))

            targets: list[tuple[str, str]] = []
            if "sqlite" in backends:
                db = work / f"archive-{count}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                targets.append(("sqlite", f"sqlite:///{db}"))
            if cluster is not None:
                targets.append(("postgresql", cluster.create_database(f"bench_{count}")))
            for backend, url in targets:
                engine = create_archive_engine(url)
                migrate.upgrade(engine)
                engine.dispose()
                print(f"   {backend} load", file=sys.stderr)
                os.sync()  # the limit's writes are flushed before this load starts
                figures: dict[str, Any] = {"load": measure("load", db=url, seeds=str(seeds))}
                limit_csv = has_exporters and "csv" in exports
                if limit_csv:
                    csv_tables = csv_table_names(work, url, count)
                    limit_out = work / f"limit-csv-{backend}-{count}"
                    limit_runs = []
                # The load (and the probe above) leave writes for the kernel to
                # flush; an export measured meanwhile would pay for them.
                os.sync()
                if has_exporters:
                    for fmt in exports:
                        out = work / f"export-{backend}-{count}-{fmt}"
                        print(f"   {backend} export {fmt}", file=sys.stderr)
                        runs = []
                        for _ in range(repeat if fmt == "csv" else 1):
                            shutil.rmtree(out, ignore_errors=True)
                            if fmt == "json":
                                out.mkdir(parents=True)
                            runs.append(measure(f"export-{fmt}", db=url, out=str(out)))
                            if fmt == "csv" and limit_csv:
                                # Turn about with sqlite3 -csv (psql \copy), so
                                # that both meet the machine in the same state.
                                shutil.rmtree(limit_out, ignore_errors=True)
                                if backend == "sqlite":
                                    database = Path(url.removeprefix("sqlite:///"))
                                    limit_runs.append(measure_sqlite3_csv(database, limit_out, csv_tables))
                                else:
                                    limit_runs.append(measure_psql_copy(url, limit_out, csv_tables))
                        figures[f"export_{fmt}"] = fastest(runs)
                        shutil.rmtree(out, ignore_errors=True)
                if limit_csv and backend == "sqlite":
                    print("   limit export (sqlite3 -csv), taken in turns with ours", file=sys.stderr)
                    row["limit_export_csv"] = fastest(limit_runs)
                    shutil.rmtree(limit_out, ignore_errors=True)
                elif limit_csv:
                    print("   limit export (psql \\copy), taken in turns with ours", file=sys.stderr)
                    figures["limit_export_csv"] = fastest(limit_runs)
                    shutil.rmtree(limit_out, ignore_errors=True)
                if has_search:
                    print(f"   {backend} search", file=sys.stderr)
                    figures["search"] = measure("search", db=url)
                row[backend] = figures
                if backend == "postgresql":
                    assert cluster is not None
                    cluster.drop_database(url)
            if progress_json is not None:  # a long run can be read before it ends
                progress_json.write_text(json.dumps(results, indent=2))
                print(report(results), file=sys.stderr)
    finally:
        if cluster is not None:
            cluster.stop()
    return results


def csv_table_names(work: Path, url: str, count: int) -> list[str]:
    """The tables and views our CSV export writes, to give sqlite3 the same work."""
    from eufunds.db import create_archive_engine
    from eufunds.export.exporters import export

    probe = work / f"probe-{count}"
    shutil.rmtree(probe, ignore_errors=True)
    # The probe only needs the file names; the exporter writes one CSV per table.
    engine = create_archive_engine(url)
    with engine.connect() as connection:
        report = export(connection, "csv", output=probe)
    engine.dispose()
    shutil.rmtree(probe, ignore_errors=True)
    return list(report.counts)


# --------------------------------------------------------------------------- report


def per_second(count: int, figures: dict[str, Any]) -> float:
    return count / figures["seconds"]


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def report(results: dict[str, Any]) -> str:
    lines = []
    lines.append(
        "| N | backend | load rec/s | load MB/s | load / limit | load s/1k rec "
        "| load peak MB (main / worker) | CSV s | CSV / limit | JSON s | YAML s "
        "| export peak MB (CSV/JSON/YAML) | search median / p95 ms |"
    )
    lines.append("|" + "---|" * 13)
    for count, row in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        count = int(count)
        limit = row["limit_load"]
        limit_rate = per_second(count, limit)
        megabytes = row["bytes"] / 1e6
        lines.append(
            f"| {count} | limit (yaml C + sqlite3) | {limit_rate:,.0f} "
            f"| {megabytes / limit['seconds']:.1f} | 1 "
            f"| {1000 * limit['seconds'] / count:.3f} | {mb(limit['rss_kb'])} | "
            + (f"{row['limit_export_csv']['seconds']:.2f}" if "limit_export_csv" in row else "–")
            + " | 1 | | | "
            + (mb(row["limit_export_csv"]["rss_kb"]) if "limit_export_csv" in row else "")
            + " | |"
        )
        for backend in ("sqlite", "postgresql"):
            figures = row.get(backend)
            if not figures:
                continue
            load = figures["load"]
            rate = per_second(count, load)
            cells = [
                str(count), backend, f"{rate:,.0f}", f"{megabytes / load['seconds']:.1f}",
                f"**{rate / limit_rate:.2f}**", f"{1000 * load['seconds'] / count:.3f}",
                f"{mb(load['rss_kb'])} / {mb(load['workers_rss_kb'])}",
            ]  # fmt: skip
            if "export_csv" in figures:
                csv_s = figures["export_csv"]["seconds"]
                # Against sqlite3 -csv on SQLite, psql \copy on PostgreSQL.
                limit_csv = (row if backend == "sqlite" else figures).get("limit_export_csv")
                ratio = f"**{limit_csv['seconds'] / csv_s:.2f}**" if limit_csv else "–"
                cells += [f"{csv_s:.2f}", ratio]
            else:
                cells += ["–"] * 2
            cells += [
                f"{figures[f'export_{fmt}']['seconds']:.2f}" if f"export_{fmt}" in figures else "–"
                for fmt in ("json", "yaml")
            ]
            cells.append(
                " / ".join(
                    mb(max(figures[f"export_{fmt}"]["rss_kb"], figures[f"export_{fmt}"]["workers_rss_kb"]))
                    if f"export_{fmt}" in figures
                    else "–"
                    for fmt in ("csv", "json", "yaml")
                )
            )
            if "search" in figures:
                cells.append(f"{figures['search']['median_ms']:.1f} / {figures['search']['p95_ms']:.1f}")
            else:
                cells.append("–")
            lines.append("| " + " | ".join(cells) + " |")
    for count, row in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        limit_cpu = row["limit_load"].get("cpu_seconds")
        for backend in ("sqlite", "postgresql"):
            load_cpu = row.get(backend, {}).get("load", {}).get("cpu_seconds")
            if limit_cpu and load_cpu:
                lines.append(
                    f"\nCPU {backend} load {count}: {load_cpu:.2f} s (writer, seed readers, fork server)"
                    f" against the limit's {limit_cpu:.2f} s: limit / load = {limit_cpu / load_cpu:.2f}"
                )
    sizes = sorted(int(c) for c in results["sizes"])
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        for backend in ("sqlite", "postgresql"):
            first, last = results["sizes"][a].get(backend), results["sizes"][b].get(backend)
            if first and last:
                ratio = (last["load"]["seconds"] / b) / (first["load"]["seconds"] / a)
                lines.append(f"\nlinearity {backend} load: time per record at {b} / at {a} = {ratio:.2f}")
                if "export_csv" in first and "export_csv" in last:
                    ratio = (last["export_csv"]["seconds"] / b) / (first["export_csv"]["seconds"] / a)
                    lines.append(
                        f"linearity {backend} CSV export: time per record at {b} / at {a} = {ratio:.2f}"
                    )
    for note in results["notes"]:
        lines.append(f"\nnote: {note}")
    return "\n".join(lines)


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} cores, {memory:.0f} GiB; {platform.platform()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; load average "
        f"{os.getloadavg()[0]:.1f} at the start"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated N (default 1000,10000,100000)"
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite,postgresql (default both)")
    parser.add_argument("--work", type=Path, default=HERE / "out", help="scratch folder (default bench/out)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--skip-exports", action="store_true", help="measure load and search only")
    parser.add_argument(
        "--exports", default="csv,json,yaml", help="which exports to measure (default csv,json,yaml)"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each CSV export and sqlite3 -csv; the fastest counts"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--seeds", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    header = f"machine: {machine()}\ndate: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    exports = [] if args.skip_exports else [f for f in args.exports.split(",") if f]
    results = run(sizes, backends, args.work, exports, args.json, max(1, args.repeat))
    results["machine"] = header
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(header)
    command = " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    print(f"command: {command}\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
