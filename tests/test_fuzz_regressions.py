"""Inputs that once crashed the reader or the loader, replayed for ever.

Each file under ``tests/fuzz/regressions/`` was found by fuzzing (hypothesis or
atheris) and raised something other than a ``SeedError``/``LoadError``. Each
must now be refused with clear problems and leave the archive as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dumps import archive_snapshot
from sqlalchemy import Engine

from eufunds.load.loader import LoadError, load_paths
from eufunds.seed.format import SeedError, read_seed

REGRESSIONS = sorted((Path(__file__).parent / "fuzz" / "regressions").iterdir())
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed_folder_with(tmp_path: Path, regression: Path) -> Path:
    """The real source texts, and the regression input as the only seed."""
    folder = tmp_path / "regression"
    folder.mkdir()
    for text in SEEDS.glob("*.txt"):
        shutil.copy(text, folder)
    shutil.copy(regression, folder / regression.name)
    return folder


@pytest.mark.parametrize("regression", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regression_input_is_refused_with_a_located_problem(tmp_path: Path, regression: Path) -> None:
    folder = seed_folder_with(tmp_path, regression)
    with pytest.raises(SeedError) as caught:
        read_seed(folder / regression.name, label=regression.name)
    for problem in caught.value.problems:
        assert str(problem).startswith(f"{regression.name}:")
        assert problem.line is not None
        assert "\n" not in str(problem)


@pytest.mark.parametrize("regression", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_regression_input_leaves_archive_unchanged(
    tmp_path: Path, loaded_engine: Engine, regression: Path
) -> None:
    folder = seed_folder_with(tmp_path, regression)
    before = archive_snapshot(loaded_engine)
    with pytest.raises(LoadError):
        load_paths(loaded_engine, [folder])
    assert archive_snapshot(loaded_engine) == before
