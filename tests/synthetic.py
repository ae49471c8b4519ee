"""Synthetic seed folders: thousands of valid, distinct seeds for crash and
concurrency tests, each with its own source text, in versions that differ."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from dumps import without_load_times

PROGRAMMES = ("POCA", "POCU", "POR", "POIM")


def seed_text(number: int, version: int = 1, *, prefix: str = "synthetic") -> str:
    """One seed touching most tables: funding, objectives, results with
    indicators, a partner, a contact, a source and evidence quoted from it."""
    slug = f"{prefix}-{number:05d}"
    programme = PROGRAMMES[number % len(PROGRAMMES)]
    eligible = 100_000 + number * 7 + version
    eu = eligible * 85 // 100
    return f"""slug: {slug}
title: Proiect sintetic {number} versiunea {version}
acronym: PS{number}
codes: {{sipoca: "{zlib.crc32(prefix.encode()) % 9000 + 1000}{number:05d}", mysmis: null}}
status: {"ongoing" if version == 1 else "completed"}
beneficiary: {{name: Beneficiar {number % 97}, acting_through: null}}
partners:
  - {{name: Partener {number % 13}, role: partener}}
contacts:
  - {{name: Persoana {number}, position: manager, organisation: Beneficiar {number % 97},
     phone: null, fax: null, email: p{number}@example.ro}}
programme: {{code: {programme}, name: Programul {programme}}}
priority_axis: {{number: "{number % 3 + 1}", title: Axa {number % 3 + 1}}}
specific_objective: {{code: "{number % 3 + 1}.{version}", title: Obiectivul {number % 3 + 1}.{version}}}
funds: [FSE]
currency: RON
total_value: {eligible}.00
eligible_value: {eligible}.00
funding:
  - {{source: FSE, amount: {eu}, share_pct: 85}}
  - {{source: national_budget, amount: {eligible - eu}, share_pct: 15}}
start_date: 2018-03-12
end_date: 2019-07-11
duration_months: 16
target_group: {{size: {number % 50 + version}, description: angajați}}
location: Localitatea {number % 41}
objectives:
  - {{kind: general, code: null, text: Obiectiv general {number}.{version}}}
  - {{kind: specific, code: OS1, text: Obiectiv specific {number}, achieved: realizat}}
results:
  - {{level: programme, code: "2", text: Rezultat program {number}}}
  - level: project
    code: null
    text: Rezultat proiect {number}.{version}
    serves: "2"
    indicators:
      - {{value: {number % 20 + version}, unit: cursuri, what: organizate, topics: [a, b]}}
sources:
  - {{file: {slug}.txt, kind: start, published: 2018-03-20, publisher: example.ro}}
evidence:
  title: Proiect sintetic {number} versiunea {version}
