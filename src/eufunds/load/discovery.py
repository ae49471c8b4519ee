"""Which files a load reads, in which order, and under which names.

A folder is searched for ``*.yaml`` and ``*.yml`` files at any depth, and its
files come in the order of their sorted paths (a code claimed twice is
reported on the later seed, so the order is part of what a load says). Files
are found as they are read: one folder's names at a time, and a folder of
more than ``SPILL_NAMES`` entries is sorted in a scratch SQLite database on
disk rather than in memory, so that a load of a million seeds holds no list
of them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

# A folder with more entries than this is sorted on disk.
SPILL_NAMES = 20_000


def discover_seed_files(paths: list[Path]) -> Iterator[tuple[str, str]]:
    """Seed files named on the command line, each as (path, stable name): files
    as given (named by their file name), folders searched for seeds (named by
    their path inside the folder, so ``seeds/`` and ``/abs/seeds`` name a seed
    alike)."""
    for path in paths:
        if path.is_dir():
            yield from _seed_files_in(str(path), "")
        else:
            yield str(path), path.name


def _seed_files_in(folder: str, prefix: str) -> Iterator[tuple[str, str]]:
    # Sorting each folder's names and descending into subfolders where their
    # names fall is the order of the sorted paths' parts. Paths stay strings:
    # a Path interns each part, and the interned table never shrinks.
    for name, is_folder in _sorted_entries(folder):
        if is_folder:
            yield from _seed_files_in(os.path.join(folder, name), f"{prefix}{name}/")
        else:
            yield os.path.join(folder, name), prefix + name


def _sorted_entries(folder: str) -> Iterator[tuple[str, bool]]:
    """A folder's seed files and subfolders (name, is a folder), by name. As
    ``Path.rglob`` does, folders reached through a symbolic link are left out,
    and a folder that cannot be read is passed over."""
    held: list[tuple[str, bool]] = []
    spill: _Spill | None = None
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_dir() and not entry.is_symlink():
                        held.append((entry.name, True))
                    elif _seed_suffix(entry.name) and entry.is_file():
                        held.append((entry.name, False))
                except OSError:
                    continue
                if len(held) >= SPILL_NAMES:
                    spill = spill or _Spill()
                    spill.add(held)
                    held = []
    except PermissionError:
        if spill is not None:
            spill.close()
        return
    if spill is None:
        held.sort()  # names in a folder are unique: this is their order
        yield from held
        return
    try:
        spill.add(held)
        del held
        yield from spill.sorted()
    finally:
        spill.close()


class _Spill:
    """Names sorted in a private temporary SQLite database, which keeps a small
    page cache and writes the rest to disk. A name is stored as its UTF-32
    (big-endian) bytes, whose byte order is Python's order of strings, for any
    name the file system gives (undecodable bytes included)."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("CREATE TABLE entry (name BLOB NOT NULL, is_folder INTEGER NOT NULL)")
        self.db.execute("BEGIN")

    def add(self, entries: list[tuple[str, bool]]) -> None:
        self.db.executemany(
            "INSERT INTO entry VALUES (?, ?)",
            [(name.encode("utf-32-be", "surrogatepass"), is_folder) for name, is_folder in entries],
        )

    def sorted(self) -> Iterator[tuple[str, bool]]:
        for name, is_folder in self.db.execute("SELECT name, is_folder FROM entry ORDER BY name"):
            yield name.decode("utf-32-be", "surrogatepass"), bool(is_folder)

    def close(self) -> None:
        self.db.close()


def _seed_suffix(name: str) -> bool:
    """Whether a file name ends in .yaml or .yml the way ``Path.suffix`` reads
    it (so ``.yaml`` alone, a hidden file with no suffix, is not a seed);
    ``PurePath(name).suffix`` would intern every name of a folder."""
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1 and name[dot:] in (".yaml", ".yml")
