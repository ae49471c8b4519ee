"""Property-based fuzzing of the loader and ``eufunds load``: a damaged seed folder
either loads or is refused with clear messages, and a refused load writes nothing."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import sqlite_dump
from hypothesis import HealthCheck, given, settings
from seedmutations import SEEDS, seed_folder_edit

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.load.loader import LoadError, load_paths

FUZZ = settings(max_examples=120, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
_counter = itertools.count()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding template.db (migrated, both seeds loaded) and a seeds copy."""
    root = tmp_path_factory.mktemp("fuzzload")
    shutil.copytree(SEEDS, root / "seeds")
    engine = create_archive_engine(resolve_database_url(str(root / "template.db")))
    migrate.upgrade(engine)
    load_paths(engine, [root / "seeds"])
    engine.dispose()  # the last connection checkpoints the WAL into the file
    assert not (root / "template.db-wal").exists()
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def fresh_copy(workspace: Path) -> Path:
    target = workspace / f"archive-{next(_counter)}.db"
    shutil.copyfile(workspace / "template.db", target)
    return target


def seed_folder(workspace: Path, edit: tuple[str, bytes]) -> Iterator[Path]:
    """The seeds folder with one file edited; restored afterwards."""
    name, content = edit
    folder = workspace / "seeds"
    (folder / name).write_bytes(content)
    try:
        yield folder
    finally:
        shutil.copyfile(SEEDS / name, folder / name)


def assert_problems_clear(error: LoadError, folder: Path) -> None:
    assert error.problems
    for problem in error.problems:
        text = str(problem)
        assert "\n" not in text, text
        assert str(folder) in text or text.startswith("the archive"), text


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


@FUZZ
@given(edit=seed_folder_edit())
def test_damaged_seed_folder_loads_or_leaves_archive_unchanged(
    workspace: Path, edit: tuple[str, bytes]
) -> None:
    database = fresh_copy(workspace)
    before = sqlite_dump(database)
    engine = create_archive_engine(resolve_database_url(str(database)))
    try:
        for folder in seed_folder(workspace, edit):
            try:
                load_paths(engine, [folder])
            except LoadError as exc:
                assert_problems_clear(exc, folder)
                assert sqlite_dump(database) == before
            else:
                again = load_paths(engine, [folder])
                assert again.inserted == again.updated == []
    finally:
        engine.dispose()
    assert integrity(database) == "ok"
    database.unlink()


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(edit=seed_folder_edit())
def test_cli_load_of_damaged_folder_exits_cleanly(
    workspace: Path, runner: CliRunner, edit: tuple[str, bytes]
) -> None:
    database = fresh_copy(workspace)
    before = sqlite_dump(database)
    for folder in seed_folder(workspace, edit):
        result = runner.invoke(cli, ["--db", str(database), "load", str(folder)])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        if result.exit_code == 1:
            lines = result.stderr.splitlines()
            assert lines and all(line.startswith("error: ") for line in lines), result.stderr
            assert sqlite_dump(database) == before
        else:
            assert result.exit_code == 0, result.output
            assert "inserted" in result.stdout
    database.unlink()
