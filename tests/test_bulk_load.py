"""Large loads stream seeds through a spool and write them in batches; they must
do exactly what an in-memory load of the same seeds does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumps import archive_dump
from inmemory_loader import load_seeds, read_seeds
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.db import create_archive_engine
from eufunds.load import _pool as seedpool
from eufunds.load import loader
from eufunds.load.loader import LoadError, load_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate

CLUJ_SEED = "cj-cluj-calitate-competenta-performanta.yaml"
CALAFAT_SEED = "primaria-calafat-management-calitate.yaml"


@pytest.fixture
def many_seeds(tmp_path: Path, seeds_dir: Path) -> Path:
    """The two real seeds and 23 synthetic ones, in one folder."""
    generate.generate(23, seeds_dir)
    return seeds_dir


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "WRITE_BATCH", 4)


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def _second_archive(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if db_url.startswith("sqlite"):
        return create_archive_engine(f"sqlite:///{tmp_path / 'other.db'}")
    url = request.getfixturevalue("postgres_cluster").create_database()
    return create_archive_engine(url)


def test_streamed_load_in_batches_equals_an_in_memory_load(
    engine: Engine, db_url: str, many_seeds: Path, small_batches: None, request, tmp_path: Path
) -> None:
    report = load_paths(engine, [many_seeds])
    assert len(report.inserted) == 25
    other = _second_archive(db_url, request, tmp_path)
    migrate.upgrade(other)
    seeds, problems = read_seeds([many_seeds])
    assert problems == []
    load_seeds(other, seeds)
    # Batches number shared rows (organisations) in another order; the facts are the same.
    assert archive_dump(engine, with_ids=False) == archive_dump(other, with_ids=False)
    other.dispose()


def test_streamed_reload_with_edits_equals_an_in_memory_reload(
    engine: Engine, db_url: str, many_seeds: Path, small_batches: None, request, tmp_path: Path
) -> None:
    other = _second_archive(db_url, request, tmp_path)
    migrate.upgrade(other)
    load_paths(engine, [many_seeds])
    load_paths(other, [many_seeds])
    # A changed seed naming a new beneficiary, another changed, the rest unchanged.
    _edit(many_seeds, "bench-0000005.yaml", "  acting_through: null", "  acting_through: Primăria Nouă")
    _edit(many_seeds, CALAFAT_SEED, "location: null", "location: Municipiul Calafat")
    report = load_paths(engine, [many_seeds])
    assert sorted(report.updated) == ["bench-0000005", "primaria-calafat-management-calitate"]
    assert len(report.unchanged) == 23
    seeds, _ = read_seeds([many_seeds])
    load_seeds(other, seeds)
    assert archive_dump(engine, with_ids=False) == archive_dump(other, with_ids=False)
    other.dispose()


def test_two_archived_projects_may_swap_codes_in_one_load(
    engine: Engine, many_seeds: Path, small_batches: None
) -> None:
    load_paths(engine, [many_seeds])
    # bench-0000001 and bench-0000020 land in different batches.
    _edit(many_seeds, "bench-0000001.yaml", 'sipoca: "101"', 'sipoca: "120"')
    _edit(many_seeds, "bench-0000020.yaml", 'sipoca: "120"', 'sipoca: "101"')
    report = load_paths(engine, [many_seeds])
    assert sorted(report.updated) == ["bench-0000001", "bench-0000020"]
    with engine.connect() as connection:
        codes = dict(
            connection.execute(
                text(
                    "select slug, sipoca_code from projects where slug in ('bench-0000001', 'bench-0000020')"
                )
            ).all()
        )
    assert codes == {"bench-0000001": "120", "bench-0000020": "101"}


def test_a_code_held_by_a_project_outside_the_load_is_refused_and_nothing_written(
    engine: Engine, many_seeds: Path, small_batches: None, tmp_path: Path
) -> None:
    load_paths(engine, [many_seeds])
    before = archive_dump(engine)
    partial = tmp_path / "partial"
    partial.mkdir()
    for name in ("bench-0000002", "bench-0000003"):
        shutil.copy(many_seeds / f"{name}.yaml", partial)
        shutil.copy(many_seeds / f"{name}.txt", partial)
    _edit(partial, "bench-0000003.yaml", 'mysmis: "100003"', 'mysmis: "100007"')
    with pytest.raises(
        LoadError, match=r"bench-0000003\.yaml:\d+: codes\.mysmis: MYSMIS 100007 already belongs"
    ):
        load_paths(engine, [partial])
    assert archive_dump(engine) == before


def test_duplicates_across_batches_name_the_first_claimant(
    engine: Engine, many_seeds: Path, small_batches: None
) -> None:
    _edit(many_seeds, "bench-0000019.yaml", "slug: bench-0000019", "slug: bench-0000002")
    with pytest.raises(LoadError) as error:
        load_paths(engine, [many_seeds])
    message = str(error.value)
    assert "bench-0000019.yaml" in message
    assert "slug 'bench-0000002' is also claimed by" in message and "bench-0000002.yaml:" in message
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from projects")).scalar() == 0


def test_load_that_starts_new_and_meets_archived_projects_later_is_complete(
    engine: Engine, many_seeds: Path, small_batches: None, tmp_path: Path
) -> None:
    later = tmp_path / "later"
    later.mkdir()
    for name in ("bench-0000015", "bench-0000016"):
        shutil.copy(many_seeds / f"{name}.yaml", later)
        shutil.copy(many_seeds / f"{name}.txt", later)
    load_paths(engine, [later])
    _edit(many_seeds, "bench-0000016.yaml", "notes: null", "notes: edited")
    report = load_paths(engine, [many_seeds])  # early batches stream, later ones wait for the checks
    assert len(report.inserted) == 23 and report.updated == ["bench-0000016"]
    assert report.unchanged == ["bench-0000015"]
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from projects")).scalar() == 25
        assert connection.execute(text("select count(*) from documents")).scalar() == 25


def test_bad_seed_after_streamed_batches_leaves_the_archive_as_it_was(
    engine: Engine, many_seeds: Path, small_batches: None
) -> None:
    before = archive_dump(engine)
    _edit(many_seeds, "bench-0000021.yaml", "status: completed", "status: finished")
    with pytest.raises(LoadError, match=r"bench-0000021\.yaml:\d+: status"):
        load_paths(engine, [many_seeds])
    assert archive_dump(engine) == before


def test_reading_seeds_retains_no_memory_per_seed(seeds_dir: Path) -> None:
    """A seed-reading worker lives for a whole load; what it keeps per seed
    read would grow with N (it once kept every parsed YAML scalar)."""
    import gc
    import tracemalloc

    from eufunds.seed.format import read_seed

    seed = seeds_dir / CLUJ_SEED
    for _ in range(20):  # warm caches that are bounded (re, codecs, reference lists)
        read_seed(seed, name=CLUJ_SEED)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(300):
            read_seed(seed, name=CLUJ_SEED)
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 200_000, f"{retained} bytes kept after 300 reads"


def test_a_bad_load_worker_count_is_one_clear_error(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from eufunds.cli import cli

    monkeypatch.setenv("EUFUNDS_LOAD_WORKERS", "many")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "build", "--seeds", str(seeds_dir)])
    assert result.exit_code == 1
    assert "EUFUNDS_LOAD_WORKERS='many' is not a whole number" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def parallel_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Enough synthetic seeds for a pool of two readers, as (file, name) pairs."""
    from eufunds.load.discovery import discover_seed_files

    folder = tmp_path / "many"
    folder.mkdir()
    generate.generate(seedpool.PARALLEL_MIN_FILES + 70, folder)
    return list(discover_seed_files([folder]))


