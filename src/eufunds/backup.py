"""Online backups of a SQLite archive, consistent while loads run.

SQLite's backup API copies every page of the archive inside one read
transaction, so the copy is the archive as of one commit: in WAL mode a load
running meanwhile neither blocks it nor leaks into it. The copy is written
beside the destination under a temporary name, checked, switched to a
self-contained rollback-journal file, and only then renamed into place, so a
crash mid-backup never leaves a half-written file under the destination's name.
PostgreSQL archives are backed up with the server's own tools (``pg_dump``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .db import ArchiveError, describe_url, read_only_uri, sqlite_path
from .settings import BUSY_TIMEOUT_MS


@dataclass(frozen=True)
class BackupReport:
    """What a backup copied."""

    source: Path
    destination: Path
    bytes: int
    projects: int
    seconds: float

    def summary(self) -> str:
        plural = "" if self.projects == 1 else "s"
        return (
            f"{self.source} → {self.destination}: {self.bytes} bytes, "
            f"{self.projects} project{plural}, {self.seconds:.2f} s"
        )


def backup_archive(
    url: str, destination: Path, *, overwrite: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> BackupReport:
    """Copy the SQLite archive at ``url`` to ``destination``, consistently, while
    other commands may be reading or writing it.

    Raises ``ArchiveError`` for a non-SQLite archive, a missing one, a destination
    that exists (unless ``overwrite``) or is the archive itself.
    """
    source = sqlite_path(url)
    if source is None:
        raise ArchiveError(
            f"backup copies SQLite archives; back up {describe_url(url)} with pg_dump or the server's tools"
        )
    if not source.is_file():
        raise ArchiveError(f"no archive at {source}")
    destination = destination.expanduser().absolute()
    archive_files = [
        source.resolve().with_name(source.resolve().name + end) for end in ("", "-wal", "-shm", "-journal")
    ]
    if destination.resolve() in archive_files or any(
        destination.exists() and f.exists() and os.path.samefile(destination, f) for f in archive_files
    ):
        raise ArchiveError(
            f"{destination} is the archive itself (or one of its files); back it up to another file"
        )
    if destination.is_dir():
        raise ArchiveError(f"{destination} is a folder; name the backup file")
    if destination.exists() and not overwrite:
        raise ArchiveError(f"{destination} exists; choose another name or pass --force")
    if not destination.parent.is_dir():
        raise ArchiveError(f"no folder {destination.parent} to write the backup into")

    started = time.perf_counter()
    try:
        handle, partial_name = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as exc:
        raise ArchiveError(
            f"cannot write the backup in {destination.parent}: {exc.strerror or exc}"
        ) from None
    os.close(handle)
    partial = Path(partial_name)
    try:
        projects = _copy(source, partial, busy_timeout_ms)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write the backup {destination}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        source=source,
        destination=destination,
        bytes=destination.stat().st_size,
        projects=projects,
        seconds=time.perf_counter() - started,
    )


def _copy(source: Path, target: Path, busy_timeout_ms: int) -> int:
    """Back ``source`` up into ``target``; return how many projects the copy holds."""
    timeout = busy_timeout_ms / 1000
    reader = sqlite3.connect(read_only_uri(source), uri=True, timeout=timeout)
    try:
        writer = sqlite3.connect(target, timeout=timeout)
        try:
            try:
                # pages=-1: every page in one step, hence one read transaction
                # and one consistent snapshot of the archive.
                reader.backup(writer, pages=-1)
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise ArchiveError(
                        f"the archive is busy: could not start reading {source} within {timeout:g} s"
                    ) from None
                raise ArchiveError(f"backup of {source} failed: {exc}") from None
            except sqlite3.DatabaseError as exc:
                raise ArchiveError(f"backup of {source} failed: {exc}") from None
            # The copy inherits WAL mode; a backup is better one self-contained file.
            writer.execute("PRAGMA journal_mode = DELETE")
            (verdict,) = writer.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise ArchiveError(f"the backup of {source} failed its integrity check: {verdict}")
            has_projects = writer.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projects'"
            ).fetchone()
            if not has_projects:
                # A copy of something that is no archive (an empty or foreign
                # file) would be a backup in name only.
                raise ArchiveError(f"{source} holds no eufunds archive; nothing was backed up")
            return int(writer.execute("SELECT count(*) FROM projects").fetchone()[0])
        finally:
            writer.close()
    finally:
        reader.close()
