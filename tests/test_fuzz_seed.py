"""Property-based fuzzing of the seed reader: any bytes end in a seed or a clear SeedError."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
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


# --- YAML 1.1 number forms in every kind of field ------------------------------------------

CLUJ = SEEDS / "cj-cluj-calitate-competenta-performanta.yaml"
# field path → (the line of the real seed it replaces, that line's number, its kind)
NUMBER_FIELDS = {
    "codes.sipoca": ("  sipoca: null", 7, "text"),
    "codes.mysmis": ("  mysmis: null", 8, "text"),
    "contacts[0].phone": ("    phone: 0372 640030", 18, "text"),
    "contacts[0].fax": ("    fax: 0372 640070", 19, "text"),
    "total_value": ("total_value: 624995.52", 32, "money"),
    "funding[0].amount": ("    amount: 531246.19", 36, "money"),
    "target_group.size": ("  size: 40", 54, "count"),
}
# What YAML 1.1 reads as a number but a person does not: octal and leading
# zeros, hexadecimal and binary, sexagesimal, underscores.
YAML_11_ONLY = re.compile(r"_|:|0[xXoObB]|(?:^|[-+])0[0-9]")
NUMBER_FORMS = (
    "0474", "0721234567", "0x1F", "0o17", "0b101", "1:30", "190:20:30", "1_000", "+1", "-1",
    ".5", "5.", "1e3", "1E+3", "00", "007", "0", "0.50", "+.5", "-0", "1__0", "0x_1F", "1.5e-3",
    "010", "1:30.5", "+0474", "0.", "1e999",
)  # fmt: skip


def _a_scalar(text: str) -> bool:
    """Whether ``key: text`` is one scalar (not a list, mapping or comment), so that
    the seed keeps its shape and only the value changes."""
    try:
        value = yaml.safe_load(f"key: {text}")
    except yaml.YAMLError:
        return False
    return isinstance(value, dict) and not isinstance(value.get("key"), dict | list) and "#" not in text


number_form = st.one_of(
    st.sampled_from(NUMBER_FORMS),
    st.text(alphabet="0123456789_:xobXOB+-.eE", min_size=1, max_size=12),
).filter(_a_scalar)


def _field_value(record: dict, path: str) -> object:  # type: ignore[type-arg]
    value: object = record
    for part in re.findall(r"[^.\[\]]+", path):
        value = value[int(part)] if part.isdigit() else value[part]  # type: ignore[index]
    return value


@FUZZ
@given(field=st.sampled_from(sorted(NUMBER_FIELDS)), written=number_form)
def test_a_number_form_is_kept_as_written_or_refused_with_its_line_and_field_never_changed(
    fuzz_dir: Path, field: str, written: str
) -> None:
    line_text, line, kind = NUMBER_FIELDS[field]
    key = line_text.split(":")[0]
    source = CLUJ.read_text(encoding="utf-8")
    assert source.splitlines()[line - 1] == line_text
    path = fuzz_dir / "fuzzed.yaml"
    path.write_text(source.replace(line_text, f"{key}: {written}", 1), encoding="utf-8")
    outcome = read_or_error(path)
    if isinstance(outcome, SeedError):
        assert all(problem.line is not None for problem in outcome.problems), str(outcome)
        if kind != "text" and YAML_11_ONLY.search(written):
            assert any(p.field == field and p.line == line for p in outcome.problems), str(outcome)
        return
    stored = _field_value(outcome.record, field)  # type: ignore[arg-type]
    if kind == "text":
        assert stored == written, f"{written!r} became {stored!r}"
    else:
        assert not YAML_11_ONLY.search(written), f"{written!r} accepted as {stored!r}"
        assert Decimal(str(stored)) == Decimal(written), f"{written!r} became {stored!r}"
