"""The JSON and JSON Lines exports of a whole SQLite archive are written by
SQLite (``export._jsonsql``); they are the same bytes as each record read by
``read.records`` and written by ``jsontext.to_json``, which is how every other
export of records is written, including the projects SQLite hands back to
Python (evidence among several sources, indicator values it cannot write).
On a large archive the texts are made by several processes
(``export._jsonpool``) from one snapshot and written in order: the same bytes
again."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from generated_seeds import write_seed
from sqlalchemy import Engine
from synthetic import eufunds_command, prepare_update_scenario, write_joined_pair

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine
from eufunds.export import _csvpool, _csvworker, _jsonpool
from eufunds.export.jsonl import export_json
from eufunds.jsontext import to_json
from eufunds.load.loader import load_paths
from eufunds.read.records import ProjectFilters, iter_records
from eufunds.settings import SETTINGS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/ is not a package)

AWKWARD = 'Ghilimele " și \\ bară, tab\tși\rCR, NUL-ul \x01, emoji 🇷🇴, ş cu sedilă, 100% „românește”'
VALUES = ["60.5", "0.0001", "99999999999.9999", "12345678901.5", "0.1", "0.3", "20", "1E+2", "0"]


def _awkward_seeds(folder: Path) -> Path:
    write_seed(
        folder,
        "a-valori-ciudate",
        text=f"{AWKWARD}\nComunicat cu valori.\n",
        title=AWKWARD,
        acronym=None,
        notes="rând unu\nrând doi",
        objectives=[
            {
                "kind": "specific",
                "code": "OS1",
                "text": AWKWARD,
                "achieved": None,
                "indicators": [{"value": value, "unit": "bucăți", "what": None} for value in VALUES],
            }
        ],
        evidence={"title": "NUL-ul", "notes": ["Comunicat cu valori.", "Ghilimele"]},
    )
    folder.joinpath("b-doi.txt").write_text(
        "Al doilea comunicat despre proiect, cu valori.\n", encoding="utf-8"
    )
    write_seed(
        folder,
        "b-doua-surse",
        text="Primul comunicat despre proiect.\n",
        sources=[
            {"file": "b-doua-surse.txt", "kind": "start", "published": dt.date(2019, 1, 15)},
            {"file": "b-doi.txt", "kind": "end", "published": dt.date(2020, 2, 1)},
        ],
        evidence={"title": ["despre proiect", {"file": "b-doi.txt", "quote": "despre proiect"}]},
    )
    folder.joinpath("b-doua-surse.txt").write_text("Primul comunicat despre proiect.\n", encoding="utf-8")
    write_seed(folder, "c-fara-nimic", text="Nimic de spus.\n")
    return folder


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("json-sql")
    engine = create_archive_engine(f"sqlite:///{folder / 'archive.db'}")
    migrate.upgrade(engine)
    load_paths(
        engine,
        [
            REPO / "seeds", generate.generate(40, folder / "generated"), _awkward_seeds(folder / "odd"),
            write_joined_pair(folder / "joined"),
        ],
    )  # fmt: skip
    return engine


def _through_records(engine: Engine, lines: bool) -> str:
    with engine.connect() as connection:
        texts = [to_json(record) for record in iter_records(connection)]
    if lines:
        return "".join(text + "\n" for text in texts)
    return "[" + ",\n".join("\n" + text if i == 0 else text for i, text in enumerate(texts)) + "\n]\n"


@pytest.mark.parametrize("lines", [False, True])
def test_json_export_of_sqlite_is_the_records_written_one_by_one(sqlite_archive: Engine, lines: bool) -> None:
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        report = export_json(connection, stream, lines=lines)
    assert report.counts["projects"] == 46  # the seeds, 40 generated, 3 awkward, 1 joined
    assert stream.getvalue() == _through_records(sqlite_archive, lines)


def test_the_awkward_projects_are_there_and_read_as_written(sqlite_archive: Engine) -> None:
    with sqlite_archive.connect() as connection:
        (odd,) = iter_records(connection, ProjectFilters(project="a-valori-ciudate"))
        (two,) = iter_records(connection, ProjectFilters(project="b-doua-surse"))
    assert odd["title"] == AWKWARD
    assert [str(i["value"]) for i in odd["objectives"][0]["indicators"]] == [
        "60.5", "0.0001", "99999999999.9999", "12345678901.5", "0.1", "0.3", "20", "100", "0",
    ]  # fmt: skip
    assert two["evidence"]["title"] == ["despre proiect", {"file": "b-doi.txt", "quote": "despre proiect"}]


@pytest.mark.parametrize(
    "stored", ["0.0", "-0.0", "1e-05", "0.30000000000000004", "1e16", "123456789012.345", "2.5e-3", "7.0"]
)
def test_indicator_values_stored_as_any_number_are_written_as_the_record_writes_them(
    tmp_path: Path, stored: str
) -> None:
    engine = create_archive_engine(f"sqlite:///{tmp_path / 'floats.db'}")
    migrate.upgrade(engine)
    load_paths(engine, [_awkward_seeds(tmp_path / "odd")])
    with engine.begin() as connection:
        # The column's NUMERIC affinity keeps whole floats as integers.
        connection.exec_driver_sql(f"UPDATE indicators SET value = {stored} WHERE ordinal = 0")
    for lines in (False, True):
        stream = io.StringIO()
        with engine.connect() as connection:
            export_json(connection, stream, lines=lines)
        assert stream.getvalue() == _through_records(engine, lines)


def test_an_empty_sqlite_archive_exports_an_empty_array(tmp_path: Path) -> None:
    engine = create_archive_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate.upgrade(engine)
    stream = io.StringIO()
    with engine.connect() as connection:
        export_json(connection, stream)
    assert stream.getvalue() == "[]\n"


# --------------------------------------------------------------------------- several processes

EXPORT_WORKERS = SETTINGS["export_workers"].envvar


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Ranges of three projects, so that every process makes several; the JSON
    jobs sent to workers, as the export goes."""
    monkeypatch.setattr(_jsonpool, "RANGE_PROJECTS", 3)
    sent: list[dict[str, Any]] = []
    real_send = _csvworker.send

    def send(stream: Any, job: Any) -> None:
        if isinstance(job, dict) and job.get("json"):
            sent.append(job)
        real_send(stream, job)

    monkeypatch.setattr(_csvworker, "send", send)
    return sent


