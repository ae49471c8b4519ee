"""Migrations are the only way the schema is made, and they match the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from dumps import sqlite_dump
from sqlalchemy import Engine, inspect, text

from eufunds import migrate
from eufunds.db import create_archive_engine, sqlite_path
from eufunds.load.loader import load_paths
from eufunds.models import Base

REPO = Path(__file__).resolve().parents[1]


def _include(obj, name, type_, reflected, compare_to):  # same filter as migrations/env.py
    return not (type_ == "table" and name and name.startswith(("search_", "source_contents")))


# Alembic cannot reflect an expression index to compare it; the test below holds
# what that index must do.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_a_snapshot_of_one_file_and_sheet_is_unique_in_the_schema(engine: Engine) -> None:
    import datetime as dt

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from eufunds.models import ListFile

    row = {"file_name": "l.xlsx", "sha256": "a" * 64, "imported_at": dt.datetime(2026, 1, 1),
           "header_row": 1, "header_cells": "[]", "row_count": 0}  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            insert(ListFile), [{**row, "sheet": "POR"}, {**row, "sheet": "POCA"}, {**row, "sheet": None}]
        )
    for sheet in ("POR", None):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(ListFile), {**row, "sheet": sheet})


def test_upgrade_creates_views_for_sqlite3_users(engine: Engine) -> None:
    views = set(inspect(engine).get_view_names())
    assert {"project_overview", "funding_overview", "project_funding_split"} <= views


@pytest.mark.sqlite_only  # PostgreSQL always enforces foreign keys
def test_foreign_keys_are_enforced_on_every_connection(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("pragma foreign_keys")).scalar() == 1


def test_downgrade_to_base_and_upgrade_again_round_trips_a_loaded_archive(
    engine: Engine, seeds_dir: Path
) -> None:
    load_paths(engine, [seeds_dir])
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    report = load_paths(engine, [seeds_dir])
    assert len(report.inserted) == 2


@pytest.mark.sqlite_only  # compares the SQLite file's dump
def test_upgrade_is_idempotent(engine: Engine) -> None:
    path = sqlite_path(str(engine.url))
    assert path is not None
    before = sqlite_dump(path)
    migrate.upgrade(engine)
    assert sqlite_dump(path) == before


def test_alembic_command_line_upgrades_from_the_repository_root(tmp_path: Path) -> None:
    target = tmp_path / "via-alembic.db"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={target}", "upgrade", "head"],
        cwd=REPO,
        check=True,
        capture_output=True,
        env={**os.environ, "EUFUNDS_DB": ""},
    )
    engine = create_archive_engine(f"sqlite:///{target}")
    assert migrate.current_revision(engine) == migrate.head_revision()


# --- archives at another schema than the code's ------------------------------------------


def test_loading_into_an_archive_behind_the_code_says_to_upgrade_and_writes_nothing(
    sqlite_url: str, seeds_dir: Path
) -> None:
    from click.testing import CliRunner

    from eufunds.cli import cli

    engine = create_archive_engine(sqlite_url)
    migrate.upgrade(engine, "0004")
    engine.dispose()
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "load", str(seeds_dir)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: the archive's schema is at 0004, not {migrate.head_revision()}; run `eufunds db upgrade` first"
    ]


def test_an_archive_written_by_a_newer_eufunds_is_refused_by_load_and_by_upgrade(
    sqlite_url: str, seeds_dir: Path
) -> None:
    from click.testing import CliRunner
    from sqlalchemy import text

    from eufunds.cli import cli

    engine = create_archive_engine(sqlite_url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    for args in (["load", str(seeds_dir)], ["db", "upgrade"]):
        result = CliRunner().invoke(cli, ["--db", sqlite_url, *args])
        assert result.exit_code == 1, args
        (line,) = result.output.strip().splitlines()
        assert line.startswith("error: the archive's schema (9999) is newer than this eufunds knows")
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["show", "cj-cluj-calitate-competenta-performanta"], ["export", "--format", "json", "-o", "never.json"]],
    ids=["show", "export"],
)
def test_reading_an_archive_behind_the_code_says_to_upgrade(
    sqlite_url: str, seeds_dir: Path, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from eufunds.cli import cli

    monkeypatch.chdir(tmp_path)
    engine = create_archive_engine(sqlite_url)
    migrate.upgrade(engine)
    load_paths(engine, [seeds_dir])
    migrate.downgrade(engine, "0004")
    engine.dispose()
    result = CliRunner().invoke(cli, ["--db", sqlite_url, *args])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"error: the archive's schema is at 0004, not {migrate.head_revision()}; run `eufunds db upgrade` first"
    )
    assert not (tmp_path / "never.json").exists()


def test_a_view_of_ones_own_is_kept_word_for_word_when_lists_become_per_sheet(sqlite_url: str) -> None:
    """Migration 0010 rebuilds ``list_files`` on SQLite and so sets every view
    aside and back; a user's view may hold text SQLAlchemy would read as a
    bound parameter (``:noon``), which must go back as it was written."""
    engine = create_archive_engine(sqlite_url)
    migrate.upgrade(engine, "0009")
    mine = "CREATE VIEW lists_at_noon AS SELECT file_name, 'at :noon' AS said FROM list_files"
    with engine.begin() as connection:
        connection.exec_driver_sql(mine)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'lists_at_noon'")
        assert kept.scalar() == mine
    engine.dispose()
