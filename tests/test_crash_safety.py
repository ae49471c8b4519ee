"""Crash safety: a load killed with SIGKILL at any moment leaves the archive
exactly as it was before that load, or exactly as the finished load would."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from synthetic import UpdateScenario, checked_dump, eufunds_command, prepare_update_scenario, wal_size

pytestmark = pytest.mark.slow

SEED_COUNT = 1500
KILLS = int(os.environ.get("EUFUNDS_CRASH_KILLS", "10"))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> UpdateScenario:
    return prepare_update_scenario(tmp_path_factory.mktemp("crash"), SEED_COUNT)


def kill_load(scenario: UpdateScenario, database: Path, rng: random.Random, mid_write: bool) -> str:
    """Start a load of the scenario's folder and SIGKILL it: at any moment, or
    (``mid_write``) at a moment after it has begun writing pages to the WAL.
    Returns how it ended: "killed-mid-write", "killed" or "finished"."""
    process = subprocess.Popen(
        eufunds_command(database, "load", str(scenario.folder)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if mid_write:
        deadline = time.monotonic() + scenario.load_seconds * 3
        while wal_size(database) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, scenario.write_seconds * 0.6))
    else:
        time.sleep(rng.uniform(0, scenario.load_seconds * 0.9))
    writing = wal_size(database) > 0
    if process.poll() is not None:
        return "finished"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return "killed-mid-write" if writing else "killed"


def test_killed_load_leaves_the_archive_before_or_after_never_between(scenario: UpdateScenario) -> None:
    rng = random.Random(int(os.environ.get("EUFUNDS_CRASH_SEED", "20240501")))
    outcomes: Counter[tuple[str, str]] = Counter()
    for attempt in range(KILLS):
        database = scenario.fresh_copy(f"killed-{attempt}.db")
        ended = kill_load(scenario, database, rng, mid_write=attempt % 2 == 0)
        dump = checked_dump(database)
        state = "before" if dump == scenario.before else "after" if dump == scenario.after else "between"
        assert state != "between", f"attempt {attempt} ({ended}) left a partial archive"
        outcomes[(ended, state)] += 1
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    print(f"\n{KILLS} kills of a {SEED_COUNT}-seed load: {dict(outcomes)}")
    assert outcomes[("killed-mid-write", "before")] >= 1, outcomes


def test_load_after_a_kill_finishes_the_job(scenario: UpdateScenario) -> None:
    database = scenario.fresh_copy("resumed.db")
    kill_load(scenario, database, random.Random(7), mid_write=True)
    subprocess.run(eufunds_command(database, "load", str(scenario.folder)), check=True, capture_output=True)
    assert checked_dump(database) == scenario.after


def processes_marked(mark: str) -> list[int]:
    """Live processes started with ``EUFUNDS_TEST_MARK=mark`` in their environment."""
    wanted = f"EUFUNDS_TEST_MARK={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if wanted in environment.split(b"\0"):
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_killed_load_leaves_no_process_behind(scenario: UpdateScenario) -> None:
    """The seed-reading workers (and the fork server that started them) end
    on their own once the load is killed."""
    database = scenario.fresh_copy("orphans.db")
    mark = f"{os.getpid()}-{time.monotonic_ns()}"
    process = subprocess.Popen(
        eufunds_command(database, "load", str(scenario.folder)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "EUFUNDS_TEST_MARK": mark, "EUFUNDS_LOAD_WORKERS": "2"},
    )
    deadline = time.monotonic() + scenario.load_seconds * 3 + 10
    while len(processes_marked(mark)) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(processes_marked(mark)) >= 4, "the load, its fork server and two readers were never all up"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_marked(mark) == []
