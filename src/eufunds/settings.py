"""Every knob eufunds has, declared once: its name, environment variable,
default, what it does, and how its text is read.

Library functions take these as parameters (``workers=``, ``busy_timeout_ms=``);
only the CLI reads the environment, through click's ``envvar=`` and this table,
so a script or a test sets a knob by passing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import SettingError

DEFAULT_DATABASE = "archive.db"
# How long a command waits for another writer before saying the archive is busy.
BUSY_TIMEOUT_MS = 10_000


# More worker processes than this is a typing slip, not a machine: past it the
# process pool fails deep inside (a C int overflows) instead of here.
MAX_WORKERS = 1024


def _whole_number(text: str) -> int:
    number = int(text)
    if not 1 <= number <= MAX_WORKERS:
        raise ValueError(text)
    return number


def _whole_number_text(value: str) -> int:
    try:
        return _whole_number(value.strip())
    except ValueError:
        raise ValueError(f"is not a whole number from 1 to {MAX_WORKERS}") from None


def _seconds_as_ms(value: str) -> int:
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise ValueError("is not a number of seconds from 0 to 86400")
    return round(seconds * 1000)


@dataclass(frozen=True)
class Setting:
    """One knob: ``parse`` turns its text into the value the library takes and
    raises ValueError with the reason (``is not a whole number``) otherwise."""

    name: str
    envvar: str
    default: Any
    default_text: str  # the default as --help shows it
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: dict[str, Setting] = {
    setting.name: setting
    for setting in (
        Setting(
            "db", "EUFUNDS_DB", DEFAULT_DATABASE, "./archive.db",
            "Archive to use: a SQLite file path or a SQLAlchemy URL (postgresql+psycopg://…).",
        ),
        Setting(
            "busy_timeout", "EUFUNDS_BUSY_TIMEOUT", BUSY_TIMEOUT_MS, "10",
            "Seconds to wait for another writer before saying the archive is busy.",
            _seconds_as_ms,
        ),
        Setting(
            "load_workers", "EUFUNDS_LOAD_WORKERS", None, "one per core for a large load",
            "Processes that read seeds (1: this process only).",
            _whole_number_text,
        ),
        Setting(
            "ingest_workers", "EUFUNDS_INGEST_WORKERS", None, "one per core for eight releases or more",
            "Processes that read and extract releases (1: this process only).",
            _whole_number_text,
        ),
        Setting(
            "export_workers", "EUFUNDS_EXPORT_WORKERS", None, "one per core for a large export",
            "Processes that write CSV tables and JSON records (1: this process only).",
            _whole_number_text,
        ),
    )
}  # fmt: skip


def setting_value(name: str, text: str | None, *, source: str | None = None) -> Any:
    """``text`` read as setting ``name`` (its default when None or blank); a bad
    value is a SettingError naming where it came from (``source``, e.g. the
    environment variable), so the user knows what to fix."""
    setting = SETTINGS[name]
    if text is None or not text.strip():
        return setting.default
    try:
        return setting.parse(text)
    except ValueError as exc:
        where = source or setting.envvar
        raise SettingError(f"{where}={text!r} {exc}") from None


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def worker_count(workers: int | None, large_enough: bool) -> int:
    """``workers`` when given (at least 1), else one process per usable core for
    large work and one for small."""
    if workers is not None:
        return max(1, workers)
    return usable_cores() if large_enough else 1
