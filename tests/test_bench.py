"""A tiny run of the benchmark, and the pieces it relies on: generated seeds
load cleanly, the no-framework limit writes the same rows as the loader, and
reading seeds in worker processes gives the same answer as reading in-process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from inmemory_loader import read_seeds
from sqlalchemy import Engine, MetaData, func, select

from eufunds import migrate
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.load.loader import load_paths

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/ is not a package)
import run as bench_run  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.generate(20, tmp_path_factory.mktemp("bench") / "seeds")


def _counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
            if name != "alembic_version" and not name.startswith("search_")
        }


def test_generated_seeds_are_deterministic(tmp_path: Path, generated: Path) -> None:
    again = generate.generate(20, tmp_path / "again")
    for path in sorted(generated.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes()


def test_generated_seeds_look_like_the_real_ones_and_load_without_warnings(
    engine: Engine, generated: Path
) -> None:
    report = load_paths(engine, [generated])
    assert len(report.inserted) == 20 and report.warnings == []
    counts = _counts(engine)
    assert counts["funding_sources"] == 3 * 20
    assert counts["objectives"] == 4 * 20
    assert counts["results"] == 3 * 20
    text_sizes = [p.stat().st_size for p in generated.glob("*.txt")]
    assert 2500 <= sum(text_sizes) / len(text_sizes) <= 4000


def test_limit_writes_the_same_rows_as_the_loader(tmp_path: Path, generated: Path) -> None:
    ours = create_archive_engine(resolve_database_url(str(tmp_path / "ours.db")))
    migrate.upgrade(ours)
    load_paths(ours, [generated])
    limit_file = tmp_path / "limit.db"
    limit = create_archive_engine(resolve_database_url(str(limit_file)))
    migrate.upgrade(limit)
    limit.dispose()
    assert bench_run.limit_load(limit_file, generated) == 20
    assert _counts(limit) == _counts(ours)
    ours.dispose()
    limit.dispose()


def test_reading_in_worker_processes_matches_reading_in_process(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in generated.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    broken = folder / "bench-0000003.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: completed", "status: done"))
    serial_seeds, serial_problems = read_seeds([folder], workers=1)
    parallel_seeds, parallel_problems = read_seeds([folder], workers=2)
    assert [str(p) for p in parallel_problems] == [str(p) for p in serial_problems]
    assert "bench-0000003.yaml:" in str(parallel_problems[0]) and "status" in str(parallel_problems[0])
    assert [s.fingerprint() for s in parallel_seeds] == [s.fingerprint() for s in serial_seeds]
    assert [s.evidence_spans for s in parallel_seeds] == [s.evidence_spans for s in serial_seeds]
    assert len(parallel_seeds) == 19


def test_benchmark_smoke_run_prints_ratios(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "20", "--backends", "sqlite",
         "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| 20 | limit (yaml C + sqlite3) |" in done.stdout
    assert "| 20 | sqlite |" in done.stdout
    assert "machine:" in done.stdout and "command: python bench/run.py" in done.stdout
