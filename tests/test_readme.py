"""The README's promises: its sqlite3 answers and its quick-start command."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from eufunds.db import sqlite_path

# The answers are what the sqlite3 shell prints for a SQLite archive.
pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```sql\n(.*?)```\n\n```text\n(.*?)```", README, flags=re.S)


def sqlite3_shell_output(path: Path, sql: str) -> str:
    """What `sqlite3 -header` prints: '|'-separated, NULL as empty, REALs as %.15g."""
    connection = sqlite3.connect(path)
    try:
        cursor = connection.execute(sql)
        lines = ["|".join(column[0] for column in cursor.description)]
        for row in cursor:
            lines.append("|".join("" if v is None else str(v) for v in row))
    finally:
        connection.close()
    return "\n".join(lines) + "\n"


def test_readme_has_at_least_five_example_queries() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(("sql", "answer"), EXAMPLES, ids=[f"query{i}" for i in range(len(EXAMPLES))])
def test_readme_query_returns_the_answer_it_states(loaded_engine: Engine, sql: str, answer: str) -> None:
    path = sqlite_path(str(loaded_engine.url))
    assert path is not None
    loaded_engine.dispose()
    assert sqlite3_shell_output(path, sql) == answer


def _quick_start_command(label: str) -> str:
    block = README.split(label, 1)[1]
    return re.search(r"```sh\n(.*?)\n```", block, flags=re.S).group(1)


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_command("Set up and run the tests:") in ci


def test_readme_build_command_works_from_a_fresh_copy_and_installed_package_migrates_anywhere(
    tmp_path: Path,
) -> None:
    """The first quick-start command, run as written in a fresh copy of the repository;
    then the installed (non-editable) eufunds, run from another folder, still finds
    its migrations and loads the seeds."""
    copy = tmp_path / "eufunds"
    shutil.copytree(
        REPO,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.db*", "__pycache__", "*.egg-info", "build", ".hypothesis"
        ),
    )
    command = _quick_start_command("Set up and build the archive")
    env = {k: v for k, v in os.environ.items() if k not in ("EUFUNDS_DB", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    result = subprocess.run(
        command, shell=True, cwd=copy, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "2 inserted" in result.stdout
    assert (copy / "archive.db").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    eufunds = str(copy / ".venv" / "bin" / "eufunds")
    shutil.rmtree(copy / "migrations")  # the wheel must carry its own
    upgrade = subprocess.run(
        [eufunds, "--db", "other.db", "db", "upgrade"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert upgrade.returncode == 0, upgrade.stderr
    load = subprocess.run(
        [eufunds, "--db", "other.db", "load", str(copy / "seeds")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert load.returncode == 0, load.stderr
    assert "2 inserted" in load.stdout


def test_every_guarantee_names_a_test_that_exists() -> None:
    named = set(re.findall(r"(test_[a-z_]+\.py)::(test_[a-z0-9_]+)", README))
    guarantees = (REPO / "docs" / "guarantees.md").read_text(encoding="utf-8")
    named |= set(re.findall(r"(test_[a-z_]+\.py)::(test_[a-z0-9_]+)", guarantees))
    assert len(named) >= 10
    for file_name, test_name in sorted(named):
        source = (REPO / "tests" / file_name).read_text(encoding="utf-8")
        assert f"def {test_name}(" in source, f"{file_name}::{test_name}"