"""


def source_text(number: int, version: int = 1, *, prefix: str = "synthetic") -> str:
    return (
        f"Comunicat de presă {prefix} {number}.\n"
        f"Proiect sintetic {number} versiunea {version} a început.\n" + "Text de umplutură. " * 20
    )


def write_seed_folder(folder: Path, numbers: range, version: int = 1, *, prefix: str = "synthetic") -> Path:
    """Write seeds ``numbers`` (and their sources) of ``version`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        slug = f"{prefix}-{number:05d}"
        (folder / f"{slug}.yaml").write_text(seed_text(number, version, prefix=prefix), encoding="utf-8")
        (folder / f"{slug}.txt").write_text(source_text(number, version, prefix=prefix), encoding="utf-8")
    return folder


# ------------------------------------------------------------------ a load to interrupt


def eufunds_command(database: Path, *args: str) -> list[str]:
    """``eufunds --db DATABASE ARGS`` in a new interpreter (the installed package)."""
    return [sys.executable, "-c", "from eufunds.cli import main; main()", "--db", str(database), *args]


@dataclass
class UpdateScenario:
    """An archive holding seeds v1 (``before.db``), a folder of their v2 plus new
    seeds, and full dumps of the archive before and after loading that folder."""

    root: Path
    before_db: Path
    folder: Path
    before: list[str]
    after: list[str]
    load_seconds: float  # the whole load of ``folder`` onto ``before_db``
    write_seconds: float  # from the first page written to the WAL to the end

    def fresh_copy(self, name: str) -> Path:
        target = self.root / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.before_db, target)
        return target


def wal_size(database: Path) -> int:
    try:
        return Path(f"{database}-wal").stat().st_size
    except FileNotFoundError:
        return 0


def prepare_update_scenario(root: Path, count: int) -> UpdateScenario:
    """Build the scenario with ``count`` seeds (and ``count // 10`` more in v2)."""
    write_seed_folder(root / "v1", range(count), 1)
    folder = write_seed_folder(root / "v2", range(count + count // 10), 2)
    before_db = root / "before.db"
    subprocess.run(eufunds_command(before_db, "db", "upgrade"), check=True, capture_output=True)
    subprocess.run(eufunds_command(before_db, "load", str(root / "v1")), check=True, capture_output=True)
    before = checked_dump(before_db)
    reference = root / "reference.db"
    shutil.copyfile(before_db, reference)
    started = time.perf_counter()
    process = subprocess.Popen(
        eufunds_command(reference, "load", str(folder)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    first_write = None
    while process.poll() is None:
        if first_write is None and wal_size(reference) > 0:
            first_write = time.perf_counter()
        time.sleep(0.002)
    ended = time.perf_counter()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    after = checked_dump(reference)
    assert after != before
    return UpdateScenario(
        root=root,
        before_db=before_db,
        folder=folder,
        before=before,
        after=after,
        load_seconds=ended - started,
        write_seconds=ended - (first_write or started),
    )


def checked_dump(database: Path) -> list[str]:
    """The archive's full SQL dump, after opening it as the next command would
    (recovering a WAL left by a killed writer) and checking its integrity."""
    connection = sqlite3.connect(database)
    try:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
        assert verdict == "ok", verdict
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        return without_load_times(connection.iterdump())
    finally:
        connection.close()


def write_joined_pair(folder: Path) -> Path:
    """A start release's seed and an end release joined into it (another end
    date, so a restatement), in ``folder``; no evidence, so one record."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, kind, end in (("start", "start", "2020-12-31"), ("end", "end", "2021-03-31")):
        (folder / f"{name}.txt").write_text(f"Proiectul Formare ({name}).\n", encoding="utf-8")
        (folder / f"{name}.yaml").write_text(
            ("joins: formare-start\n" if name == "end" else "")
            + f"slug: formare-{name}\ntitle: Formare\nstatus: ongoing\nbeneficiary: {{name: Comuna Bârca}}\n"
            f"programme: {{code: POCU}}\ncodes: {{sipoca: null, mysmis: '130001'}}\nend_date: {end}\n"
            f"sources: [{{file: {name}.txt, kind: {kind}}}]\n"
            + ("releases: [end.yaml]\n" if name == "start" else ""),
            encoding="utf-8",
        )
    return folder


# ------------------------------------------------------------------ values that test a format


# Every kind of value the loader writes, with the characters that CSV and
# PostgreSQL's COPY text treat specially: quotes, commas, tabs, backslashes
# (and the text "\N", COPY's NULL), line breaks (\r\n too), diacritics and
# astral characters; NULL beside the text "NULL"; the smallest and largest
# amounts and indicator values a column holds; dates far apart.
AWKWARD_SEED = r"""slug: ciudat-ghilimele
title: "Proiect \"ciudat\", cu virgule; ș ț ă î â Ș Ț — ½ 😀"
acronym: "A\\N"
codes: {sipoca: "900001", mysmis: null}
status: ongoing
beneficiary: {name: "Comuna Bârca, \"Dolj\"", acting_through: "Consiliul Județean\tDolj"}
partners:
  - {name: "Partener \\ cu bară", role: null}
contacts:
  - {name: "Ion \\N Popescu", position: null, organisation: null, phone: "\\.", fax: null, email: "a,b@example.ro"}
programme: {code: POCU, name: "Programul\\tOperațional"}
priority_axis: {number: "7", title: null}
specific_objective: null
funds: [FSE, FEDR]
currency: RON
total_value: 9999999999999.99
eligible_value: 0.01
funding:
  - {source: FSE, amount: 8499999999999.99, share_pct: 85.5, description: "linia 1\nlinia 2\r\nlinia 3", contributor: null}
  - {source: national_budget, amount: null, share_pct: 0, description: null, contributor: "Stat\\Român"}
start_date: 2000-01-01
end_date: 2099-12-31
duration_months: 1199
target_group: {size: 0, description: "tab\tși\\backslash și \"ghilimele\""}
location: "Bârca, Dolj"
objectives:
  - {kind: general, code: null, text: "Obiectiv\r\ncu CRLF", achieved: null}
  - kind: specific
    code: OS1
    text: "\\N"
    achieved: "NULL"
    indicators:
      - {value: 0.0001, unit: "m²", what: null, kind: null}
      - {value: 1234567890.25, unit: lei, what: "\"citat\"", kind: achieved}
      - {value: 60.5, unit: cursuri, what: "\"\"", kind: target, topics: ["a,b", "\\N", "c\nd"]}
results:
  - {level: programme, code: "2", text: "Rezultat, program", serves: null}
  - level: project
    code: null
    text: Rezultat proiect
    serves: "2"
    indicators:
      - {value: 0, unit: persoane, what: null, kind: null}
sources:
  - {file: ciudat.txt, kind: start, published: 2019-02-28, publisher: "ex\\ample.ro", issuer: null, title: "Titlu, \"citat\""}
"""

AWKWARD_SOURCE = 'Comunicat de presă: Proiect "ciudat", cu virgule.\nTab\taici, bară \\ inversă, \\N și \\.\r\nDiacritice: ș ț ă î â.\n'


def write_awkward_seed(folder: Path) -> Path:
    """Write the awkward seed and its source into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ciudat.yaml").write_text(AWKWARD_SEED, encoding="utf-8")
    # Bytes, so that the source's \r\n reaches the archive as written.
    (folder / "ciudat.txt").write_bytes(AWKWARD_SOURCE.encode("utf-8"))
    return folder
