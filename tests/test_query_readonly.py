"""``query`` is read-only under attack, beyond the plain writes of test_query.py:
disguised writes, schema tricks, checkpoints, attachments and extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from eufunds import migrate
from eufunds.db import create_archive_engine
from eufunds.load.loader import load_paths
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
def archive(sqlite_url: str, seeds_dir: Path) -> Path:
    engine = create_archive_engine(sqlite_url)
    migrate.upgrade(engine)
    load_paths(engine, [seeds_dir])
    engine.dispose()
    return Path(sqlite_url.removeprefix("sqlite:///"))


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
