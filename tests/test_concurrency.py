"""Concurrency: two loads and several readers on one SQLite archive at once.

No corruption, no lost update, readers only ever see whole loads, and a writer
that cannot get the archive says so after a bounded wait instead of hanging.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import sqlite_dump
from sqlalchemy import Engine, text
from synthetic import checked_dump, eufunds_command, write_seed_folder

from eufunds.cli import cli
from eufunds.db import read_only_connection
from eufunds.load.loader import load_paths

COUNT = 300

READER = """
import json, sys, time
from sqlalchemy import text
from eufunds.db import create_archive_engine
engine = create_archive_engine("sqlite:///" + sys.argv[1], read_only=True)
seen, reads, errors = set(), 0, []
stop = time.monotonic() + float(sys.argv[2])
while time.monotonic() < stop:
    try:
        with engine.connect() as connection:
            seen.add(connection.execute(text("SELECT count(*) FROM projects")).scalar_one())
            connection.execute(text("SELECT count(*) FROM funding_sources")).scalar_one()
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": sorted(seen), "reads": reads, "errors": errors[:3]}))
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    database = tmp_path / "archive.db"
    subprocess.run(eufunds_command(database, "db", "upgrade"), check=True, capture_output=True)
    return database


def start(database: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        eufunds_command(database, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def start_readers(database: Path, seconds: float, count: int = 3) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(database), str(seconds)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout, stderr


@pytest.mark.slow
def test_two_loads_of_different_seeds_both_land_while_readers_see_whole_loads(
    archive: Path, tmp_path: Path
) -> None:
    first = write_seed_folder(tmp_path / "a", range(COUNT), prefix="alpha")
    second = write_seed_folder(tmp_path / "b", range(COUNT), prefix="beta")
    readers = start_readers(archive, seconds=8)
    loads = [start(archive, "load", str(first)), start(archive, "load", str(second))]
    for load in loads:
        code, stdout, stderr = finish(load)
        assert code == 0, stderr
        assert f"{COUNT} inserted" in stdout
    for reader in readers:
        report = json.loads(finish(reader)[1])
        assert report["errors"] == [] and report["reads"] > 0
        assert set(report["seen"]) <= {0, COUNT, 2 * COUNT}, report["seen"]
    connection = sqlite3.connect(archive)
    slugs = {row[0].split("-")[0] for row in connection.execute("SELECT slug FROM projects")}
    assert connection.execute("SELECT count(*) FROM projects").fetchone()[0] == 2 * COUNT
    connection.close()
    assert slugs == {"alpha", "beta"}
    checked_dump(archive)


@pytest.mark.slow
def test_two_loads_of_the_same_slugs_the_later_wins_whole(archive: Path, tmp_path: Path) -> None:
    versions = {
        version: write_seed_folder(tmp_path / f"v{version}", range(COUNT), version) for version in (1, 2)
    }
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(archive, pristine)
    loads = {version: start(archive, "load", str(folder)) for version, folder in versions.items()}
    outputs = {version: finish(load) for version, load in loads.items()}
    assert all(code == 0 for code, _, _ in outputs.values()), outputs
    (later,) = [v for v, (_, stdout, _) in outputs.items() if f"{COUNT} updated" in stdout]
    earlier = 3 - later
    # The same two loads one after the other, in the order they took the archive.
    sequential = tmp_path / "sequential.db"
    shutil.copyfile(pristine, sequential)
    for version in (earlier, later):
        subprocess.run(
            eufunds_command(sequential, "load", str(versions[version])), check=True, capture_output=True
        )
    assert checked_dump(archive) == checked_dump(sequential)


def test_writer_blocked_by_another_says_busy_after_a_bounded_wait(archive: Path, seeds_dir: Path) -> None:
    holder = sqlite3.connect(archive, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    before = sqlite_dump(archive)
    started = time.monotonic()
    code, _, stderr = finish(start(archive, "load", str(seeds_dir), env={"EUFUNDS_BUSY_TIMEOUT": "0.5"}))
    waited = time.monotonic() - started
    holder.rollback()
    holder.close()
    assert code == 1
    assert "archive is busy" in stderr and "Traceback" not in stderr
    assert stderr.count("\n") == 1
    assert waited < 10
    assert sqlite_dump(archive) == before


def test_writer_waits_for_a_short_lock_instead_of_failing(archive: Path, seeds_dir: Path) -> None:
    holder = sqlite3.connect(archive, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    load = start(archive, "load", str(seeds_dir), env={"EUFUNDS_BUSY_TIMEOUT": "30"})
    time.sleep(1.5)
    holder.rollback()
    holder.close()
    code, stdout, stderr = finish(load)
    assert code == 0, stderr
    assert "2 inserted" in stdout


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "1e9"])
def test_unusable_busy_timeout_is_one_clear_error(
    archive: Path, seeds_dir: Path, runner: CliRunner, value: str
) -> None:
    result = runner.invoke(
        cli, ["--db", str(archive), "load", str(seeds_dir)], env={"EUFUNDS_BUSY_TIMEOUT": value}
    )
    assert result.exit_code == 1
    assert "EUFUNDS_BUSY_TIMEOUT" in result.stderr and result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_archive(request: pytest.FixtureRequest) -> str:
    """A migrated, empty archive on the test cluster."""
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    subprocess.run(eufunds_command(url, "db", "upgrade"), check=True, capture_output=True)  # type: ignore[arg-type]
    yield url
    cluster.drop_database(url)


@pytest.mark.slow
def test_two_loads_of_the_same_slugs_on_postgresql_queue_instead_of_colliding(
    pg_archive: str, tmp_path: Path
) -> None:
    versions = {
        version: write_seed_folder(tmp_path / f"v{version}", range(COUNT), version) for version in (1, 2)
    }
    loads = {version: start(pg_archive, "load", str(folder)) for version, folder in versions.items()}  # type: ignore[arg-type]
    outputs = {version: finish(load) for version, load in loads.items()}
    assert all(code == 0 for code, _, _ in outputs.values()), outputs
    stdouts = sorted(stdout for _, stdout, _ in outputs.values())
    assert any(f"{COUNT} inserted" in s for s in stdouts) and any(f"{COUNT} updated" in s for s in stdouts)


def test_load_on_postgresql_blocked_by_another_says_busy_after_a_bounded_wait(
    pg_archive: str, seeds_dir: Path
) -> None:
    from sqlalchemy import create_engine, text

    from eufunds.load.loader import LOAD_LOCK_KEY

    holder = create_engine(pg_archive)
    with holder.connect() as connection, connection.begin():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
        started = time.monotonic()
        env = {"EUFUNDS_BUSY_TIMEOUT": "0.5"}
        code, _, stderr = finish(start(pg_archive, "load", str(seeds_dir), env=env))  # type: ignore[arg-type]
        waited = time.monotonic() - started
    holder.dispose()
    assert code == 1
    assert "archive is busy" in stderr and "Traceback" not in stderr
    assert waited < 10
    with create_engine(pg_archive).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM projects")).scalar_one() == 0


def test_a_read_only_connection_reads_one_snapshot_while_a_load_commits(
    engine: Engine, db_url: str, seeds_dir: Path, tmp_path: Path
) -> None:
    """What an export reads in one transaction is one state of the archive, on
    PostgreSQL too (whose default takes a new snapshot for every statement)."""
    load_paths(engine, [write_seed_folder(tmp_path / "first", range(3))])
    with read_only_connection(db_url, sqlalchemy=True) as reading:
        before = reading.execute(text("SELECT count(*) FROM projects")).scalar_one()
        load_paths(engine, [seeds_dir])
        during = reading.execute(text("SELECT count(*) FROM projects")).scalar_one()
    with read_only_connection(db_url, sqlalchemy=True) as reading:
        after = reading.execute(text("SELECT count(*) FROM projects")).scalar_one()
    assert (before, during, after) == (3, 3, 5)