def _never_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def in_process(connection: object) -> Iterator[str]:
        raise AssertionError("the records were written in-process")

    monkeypatch.setattr(_jsonpool, "iter_record_json", in_process)


def _starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each attempt at a common snapshot came to, as the export goes."""
    outcomes: list[str] = []
    real_start = _jsonpool._Run.start

    def start(self: _jsonpool._Run) -> str:
        outcomes.append(real_start(self))
        return outcomes[-1]

    monkeypatch.setattr(_jsonpool._Run, "start", start)
    return outcomes


@pytest.mark.parametrize("lines", [False, True])
@pytest.mark.parametrize("workers", [2, 3])
def test_records_made_by_worker_processes_are_the_records_written_one_by_one(
    sqlite_archive: Engine, small_ranges: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
    lines: bool, workers: int,
) -> None:  # fmt: skip
    _never_in_process(monkeypatch)
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        report = export_json(connection, stream, lines=lines, workers=workers)
    assert report.counts["projects"] == 46
    assert stream.getvalue() == _through_records(sqlite_archive, lines)
    assert small_ranges, "no range was made by a worker"


def test_workers_start_again_when_a_commit_falls_between_their_snapshots(
    sqlite_archive: Engine, small_ranges: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = iter([1, 2] + [3] * 10)  # a commit between the first attempt's snapshots
    monkeypatch.setattr(_csvpool, "_data_version", lambda watch: next(versions))
    _never_in_process(monkeypatch)
    starts = _starts(monkeypatch)
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        export_json(connection, stream, lines=True, workers=2)
    assert starts == ["moved", "ready"]
    assert stream.getvalue() == _through_records(sqlite_archive, True)


def test_records_are_written_in_process_when_commits_never_stop(
    sqlite_archive: Engine, small_ranges: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = iter(range(1000))
    monkeypatch.setattr(_csvpool, "_data_version", lambda watch: next(versions))
    starts = _starts(monkeypatch)
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        export_json(connection, stream, lines=True, workers=2)
    assert starts == ["moved"] * _csvpool.SNAPSHOT_ATTEMPTS
    assert not small_ranges
    assert stream.getvalue() == _through_records(sqlite_archive, True)


def test_records_are_written_in_process_when_no_worker_can_start(
    sqlite_archive: Engine, small_ranges: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_start(database: Path, root: Path, busy_timeout_ms: int) -> subprocess.Popen[bytes]:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(_csvpool, "_start_worker", cannot_start)
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        export_json(connection, stream, workers=2)
    assert stream.getvalue() == _through_records(sqlite_archive, False)


# A worker that says it is ready, then ends without answering its first job.
_READY_THEN_GONE = (
    "import marshal, sys; d = marshal.dumps({'ready': True}); "
    "sys.stdout.buffer.write(len(d).to_bytes(4, 'big') + d); sys.stdout.buffer.flush(); sys.stdin.buffer.read(4)"
)


def test_a_worker_that_stops_is_one_error_and_no_file(
    sqlite_archive: Engine,
    small_ranges: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    def short_lived(database: Path, root: Path, busy_timeout_ms: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", _READY_THEN_GONE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    monkeypatch.setattr(_csvpool, "_start_worker", short_lived)
    monkeypatch.setenv(EXPORT_WORKERS, "2")
    out = tmp_path / "records.jsonl"
    url = sqlite_archive.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "export", "--format", "jsonl", "--output", str(out)])
    assert result.exit_code != 0
    assert result.output.splitlines() == ["error: projects: an export worker stopped"]
    assert not out.exists()


def test_workers_stop_when_the_reader_stops_early(
    sqlite_archive: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_start = _csvpool._start_worker

    def start(database: Path, root: Path, busy_timeout_ms: int) -> subprocess.Popen[bytes]:
        started.append(real_start(database, root, busy_timeout_ms))
        return started[-1]

    monkeypatch.setattr(_csvpool, "_start_worker", start)
    monkeypatch.setattr(_jsonpool, "RANGE_PROJECTS", 3)
    with sqlite_archive.connect() as connection, _jsonpool.record_texts(connection, workers=3) as texts:
        assert next(texts).startswith('{"slug": ')
    assert len(started) == 2
    assert all(worker.poll() is not None for worker in started)


@pytest.mark.slow
def test_json_exports_taken_while_a_load_commits_each_show_one_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exports by several processes, again and again during a real load: each is
    the archive before the load or after it, never a mix."""
    scenario = prepare_update_scenario(tmp_path / "scenario", 400)
    live = scenario.fresh_copy("live.db")
    monkeypatch.setattr(_jsonpool, "RANGE_PROJECTS", 40)
    runner = CliRunner()

    def export_lines(out: Path) -> bytes:
        result = runner.invoke(cli, ["--db", str(live), "export", "--format", "jsonl", "--output", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    monkeypatch.setenv(EXPORT_WORKERS, "1")
    before = export_lines(tmp_path / "before.jsonl")
    monkeypatch.setenv(EXPORT_WORKERS, "2")
    load = subprocess.Popen(
        eufunds_command(live, "load", str(scenario.folder)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    exports = []
    while load.poll() is None:
        exports.append(export_lines(tmp_path / f"during-{len(exports)}.jsonl"))
    assert load.wait() == 0
    monkeypatch.setenv(EXPORT_WORKERS, "1")
    after = export_lines(tmp_path / "after.jsonl")
    assert before != after
    assert exports
    for number, written in enumerate(exports):
        assert written in (before, after), f"export {number} mixes two states"
