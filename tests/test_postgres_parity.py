"""The same archive on SQLite and on PostgreSQL: same rows, same views, same commands.

Most behaviour is proven on both backends by the parametrised fixtures in
conftest.py; these tests put the two side by side.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import archive_dump, archive_snapshot
from sqlalchemy import Engine, text
from synthetic import AWKWARD_SOURCE, write_awkward_seed, write_seed_folder

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine
from eufunds.errors import LoadError
from eufunds.load import loader
from eufunds.load.loader import load_paths
from eufunds.models import ProjectFund

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


def test_awkward_values_load_to_the_same_rows_on_both_backends(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    """PostgreSQL's rows are written by COPY, whose text form gives tabs,
    backslashes, line breaks and "\\N" meanings of their own; SQLite's by
    INSERT parameters, which carry values as they are."""
    seeds = write_seed_folder(write_awkward_seed(tmp_path / "seeds"), range(3))
    on_sqlite = _loaded(sqlite_url, seeds)
    on_postgres = _loaded(postgres_url, seeds)
    try:
        assert archive_dump(on_postgres) == archive_dump(on_sqlite)
    finally:
        on_sqlite.dispose()
        on_postgres.dispose()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_awkward_values_reach_postgresql_as_written(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [write_awkward_seed(tmp_path / "seeds")])
    with engine.connect() as connection:
        project = connection.execute(
            text(
                "SELECT acronym, total_value_minor, eligible_value_minor, start_date, end_date FROM projects"
            )
        ).one()
        values = connection.execute(text("SELECT value FROM indicators ORDER BY id")).scalars().all()
        funding = connection.execute(
            text("SELECT amount_minor, share_bp, description FROM funding_sources ORDER BY ordinal")
        ).all()
        topics = connection.execute(text("SELECT topic FROM indicator_topics ORDER BY ordinal")).scalars()
        document = connection.execute(text("SELECT text, published FROM documents")).one()
    assert tuple(project) == ("A\\N", 999999999999999, 1, dt.date(2000, 1, 1), dt.date(2099, 12, 31))
    assert values == [Decimal("0.0001"), Decimal("1234567890.25"), Decimal("60.5"), Decimal("0")]
    assert [tuple(row) for row in funding] == [
        (849999999999999, 8550, "linia 1\nlinia 2\r\nlinia 3"),
        (None, 0, None),
    ]
    assert list(topics) == ["a,b", "\\N", "c\nd"]
    # Reading a release makes its line breaks \n; the rest is as written.
    assert document.text == AWKWARD_SOURCE.replace("\r\n", "\n")
    assert document.published == dt.date(2019, 2, 28)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_reloading_awkward_values_on_postgresql_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    seeds = write_awkward_seed(tmp_path / "seeds")
    load_paths(engine, [seeds])
    before = archive_dump(engine)
    report = load_paths(engine, [seeds])
    assert report.counts == {"inserted": 0, "updated": 0, "unchanged": 1}
    assert archive_dump(engine) == before


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_row_postgresql_refuses_while_copying_refuses_the_load_and_leaves_the_archive(
    loaded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reserve = loader._Writer._reserve_ids

    def clashing(self: loader._Writer, model: object, count: int) -> list[int]:
        ids = reserve(self, model, count)
        # The id of a fund row the archive already holds: the COPY is refused.
        return [1, *ids[1:]] if model is ProjectFund and ids else ids

    monkeypatch.setattr(loader._Writer, "_reserve_ids", clashing)
    before = archive_snapshot(loaded_engine)
    with pytest.raises(LoadError, match="the archive refused a row"):
        load_paths(loaded_engine, [write_seed_folder(tmp_path / "new", range(3))])
    assert archive_snapshot(loaded_engine) == before


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
