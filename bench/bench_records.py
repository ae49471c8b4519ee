"""The record exports (JSON, JSON Lines, seed YAML) at N synthetic projects,
against limits measured in the same run (issue 20, item 3).

For each N it reuses (or builds) the archive of ``bench/bench_web.py``
(``bench/out/web-N.db``) and times, taking turns so that both sides meet the
machine in the same state, the fastest of ``--repeat`` runs of each:

- **JSON** and **JSON Lines**: ``eufunds.export.exporters.export`` to a file,
  against ``sqlite3 -json`` writing every table a record is made of (projects,
  organisations, programmes, axes, specific objectives, funds, funding,
  partners, contacts, objectives, results, indicators, topics, the documents'
  columns but their texts, which a JSON record does not hold, and evidence)
  to one file;
- **YAML**: ``export(…, "yaml")`` to a fresh folder (a seed per project and its
  source texts beside it), against libyaml's C emitter (PyYAML's
  ``CSafeDumper``, with nothing but a representer for decimals) writing the
  same records, read beforehand and not timed, to a seed file each with the
  same source texts beside them.

Ratios are the limit's time over ours (target: at least 0.5).

    python bench/bench_records.py                          # N = 10 000
    python bench/bench_records.py --sizes 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from bench_web import build  # noqa: E402
from run import machine  # noqa: E402

TARGET = 0.5
RECORD_TABLES = [
    "projects", "organisations", "programmes", "priority_axes", "specific_objectives", "project_funds",
    "funding_sources", "partners", "contacts", "objectives", "results", "indicators", "indicator_topics",
]  # fmt: skip
DOCUMENT_COLUMNS = "id, project_id, ordinal, file_name, sha256, kind, published, publisher, issuer, title"
BATCH = 500


def sqlite3_json(archive: Path, out: Path) -> float:
    statements = [f"SELECT * FROM {table};" for table in RECORD_TABLES]
    statements += [f"SELECT {DOCUMENT_COLUMNS} FROM documents;", "SELECT * FROM evidence;"]
    started = time.perf_counter()
    with out.open("wb") as handle:
        subprocess.run(["sqlite3", "-json", str(archive), " ".join(statements)], stdout=handle, check=True)
    return time.perf_counter() - started


def ours(archive: Path, fmt: str, out: Path, workers: int | None = None) -> float:
    from eufunds.db import create_archive_engine
    from eufunds.export.exporters import export

    engine = create_archive_engine(f"sqlite:///{archive}")
    started = time.perf_counter()
    with engine.connect() as connection:
        export(connection, fmt, output=out, workers=workers)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def libyaml_limit(archive: Path, out: Path) -> float:
    """Seconds libyaml's C emitter takes to write the archive's records and their
    source texts, records read in batches off the clock."""
    import yaml

    from eufunds.db import create_archive_engine
    from eufunds.read.records import iter_records_with_sources

    class Dumper(yaml.CSafeDumper):  # type: ignore[misc, name-defined]
        pass

    Dumper.add_representer(
        Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f"))
    )
    out.mkdir(parents=True)
    engine = create_archive_engine(f"sqlite:///{archive}")
    timed = 0.0
    with engine.connect() as connection:
        pending: list[Any] = []
        records = iter_records_with_sources(connection)
        while True:
            pending = [item for _, item in zip(range(BATCH), records, strict=False)]
            if not pending:
                break
            started = time.perf_counter()
            for record, documents in pending:
                for document in documents:
                    (out / f"{record['slug']}-{document.file}").write_bytes(document.text.encode("utf-8"))
                text = yaml.dump(
                    record,
                    Dumper=Dumper,
                    allow_unicode=True,
                    sort_keys=False,
                    default_flow_style=False,
                    width=100,
                )
                (out / f"{record['slug']}.yaml").write_text(text, encoding="utf-8")
            timed += time.perf_counter() - started
    engine.dispose()
    return timed


def measure(count: int, work: Path, repeat: int, formats: list[str], workers: int | None) -> dict[str, Any]:
    archive = build(count, work)
    scratch = work / f"records-{count}"
    figures: dict[str, Any] = {"projects": count}
    for fmt in formats:
        mine, limit = [], []
        for _ in range(repeat):
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            if fmt == "yaml":
                mine.append(ours(archive, fmt, scratch / "ours", workers))
                limit.append(libyaml_limit(archive, scratch / "limit"))
            else:
                mine.append(ours(archive, fmt, scratch / f"ours.{fmt}", workers))
                limit.append(sqlite3_json(archive, scratch / "limit.json"))
            print(f"  {count} {fmt}: ours {mine[-1]:.2f} s, limit {limit[-1]:.2f} s", flush=True)
        shutil.rmtree(scratch, ignore_errors=True)
        figures[fmt] = {"ours": min(mine), "limit": min(limit), "runs": {"ours": mine, "limit": limit}}
    return figures


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| N | format | ours s | limit | limit s | limit / ours |",
        "|---|---|---|---|---|---|",
    ]
    for figures in results:
        for fmt in ("json", "jsonl", "yaml"):
            if fmt not in figures:
                continue
            row = figures[fmt]
            name = "libyaml C emitter" if fmt == "yaml" else "sqlite3 -json"
            lines.append(
                f"| {figures['projects']} | {fmt} | {row['ours']:.2f} | {name} | {row['limit']:.2f} "
                f"| **{row['limit'] / row['ours']:.2f}** |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000", help="comma-separated project counts (default 10000)")
    parser.add_argument(
        "--formats", default="json,jsonl,yaml", help="which exports (default json,jsonl,yaml)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts")
    parser.add_argument(
        "--work", type=Path, default=HERE / "out", help="where archives are kept (default bench/out)"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument(
        "--workers", type=int, help="processes an export may use (default: the export's own choice)"
    )
    args = parser.parse_args(argv)
    print(machine(), flush=True)
    formats = [f for f in args.formats.split(",") if f]
    results = [
        measure(int(n), args.work, max(1, args.repeat), formats, args.workers)
        for n in args.sizes.split(",")
        if n
    ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
