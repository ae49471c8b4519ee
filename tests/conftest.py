"""Shared fixtures: real temporary archives, a copy of the seeds, the CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a fresh, empty archive (no schema yet)."""
    return resolve_database_url(str(tmp_path / "archive.db"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty archive."""
    archive = create_archive_engine(db_url)
    migrate.upgrade(archive)
    yield archive
    archive.dispose()


@pytest.fixture
def loaded_engine(engine: Engine, seeds_dir: Path) -> Engine:
    """A migrated archive holding the two seeds."""
    from eufunds.loader import load_paths

    load_paths(engine, [seeds_dir])
    return engine


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
