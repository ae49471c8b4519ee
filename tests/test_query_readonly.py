"""``query`` is read-only under attack, beyond the plain writes of test_query.py:
disguised writes, schema tricks, checkpoints, attachments and extensions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from eufunds.cli import cli
from eufunds.read.query import QueryError, open_query

HOSTILE = {
    "cte_delete": "with x as (select 1) delete from projects",
    "replace": "replace into programmes (id, code) values (1, 'POCU')",
    "insert_returning": "insert into projects default values returning id",
    "analyze": "analyze",
    "reindex": "reindex",
    "checkpoint": "pragma wal_checkpoint(truncate)",
    "writable_schema": "pragma writable_schema = 1",
    "temp_view": "create temp view v as select 1",
    "temp_trigger": "create temp trigger t after insert on projects begin select 1; end",
    "temp_virtual_table": "create virtual table temp.f using fts5(x)",
    "savepoint": "savepoint s",
    "attach_memory": "attach ':memory:' as m",
    "attach_uri_create": "attach 'file:{tmp}/created.db?mode=rwc' as x",
    "load_extension": "select load_extension('libsqlite3.so.0')",
    "writefile": "select writefile('{tmp}/written', 'x')",
    "page_size": "pragma main.page_size = 1024",
    "temp_store_directory": "pragma temp_store_directory = '{tmp}'",
    "incremental_vacuum": "pragma incremental_vacuum",
}


@pytest.fixture
def archive(sqlite_archive_file: Path) -> Path:
    return sqlite_archive_file


@pytest.mark.parametrize("statement", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_query_is_refused_and_changes_no_byte(archive: Path, tmp_path: Path, statement: str) -> None:
    before = archive.read_bytes()
    others = set(tmp_path.iterdir())
    with (
        pytest.raises(QueryError),
        open_query(f"sqlite:///{archive}", statement.format(tmp=tmp_path)) as result,
    ):
        list(result.rows)
    assert archive.read_bytes() == before
    created = set(tmp_path.iterdir()) - others
    assert created <= {Path(f"{archive}-wal"), Path(f"{archive}-shm")}


# --- time limit, Ctrl-C and the row cap -----------------------------------------------------

ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def test_an_endless_query_stops_at_its_time_limit_with_one_error_line(archive: Path) -> None:
    import time

    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--db", str(archive), "query", "--time-limit", "0.5", ENDLESS])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: stopped: the query ran past its time limit of 0.5 s (--time-limit gives it longer, 0 no limit);"
        " nothing was changed"
    ]


def test_ctrl_c_stops_a_running_query_cleanly(archive: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-c", "from eufunds.cli import main; main()", "--db", str(archive), "query", "--time-limit", "0", ENDLESS],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    try:
        _out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("Ctrl-C did not stop the query") from None
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err


def test_a_table_for_the_terminal_stops_at_max_rows_and_says_so(archive: Path) -> None:
    sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) SELECT i FROM n"
    result = CliRunner().invoke(
        cli, ["--db", str(archive), "query", "--format", "table", "--max-rows", "10", sql]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2:12] == [str(i).rjust(2) for i in range(1, 11)]
    assert lines[12].startswith("… more rows not shown") and len(lines) == 13
