"""Export never writes outside the output folder it was given, whatever file
names or slugs an archive (edited by hand, or by another tool) holds."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eufunds.db import create_archive_engine
from eufunds.export.exporters import ExportError, export, safe_relative_path


@pytest.fixture
def archive(sqlite_archive_file: Path) -> Path:
    return sqlite_archive_file


def tamper(archive: Path, sql: str, *params: str) -> None:
    """Change the archive behind the loader's back, as a hand edit would."""
    connection = sqlite3.connect(archive)
    with connection:
        connection.execute(sql, params)
    connection.close()


def files_under(folder: Path) -> set[str]:
    return {str(Path(root, name)) for root, _, names in os.walk(folder) for name in names}


def run_export(archive: Path, fmt: str, output: Path) -> None:
    engine = create_archive_engine(f"sqlite:///{archive}")
    try:
        with engine.connect() as connection:
            export(connection, fmt, output=output)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "file_name",
    [
        "../../escaped.txt",
        "a/../../../escaped.txt",
        "/tmp/escaped.txt",
        "..\\..\\escaped.txt",
        "escaped.yaml",
        "\x00../escaped.txt",
        "..",
    ],
)
def test_yaml_export_keeps_hostile_source_names_inside_the_folder(
    archive: Path, tmp_path: Path, file_name: str
) -> None:
    tamper(archive, "UPDATE documents SET file_name = ? WHERE ordinal = 0", file_name)
    before = files_under(tmp_path)
    output = tmp_path / "out"
    run_export(archive, "yaml", output)
    written = files_under(tmp_path) - before
    assert written and all(Path(path).is_relative_to(output) for path in written), written
    assert not any(path.endswith("escaped.yaml") for path in written)


def test_yaml_export_refuses_a_slug_that_is_a_path(archive: Path, tmp_path: Path) -> None:
    tamper(archive, "UPDATE projects SET slug = '../escaped' WHERE id = 1")
    before = files_under(tmp_path)
    with pytest.raises(ExportError, match="not a valid slug"):
        run_export(archive, "yaml", tmp_path / "out")
    assert all(Path(p).is_relative_to(tmp_path / "out") for p in files_under(tmp_path) - before)


@pytest.mark.parametrize("fmt", ["csv", "datapackage"])
def test_folder_exports_write_only_inside_the_folder(archive: Path, tmp_path: Path, fmt: str) -> None:
    tamper(archive, "UPDATE documents SET file_name = '../../escaped.txt'")
    before = files_under(tmp_path)
    run_export(archive, fmt, tmp_path / "out")
    written = files_under(tmp_path) - before
    assert written and all(Path(p).is_relative_to(tmp_path / "out") for p in written)


def test_export_into_a_non_empty_folder_is_refused(archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "link").symlink_to(tmp_path)
    with pytest.raises(ExportError, match="not empty"):
        run_export(archive, "yaml", output)


@given(name=st.text(max_size=60))
def test_safe_relative_path_never_leaves_its_folder(name: str) -> None:
    root = Path("/srv/export")
    relative = safe_relative_path(name, fallback="source.txt")
    assert not relative.is_absolute()
    assert ".." not in relative.parts
    assert Path(os.path.normpath(root / relative)).is_relative_to(root)
