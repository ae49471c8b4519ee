"""Export, backup and ingest onto a location the system will not write to.

Two ways to make one, so the tests bite whoever runs them: a folder bind-mounted
read-only in a private mount namespace (``unshare``; the kernel answers EROFS
even to root), and a folder without write permission (0o555; EACCES, which
root ignores — skipped then). Either way the command ends in exactly one
``error:`` line naming where it could not write, exit status 1, nothing left in
the folder, and the archive as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dumps import sqlite_dump

pytestmark = pytest.mark.sqlite_only

PROGRAM = "from eufunds.cli import main; main()"
RELEASE = Path(__file__).resolve().parents[1] / "seeds" / "001_f36f72105a710f57.txt"
# Mounted read-only over itself inside a mount namespace of the command's own.
_READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'

Runner = Callable[[Path, list[str]], subprocess.CompletedProcess[str]]


def _namespaces_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


def _on_a_read_only_mount(folder: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    command = [
        "unshare",
        "-rm",
        "sh",
        "-c",
        _READ_ONLY_MOUNT,
        "sh",
        str(folder),
        sys.executable,
        "-c",
        PROGRAM,
    ]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, check=False)


def _without_write_permission(folder: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")] if path.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        command = [sys.executable, "-c", PROGRAM, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture(params=["read-only-mount", "no-write-permission"])
def run_read_only(request: pytest.FixtureRequest) -> Runner:
    if request.param == "read-only-mount":
        if not _namespaces_available():
            pytest.skip("unshare cannot make a mount namespace here")
        return _on_a_read_only_mount
    if os.geteuid() == 0:
        pytest.skip("root writes through permissions; the read-only mount covers root")
    return _without_write_permission


@pytest.fixture
def read_only(tmp_path: Path) -> Path:
    """The folder made read-only: it holds an (empty) seeds folder and a file."""
    folder = tmp_path / "read-only"
    (folder / "seeds").mkdir(parents=True)
    (folder / "kept.txt").write_text("here before\n", encoding="utf-8")
    return folder


def _contents(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}


@pytest.fixture
def archive(sqlite_archive_file: Path) -> Iterator[Path]:
    yield sqlite_archive_file


def _assert_one_error_naming(run: subprocess.CompletedProcess[str], named: Path) -> None:
    shown = f"exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    assert run.returncode == 1, shown
    assert "Traceback" not in run.stdout + run.stderr, shown
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), shown
    assert str(named) in lines[0], shown


EXPORTS = {
    "json": ["--format", "json", "--output", "{ro}/projects.json"],
    "xlsx": ["--format", "xlsx", "--output", "{ro}/archive.xlsx"],
    "csv-table": ["--format", "csv", "--table", "projects", "--output", "{ro}/projects.csv"],
    "csv-folder": ["--format", "csv", "--output", "{ro}/tables"],
    "yaml-folder": ["--format", "yaml", "--output", "{ro}/seeds-copy"],
    "datapackage": ["--format", "datapackage", "--output", "{ro}/package"],
    "existing-empty-folder": ["--format", "yaml", "--output", "{ro}/seeds"],
}


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_onto_a_read_only_location_is_one_error_line_and_writes_nothing(
    run_read_only: Runner, read_only: Path, archive: Path, name: str
) -> None:
    args = [a.format(ro=read_only) for a in EXPORTS[name]]
    before, dump = _contents(read_only), sqlite_dump(archive)
    run = run_read_only(read_only, ["--db", str(archive), "export", *args])
    _assert_one_error_naming(run, Path(args[-1]))
    assert _contents(read_only) == before
    assert sqlite_dump(archive) == dump


def test_a_backup_onto_a_read_only_location_is_one_error_line_and_writes_nothing(
    run_read_only: Runner, read_only: Path, archive: Path
) -> None:
    before, dump = _contents(read_only), sqlite_dump(archive)
    run = run_read_only(read_only, ["--db", str(archive), "db", "backup", str(read_only / "copy.db")])
    _assert_one_error_naming(run, read_only)
    assert _contents(read_only) == before
    assert sqlite_dump(archive) == dump


@pytest.mark.parametrize("seeds", ["seeds", "new-seeds"], ids=["existing-folder", "folder-to-make"])
def test_an_ingest_into_a_read_only_seeds_folder_is_one_error_line_and_loads_nothing(
    run_read_only: Runner, read_only: Path, archive: Path, tmp_path: Path, seeds: str
) -> None:
    release = tmp_path / "comunicat.txt"
    # Another release than the archive's, so that ingest does not skip it as known.
    release.write_bytes(RELEASE.read_bytes().replace(b"Calafat", b"Caracal"))
    before, dump = _contents(read_only), sqlite_dump(archive)
    args = ["--db", str(archive), "ingest", "--seeds-dir", str(read_only / seeds), str(release)]
    run = run_read_only(read_only, args)
    _assert_one_error_naming(run, read_only / seeds)
    assert ".partial" not in run.stderr  # the folder the user named, not a file of ours
    assert _contents(read_only) == before
    assert sqlite_dump(archive) == dump
