"""The fast ways of writing CSV (our own line writer, SQLite rows read as stored,
tables written by worker processes) give exactly what the general way gives."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from release_formats import blocks_of, to_pdf
from sqlalchemy import DateTime, Engine, select, text, update
from sqlalchemy.exc import DBAPIError
from synthetic import (
    eufunds_command,
    prepare_update_scenario,
    write_awkward_seed,
    write_joined_pair,
    write_seed_folder,
)

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine
from eufunds.export import _csvpool as exportpool
from eufunds.export import _csvworker as csvworker
from eufunds.export import _pgcopy as pgcopy
from eufunds.export import _pgpool as pgpool
from eufunds.export import csv as csv_export
from eufunds.export import tables as export_tables
from eufunds.export._csvtext import csv_line, value_text
from eufunds.export.csv import export_csv_table
from eufunds.export.exporters import export
from eufunds.intake.ingest import ingest
from eufunds.lists.importer import import_list
from eufunds.load.loader import load_paths
from eufunds.models import Base
from eufunds.numbers import computed_number, view_float_text
from eufunds.read.records import ProjectFilters
from eufunds.settings import SETTINGS

EXPORT_WORKERS = SETTINGS["export_workers"].envvar
CORPUS = Path(__file__).parent / "corpus" / "extract"


def sqlite_archive(test):  # type: ignore[no-untyped-def]
    """The fast paths are SQLite's; PostgreSQL exports take the general one."""
    return pytest.mark.sqlite_only(pytest.mark.parametrize("backend", ["sqlite"], indirect=True)(test))


field_values = st.one_of(st.none(), st.integers(), st.text())


def _expected_text(value: object) -> str:
    return "" if value is None else str(value)


@given(st.lists(field_values, min_size=1, max_size=8))
def test_csv_line_reads_back_as_the_same_fields(fields: list[object]) -> None:
    read = next(csv.reader(io.StringIO(csv_line(fields), newline="")))
    assert read == [_expected_text(v) for v in fields]


@given(st.lists(st.one_of(st.none(), st.integers(), st.text().filter(lambda t: "\r" not in t)), min_size=1))
def test_csv_line_is_what_the_csv_module_writes_without_carriage_returns(fields: list[object]) -> None:
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerow(fields)
    assert csv_line(fields) == expected.getvalue()


def test_csv_line_quotes_a_carriage_return() -> None:
    # The csv module of Python 3.11 writes it bare, and readers then split the record.
    assert csv_line(["a\rb", 1]) == '"a\rb",1\n'


@given(st.floats())
def test_view_float_text_is_the_decimal_rule(value: float) -> None:
    assert view_float_text(value) == value_text(computed_number(value))


@pytest.mark.parametrize("value", [0.1 + 0.2, 4590089.34, -0.05, 1e13, 99999999999.99, 1e-7, 12.5])
def test_view_float_text_on_awkward_values(value: float) -> None:
    assert view_float_text(value) == value_text(computed_number(value))


def test_view_float_text_keeps_two_decimals() -> None:
    assert view_float_text(85.0) == "85.00" and computed_number(85.0) == Decimal("85.00")


@pytest.fixture
def archive(engine: Engine, seeds_dir: Path, tmp_path: Path) -> Engine:
    return _fill(engine, seeds_dir, tmp_path)


