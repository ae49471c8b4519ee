"""`eufunds serve` in a child process, as a person would run it, for the web
tests and the web bench: on 127.0.0.1, on a port the system picks (--port 0;
the server prints where it listens), always stopped at the end."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60
_ADDRESS = re.compile(r"at (http://127\.0\.0\.1:\d+/\S*)")


def build_archive(path: Path, seeds: Path = REPO / "seeds") -> Path:
    """A SQLite archive at ``path`` holding the seeds."""
    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url
    from eufunds.load.loader import load_paths

    engine = create_archive_engine(resolve_database_url(str(path)))
    migrate.upgrade(engine)
    load_paths(engine, [seeds])
    engine.dispose()
    return path


def eufunds_command(*args: str) -> list[str]:
    """The eufunds CLI of this interpreter (its venv's console script needs no PATH)."""
    return [sys.executable, "-c", "from eufunds.cli import main; main()", *args]


@contextmanager
def running_server(db: Path, *extra: str) -> Iterator[str]:
    """Serve ``db`` and yield its base URL once it answers; stop it on exit."""
    # The server's output goes to a file: a pipe nobody reads would stall the
    # server once full.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            eufunds_command("--db", str(db), "serve", "--host", "127.0.0.1", "--port", "0", *extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            base = _wait_for_address(process, log)
            _wait_until_answering(process, base, log)
            yield base
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_for_address(process: subprocess.Popen[str], log: IO[str]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"eufunds serve exited with {process.returncode}: {_tail(log)}")
        log.seek(0)
        found = _ADDRESS.search(log.read())
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise RuntimeError(f"eufunds serve did not say where it listens within {STARTUP_SECONDS} s")


def _wait_until_answering(process: subprocess.Popen[str], base: str, log: IO[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"eufunds serve exited with {process.returncode}: {_tail(log)}")
        try:
            with urllib.request.urlopen(base, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not answer within {STARTUP_SECONDS} s")


def _tail(log: IO[str]) -> str:
    log.seek(0)
    return log.read()[-2000:]
