"""Where a single-file export may land: never on the archive it reads (nor its
journal, WAL or shared-memory file, under any name), and only once complete —
a failed or killed export leaves no truncated file under the name it was given
and keeps whatever was there."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from eufunds.cli import cli

SINGLE_FILE = [["--format", "json"], ["--format", "jsonl"], ["--format", "xlsx"], ["--format", "csv", "--table", "projects"]]  # fmt: skip


@pytest.fixture
def archive(sqlite_archive_file: Path) -> Path:
    return sqlite_archive_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export(archive: Path, output: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--db", str(archive), "export", *args, "--output", str(output)])


def _assert_refused_and_untouched(result, archive: Path, before: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is the archive being exported" in errors[0], result.output
    assert "Traceback" not in result.output
    assert _digest(archive) == before


@pytest.mark.parametrize("args", SINGLE_FILE, ids=lambda a: "-".join(a[1::2]))
def test_an_export_naming_the_archive_itself_is_refused_and_the_archive_kept(
    archive: Path, args: list[str]
) -> None:
    before = _digest(archive)
    _assert_refused_and_untouched(_export(archive, archive, *args), archive, before)


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_an_export_naming_a_file_the_archive_needs_is_refused(archive: Path, suffix: str) -> None:
    before = _digest(archive)
    target = archive.with_name(archive.name + suffix)
    _assert_refused_and_untouched(_export(archive, target, "--format", "json"), archive, before)


def test_an_export_naming_the_archive_through_a_link_is_refused(archive: Path, tmp_path: Path) -> None:
    before = _digest(archive)
    hard = tmp_path / "same-file.json"
    os.link(archive, hard)
    _assert_refused_and_untouched(_export(archive, hard, "--format", "json"), archive, before)
    soft = tmp_path / "pointer.json"
    soft.symlink_to(archive)
    _assert_refused_and_untouched(_export(archive, soft, "--format", "json"), archive, before)


def test_a_failed_export_keeps_the_file_that_was_there_and_leaves_no_partial_one(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("the previous export\n", encoding="utf-8")

    def half_then_fail(connection, stream, **_):  # type: ignore[no-untyped-def]
        stream.write("[\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("eufunds.export.exporters.export_json", half_then_fail)
    result = _export(archive, target, "--format", "json")
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.json")) == []


def test_a_complete_export_replaces_the_file_that_was_there(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    result = _export(archive, target, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").count("\n") == 2
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".partial"] == []


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full on this system")
def test_a_full_disk_is_one_error_line_naming_the_output(archive: Path) -> None:
    result = _export(archive, Path("/dev/full"), "--format", "json")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: cannot write /dev/full: No space left on device"]
    assert Path("/dev/full").is_char_device()  # written as the device it is, never renamed over


def test_a_text_that_looks_like_a_formula_is_a_text_cell_in_the_workbook(
    archive: Path, tmp_path: Path
) -> None:
    import sqlite3

    import openpyxl

    formula = '=HYPERLINK("http://exemplu.test","clic")'
    with sqlite3.connect(archive) as connection:
        connection.execute(
            "UPDATE projects SET title = ? WHERE slug = 'primaria-calafat-management-calitate'", (formula,)
        )
    connection.close()
    out = tmp_path / "a.xlsx"
    assert _export(archive, out, "--format", "xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(out)["projects"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == formula]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_workbook_dates_are_the_days_written_on_both_sides_of_excels_false_leap_day(
    archive: Path, tmp_path: Path
) -> None:
    import datetime as dt
    import sqlite3

    import openpyxl

    with sqlite3.connect(archive) as connection:
        connection.execute(
            "UPDATE projects SET start_date = '1900-02-28', end_date = '1900-03-01' "
            "WHERE slug = 'primaria-calafat-management-calitate'"
        )
    connection.close()
    out = tmp_path / "a.xlsx"
    assert _export(archive, out, "--format", "xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(out)["projects"]
    header = [cell.value for cell in sheet[1]]
    row = next(
        r
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[header.index("slug")].startswith("primaria")
    )
    assert (
        row[header.index("start_date")] == "1900-02-28"
    )  # Excel's serial 59 would be 1900-02-28 but 60 is no day
    assert row[header.index("end_date")] == dt.datetime(1900, 3, 1)
