"""Property-based fuzzing of the loader and ``eufunds load``: a damaged seed folder
either loads or is refused with clear messages, and a refused load writes nothing."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from dumps import sqlite_dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seedmutations import SEEDS, seed_folder_edit

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.load.loader import LoadError, load_paths

FUZZ = settings(max_examples=120, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
_counter = itertools.count()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding template.db (migrated, both seeds loaded) and a seeds copy."""
    root = tmp_path_factory.mktemp("fuzzload")
    shutil.copytree(SEEDS, root / "seeds")
    engine = create_archive_engine(resolve_database_url(str(root / "template.db")))
    migrate.upgrade(engine)
    load_paths(engine, [root / "seeds"])
    engine.dispose()  # the last connection checkpoints the WAL into the file
    assert not (root / "template.db-wal").exists()
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def fresh_copy(workspace: Path) -> Path:
    target = workspace / f"archive-{next(_counter)}.db"
    shutil.copyfile(workspace / "template.db", target)
    return target


def seed_folder(workspace: Path, edit: tuple[str, bytes]) -> Iterator[Path]:
    """The seeds folder with one file edited; restored afterwards."""
    name, content = edit
    folder = workspace / "seeds"
    (folder / name).write_bytes(content)
    try:
        yield folder
    finally:
        shutil.copyfile(SEEDS / name, folder / name)


def assert_problems_clear(error: LoadError, folder: Path) -> None:
    assert error.problems
    for problem in error.problems:
        text = str(problem)
        assert "\n" not in text, text
        assert str(folder) in text or text.startswith("the archive"), text


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


@FUZZ
@given(edit=seed_folder_edit())
def test_damaged_seed_folder_loads_or_leaves_archive_unchanged(
    workspace: Path, edit: tuple[str, bytes]
) -> None:
    database = fresh_copy(workspace)
    before = sqlite_dump(database)
    engine = create_archive_engine(resolve_database_url(str(database)))
    try:
        for folder in seed_folder(workspace, edit):
            try:
                load_paths(engine, [folder])
            except LoadError as exc:
                assert_problems_clear(exc, folder)
                assert sqlite_dump(database) == before
            else:
                again = load_paths(engine, [folder])
                assert again.inserted == again.updated == []
    finally:
        engine.dispose()
    assert integrity(database) == "ok"
    database.unlink()


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(edit=seed_folder_edit())
def test_cli_load_of_damaged_folder_exits_cleanly(
    workspace: Path, runner: CliRunner, edit: tuple[str, bytes]
) -> None:
    database = fresh_copy(workspace)
    before = sqlite_dump(database)
    for folder in seed_folder(workspace, edit):
        result = runner.invoke(cli, ["--db", str(database), "load", str(folder)])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        if result.exit_code == 1:
            lines = result.stderr.splitlines()
            assert lines and all(line.startswith("error: ") for line in lines), result.stderr
            assert sqlite_dump(database) == before
        else:
            assert result.exit_code == 0, result.output
            assert "inserted" in result.stdout
    database.unlink()


# --- odd file names for seeds, sources and outputs -------------------------------------------

ODD_NAMES = (
    "two\nlines", "carriage\rreturn", "a#b", "a?b", "100%", "%41%00", "ăîșț ȘȚ", "-leading-dash",
    "--db", " spaces around ", "\u202eevil.txt", "\x1b[2J", "n" * 251, "é" * 127, "n" * 300,
    "ș" * 200, "dot.", "..x", "*", "[x]", "{x}", "'quote\"", "\\back",
)  # fmt: skip
odd_name = st.one_of(
    st.sampled_from(ODD_NAMES),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=90),
).filter(lambda name: name not in (".", ".."))
CALAFAT = "primaria-calafat-management-calitate.yaml"
CALAFAT_SOURCE = "000_409006d159ec7036.txt"


def assert_clean(result) -> None:  # type: ignore[no-untyped-def]
    """Success, or exit 1 with each stderr line an `error:` line: never a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines), result.stderr


def _place(path: Path, data: bytes) -> bool:
    """Write ``data`` at ``path``; False when the system refuses the name itself."""
    try:
        path.write_bytes(data)
    except OSError:
        return False
    return True


# Each example is four exports and a load through the CLI: a few dozen keep it to about 30 s.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=odd_name)
def test_odd_file_names_for_seeds_sources_and_outputs_never_cause_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, workspace: Path, runner: CliRunner, name: str
) -> None:
    root = tmp_path_factory.mktemp("names")
    folder = root / "seeds"
    shutil.copytree(SEEDS, folder)
    # The source under the odd name; the seed naming it (JSON's string is YAML's), under it too.
    seed_text = (folder / CALAFAT).read_text(encoding="utf-8")
    (folder / CALAFAT).unlink()
    seed_text = seed_text.replace(f"file: {CALAFAT_SOURCE}", f"file: {json.dumps(name)}")
    _place(folder / name, (SEEDS / CALAFAT_SOURCE).read_bytes())
    if not _place(folder / f"{name}.yaml", seed_text.encode("utf-8")):
        (folder / CALAFAT).write_text(seed_text, encoding="utf-8")
    database = fresh_copy(workspace)
    assert_clean(runner.invoke(cli, ["--db", str(database), "load", str(folder)]))
    for args in (["--format", "json"], ["--format", "xlsx"], ["--format", "yaml"], ["--format", "csv"]):
        output = root / "out" / f"{args[1]}-{name}"
        output.parent.mkdir(exist_ok=True)
        assert_clean(runner.invoke(cli, ["--db", str(database), "export", *args, "--output", str(output)]))
    assert_clean(runner.invoke(cli, ["--db", str(root / name), "list"]))
    database.unlink()
    shutil.rmtree(root)
