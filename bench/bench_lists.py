"""Rows per second importing an official list, against openpyxl's own read-only
iteration of the same file in the same run (issue 18: at least 0.5×).

Writes an XLSX list of ``--rows`` invented projects (title rows, Romanian
headings with units, amounts as Romanian text and as numbers, dates as date
cells), then times, each in a fresh interpreter: openpyxl iterating every row
in read-only mode (the floor: reading the file and nothing else), and
``import_list`` into a new SQLite archive (reading, reading the cells, writing,
linking). Peak resident size is reported for both: the import streams, so it
should stay near the floor's whatever the length of the list.

    python bench/bench_lists.py [--rows 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HEADER = ["Nr. crt.", "Cod SMIS", "Denumire beneficiar", "CUI", "Titlu proiect", "Valoare totală (lei)",
          "Valoare eligibilă (lei)", "Valoare UE (lei)", "Rata de cofinanțare", "Data începere",
          "Data finalizare", "Regiune", "Județ", "Localitate", "Stadiu"]  # fmt: skip
COUNTIES = ("Alba", "Bihor", "Cluj", "Dolj", "Iași", "Olt", "Suceava", "Timiș")


def write_list(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lista")
    sheet.append(["Lista proiectelor contractate"])
    sheet.append(["Situație la 31.03.2024"])
    sheet.append([])
    sheet.append(HEADER)
    start = dt.datetime(2019, 1, 1)
    for i in range(rows):
        total = 100_000 + i * 37
        county = COUNTIES[i % len(COUNTIES)]
        sheet.append([
            i + 1, 100000 + i, f"Comuna Exemplu {i}", f"RO{4000000 + i}", f"Drumul comunal {i}",
            f"{total:,}.00".replace(",", "."), total * 0.85, f"{total * 0.7:.2f}".replace(".", ","), 0.85,
            start + dt.timedelta(days=i % 900), f"{(i % 28) + 1:02d}.12.2023", "Nord-Vest", county,
            f"Localitatea {i % 300}", "În implementare",
        ])  # fmt: skip
    workbook.save(path)


FLOOR = """
import json, resource, sys, time
from openpyxl import load_workbook
start = time.perf_counter()
workbook = load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
workbook.close()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "seconds": seconds, "rss_kb": peak}))
"""

IMPORT = """
import json, resource, sys, time
from pathlib import Path
from eufunds import migrate
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.lists.importer import import_list
engine = create_archive_engine(resolve_database_url(sys.argv[2]))
migrate.upgrade(engine)
start = time.perf_counter()
report = import_list(engine, Path(sys.argv[1]), programme="POR")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": report.rows, "seconds": seconds, "rss_kb": peak}))
"""


def run(program: str, *args: str) -> dict[str, float]:
    env_path = str(REPO / "src")
    done = subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the list and the archive in.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"lista-{options.rows}.xlsx"
        write_list(path, options.rows)
        archive = folder / "archive.db"
        archive.unlink(missing_ok=True)
        floor = run(FLOOR, str(path))
        imported = run(IMPORT, str(path), str(archive))
    floor_rate = options.rows / floor["seconds"]
    import_rate = imported["rows"] / imported["seconds"]
    print(f"{options.rows} rows")
    for label, rate, peak in (
        ("openpyxl read-only iteration:", floor_rate, floor["rss_kb"]),
        ("eufunds lists import:", import_rate, imported["rss_kb"]),
    ):
        print(f"{label:30}{rate:9.0f} rows/s   peak RSS {peak / 1024:6.0f} MB")
    print(f"ratio (import / openpyxl):    {import_rate / floor_rate:9.2f}   (issue 18 asks ≥ 0.5)")


if __name__ == "__main__":
    main()
