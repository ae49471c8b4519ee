"""The same archive on SQLite and on PostgreSQL: same rows, same views, same commands.

Most behaviour is proven on both backends by the parametrised fixtures in
conftest.py; these tests put the two side by side.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import archive_dump
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine
from eufunds.load.loader import load_paths

pytestmark = pytest.mark.postgres

VIEWS = ("project_overview", "funding_overview", "project_funding_split")


def _loaded(url: str, seeds_dir: Path) -> Engine:
    engine = create_archive_engine(url)
    migrate.upgrade(engine)
    load_paths(engine, [seeds_dir])
    return engine


def _view_rows(engine: Engine, view: str) -> list[tuple[object, ...]]:
    def plain(value: object) -> object:
        # SQLite computes the lei columns as floats, PostgreSQL as exact numerics.
        if isinstance(value, float | Decimal):
            return Decimal(str(value)).normalize()
        return value if value is None or isinstance(value, int | str) else str(value)

    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {view}")).all()
    return sorted((tuple(plain(v) for v in row) for row in rows), key=repr)


def test_seeds_load_to_the_same_rows_and_ids_on_both_backends(
    sqlite_url: str, postgres_url: str, seeds_dir: Path
) -> None:
    on_sqlite = _loaded(sqlite_url, seeds_dir)
    on_postgres = _loaded(postgres_url, seeds_dir)
    try:
        sqlite_rows = archive_dump(on_sqlite)
        assert sum(len(rows) for rows in sqlite_rows.values()) > 100
        assert archive_dump(on_postgres) == sqlite_rows
    finally:
        on_sqlite.dispose()
        on_postgres.dispose()


@pytest.mark.parametrize("view", VIEWS)
def test_views_answer_alike_on_both_backends(
    sqlite_url: str, postgres_url: str, seeds_dir: Path, view: str
) -> None:
    on_sqlite = _loaded(sqlite_url, seeds_dir)
    on_postgres = _loaded(postgres_url, seeds_dir)
    try:
        assert _view_rows(on_postgres, view) == _view_rows(on_sqlite, view)
        assert _view_rows(on_sqlite, view)
    finally:
        on_sqlite.dispose()
        on_postgres.dispose()


def test_build_load_and_db_commands_work_on_a_postgresql_url(
    runner: CliRunner, postgres_url: str, seeds_dir: Path
) -> None:
    built = runner.invoke(cli, ["--db", postgres_url, "build", "--seeds", str(seeds_dir)])
    assert built.exit_code == 0, built.output
    assert "2 inserted" in built.output
    assert "postgres" in built.output  # the archive is named by its URL
    again = runner.invoke(cli, ["--db", postgres_url, "load", str(seeds_dir)])
    assert again.exit_code == 0, again.output
    assert "2 unchanged" in again.output
    current = runner.invoke(cli, ["--db", postgres_url, "db", "current"])
    assert current.output.startswith(migrate.head_revision())
    down = runner.invoke(cli, ["--db", postgres_url, "db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert "base (empty)" in down.output


def test_eufunds_db_environment_variable_selects_postgresql(
    runner: CliRunner, postgres_url: str, seeds_dir: Path
) -> None:
    result = runner.invoke(cli, ["build", "--seeds", str(seeds_dir)], env={"EUFUNDS_DB": postgres_url})
    assert result.exit_code == 0, result.output
    engine = create_archive_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM projects")).scalar() == 2
    finally:
        engine.dispose()