def _labels(outcomes: object) -> list[str]:
    return [outcome.label if hasattr(outcome, "label") else repr(outcome) for outcome in outcomes]  # type: ignore[attr-defined]


@pytest.mark.parametrize("breaks", ["when a chunk is handed over", "when a chunk's result is awaited"])
def test_seeds_are_read_in_file_order_when_the_reading_pool_breaks(
    parallel_seeds: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch, breaks: str
) -> None:
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    expected = _labels(seedpool.read_seed_files(parallel_seeds, workers=1))

    class BreakingPool(ProcessPoolExecutor):
        handed = 0

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            BreakingPool.handed += 1
            if BreakingPool.handed == 9:  # a worker died: the pool is broken from here on
                if breaks == "when a chunk is handed over":
                    raise BrokenProcessPool("a worker stopped")
                broken: Future = Future()
                broken.set_exception(BrokenProcessPool("a worker stopped"))
                return broken
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(seedpool, "ProcessPoolExecutor", BreakingPool)
    assert _labels(seedpool.read_seed_files(parallel_seeds, workers=2)) == expected
    assert BreakingPool.handed >= 9
    assert len(expected) == len(parallel_seeds)


def test_seed_files_are_taken_as_they_are_read_not_all_at_once(
    parallel_seeds: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.setattr(seedpool, "PARALLEL_MIN_FILES", 20)
    monkeypatch.setattr(seedpool, "CHUNK_SIZE", 4)
    taken = 0

    def files() -> object:
        nonlocal taken
        for item in parallel_seeds:
            taken += 1
            yield item

    outcomes = seedpool.read_seed_files(files(), workers=2)  # type: ignore[arg-type]
    next(outcomes)
    in_flight = seedpool.PARALLEL_MIN_FILES + (seedpool.IN_FLIGHT * 2 + 1) * seedpool.CHUNK_SIZE
    assert taken <= in_flight < len(parallel_seeds)
    assert 1 + sum(1 for _ in outcomes) == len(parallel_seeds)


_SCRIPT_HEAD = (
    "import multiprocessing, os, sys\n"
    "from pathlib import Path\n"
    "from eufunds.load.discovery import discover_seed_files\n"
    "from eufunds.load._pool import read_seed_files\n"
)


def _run_script(tmp_path: Path, body: str, seeds: list[tuple[str, str]]) -> subprocess.CompletedProcess[str]:
    """Run a script that reads the folder of ``seeds`` (its first argument) in a fresh interpreter."""
    script = tmp_path / "caller.py"
    script.write_text(_SCRIPT_HEAD + body)
    folder = str(Path(seeds[0][0]).parent)
    return subprocess.run(
        [sys.executable, str(script), folder], capture_output=True, text=True, timeout=120, check=True
    )


def test_reading_workers_do_not_run_the_callers_script_again(
    parallel_seeds: list[tuple[str, str]], tmp_path: Path
) -> None:
    """A worker needs nothing from the script that started the load; running it
    again cost each worker the command line's imports, and a script without the
    ``if __name__ == "__main__":`` guard would start a load in every worker."""
    done = _run_script(
        tmp_path,
        "print('script ran in', os.getpid(), flush=True)\n"
        "outcomes = list(read_seed_files(discover_seed_files([Path(sys.argv[1])]), workers=2))\n"
        "print('seeds read:', sum(hasattr(o, 'record') for o in outcomes), flush=True)\n",
        parallel_seeds,
    )
    assert done.stdout.count("script ran in") == 1, done.stdout
    assert f"seeds read: {len(parallel_seeds)}" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_pool_the_caller_starts_between_seeds_still_finds_the_callers_functions(
    parallel_seeds: list[tuple[str, str]], tmp_path: Path
) -> None:
    """Workers skip the caller's script only while the reading pool starts one:
    a pool of the caller's own, started while seeds come back, runs it as usual."""
    done = _run_script(
        tmp_path,
        "def square(x):\n"
        "    return x * x\n"
        "if __name__ == '__main__':\n"
        "    for i, _ in enumerate(read_seed_files(discover_seed_files([Path(sys.argv[1])]), workers=2)):\n"
        "        if i == 5:\n"
        "            with multiprocessing.get_context('spawn').Pool(1) as pool:\n"
        "                print('squares:', pool.map(square, [3]), flush=True)\n",
        parallel_seeds,
    )
    assert "squares: [9]" in done.stdout, done.stderr
