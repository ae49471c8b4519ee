"""What every export shares: the report, the formats, and the rules for where
files may be written (nothing outside the folder or file the caller names: every
file name taken from the archive is sanitised first)."""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, BinaryIO, TextIO

from sqlalchemy import Connection, text

from ..errors import ExportError

FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "yaml", "xlsx", "datapackage")
# Formats whose output is a folder of files rather than one stream.
FOLDER_FORMATS: frozenset[str] = frozenset({"yaml", "datapackage"})


@dataclass
class ExportReport:
    """What an export wrote."""

    format: str
    target: str  # the file or folder, or "-" for standard output
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, or {"projects": n}
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"{self.format} → {self.target}: {parts or 'nothing'}"


class TextTarget:
    """A UTF-8 text stream over a file or the given binary stdout, whatever the locale."""

    def __init__(
        self, output: Path | None, stdout: BinaryIO | None, protected: frozenset[Path] = frozenset()
    ):
        self.output, self.stdout, self.protected = output, stdout, protected
        self.stream: io.TextIOWrapper | None = None
        self.file: IO[bytes] | None = None
        self._atomic: AbstractContextManager[IO[bytes]] | None = None

    def __enter__(self) -> tuple[TextIO, str]:
        if self.output is not None:
            check_file_target(self.output, self.protected)
            self._atomic = atomic_file(self.output)
            self.file = self._atomic.__enter__()
            self.stream = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
            return self.stream, str(self.output)
        assert self.stdout is not None
        self.stream = io.TextIOWrapper(self.stdout, encoding="utf-8", newline="")
        return self.stream, "-"

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.stream is not None
        if self._atomic is not None:
            self.stream.flush()
            self.stream.detach()  # the atomic file closes (and renames) the handle itself
            self._atomic.__exit__(kind, value, tb)
        else:
            self.stream.flush()
            # Leave the caller's stdout open.
            self.stream.detach()


# --------------------------------------------------------------------------- paths


def archive_files(connection: Connection) -> frozenset[Path]:
    """The files a SQLite archive lives in (the database, its journal, WAL and
    shared-memory index), which no export may write over; none for a server."""
    if connection.dialect.name != "sqlite":
        return frozenset()
    files: set[Path] = set()
    for row in connection.execute(text("PRAGMA database_list")):
        if row[2]:  # '' for in-memory and temporary databases
            main = Path(row[2]).resolve()
            files |= {main, *(main.with_name(main.name + end) for end in ("-wal", "-shm", "-journal"))}
    return frozenset(files)


def check_file_target(path: Path, protected: frozenset[Path] = frozenset()) -> None:
    """Refuse an output that is a folder, has no folder to go in, or is one of
    the archive's own files (by name, or the same file under another name)."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ExportError(f"no folder {path.parent} to write {path.name} into")
    resolved = path.resolve()
    same = resolved in protected or any(
        resolved.exists() and other.exists() and os.path.samefile(resolved, other) for other in protected
    )
    if same:
        raise ExportError(f"{path} is the archive being exported (or one of its files); choose another name")


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only once it is complete: written
    under a temporary name beside it and renamed into place, so an export that
    fails or is killed never leaves a truncated file under the user's name (nor
    truncates what was there)."""
    if path.exists() and not path.is_file():
        # A device or a pipe (/dev/stdout, a FIFO) is written as it is: renaming
        # over it would replace it with a regular file. Opened without waiting:
        # a FIFO nobody reads would otherwise block the export for ever.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            raise ExportError(f"{path} is a pipe that nobody is reading; start its reader first") from None
        os.set_blocking(descriptor, True)
        with open(descriptor, "wb") as stream:
            yield stream
        return
    # Not a `with`: the file must outlive its handle, to be renamed or removed.
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".partial", delete=False
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def prepare_folder(folder: Path) -> Path:
    """The output folder, created if needed; it must be empty so that what is in it
    afterwards is exactly this export (a stale seed would be loaded with it)."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ExportError(f"{folder} is not empty; export into a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')


def safe_relative_path(name: str, *, fallback: str) -> PurePosixPath:
    """A relative path made from an archived file name that cannot leave the folder
    it is joined to: no absolute paths, no ``..``, no characters that are invalid
    in file names on common systems."""
    parts = []
    for part in name.replace("\\", "/").split("/"):
        part = _UNSAFE_CHARS.sub("_", part).strip().rstrip(".")
        if part in ("", ".", ".."):
            continue
        parts.append(part[:200])
    return PurePosixPath(*parts) if parts else PurePosixPath(fallback)


def inside_folder(folder: Path, relative: PurePosixPath) -> Path:
    target = (folder / relative).resolve()
    # resolve() follows links, so a link planted in the folder cannot redirect a write.
    if not target.is_relative_to(folder):
        raise ExportError(f"refusing to write {relative} outside {folder}")
    return target
