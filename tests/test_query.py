"""`eufunds query`: read-only SQL, printed as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from eufunds.cli import cli
from eufunds.db import sqlite_path
from eufunds.read.query import open_query


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run_query(runner: CliRunner, engine: Engine, sql: str, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--db", url_of(engine), "query", sql, *options])


SLUGS_AND_VALUES = "select slug, eligible_value_minor from projects order by slug"


def test_query_prints_csv_when_stdout_is_not_a_terminal(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, SLUGS_AND_VALUES)
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["slug", "eligible_value_minor"],
        ["cj-cluj-calitate-competenta-performanta", "62499552"],
        ["primaria-calafat-management-calitate", ""],
    ]


def test_query_table_aligns_columns_and_right_aligns_numbers(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    result = run_query(runner, loaded_engine, SLUGS_AND_VALUES, "--format", "table")
    assert result.exit_code == 0, result.output
    header, rule, first, second = result.output.splitlines()
    assert header.split() == ["slug", "eligible_value_minor"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert first.endswith("62499552") and second.endswith("NULL")
    # The number column ends where its header rule ends.
    assert len(first) == len(rule)


def test_query_table_cuts_long_cells_and_shows_line_breaks(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(
        runner, loaded_engine, "select text from documents order by id limit 1", "--format", "table",
        "--max-width", "30",
    )  # fmt: skip
    cell = result.output.splitlines()[2]
    assert len(cell) == 30 and cell.endswith("…") and "↵" in cell


def test_query_json_gives_one_object_per_row_with_nulls(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, SLUGS_AND_VALUES, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"slug": "cj-cluj-calitate-competenta-performanta", "eligible_value_minor": 62499552},
        {"slug": "primaria-calafat-management-calitate", "eligible_value_minor": None},
    ]


def test_query_json_of_no_rows_is_an_empty_list(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, "select slug from projects where 1 = 0", "--format", "json")
    assert json.loads(result.output) == []


def test_query_keeps_diacritics_as_written(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, "select title from projects where acronym = 'CCP'")
    assert "Competenţă, Performanță" in result.output


def test_query_streams_rows_instead_of_reading_the_whole_result(loaded_engine: Engine) -> None:
    # An endless result: buffering it would never return.
    endless = "with recursive n(i) as (select 1 union all select i + 1 from n) select i from n"
    with open_query(url_of(loaded_engine), endless, batch=10) as result:
        assert [row[0] for row in itertools.islice(result.rows, 25)] == list(range(1, 26))


def test_query_with_bad_sql_prints_one_error_line_and_exits_1(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    result = run_query(runner, loaded_engine, "selec slug from projects")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("error: query failed:") and "selec" in result.output


def test_query_on_an_unknown_table_names_it(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, "select * from projets")
    assert result.exit_code == 1 and "projets" in result.output


def test_query_on_a_missing_archive_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "query", "select 1"])
    assert result.exit_code == 1 and "no archive at" in result.output
    assert not (tmp_path / "none.db").exists()


WRITES = {
    "insert": "insert into programmes (code) values ('POCU')",
    "update": "update projects set title = 'x'",
    "delete": "delete from projects",
    "drop": "drop table projects",
    "create": "create table t (a)",
    "create_temp": "create temp table t (a)",
    "alter": "alter table projects add column x",
    "attach": "attach database '{tmp}/other.db' as other",
    "pragma_query_only_off": "pragma query_only = off",
    "pragma_journal_mode": "pragma journal_mode = delete",
    "pragma_user_version": "pragma user_version = 7",
    "pragma_optimize": "pragma optimize",
    "load_extension": "select load_extension('{tmp}/evil')",
    "vacuum": "vacuum",
    "vacuum_into": "vacuum into '{tmp}/copy.db'",
    "second_statement": "select 1; delete from projects",
    "begin": "begin immediate",
}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("statement", list(WRITES.values()), ids=list(WRITES))
def test_query_refuses_every_write_and_leaves_the_archive_byte_identical(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path, statement: str
) -> None:
    path = sqlite_path(str(loaded_engine.url))
    assert path is not None
    loaded_engine.dispose()  # checkpoint nothing behind our back while we compare
    before = path.read_bytes()
    result = run_query(runner, loaded_engine, statement.format(tmp=tmp_path))
    assert result.exit_code == 1, result.output
    assert "refused" in result.output or "one statement" in result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "other.db").exists() and not (tmp_path / "copy.db").exists()


@pytest.mark.sqlite_only
def test_query_refusal_names_what_was_refused(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run_query(runner, loaded_engine, "drop table projects")
    assert result.output == (
        "error: refused: the archive is read-only here (DROP TABLE projects is not allowed); "
        "nothing was changed\n"
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "statement",
    ["pragma table_info(projects)", "select name from pragma_table_info('projects')", "pragma user_version"],
)
def test_query_allows_pragmas_that_only_read(
    runner: CliRunner, loaded_engine: Engine, statement: str
) -> None:
    result = run_query(runner, loaded_engine, statement)
    assert result.exit_code == 0, result.output


def test_query_refuses_writes_on_every_backend(runner: CliRunner, loaded_engine: Engine) -> None:
    for statement in ("delete from projects", "update projects set title = 'x'"):
        result = run_query(runner, loaded_engine, statement)
        assert result.exit_code == 1 and "refused" in result.output
    count = run_query(runner, loaded_engine, "select count(*) as n from projects", "--format", "json")
    assert json.loads(count.output) == [{"n": 2}]
