"""``eufunds db backup``: a consistent online copy with SQLite's backup API."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import sqlite_dump
from synthetic import UpdateScenario, checked_dump, eufunds_command, prepare_update_scenario, wal_size

from eufunds.backup import backup_archive
from eufunds.cli import cli
from eufunds.db import ArchiveError


@pytest.fixture
def archive(sqlite_archive_file: Path) -> Path:
    return sqlite_archive_file


def test_backup_holds_every_row_of_the_archive(archive: Path, tmp_path: Path) -> None:
    report = backup_archive(f"sqlite:///{archive}", tmp_path / "copy.db")
    assert report.projects == 2
    assert sqlite_dump(tmp_path / "copy.db") == sqlite_dump(archive)


def test_backup_is_one_self_contained_file(archive: Path, tmp_path: Path) -> None:
    backup_archive(f"sqlite:///{archive}", tmp_path / "copy.db")
    connection = sqlite3.connect(tmp_path / "copy.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("copy", ".copy"))) == ["copy.db"]


def test_backup_refuses_to_overwrite_without_force(archive: Path, tmp_path: Path) -> None:
    (tmp_path / "copy.db").write_text("keep me")
    with pytest.raises(ArchiveError, match="exists"):
        backup_archive(f"sqlite:///{archive}", tmp_path / "copy.db")
    assert (tmp_path / "copy.db").read_text() == "keep me"


def test_backup_with_overwrite_replaces_the_file(archive: Path, tmp_path: Path) -> None:
    (tmp_path / "copy.db").write_text("old")
    backup_archive(f"sqlite:///{archive}", tmp_path / "copy.db", overwrite=True)
    assert sqlite_dump(tmp_path / "copy.db") == sqlite_dump(archive)


def test_backup_refuses_the_archive_itself(archive: Path) -> None:
    before = archive.read_bytes()
    with pytest.raises(ArchiveError, match="the archive itself"):
        backup_archive(f"sqlite:///{archive}", archive, overwrite=True)
    assert archive.read_bytes() == before


def test_backup_of_a_server_archive_points_to_its_tools(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="pg_dump"):
        backup_archive("postgresql+psycopg://user:secret@localhost/eufunds", tmp_path / "copy.db")


def test_backup_of_a_missing_archive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        backup_archive(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "copy.db")


def test_failed_backup_leaves_no_file_behind(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveError, match="failed"):
        backup_archive(f"sqlite:///{garbage}", out / "copy.db")
    assert list(out.iterdir()) == []


def test_cli_backup_prints_what_it_copied(archive: Path, tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--db", str(archive), "db", "backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    assert "2 projects" in result.stdout


def test_cli_backup_over_existing_file_is_one_clear_error(
    archive: Path, tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / "copy.db").write_text("keep me")
    result = runner.invoke(cli, ["--db", str(archive), "db", "backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> UpdateScenario:
    return prepare_update_scenario(tmp_path_factory.mktemp("backup"), 1500)


@pytest.mark.slow
def test_backup_during_a_load_is_consistent(scenario: UpdateScenario) -> None:
    database = scenario.fresh_copy("live.db")
    copy = scenario.root / "backup-during-load.db"
    load = subprocess.Popen(
        eufunds_command(database, "load", str(scenario.folder)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while wal_size(database) == 0 and load.poll() is None:
        time.sleep(0.001)
    backup = subprocess.run(
        eufunds_command(database, "db", "backup", str(copy)), capture_output=True, text=True
    )
    still_loading = load.poll() is None
    assert load.wait(timeout=120) == 0
    assert backup.returncode == 0, backup.stderr
    print(f"\nbackup taken {'while the load wrote' if still_loading else 'after the load ended'}")
    assert checked_dump(copy) in (scenario.before, scenario.after)
    assert checked_dump(database) == scenario.after
