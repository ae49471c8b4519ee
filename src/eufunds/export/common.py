"""What every export shares: the report, the formats, and the rules for where
files may be written (nothing outside the folder or file the caller names: every
file name taken from the archive is sanitised first)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, TextIO

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

    def __init__(self, output: Path | None, stdout: BinaryIO | None):
        self.output, self.stdout = output, stdout
        self.stream: io.TextIOWrapper | None = None
        self.file: IO[bytes] | None = None

    def __enter__(self) -> tuple[TextIO, str]:
        if self.output is not None:
            check_file_target(self.output)
            self.file = self.output.open("wb")
            self.stream = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
            return self.stream, str(self.output)
        assert self.stdout is not None
        self.stream = io.TextIOWrapper(self.stdout, encoding="utf-8", newline="")
        return self.stream, "-"

    def __exit__(self, *exc: object) -> None:
        assert self.stream is not None
        if self.file is not None:
            self.stream.close()
        else:
            self.stream.flush()
            # Leave the caller's stdout open.
            self.stream.detach()


# --------------------------------------------------------------------------- paths


def check_file_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ExportError(f"no folder {path.parent} to write {path.name} into")


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
