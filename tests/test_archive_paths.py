"""Any path names an archive: one holding characters a URI would read as
syntax (``#`` a fragment, ``?`` parameters, ``%`` an escape) opens that very
file in every command, read-only ones and export workers included; and a
backup copies an archive or fails, never a file that holds none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from eufunds.cli import cli
from eufunds.settings import SETTINGS

ODD_NAMES = ["arhiva #1.db", "ce?mode=rw.db", "100%25 sigur.db", "a&b=c;d.db"]


def _run(database: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", str(database), *args], env=env)


@pytest.fixture(params=ODD_NAMES)
def archive(request: pytest.FixtureRequest, tmp_path: Path, seeds_dir: Path) -> Path:
    database = tmp_path / "dosar #2 ?x=1" / request.param
    database.parent.mkdir()
    assert _run(database, "db", "upgrade").exit_code == 0
    assert _run(database, "load", str(seeds_dir)).exit_code == 0
    assert database.is_file()
    return database


def test_read_commands_open_the_archive_the_path_names(archive: Path) -> None:
    listed = _run(archive, "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert listed.output.count('"slug"') == 2
    assert _run(archive, "query", "SELECT count(*) FROM projects").output.strip().endswith("2")


def test_export_workers_open_the_archive_the_path_names(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = _run(
        archive, "export", "--format", "csv", "-o", str(out), env={SETTINGS["export_workers"].envvar: "2"}
    )
    assert result.exit_code == 0, result.output
    assert (out / "projects.csv").read_text(encoding="utf-8").count("\n") == 3


def test_a_backup_of_an_archive_under_an_odd_path_holds_its_projects(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copie #1.db"
    result = _run(archive, "db", "backup", str(copy))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM projects").fetchone() == (2,)


def test_a_backup_of_a_file_that_holds_no_archive_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "gol.db"
    sqlite3.connect(empty).close()
    empty.write_bytes(b"")
    result = _run(empty, "db", "backup", str(tmp_path / "copie.db"))
    assert result.exit_code == 1
    assert "holds no eufunds archive" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "copie.db").exists()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_backup_onto_the_archive_or_its_files_is_refused(archive: Path, suffix: str) -> None:
    target = archive.with_name(archive.name + suffix)
    result = _run(archive, "db", "backup", "--force", str(target))
    assert result.exit_code == 1 and "is the archive itself" in result.output
