"""The archive-core commands through the CLI: build, load, db upgrade/downgrade/current."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from eufunds import migrate
from eufunds.cli import cli

pytestmark = pytest.mark.sqlite_only


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_build_migrates_and_loads_the_seeds_folder(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "built.db")
    code, out, _ = run(runner, "--db", db, "build", "--seeds", str(seeds_dir))
    assert code == 0
    assert f"schema migrated from empty to {migrate.head_revision()}" in out
    assert out.rstrip().endswith("2 seeds: 2 inserted, 0 updated, 0 unchanged")


def test_build_twice_reports_nothing_to_do(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "built.db")
    run(runner, "--db", db, "build", "--seeds", str(seeds_dir))
    code, out, _ = run(runner, "--db", db, "build", "--seeds", str(seeds_dir))
    assert code == 0
    assert "schema already at" in out and "0 inserted, 0 updated, 2 unchanged" in out


def test_build_defaults_to_archive_db_and_seeds_in_the_current_folder(
    runner: CliRunner, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(seeds_dir.parent)
    monkeypatch.delenv("EUFUNDS_DB", raising=False)
    code, _, _ = run(runner, "build")
    assert code == 0
    assert (seeds_dir.parent / "archive.db").exists()


def test_eufunds_db_environment_variable_chooses_the_archive(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EUFUNDS_DB", str(tmp_path / "from-env.db"))
    code, _, _ = run(runner, "build", "--seeds", str(seeds_dir))
    assert code == 0
    assert (tmp_path / "from-env.db").exists()


def test_build_without_a_seeds_folder_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "build", "--seeds", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no seeds folder" in result.stderr and "Traceback" not in result.output


def test_load_of_a_bad_seed_prints_one_error_line_and_exits_1(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "a.db")
    run(runner, "--db", db, "db", "upgrade")
    seed = seeds_dir / "cj-cluj-calitate-competenta-performanta.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("size: 40", "size: -1"), encoding="utf-8")
    result = runner.invoke(cli, ["--db", db, "load", str(seeds_dir)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {seed}:54: target_group.size: must not be negative (-1)",
    ]
    assert "Traceback" not in result.output


def test_load_before_upgrade_says_how_to_make_the_schema(
    runner: CliRunner, seeds_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["--db", str(tmp_path / "new.db"), "load", str(seeds_dir)])
    assert result.exit_code == 1
    assert "eufunds db upgrade" in result.stderr


def test_load_prints_a_one_line_summary(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    run(runner, "--db", db, "db", "upgrade")
    code, out, _ = run(runner, "--db", db, "load", str(seeds_dir))
    assert code == 0
    assert out == "2 seeds: 2 inserted, 0 updated, 0 unchanged\n"


def test_db_current_upgrade_and_downgrade(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert run(runner, "--db", db, "db", "current")[1].startswith("base")
    assert run(runner, "--db", db, "db", "upgrade")[0] == 0
    assert run(runner, "--db", db, "db", "current")[1].rstrip().endswith("(head)")
    code, out, _ = run(runner, "--db", db, "db", "downgrade", "base")
    assert code == 0 and "base (empty)" in out


def test_help_teaches_with_examples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["load", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "eufunds load" in result.output


# --- a --db that is no archive ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "x"],
        ["load", "seeds"],
        ["export", "--format", "json", "-o", "out.json"],
        ["db", "upgrade"],
    ],
    ids=["list", "show", "load", "export", "upgrade"],
)
def test_a_text_file_given_as_the_archive_is_one_error_line(tmp_path: Path, args: list[str]) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database\n" * 100, encoding="utf-8")
    before = text_file.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(text_file), *args])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: database error: file is not a database"]
    assert text_file.read_bytes() == before


@pytest.mark.parametrize("url", ["mysql://user@localhost/arhiva", "oracle://x@y/z"])
def test_a_database_other_than_sqlite_or_postgresql_is_refused_by_name(url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", url, "list"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: eufunds keeps archives in SQLite") and "Traceback" not in result.output


def test_an_unreachable_postgresql_server_is_one_plain_error_line() -> None:
    result = CliRunner().invoke(cli, ["--db", "postgresql://nimeni@127.0.0.1:1/arhiva", "list"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: database error: ") and "Connection refused" in line and "\\n" not in line


@pytest.mark.parametrize(
    "args",
    [["--help"], ["list", "--help"], ["load", "--help"], ["export", "--help"], ["lists", "import", "--help"]],
)
def test_help_starts_without_sqlalchemy_or_the_archive_machinery(args: list[str]) -> None:
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from eufunds.cli import cli\n"
        f"result = CliRunner().invoke(cli, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'yaml')))\n"
    )
    shown = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]", shown.stdout


# What show, list and search on a SQLite archive do without: SQLAlchemy and
# Alembic (most of their start-up time before), the models, the seed format
# with PyYAML and the coding tables, the loader and the exporters.
_NOT_FOR_READING = ("sqlalchemy", "alembic", "yaml", "eufunds.models", "eufunds.migrate")
_NOT_FOR_READING_PACKAGES = ("eufunds.seed.format", "eufunds.coding", "eufunds.load", "eufunds.export")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "primaria-calafat-management-calitate"],
        ["show", "474", "--format", "json"],
        ["list"],
        ["list", "--programme", "POCA", "--since", "2019-01-01", "--format", "json"],
        ["search", "calitate"],
        ["search", "calitate", "--format", "json"],
    ],
)
def test_show_list_and_search_read_a_sqlite_archive_without_sqlalchemy(
    args: list[str], sqlite_archive_file: Path
) -> None:
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from eufunds.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--db', {str(sqlite_archive_file)!r}, *{args!r}])\n"
        "assert result.exit_code == 0 and result.stdout.strip(), result.output\n"
        f"found = {{m for m in sys.modules if m.split('.')[0] in {_NOT_FOR_READING!r} "
        f"or m in {_NOT_FOR_READING!r} or m.startswith({_NOT_FOR_READING_PACKAGES!r})}}\n"
        # The outermost of each: 'sqlalchemy', not its hundred modules.
        "print(sorted(m for m in found if m.rpartition('.')[0] not in found))\n"
    )
    shown = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]", shown.stdout
