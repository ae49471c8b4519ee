"""Property-based fuzzing of the seed reader: any bytes end in a seed or a clear SeedError."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seedmutations import SEEDS, any_seed, mutated_seed, random_seed

from eufunds.seed.format import Seed, SeedError, parse_seed_text, read_seed

# A slow example is a hang in the making: every example must finish within 2 s.
FUZZ = settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeds folder (so sources resolve) to write fuzzed seeds into."""
    target = tmp_path_factory.mktemp("fuzz") / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def read_or_error(path: Path) -> Seed | SeedError:
    try:
        return read_seed(path, label="fuzzed.yaml")
    except SeedError as exc:
        return exc


def assert_clear(error: SeedError) -> None:
    """Each problem names the file, is one line, and has a line number when it names a field."""
    assert error.problems
    for problem in error.problems:
        text = str(problem)
        assert problem.file == "fuzzed.yaml"
        assert text.startswith("fuzzed.yaml")
        assert "\n" not in text and "\r" not in text, text
        assert problem.message.strip()
        if problem.field is not None:
            assert problem.line is not None, text


@FUZZ
@given(data=mutated_seed())
def test_mutated_seed_reads_or_fails_clearly(fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "fuzzed.yaml"
    path.write_bytes(data)
    outcome = read_or_error(path)
    if isinstance(outcome, SeedError):
        assert_clear(outcome)
    else:
        assert outcome.record["slug"]


@FUZZ
@given(data=random_seed)
def test_random_bytes_read_or_fail_clearly(fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "fuzzed.yaml"
    path.write_bytes(data)
    outcome = read_or_error(path)
    if isinstance(outcome, SeedError):
        assert_clear(outcome)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_parses_or_fails_clearly(fuzz_dir: Path, text: str) -> None:
    try:
        parse_seed_text(text, path=fuzz_dir / "fuzzed.yaml", label="fuzzed.yaml")
    except SeedError as exc:
        assert_clear(exc)


@FUZZ
@given(data=any_seed)
def test_valid_outcome_is_deterministic(fuzz_dir: Path, data: bytes) -> None:
    """Reading the same bytes twice gives the same record or the same problems."""
    path = fuzz_dir / "fuzzed.yaml"
    path.write_bytes(data)
    first, second = read_or_error(path), read_or_error(path)
    if isinstance(first, SeedError):
        assert isinstance(second, SeedError) and str(first) == str(second)
    else:
        assert isinstance(second, Seed) and first.fingerprint() == second.fingerprint()