def _fill(engine: Engine, seeds_dir: Path, tmp_path: Path) -> Engine:
    """The two real seeds, 40 generated projects, the awkward seed and a release
    ingested from a two-page PDF (so the source tables, with their clock time,
    have rows)."""
    load_paths(
        engine,
        [
            seeds_dir,
            write_seed_folder(tmp_path / "generated", range(40)),
            write_awkward_seed(tmp_path / "odd"),
        ],
    )
    text = (CORPUS / "01_bistrita-registratura-electronica.txt").read_text(encoding="utf-8")
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(to_pdf(text, page_breaks=[len(blocks_of(text)) // 2]))
    result = ingest(engine, [pdf], seeds_dir=tmp_path / "ingested")
    assert [o.status for o in result.outcomes] == ["loaded"], result.outcomes
    # A project with a joined end release (restatements) and an official list row.
    load_paths(engine, [write_joined_pair(tmp_path / "joined")])
    listed = tmp_path / "lista.csv"
    listed.write_text(
        "Cod SMIS;Beneficiar;Titlu proiect;Valoare totala\n130001;Comuna Bârca;Formare;1.000,00\n",
        encoding="utf-8",
    )
    import_list(engine, listed)
    return engine


def _export(runner: CliRunner, engine: Engine, out: Path, *args: str) -> dict[str, bytes]:
    url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(cli, ["--db", url, "export", "--output", str(out), *args])
    assert result.exit_code == 0, result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _in_process(runner: CliRunner, archive: Engine, out: Path, mp: pytest.MonkeyPatch, *args: str) -> dict:
    mp.setenv(EXPORT_WORKERS, "1")
    written = _export(runner, archive, out, *args)
    mp.setenv(EXPORT_WORKERS, "2")
    return written


def _attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each attempt at a common snapshot returned, as the export goes."""
    outcomes: list[object] = []
    real_run = exportpool._Attempt.run

    def run(self: exportpool._Attempt, jobs: list[dict]) -> object:
        outcomes.append(real_run(self, jobs))
        return outcomes[-1]

    monkeypatch.setattr(exportpool._Attempt, "run", run)
    return outcomes


@sqlite_archive
def test_rows_read_as_sqlite_stores_them_give_the_general_paths_csv(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    fast = _in_process(runner, archive, tmp_path / "fast", monkeypatch, "--format", "csv")
    monkeypatch.setattr(csv_export, "_sqlite_csv_plan", lambda table: None)
    general = _in_process(runner, archive, tmp_path / "general", monkeypatch, "--format", "csv")
    assert fast == general
    assert len(fast) >= 18


@sqlite_archive
def test_the_sql_written_out_for_every_row_reads_what_the_table_query_reads(archive: Engine) -> None:
    """Unfiltered jobs skip SQLAlchemy's compiler; the rows, their order and the
    blanked NULLs must be exactly the query's (both read as SQLite stores them)."""
    with archive.connect() as connection:
        for table in export_tables.exportable_tables(connection):
            planned = csv_export._sqlite_csv_plan(table)
            assert planned is not None, table.name
            query = csv_export._sqlite_csv_query(table, None, planned[0])
            sql = csv_export._sqlite_csv_sql(connection, table, None, planned[0])
            assert query is not None and sql is not None
            expected = connection.execute(query).cursor.fetchall()
            assert expected, table.name
            assert connection.exec_driver_sql(sql).cursor.fetchall() == expected, table.name


@sqlite_archive
def test_a_range_of_rows_written_out_is_the_rows_of_its_key_range(archive: Engine) -> None:
    with archive.connect() as connection:
        table = next(t for t in export_tables.exportable_tables(connection) if t.name == "funding_sources")
        blanked = csv_export._sqlite_csv_plan(table)[0]  # type: ignore[index]
        every = [
            tuple(row)
            for row in connection.exec_driver_sql(
                csv_export._sqlite_csv_sql(connection, table, None, blanked)
            )
        ]  # type: ignore[arg-type]
        ranged = csv_export._sqlite_csv_sql(connection, table, None, blanked, ranged=True)
        assert ranged is not None
        ids = [row[0] for row in every]
        low, high = ids[len(ids) // 3], ids[2 * len(ids) // 3]

        def rows(low: int | None, high: int | None) -> list[tuple[object, ...]]:
            return [tuple(r) for r in connection.exec_driver_sql(ranged, {"low": low, "high": high})]

        assert rows(None, None) == every
        assert rows(None, low) + rows(low, high) + rows(high, None) == every
        assert rows(low, high) == [row for row in every if low < row[0] <= high]


frame_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@given(st.lists(frame_values, min_size=1, max_size=5))
def test_frames_between_an_export_and_its_workers_read_back_as_sent(values: list[object]) -> None:
    pipe = io.BytesIO()
    for value in values:
        csvworker.send(pipe, value)
    pipe.seek(0)
    assert [csvworker.receive(pipe) for _ in values] == values
    with pytest.raises(EOFError):
        csvworker.receive(pipe)


def test_a_frame_cut_short_means_the_other_end_is_gone() -> None:
    pipe = io.BytesIO()
    csvworker.send(pipe, {"done": "projects.csv", "rows": 3})
    with pytest.raises(EOFError):
        csvworker.receive(io.BytesIO(pipe.getvalue()[:-1]))


@sqlite_archive
def test_workers_started_for_an_export_that_goes_in_process_are_stopped(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers start before the jobs are planned; when a table turns out to
    have no job form, the export is written in-process and they must go."""
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, "--format", "csv")
    started: list[subprocess.Popen[bytes]] = []
    real_start = exportpool._start_worker
    monkeypatch.setattr(
        exportpool, "_start_worker", lambda *args: started.append(real_start(*args)) or started[-1]
    )
    real_jobs = csv_export._sqlite_csv_jobs
    monkeypatch.setattr(
        csv_export,
        "_sqlite_csv_jobs",
        lambda connection, table, *args: (
            None if table.name == "results" else real_jobs(connection, table, *args)
        ),
    )
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)
    monkeypatch.setenv(EXPORT_WORKERS, "2")
    assert _export(runner, archive, tmp_path / "given-up", "--format", "csv") == serial
    assert started and all(worker.poll() is not None for worker in started)


@sqlite_archive
@pytest.mark.parametrize(
    "args",
    [
        ["--format", "csv"],
        ["--format", "csv", "--programme", "POCA"],
        ["--format", "datapackage"],
    ],
)
def test_tables_written_by_workers_equal_tables_written_in_process(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, *args)
    # This process writes slowly, so the worker takes tables too.
    here: list[str] = []
    real_run_job = csvworker.run_job

    def slow_run_job(connection, folder, job):  # type: ignore[no-untyped-def]
        here.append(job["table"])
        time.sleep(0.2)
        return real_run_job(connection, folder, job)

    monkeypatch.setattr(csvworker, "run_job", slow_run_job)
    # Small ranges, so that big tables are written in parts and joined.
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)
    joined = []
    real_join = csv_export._join_parts
    monkeypatch.setattr(
        csv_export, "_join_parts", lambda root, files: joined.append(files) or real_join(root, files)
    )
    outcomes = _attempts(monkeypatch)
    parallel = _export(runner, archive, tmp_path / "parallel", *args)
    assert len(outcomes) == 1 and outcomes[0]  # one attempt, its snapshot check passed
    assert 0 < len(here) < len(outcomes[0])  # type: ignore[arg-type]
    assert max(len(files) for files in joined) > 2
    assert parallel == serial


@sqlite_archive
def test_workers_start_again_when_a_commit_falls_between_their_snapshots(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, "--format", "csv")
    # The watching connection sees a commit during the first attempt only.
    versions = iter([1, 2])
    real_version = exportpool._data_version
    monkeypatch.setattr(
        exportpool, "_data_version", lambda watch: next(versions, None) or real_version(watch)
    )
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)
    outcomes = _attempts(monkeypatch)
    assert _export(runner, archive, tmp_path / "again", "--format", "csv") == serial
    assert outcomes[0] is None and outcomes[1]


@sqlite_archive
def test_export_is_written_in_process_when_commits_never_stop(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, "--format", "csv")
    counter = iter(range(1_000_000))
    monkeypatch.setattr(exportpool, "_data_version", lambda watch: next(counter))
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)  # abandoned parts must not stay behind
    outcomes = _attempts(monkeypatch)
    assert _export(runner, archive, tmp_path / "fallback", "--format", "csv") == serial
    assert outcomes == [None] * exportpool.SNAPSHOT_ATTEMPTS


@sqlite_archive
def test_a_real_commit_between_snapshots_is_seen_by_the_watching_connection(
    archive: Engine, tmp_path: Path
) -> None:
    with archive.connect() as connection:
        database = exportpool.archive_file(connection)
    assert database is not None
    import sqlite3

    watch = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    before = exportpool._data_version(watch)
    assert exportpool._data_version(watch) == before
    load_paths(archive, [write_seed_folder(tmp_path / "more", range(40, 41))])
    assert exportpool._data_version(watch) != before
    watch.close()


@sqlite_archive
def test_a_bad_worker_count_is_a_clear_error(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXPORT_WORKERS, "two")
    url = archive.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli, ["--db", url, "export", "--format", "csv", "--output", str(tmp_path / "o")]
    )
    assert result.exit_code != 0
    assert "EUFUNDS_EXPORT_WORKERS='two' is not a whole number" in result.output
    assert "Traceback" not in result.output


@sqlite_archive
@pytest.mark.parametrize("processes,writer", [("1", "in-process"), ("2", "main"), ("2", "worker")])
def test_a_table_that_cannot_be_written_is_one_error_naming_it(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: str, writer: str
) -> None:
    real_jobs = csv_export._sqlite_csv_jobs

    def broken_jobs(connection, table, *args):  # type: ignore[no-untyped-def]
        jobs = real_jobs(connection, table, *args)
        if table.name == "evidence":
            for job in jobs:
                job["sql"] = job["sql"].replace("FROM evidence", "FROM no_such_table")
        return jobs

    monkeypatch.setattr(csv_export, "_sqlite_csv_jobs", broken_jobs)
    if writer == "worker":  # this process starts late, so the worker takes the first (broken) job
        real_work_here = exportpool._Attempt._work_here

        def late(self, connection):  # type: ignore[no-untyped-def]
            time.sleep(1.0)
            return real_work_here(self, connection)

        monkeypatch.setattr(exportpool._Attempt, "_work_here", late)
    # With one process the export is written in-process and never meets the
    # broken jobs; with two, whichever process takes one reports it alike.
    monkeypatch.setenv(EXPORT_WORKERS, processes)
    url = archive.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli, ["--db", url, "export", "--format", "csv", "--output", str(tmp_path / "o")]
    )
    if processes == "1":
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert result.output.startswith("error: evidence: ") and "no such table: no_such_table" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def _folder(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.slow
def test_csv_exports_taken_while_a_load_commits_each_show_one_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exports in several processes, again and again during a real load: each is
    the archive before the load or after it, never a mix."""
    scenario = prepare_update_scenario(tmp_path / "scenario", 400)
    live = scenario.fresh_copy("live.db")
    runner = CliRunner()

    def export_folder(database: Path, out: Path) -> dict[str, bytes]:
        result = runner.invoke(
            cli, ["--db", str(database), "export", "--format", "csv", "--output", str(out)]
        )
        assert result.exit_code == 0, result.output
        return _folder(out)

    monkeypatch.setenv(EXPORT_WORKERS, "1")
    before = export_folder(live, tmp_path / "before")
    monkeypatch.setenv(EXPORT_WORKERS, "2")
    load = subprocess.Popen(
        eufunds_command(live, "load", str(scenario.folder)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    exports = []
    while load.poll() is None:
        exports.append(export_folder(live, tmp_path / f"during-{len(exports)}"))
    assert load.wait() == 0
    monkeypatch.setenv(EXPORT_WORKERS, "1")
    after = export_folder(live, tmp_path / "after")
    assert before != after
    print(f"\n{len(exports)} exports during the load")
    assert exports
    for number, folder in enumerate(exports):
        assert folder in (before, after), f"export {number} mixes two states"


@sqlite_archive
@pytest.mark.parametrize("failure", ["no process", "exits at once"])
def test_export_is_written_in_process_when_workers_cannot_start(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, "--format", "csv")

    def cannot_start(database: Path, root: Path, busy_timeout_ms: int) -> subprocess.Popen[bytes]:
        if failure == "no process":
            raise OSError("Resource temporarily unavailable")
        return subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    monkeypatch.setattr(exportpool, "_start_worker", cannot_start)
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)  # parts written before the failure must go
    outcomes = _attempts(monkeypatch)
    assert _export(runner, archive, tmp_path / "fallback", "--format", "csv") == serial
    assert outcomes == [None]


# --------------------------------------------------------------------------- PostgreSQL's COPY


postgres_archive = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@postgres_archive
@pytest.mark.parametrize(
    "selection",
    [
        [],
        ["--project", "ciudat-ghilimele"],
        ["--programme", "poca", "--status", "completed", "--since", "2019-06-01"],
    ],
    ids=["all", "one project", "by programme, status and date"],
)
def test_tables_written_by_copy_equal_the_general_paths_tables(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selection: list[str]
) -> None:
    runner = CliRunner()
    copied = _export(runner, archive, tmp_path / "copied", "--format", "csv", *selection)
    sql_of = pgcopy.copy_sql
    used = []
    monkeypatch.setattr(pgcopy, "copy_sql", lambda *args: used.append(sql_of(*args)))
    general = _export(runner, archive, tmp_path / "general", "--format", "csv", *selection)
    assert all(used), "every table has a COPY form"
    assert copied["projects.csv"].count(b"\n") >= 2, "the selection holds a project"
    assert copied == general
    assert len(copied) >= 18


def _pg_workers(monkeypatch: pytest.MonkeyPatch, before: Callable[[], object] = lambda: None) -> list[object]:
    """The PostgreSQL export workers started, as the export goes; ``before``
    runs as each is about to start."""
    started: list[object] = []
    real = pgpool._start_worker

    def start() -> subprocess.Popen[bytes]:
        before()
        started.append(real())
        return started[-1]  # type: ignore[return-value]

    monkeypatch.setattr(pgpool, "_start_worker", start)
    return started


def _tables_given_to_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables PostgreSQL export workers were given, as the export goes;
    this process takes its tables slowly, so that workers get some."""
    given: list[str] = []
    real_send, real_write = csvworker.send, pgcopy.write_copy

    def send(stream: Any, value: Any) -> None:
        if isinstance(value, dict) and "table" in value:
            given.append(value["table"])
        real_send(stream, value)

    def write_slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.1)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(csvworker, "send", send)
    monkeypatch.setattr(pgcopy, "write_copy", write_slowly)
    return given


def test_postgresql_export_workers_start_without_sqlalchemy() -> None:
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, eufunds.export._pgpool, eufunds.export._pgcopyout; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'yaml', 'alembic')))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert imported.stdout.strip() == "[]"


@postgres_archive
@pytest.mark.parametrize("workers", ["2", "3"])
def test_tables_written_by_worker_processes_equal_one_connections_tables(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    runner = CliRunner()
    serial = _in_process(runner, archive, tmp_path / "serial", monkeypatch, "--format", "csv")
    started = _pg_workers(monkeypatch)
    given = _tables_given_to_workers(monkeypatch)
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)  # big tables in ranges, joined again
    monkeypatch.setenv(EXPORT_WORKERS, workers)
    assert _export(runner, archive, tmp_path / "processes", "--format", "csv") == serial
    assert len(started) == int(workers) - 1
    assert "evidence" in given or len(given) >= 3


@postgres_archive
def test_workers_of_one_export_read_its_snapshot_while_a_load_commits(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load commits after the export began and before its workers start:
    they read the archive as the export's own connection does."""
    runner = CliRunner()
    before = _in_process(runner, archive, tmp_path / "before", monkeypatch, "--format", "csv")
    folders = iter(range(10))
    started = _pg_workers(
        monkeypatch,
        lambda: load_paths(archive, [write_seed_folder(tmp_path / f"late-{next(folders)}", range(50, 53))]),
    )
    given = _tables_given_to_workers(monkeypatch)
    assert _export(runner, archive, tmp_path / "during", "--format", "csv") == before
    after = _in_process(runner, archive, tmp_path / "after", monkeypatch, "--format", "csv")
    assert after["projects.csv"].count(b"\n") == before["projects.csv"].count(b"\n") + 3
    changed = {name.removesuffix(".csv") for name in after if after[name] != before.get(name)}
    assert started and set(given) & changed, "no worker wrote a table the load changed"


@postgres_archive
def test_a_library_export_on_postgresql_reads_one_snapshot_and_leaves_the_connection_as_it_was(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a connection of a writing engine (READ COMMITTED), the export's own
    transaction still reads one snapshot, which its workers share."""
    started = _pg_workers(monkeypatch)
    with archive.connect() as connection:
        level = connection.get_isolation_level()
        export(connection, "csv", output=tmp_path / "out", workers=2)
        assert connection.get_isolation_level() == level == "READ COMMITTED"
    assert started


# A PostgreSQL export worker that reads its hello, says it is ready, then ends
# without answering its first job.
_READY_THEN_GONE = (
    "import marshal, sys; size = int.from_bytes(sys.stdin.buffer.read(4), 'big'); sys.stdin.buffer.read(size); "
    "d = marshal.dumps({'ready': True}); sys.stdout.buffer.write(len(d).to_bytes(4, 'big') + d); "
    "sys.stdout.buffer.flush(); sys.stdin.buffer.read(4)"
)


@postgres_archive
def test_a_postgresql_export_worker_that_stops_is_one_error_naming_its_table(
    archive: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        pgpool,
        "_start_worker",
        lambda: subprocess.Popen(
            [sys.executable, "-c", _READY_THEN_GONE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        ),
    )
    given = _tables_given_to_workers(monkeypatch)
    monkeypatch.setattr(csv_export, "PART_MIN_ROWS", 3)
    monkeypatch.setenv(EXPORT_WORKERS, "2")
    out = tmp_path / "out"
    url = archive.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "export", "--format", "csv", "--output", str(out)])
    assert result.exit_code != 0
    assert result.output.splitlines() == [f"error: {given[0]}: an export worker stopped"]
    assert not [p.name for p in out.rglob("*.part*")]


@postgres_archive
def test_a_clock_time_on_the_second_is_written_without_a_fraction_by_copy(
    archive: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with archive.begin() as connection:
        connection.execute(text("UPDATE loads SET finished_at = '2026-01-02 03:04:05' WHERE id = 1"))
    copied = _table_csv(archive, "loads")
    monkeypatch.setattr(pgcopy, "copy_sql", lambda *args: None)
    assert copied == _table_csv(archive, "loads")
    assert ",2026-01-02T03:04:05Z," in copied


def _table_csv(engine: Engine, table: str) -> str:
    stream = io.StringIO()
    with engine.connect() as connection:
        export_csv_table(connection, stream, table)
    return stream.getvalue()


@pytest.mark.postgres
def test_the_same_archive_exports_the_same_table_csv_bytes_from_postgresql_and_sqlite(
    sqlite_url: str, postgres_url: str, seeds_dir: Path, tmp_path: Path
) -> None:
    """Every table; not the views, which each backend computes in its own
    arithmetic (SQLite's 2 is PostgreSQL's 2.00) and orders its own way (NULL
    first on SQLite, last on PostgreSQL), today as before COPY."""
    engines = []
    for name, url in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
        engine = create_archive_engine(url)
        migrate.upgrade(engine)
        engines.append(_fill(engine, seeds_dir, tmp_path / name))
    on_sqlite, on_postgres = engines
    try:
        _same_clock_times(on_sqlite, on_postgres)
        runner = CliRunner()
        from_sqlite = _export(runner, on_sqlite, tmp_path / "from-sqlite", "--format", "csv")
        from_postgres = _export(runner, on_postgres, tmp_path / "from-postgres", "--format", "csv")
        with on_sqlite.connect() as connection:
            tables = [f"{t.name}.csv" for t in export_tables.exportable_tables(connection) if not t.is_view]
        assert len(tables) >= 15
        assert {name: from_postgres[name] for name in tables} == {name: from_sqlite[name] for name in tables}
    finally:
        for engine in engines:
            engine.dispose()


def _same_clock_times(source: Engine, target: Engine) -> None:
    """Give ``target``'s clock-time columns (and the path a source file was
    read from) ``source``'s values, row by row: when a load ran or a list was
    imported is the clock's, not the archive's."""
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            times = [c for c in table.columns if isinstance(c.type, DateTime) or c.name == "origin"]
            for row in reading.execute(select(table.c.id, *times)) if times else ():
                values = {c.name: value for c, value in zip(times, row[1:], strict=True)}
                writing.execute(update(table).where(table.c.id == row[0]).values(values))


@postgres_archive
def test_a_filter_value_holding_a_percent_sign_selects_the_same_rows_by_copy(
    engine: Engine, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COPY's SELECT is sent as it is, not through the driver's ``%s``
    parameters: a ``%`` in a value it compares must stay one ``%``."""
    load_paths(engine, [seeds_dir])
    with engine.begin() as connection:
        connection.execute(text("UPDATE projects SET slug = '100%-calafat' WHERE slug LIKE 'primaria-%'"))
    filters = ProjectFilters(project="100%-calafat")

    def projects_csv() -> str:
        stream = io.StringIO()
        with engine.connect() as connection:
            export_csv_table(connection, stream, "projects", filters=filters)
        return stream.getvalue()

    copied = projects_csv()
    monkeypatch.setattr(pgcopy, "copy_sql", lambda *args: None)
    assert copied == projects_csv()
    assert ",100%-calafat," in copied


@postgres_archive
@pytest.mark.parametrize(
    "query",
    ["SELECT 1 / 0", "SELECT CASE WHEN g < 5000 THEN g ELSE 1 / (g - g) END FROM generate_series(1, 9999) g"],
    ids=["before the first record", "after many records"],
)
def test_a_copy_the_server_refuses_is_an_error_and_the_connection_goes_on(engine: Engine, query: str) -> None:
    with engine.connect() as connection:
        with pytest.raises(DBAPIError, match="division by zero"):
            pgcopy.write_copy(connection, f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", io.StringIO())
        connection.rollback()
        assert connection.execute(text("SELECT 2")).scalar() == 2
