"""The writes a load sends ahead on PostgreSQL (``load._outbox``): done in the
order sent, a failure raised where the load next waits, nothing after it run,
and no write left running when the load ends, whichever way it ends."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from synthetic import write_seed_folder

from eufunds.errors import LoadError
from eufunds.load import _pgcopy, loader
from eufunds.load._outbox import Outbox
from eufunds.load.loader import load_paths


def _load_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("eufunds-load-writes")]


def _project_slugs(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT slug FROM projects ORDER BY slug")).scalars())


@pytest.mark.parametrize("threaded", [True, False])
def test_writes_are_done_in_the_order_they_were_sent(threaded: bool) -> None:
    done: list[int] = []
    outbox = Outbox(threaded=threaded)
    for i in range(200):
        outbox.send(done.append, i)
    outbox.wait()
    outbox.close()
    assert done == list(range(200))


def test_a_failed_write_is_raised_by_the_next_wait_and_what_was_sent_after_it_never_runs() -> None:
    done: list[str] = []
    release = threading.Event()

    def fail() -> None:
        release.wait(5)
        raise ValueError("refused")

    outbox = Outbox(threaded=True)
    outbox.send(done.append, "before")
    outbox.send(fail)
    outbox.send(done.append, "after")
    release.set()
    with pytest.raises(ValueError, match="refused"):
        outbox.wait()
    outbox.close()
    assert done == ["before"]


def test_closing_lets_a_running_write_end_and_drops_the_ones_not_started() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[str] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        done.append("slow")

    outbox = Outbox(threaded=True)
    outbox.send(slow)
    outbox.send(done.append, "queued")
    started.wait(5)
    threading.Timer(0.1, release.set).start()
    outbox.close()
    assert done == ["slow"]
    assert not _load_threads()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_row_the_server_refuses_in_a_write_sent_ahead_refuses_the_load_and_writes_nothing(
    loaded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A check no validation knows of, so the refusal comes from the server,
    # in a COPY of a later batch than the first.
    with loaded_engine.begin() as connection:
        connection.execute(
            text(
                "ALTER TABLE documents ADD CONSTRAINT test_no_bad CHECK (file_name <> 'synthetic-00004.txt')"
            )
        )
    folder = write_seed_folder(tmp_path / "new", range(6))
    assert (folder / "synthetic-00004.txt").exists()
    monkeypatch.setattr(loader, "WRITE_BATCH", 2)
    before = _project_slugs(loaded_engine)
    with pytest.raises(LoadError, match="refused a row"):
        load_paths(loaded_engine, [folder])
    assert _project_slugs(loaded_engine) == before
    assert not _load_threads()
    with loaded_engine.begin() as connection:
        connection.execute(text("ALTER TABLE documents DROP CONSTRAINT test_no_bad"))
    load_paths(loaded_engine, [folder])  # the archive takes the same load once the check is gone
    assert len(_project_slugs(loaded_engine)) == len(before) + 6


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_load_interrupted_while_a_write_runs_rolls_back_only_after_it_ends(
    loaded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_seed_folder(tmp_path / "new", range(8))
    monkeypatch.setattr(loader, "WRITE_BATCH", 2)
    events: list[str] = []
    started, release = threading.Event(), threading.Event()
    real_write = _pgcopy.CopyInto.write

    def held_write(self: _pgcopy.CopyInto, connection: Any, rows: list[dict[str, Any]]) -> None:
        if "documents" in self.sql and not started.is_set():
            started.set()  # the first batch's documents: held until the load is interrupted
            release.wait(10)
        try:
            real_write(self, connection, rows)
        finally:
            events.append("write ended")

    def progress(count: int) -> None:
        if started.is_set() and not release.is_set():
            threading.Timer(0.2, release.set).start()
            raise KeyboardInterrupt

    monkeypatch.setattr(_pgcopy.CopyInto, "write", held_write)
    event.listen(loaded_engine, "rollback", lambda connection: events.append("rollback"))
    before = _project_slugs(loaded_engine)
    with pytest.raises(KeyboardInterrupt):
        load_paths(loaded_engine, [folder], progress=progress)
    # The load's own rollback is the last one (the checks before it roll back
    # their read-only connections too).
    assert events[-1] == "rollback"
    assert "write ended" in events
    assert not _load_threads()
    assert _project_slugs(loaded_engine) == before
