"""Shared fixtures: real temporary archives, a copy of the seeds, the CLI runner.

The archive fixtures (``db_url``, ``engine``, ``loaded_engine``) are
parametrised over both backends, so every test that uses them runs once on a
SQLite file and once on a PostgreSQL database of a throwaway cluster started for
the session (see ``pgcluster.py``). A test that inspects the SQLite file itself
carries ``@pytest.mark.sqlite_only``; its PostgreSQL variant is deselected.

Without a PostgreSQL server the PostgreSQL variants skip, saying why; with
``EUFUNDS_REQUIRE_POSTGRES=1`` (CI) they fail instead, and a run in which no
PostgreSQL variant passed fails as a whole.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pgcluster import ClusterUnavailable, PostgresCluster
from sqlalchemy import Engine

from eufunds import migrate
from eufunds.db import create_archive_engine, resolve_database_url

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's seeds (texts and records) to edit freely."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


BACKENDS = ("sqlite", "postgresql")
REQUIRE_POSTGRES_VAR = "EUFUNDS_REQUIRE_POSTGRES"


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES_VAR, "") not in ("", "0")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: inspects the SQLite file; not run on PostgreSQL")


# PostgreSQL variants that passed in this session (read at session end).
_postgres_passed: list[str] = []


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("backend") if callspec is not None else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Deselect (rather than skip) the PostgreSQL variant of SQLite-only tests, so
    # every skip left in a run is one worth reading.
    kept, dropped = [], []
    for item in items:
        backend = _backend_of(item)
        if backend == "postgresql":
            if item.get_closest_marker("sqlite_only"):
                dropped.append(item)
                continue
            item.add_marker(pytest.mark.postgres)
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI must prove parity, not skip it: a required run in which no PostgreSQL
    # variant passed is a failure even if every other test passed.
    if not postgres_required() or exitstatus != 0:
        return
    postgres_items = [i for i in session.items if _backend_of(i) == "postgresql"]
    if not _postgres_passed and postgres_items:
        session.config.get_terminal_writer().line(
            f"{REQUIRE_POSTGRES_VAR}=1 but no PostgreSQL test passed", red=True, bold=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server for the whole session, started on first use, always stopped."""
    try:
        cluster = PostgresCluster.start()
    except ClusterUnavailable as exc:
        if postgres_required():
            pytest.fail(f"PostgreSQL is required ({REQUIRE_POSTGRES_VAR}=1) but unavailable: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on; tests using the archive fixtures run on both."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a fresh, empty archive (no schema yet), on each backend in turn."""
    if backend == "sqlite":
        yield resolve_database_url(str(tmp_path / "archive.db"))
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    try:
        yield url
    finally:
        cluster.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite archive file, for tests about SQLite itself."""
    return resolve_database_url(str(tmp_path / "archive.db"))


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, for tests about PostgreSQL itself."""
    url = postgres_cluster.create_database()
    try:
        yield url
    finally:
        postgres_cluster.drop_database(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty archive."""
    archive = create_archive_engine(db_url)
    migrate.upgrade(archive)
    yield archive
    archive.dispose()


@pytest.fixture
def sqlite_archive_file(sqlite_url: str, seeds_dir: Path) -> Path:
    """A SQLite archive file holding the two seeds, every connection closed."""
    from eufunds.load.loader import load_paths

    archive = create_archive_engine(sqlite_url)
    migrate.upgrade(archive)
    load_paths(archive, [seeds_dir])
    archive.dispose()
    return Path(sqlite_url.removeprefix("sqlite:///"))


@pytest.fixture
def loaded_engine(engine: Engine, seeds_dir: Path) -> Engine:
    """A migrated archive holding the two seeds."""
    from eufunds.load.loader import load_paths

    load_paths(engine, [seeds_dir])
    return engine


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
