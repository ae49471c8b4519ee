"""Coverage-guided fuzzing (atheris) of the loader.

Run: ``python tests/fuzz/fuzz_load.py -max_total_time=60 tests/fuzz/corpus/load``
(``.ci/fuzz`` does this). Each input becomes the one seed of a folder holding
the real source texts, loaded into an archive that already holds both real
seeds. It must load, or be refused with a ``LoadError`` that committed nothing
(SQLite's ``data_version`` seen from another connection stays the same).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["eufunds"]):
    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url
    from eufunds.load.loader import LoadError, load_paths

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ROOT = Path(tempfile.mkdtemp(prefix="eufunds-fuzz-load-"))
FOLDER = ROOT / "seeds"
FOLDER.mkdir()
for text in SEEDS.glob("*.txt"):
    shutil.copy(text, FOLDER)
TARGET = FOLDER / "fuzzed.yaml"
DATABASE = ROOT / "archive.db"
ENGINE = create_archive_engine(resolve_database_url(str(DATABASE)))
migrate.upgrade(ENGINE)
load_paths(ENGINE, [SEEDS])
WATCHER = sqlite3.connect(DATABASE)


def data_version() -> int:
    return WATCHER.execute("PRAGMA data_version").fetchone()[0]


def check_load_bytes(data: bytes) -> None:
    TARGET.write_bytes(data)
    before = data_version()
    try:
        load_paths(ENGINE, [FOLDER])
    except LoadError as exc:
        if data_version() != before:
            raise AssertionError("a refused load committed a change") from None
        for problem in exc.problems:
            if "\n" in str(problem):
                raise AssertionError(f"problem spans lines: {problem!s}") from None


def main() -> None:
    atheris.Setup(sys.argv, check_load_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
