"""Official lists of contracted projects (issue 18): read in their dialects,
imported as snapshots, linked to projects by SMIS code, held against releases.

Lists are written here with openpyxl and csv, in the shapes managing
authorities publish: title rows above the header, units in headings, merged
headings over sub-headings, numbers as Romanian text, cp1250 CSV with ``;``.
Projects are invented in the seeds' style and written straight into the
archive's tables, so the tests hold the lists stage alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, insert, select, text

from eufunds.cli import cli
from eufunds.errors import ListError
from eufunds.lists.compare import compare_lists
from eufunds.lists.headers import HEADER_VARIANTS, match_heading
from eufunds.lists.importer import import_list
from eufunds.lists.read import open_list
from eufunds.models import FundingSource, ListFile, ListRow, Organisation, Programme, Project
from eufunds.read.check import check_archive

REPO = Path(__file__).resolve().parents[1]
LIST_CHECKS = ("list_differs", "list_without_release", "release_without_list", "list_dropped")

HEADER = ["Nr. crt.", "Cod SMIS", "Denumire beneficiar", "CUI", "Titlu proiect", "Valoare totală (lei)",
          "Valoare eligibilă (lei)", "Valoare UE (lei)", "Data începere", "Data finalizare", "Județ"]  # fmt: skip
CALAFAT = [1, 120394, "Municipiul Calafat", "RO 4553867", "Modernizare străzi în Calafat",
           "2.500.000,00", "2.100.000,50", "1.785.000,43", "15.03.2019", "14.03.2022", "Dolj"]  # fmt: skip
CLUJ = [2, "474", "Consiliul Județean Cluj", "4288110", "Calitate, competență, performanță",
        "624.995,52", "624.995,52", "531.246,19", "2018-06-01", "2019-11-30", "CLUJ"]  # fmt: skip


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], *, merged: Sequence[str] = (), title: str = "Lista"
) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> Path:
    if encoding == "cp1250":
        # Windows-1250 has ş and ţ only with a cedilla; Romanian Windows software writes them so.
        cedilla = str.maketrans("șțȘȚ", "şţŞŢ")
        rows = [[cell.translate(cedilla) if isinstance(cell, str) else cell for cell in row] for row in rows]
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(rows)
    return path


def with_titles(*rows: Sequence[Any]) -> list[Sequence[Any]]:
    """A list as authorities publish it: a title, a date line and a blank row above the header."""
    return [["Lista proiectelor contractate - Programul Operațional Regional"], ["Situație la 31.03.2024"], [],
            *rows]  # fmt: skip


def add_project(
    engine: Engine,
    slug: str,
    mysmis: str | None,
    *,
    programme: str = "POR",
    total: int | None = None,
    eligible: int | None = None,
    eu: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    beneficiary: str = "Municipiul Calafat",
    cui: str | None = None,
    county: str | None = None,
) -> int:
    """A project as the loader would write it, amounts in minor units."""
    with engine.begin() as connection:
        programme_id = connection.execute(select(Programme.id).where(Programme.code == programme)).scalar()
        if programme_id is None:
            programme_id = connection.execute(
                insert(Programme).returning(Programme.id), {"code": programme}
            ).scalar_one()
        organisation_id = connection.execute(
            insert(Organisation).returning(Organisation.id), {"name": beneficiary, "name_key": slug}
        ).scalar_one()
        project_id = connection.execute(
            insert(Project).returning(Project.id),
            {
                "slug": slug, "title": slug, "status": "ongoing", "mysmis_code": mysmis,
                "beneficiary_id": organisation_id, "beneficiary_name": beneficiary, "beneficiary_cui": cui,
                "programme_id": programme_id, "currency": "RON" if total or eligible else None,
                "total_value_minor": total, "eligible_value_minor": eligible, "start_date": start,
                "end_date": end, "county_name": county, "record_sha256": "0" * 64,
            },
        ).scalar_one()  # fmt: skip
        if eu is not None:
            connection.execute(
                insert(FundingSource),
                {"project_id": project_id, "ordinal": 0, "source": "FEDR", "amount_minor": eu},
            )
    return project_id


def list_rows(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(ListRow).order_by(ListRow.list_file_id, ListRow.row_number)))


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


# --------------------------------------------------------------------------- reading


def test_the_header_is_found_under_title_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT), merged=["A1:K1"])
    with open_list(path) as table:
        assert table.sheet == "Lista" and table.header.row == 4
        assert table.header.fields["smis_code"].heading == "Cod SMIS"
        assert [number for number, _ in table.rows] == [5]


@pytest.mark.parametrize(
    "heading, field",
    [("Valoare eligibilă", "eligible_value"), ("VALOARE ELIGIBILA", "eligible_value"),
     ("Judeţ implementare", "county"), ("Județ implementare", "county"), ("Judet implementare", "county"),
     ("Denumirea\nbeneficiarului", "beneficiary"), ("Cod MySMIS", "smis_code")],
)  # fmt: skip
def test_headings_match_with_or_without_diacritics_case_and_line_breaks(heading: str, field: str) -> None:
    found = match_heading(heading)
    assert found is not None and found.field == field


@pytest.mark.parametrize(
    "heading, currency, scale",
    [("Valoare eligibilă (lei)", "RON", 1), ("Valoare eligibilă - euro", "EUR", 1),
     ("Valoare eligibilă (mii lei)", "RON", 1000), ("Valoare eligibila in lei", "RON", 1),
     ("Valoare eligibilă", None, 1)],
)  # fmt: skip
def test_units_in_headings_give_the_currency_and_the_scale(
    heading: str, currency: str | None, scale: int
) -> None:
    found = match_heading(heading)
    assert found is not None and (found.field, found.currency, found.scale) == (
        "eligible_value",
        currency,
        scale,
    )


def test_an_unknown_heading_is_left_unmapped_not_guessed() -> None:
    assert match_heading("Valoare eligibilă rambursată până la data de") is None


def test_a_merged_heading_over_sub_headings_is_read_as_two_rows(tmp_path: Path) -> None:
    rows = with_titles(
        ["Cod SMIS", "Beneficiar", "Valoare (lei)", None, None, "Județ"],
        [None, None, "totală", "eligibilă", "UE", None],
        [120394, "Municipiul Calafat", 2500000, 2100000.5, 1785000.43, "Dolj"],
    )
    path = write_xlsx(tmp_path / "lista.xlsx", rows, merged=["C4:E4", "A4:A5", "B4:B5", "F4:F5"])
    with open_list(path) as table:
        fields = table.header.fields
        assert (
            fields["total_value"].heading == "Valoare (lei) totală"
            and fields["total_value"].currency == "RON"
        )
        assert (fields["eligible_value"].index, fields["eu_value"].index, fields["county"].index) == (3, 4, 5)
        assert [number for number, _ in table.rows] == [6]


def test_a_csv_in_cp1250_split_on_semicolons_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lista.csv", with_titles(HEADER, CALAFAT), encoding="cp1250")
    with open_list(path) as table:
        assert table.sheet is None and table.header.row == 4
        ((number, cells),) = list(table.rows)
        assert (
            number == 5 and cells[2] == "Municipiul Calafat" and cells[4] == "Modernizare străzi în Calafat"
        )


def test_a_csv_in_utf8_with_a_bom_split_on_commas_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lista.csv", [HEADER, CLUJ], delimiter=",", encoding="utf-8-sig")
    with open_list(path) as table:
        assert table.header.cells[1] == "Cod SMIS"
        assert [cells[2] for _, cells in table.rows] == ["Consiliul Județean Cluj"]


def test_a_list_without_a_code_column_is_refused_naming_the_file_and_its_headings(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "fara-cod.xlsx", with_titles([h for h in HEADER if h != "Cod SMIS"]))
    with pytest.raises(ListError) as refused, open_list(path):
        pass
    message = str(refused.value)
    assert message.startswith("fara-cod.xlsx, sheet 'Lista': the header in row 4 has no code column")
    assert "Cod SMIS" in message and "Denumire beneficiar" in message and "\n" not in message


@pytest.mark.parametrize(
    "content, reason",
    [(b"%PDF-1.7\n", "a PDF, not a spreadsheet"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".xls"),
     (b"PK\x03\x04not really a zip", "not"), (b"\x00\x01\x02" * 100, "binary data"),
     ("Un comunicat de presă, nu o listă.\n".encode(), "no header row")],
)  # fmt: skip
def test_a_file_that_is_no_list_is_refused_saying_why(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "lista.xlsx"
    path.write_bytes(content)
    with pytest.raises(ListError, match=re.escape(reason)), open_list(path):
        pass


def test_the_header_table_in_the_docs_is_the_module_s() -> None:
    docs = (REPO / "docs" / "lists.md").read_text(encoding="utf-8")
    for field, variants in HEADER_VARIANTS.items():
        line = next((line for line in docs.splitlines() if line.startswith(f"| `{field}` |")), None)
        assert line is not None, f"docs/lists.md has no row for {field}"
        assert line.split("|")[2].strip() == ", ".join(variants)


@pytest.mark.parametrize("model", [ListFile, ListRow])
def test_every_column_of_the_list_tables_is_described_in_english_and_romanian(model: Any) -> None:
    from eufunds.export.descriptions import column_description, table_description

    table = model.__table__
    assert table_description(table.name, "en") and table_description(table.name, "ro")
    for column in table.columns:
        if column.name == "id":
            continue
        # As exports name them: amounts without _minor, shares as _pct.
        name = column.name.removesuffix("_minor")
        name = name.removesuffix("_bp") + "_pct" if name.endswith("_bp") else name
        for language in ("en", "ro"):
            assert column_description(table.name, name, "", language), f"{table.name}.{name} ({language})"


# --------------------------------------------------------------------------- importing


def test_romanian_number_text_and_units_are_read_to_the_ban(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT))
    import_list(engine, path)
    (row,) = list_rows(engine)
    assert (row.total_value_minor, row.eligible_value_minor, row.eu_value_minor) == (
        250000000,
        210000050,
        178500043,
    )
    assert row.currency == "RON" and row.smis_code == "120394" and row.cui == "RO 4553867"
    assert (row.start_date, row.end_date) == (dt.date(2019, 3, 15), dt.date(2022, 3, 14))


def test_amounts_in_thousands_are_scaled(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lista.xlsx", [["Cod SMIS", "Beneficiar", "Valoare totală (mii lei)"],
                                                [120394, "Municipiul Calafat", "2.500,5"]])  # fmt: skip
    import_list(engine, path)
    assert list_rows(engine)[0].total_value_minor == 250050000


def test_dates_as_date_cells_text_and_excel_serial_numbers(engine: Engine, tmp_path: Path) -> None:
    rows = [["Cod SMIS", "Beneficiar", "Data început", "Data finalizare"],
            [1, "A", dt.datetime(2019, 3, 15), 44634], [2, "B", "15/03/2019", "44634"]]  # fmt: skip
    import_list(engine, write_xlsx(tmp_path / "lista.xlsx", rows))
    assert [(r.start_date, r.end_date) for r in list_rows(engine)] == [
        (dt.date(2019, 3, 15), dt.date(2022, 3, 14))
    ] * 2


def test_every_row_keeps_its_cells_exactly_as_read(engine: Engine, tmp_path: Path) -> None:
    import_list(engine, write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT)))
    (row,) = list_rows(engine)
    assert json.loads(row.cells) == CALAFAT and row.row_number == 5
    with engine.connect() as connection:
        header_cells = connection.execute(select(ListFile.header_cells)).scalar_one()
    assert json.loads(header_cells) == HEADER


def test_a_rate_as_a_percent_cell_as_text_or_as_words(engine: Engine, tmp_path: Path) -> None:
    rows = [["Cod SMIS", "Beneficiar", "Titlu", "Rata de cofinanțare (%)"],
            [1, "A", "x", 0.85], [2, "B", "y", "98,5 %"], [3, "C", "z", "85% FEDR + 13% BN"]]  # fmt: skip
    import_list(engine, write_xlsx(tmp_path / "lista.xlsx", rows))
    found = [(r.cofinancing_rate_bp, r.cofinancing_rate_text) for r in list_rows(engine)]
    assert found == [(8500, None), (9850, None), (None, "85% FEDR + 13% BN")]


def test_an_unreadable_amount_refuses_the_file_naming_sheet_row_and_column(
    engine: Engine, tmp_path: Path
) -> None:
    bad = [*CALAFAT[:6], "două milioane", *CALAFAT[7:]]
    path = write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CLUJ, bad))
    with pytest.raises(ListError) as refused:
        import_list(engine, path)
    assert str(refused.value) == (
        "lista.xlsx, sheet 'Lista', row 6, column G (Valoare eligibilă (lei)): 'două milioane' is not an amount"
    )
    assert count(engine, ListFile) == 0 and count(engine, ListRow) == 0


def test_a_total_row_without_a_code_is_kept_and_never_refuses(engine: Engine, tmp_path: Path) -> None:
    total = [None, None, "TOTAL", None, None, "3.124.995,52", "n/a", "see note", None, None, None]
    report = import_list(
        engine, write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT, CLUJ, total))
    )
    assert (report.rows, report.without_code) == (3, 1)
    last = list_rows(engine)[-1]
    assert last.smis_code is None and last.total_value_minor == 312499552 and last.eu_value_minor is None


def test_reimporting_the_same_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT, CLUJ))
    first = import_list(engine, path)
    before = list_rows(engine)
    again = import_list(engine, path)
    assert (first.status, again.status) == ("imported", "unchanged")
    assert again.list_file_id == first.list_file_id and again.rows == 2
    assert list_rows(engine) == before and count(engine, ListFile) == 1


def test_a_newer_list_is_a_snapshot_kept_beside_the_old_one(engine: Engine, tmp_path: Path) -> None:
    old = write_xlsx(tmp_path / "POR-2024T1.xlsx", with_titles(HEADER, CALAFAT))
    newer = write_xlsx(tmp_path / "POR-2024T2.xlsx", with_titles(HEADER, CALAFAT, CLUJ))
    import_list(engine, old, programme="POR", as_of=dt.date(2024, 3, 31))
    import_list(engine, newer, programme="por", as_of=dt.date(2024, 6, 30))
    with engine.connect() as connection:
        files = connection.execute(select(ListFile.file_name, ListFile.programme, ListFile.row_count)).all()
    assert sorted(files) == [("POR-2024T1.xlsx", "POR", 1), ("POR-2024T2.xlsx", "POR", 2)]
    assert count(engine, ListRow) == 3


def _two_sheet_workbook(path: Path) -> Path:
    """One workbook, a programme's list a sheet: POR's first, POCA's second."""
    workbook = openpyxl.Workbook()
    por = workbook.active
    assert por is not None
    por.title = "POR"
    for row in with_titles(HEADER, CALAFAT):
        por.append(list(row))
    poca = workbook.create_sheet("POCA")
    for row in with_titles(HEADER, CLUJ):
        poca.append(list(row))
    workbook.save(path)
    return path


def test_a_named_sheet_is_read_instead_of_the_first(tmp_path: Path) -> None:
    with open_list(_two_sheet_workbook(tmp_path / "liste.xlsx"), "POCA") as table:
        assert table.sheet == "POCA" and [cells[1] for _, cells in table.rows] == ["474"]


def test_each_sheet_of_a_workbook_is_its_own_snapshot(engine: Engine, tmp_path: Path) -> None:
    path = _two_sheet_workbook(tmp_path / "liste.xlsx")
    first = import_list(engine, path, programme="POR")
    second = import_list(engine, path, programme="POCA", sheet="POCA")
    again = [import_list(engine, path, sheet="POCA"), import_list(engine, path)]
    assert (first.sheet, first.status, second.sheet, second.status) == ("POR", "imported", "POCA", "imported")
    assert [(r.status, r.list_file_id) for r in again] == [
        ("unchanged", second.list_file_id), ("unchanged", first.list_file_id),
    ]  # fmt: skip
    assert [r.smis_code for r in list_rows(engine)] == ["120394", "474"]


def test_a_sheet_the_workbook_lacks_is_refused_naming_its_sheets(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ListError) as refused:
        import_list(engine, _two_sheet_workbook(tmp_path / "liste.xlsx"), sheet="POIM")
    assert str(refused.value) == "liste.xlsx: no sheet named 'POIM'; its sheets are 'POR', 'POCA'"
    assert count(engine, ListFile) == 0


def test_a_named_sheet_without_a_code_column_is_refused_not_passed_over(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "lista.xlsx", [["Beneficiar", "Titlu proiect", "Județ"], ["A", "B", "C"]])
    with pytest.raises(
        ListError, match=r"^lista.xlsx, sheet 'Lista': the header in row 1 has no code column"
    ):
        import_list(engine, path, sheet="Lista")


def test_a_sheet_named_for_a_csv_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "lista.csv", with_titles(HEADER, CALAFAT))
    with pytest.raises(ListError, match="a CSV file has no sheets"):
        import_list(engine, path, sheet="Lista")


def test_rows_link_to_projects_by_smis_code(engine: Engine, tmp_path: Path) -> None:
    calafat = add_project(engine, "dj-calafat-strazi", "120394")
    report = import_list(engine, write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT, CLUJ)))
    assert report.linked == 1
    assert [(r.smis_code, r.project_id) for r in list_rows(engine)] == [("120394", calafat), ("474", None)]


# --------------------------------------------------------------------------- comparing


def _archive_with_lists(engine: Engine, tmp_path: Path) -> None:
    add_project(
        engine, "dj-calafat-strazi", "120394", total=250000000, eligible=210000050, eu=178500043,
        start=dt.date(2019, 3, 15), end=dt.date(2022, 3, 14), beneficiary="MUNICIPIUL CALAFAT",
        cui="4553867", county="Județul Dolj",
    )  # fmt: skip
    add_project(
        engine, "cj-cluj-calitate", "474", programme="POCA", total=60000000, eligible=62499552,
        start=dt.date(2018, 6, 1), beneficiary="Consiliul Judetean Cluj", county="Cluj",
    )  # fmt: skip
    add_project(engine, "b-bucuresti-fara-lista", "999001", programme="POCA")
    add_project(engine, "fara-cod", None)
    other = [3, "130001", "Comuna Mihai Viteazu", None, "Apă", "1.000,00", None, None, None, None, "cluj"]
    another = [4, "130002", "Comuna Feleacu", None, "Canal", "2.000,00", None, None, None, None, "Cluj"]
    dolj = [5, "130003", "Comuna Poiana Mare", None, "Drum", "3.000,00", None, None, None, None, "Dolj"]
    old = [*CLUJ[:5], "1,00", *CLUJ[6:]]
    import_list(
        engine, write_xlsx(tmp_path / "T1.xlsx", with_titles(HEADER, old)), as_of=dt.date(2024, 3, 31)
    )
    import_list(
        engine, write_xlsx(tmp_path / "T2.xlsx", with_titles(HEADER, CALAFAT, CLUJ, other, another, dolj)),
        programme="POR", as_of=dt.date(2024, 6, 30),
    )  # fmt: skip


def test_compare_finds_a_total_differing_from_the_latest_list_row(engine: Engine, tmp_path: Path) -> None:
    _archive_with_lists(engine, tmp_path)
    with engine.connect() as connection:
        comparison = compare_lists(connection)
    # Cluj's release says 600 000 lei; the latest list 624 995,52 (the older one
    # 1,00). Names, CUIs and counties that differ only in spelling are no finding.
    found = [(d.project, d.field, str(d.release), str(d.listed), d.list_file) for d in comparison.differences]
    assert found == [("cj-cluj-calitate", "total_value", "600000.00", "624995.52", "T2.xlsx")]
    assert comparison.linked == 2 and comparison.list_codes == 5


def test_the_comparison_view_sets_each_release_beside_its_latest_list_row(
    engine: Engine, tmp_path: Path
) -> None:
    _archive_with_lists(engine, tmp_path)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT slug, list_file, release_total_value, list_total_value FROM list_comparison ORDER BY slug"
            )
        ).all()
    by_slug = {row.slug: row for row in rows}
    cluj = by_slug["cj-cluj-calitate"]
    assert (cluj.list_file, float(cluj.release_total_value), float(cluj.list_total_value)) == (
        "T2.xlsx", 600000.0, 624995.52,
    )  # fmt: skip


def test_compare_finds_a_differing_eu_value_date_cui_and_county(engine: Engine, tmp_path: Path) -> None:
    add_project(
        engine, "dj-calafat-strazi", "120394", total=250000000, eu=100, start=dt.date(2019, 3, 16),
        cui="RO 9", county="Olt",
    )  # fmt: skip
    import_list(engine, write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT)))
    with engine.connect() as connection:
        fields = [d.field for d in compare_lists(connection).differences]
    assert fields == ["eu_value", "start_date", "cui", "county"]


def test_compare_counts_list_rows_with_no_release_per_programme_and_county(
    engine: Engine, tmp_path: Path
) -> None:
    _archive_with_lists(engine, tmp_path)
    with engine.connect() as connection:
        comparison = compare_lists(connection)
    found = [(u.programme, (u.county or "").lower(), u.rows) for u in comparison.unreleased]
    assert found == [("POR", "cluj", 2), ("POR", "dolj", 1)] and comparison.unreleased_rows == 3


def test_compare_lists_releases_with_no_list_row(engine: Engine, tmp_path: Path) -> None:
    _archive_with_lists(engine, tmp_path)
    with engine.connect() as connection:
        unlisted = compare_lists(connection).unlisted
    assert [(u.project, u.mysmis_code, u.programme) for u in unlisted] == [
        ("b-bucuresti-fara-lista", "999001", "POCA")
    ]


def test_compare_matches_projects_loaded_after_the_list(engine: Engine, tmp_path: Path) -> None:
    import_list(engine, write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT)))
    add_project(engine, "dj-calafat-strazi", "120394", total=1)
    with engine.connect() as connection:
        comparison = compare_lists(connection)
    assert comparison.linked == 1 and [d.field for d in comparison.differences] == ["total_value"]


def test_check_reports_the_comparison_as_notices(engine: Engine, tmp_path: Path) -> None:
    _archive_with_lists(engine, tmp_path)
    report = check_archive(engine, today=dt.date(2024, 7, 1))
    lists = [(f.check, f.project, f.severity) for f in report.findings if f.check in LIST_CHECKS]
    assert lists == [
        ("list_differs", "cj-cluj-calitate", "notice"),
        ("list_without_release", None, "notice"),
        ("release_without_list", "b-bucuresti-fara-lista", "notice"),
    ]


def _quarters(engine: Engine, tmp_path: Path, *, programme: str | None = "POR") -> None:
    """Two quarters of one programme's list: the second no longer lists Calafat's contract."""
    other = [3, "130001", "Comuna Feleacu", None, "Canal", "2.000,00", None, None, None, None, "Cluj"]
    first = write_xlsx(tmp_path / "T1.xlsx", with_titles(HEADER, CALAFAT, CLUJ, other))
    second = write_xlsx(tmp_path / "T2.xlsx", with_titles(HEADER, CLUJ, other))
    import_list(engine, first, programme=programme, as_of=dt.date(2024, 3, 31))
    import_list(engine, second, programme=programme, as_of=dt.date(2024, 6, 30))


def test_compare_names_a_code_the_programmes_latest_list_dropped(engine: Engine, tmp_path: Path) -> None:
    add_project(engine, "dj-calafat-strazi", "120394")
    _quarters(engine, tmp_path)
    with engine.connect() as connection:
        dropped = compare_lists(connection).dropped
    assert [d.as_dict() for d in dropped] == [{
        "programme": "POR", "smis_code": "120394", "project": "dj-calafat-strazi",
        "last_listed": "T1.xlsx", "last_listed_as_of": dt.date(2024, 3, 31),
        "latest": "T2.xlsx", "latest_as_of": dt.date(2024, 6, 30),
    }]  # fmt: skip
    assert dropped[0].describe() == (
        "POR SMIS 120394, release dj-calafat-strazi: in T1.xlsx (as of 2024-03-31), not in T2.xlsx (as of 2024-06-30)"
    )


def test_a_code_is_not_dropped_while_the_latest_list_has_it(engine: Engine, tmp_path: Path) -> None:
    _quarters(engine, tmp_path)
    with engine.connect() as connection:
        assert [d.smis_code for d in compare_lists(connection).dropped] == ["120394"]


def test_a_dropped_code_names_the_latest_earlier_list_that_had_it(engine: Engine, tmp_path: Path) -> None:
    # Imported newest first: the ids' order is not the lists' order (T2 differs from T1 in its
    # rows' order only, so that it is another file).
    lists = {"T3.xlsx": (dt.date(2024, 9, 30), [CLUJ]), "T1.xlsx": (dt.date(2024, 3, 31), [CALAFAT, CLUJ]),
             "T2.xlsx": (dt.date(2024, 6, 30), [CLUJ, CALAFAT])}  # fmt: skip
    for name, (as_of, rows) in lists.items():
        import_list(
            engine, write_xlsx(tmp_path / name, with_titles(HEADER, *rows)), programme="POR", as_of=as_of
        )
    with engine.connect() as connection:
        dropped = compare_lists(connection).dropped
    assert [(d.smis_code, d.last_listed, d.latest) for d in dropped] == [("120394", "T2.xlsx", "T3.xlsx")]


def test_a_latest_list_split_over_files_of_one_date_drops_only_what_none_has(
    engine: Engine, tmp_path: Path
) -> None:
    _quarters(engine, tmp_path)
    calafat_again = write_xlsx(tmp_path / "T2-sud.xlsx", with_titles(HEADER, CALAFAT))
    import_list(engine, calafat_again, programme="POR", as_of=dt.date(2024, 6, 30))
    with engine.connect() as connection:
        assert compare_lists(connection).dropped == []


def test_lists_imported_without_a_programme_never_read_as_dropping_codes(
    engine: Engine, tmp_path: Path
) -> None:
    _quarters(engine, tmp_path, programme=None)
    with engine.connect() as connection:
        assert compare_lists(connection).dropped == []


def test_check_reports_a_dropped_code_as_a_notice_on_its_project(engine: Engine, tmp_path: Path) -> None:
    add_project(engine, "dj-calafat-strazi", "120394")
    _quarters(engine, tmp_path)
    findings = [f for f in check_archive(engine).findings if f.check == "list_dropped"]
    assert [(f.project, f.severity) for f in findings] == [("dj-calafat-strazi", "notice")]


def test_check_says_nothing_of_lists_when_none_was_imported(engine: Engine) -> None:
    add_project(engine, "dj-calafat-strazi", "120394")
    assert not [f for f in check_archive(engine).findings if f.check in LIST_CHECKS]


# --------------------------------------------------------------------------- the command


def test_import_goes_on_past_a_bad_file_and_exits_1_with_one_error_line(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db_url, "db", "upgrade"]).exit_code == 0
    bad = write_xlsx(tmp_path / "fara-cod.xlsx", [["Beneficiar", "Titlu proiect", "Județ"], ["A", "B", "C"]])
    good = write_csv(tmp_path / "lista.csv", with_titles(HEADER, CALAFAT), encoding="cp1250")
    result = runner.invoke(
        cli, ["--db", db_url, "lists", "import", str(bad), str(good), "--programme", "POR"]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(
        "error: fara-cod.xlsx, sheet 'Lista': the header in row 1"
    )
    assert "lista.csv: 1 row imported from header row 4 as snapshot 1; 0 linked to projects" in result.output


def test_import_then_compare_as_json(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["--db", db_url, "db", "upgrade"])
    path = write_xlsx(tmp_path / "lista.xlsx", with_titles(HEADER, CALAFAT))
    imported = runner.invoke(cli, ["--db", db_url, "lists", "import", str(path), "--as-of", "2024-03-31",
                                   "--format", "json"])  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["imported"][0]["columns"]["smis_code"] == "Cod SMIS"
    compared = runner.invoke(cli, ["--db", db_url, "lists", "compare", "--format", "json"])
    assert compared.exit_code == 0, compared.output
    assert json.loads(compared.output)["unreleased"] == [{"programme": None, "county": "Dolj", "rows": 1}]


def test_a_missing_file_is_one_error_line(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["--db", db_url, "db", "upgrade"])
    result = runner.invoke(cli, ["--db", db_url, "lists", "import", str(tmp_path / "nu-exista.xlsx")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: nu-exista.xlsx: cannot be read: No such file or directory"
    ]


def _formula_workbook(path: Path, cached: bytes | None, text_result: bool = False) -> Path:
    """A list whose total is a formula: never computed (``cached`` None), or with
    the value a spreadsheet would have stored, put into the sheet's XML."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Cod SMIS", "Beneficiar", "Valoare totala", "Valoare eligibila"])
    sheet.append(["119830", "Municipiul Calafat", None, 1000])
    sheet["C2"] = "=D2*2"
    raw = path.with_suffix(".raw.xlsx")
    book.save(raw)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml" and cached is not None:
                data = data.replace(b"<f>D2*2</f><v></v>", b"<f>D2*2</f><v>" + cached + b"</v>")
                if text_result:
                    data = data.replace(b'<c r="C2">', b'<c r="C2" t="str">')
            target.writestr(item, data)
    return path


def test_a_formula_never_computed_is_refused_not_read_as_empty(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ListError) as refused:
        import_list(engine, _formula_workbook(tmp_path / "formule.xlsx", None))
    assert "formule.xlsx, sheet 'Sheet': formulas without a computed value" in str(refused.value)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ListFile)).scalar() == 0


def test_a_formula_a_spreadsheet_computed_is_read_as_its_value(engine: Engine, tmp_path: Path) -> None:
    import_list(engine, _formula_workbook(tmp_path / "formule.xlsx", b"2000"))
    assert [r.total_value_minor for r in list_rows(engine)] == [200000]


def test_a_formula_that_computed_empty_text_is_an_empty_cell_not_a_gap(
    engine: Engine, tmp_path: Path
) -> None:
    import_list(engine, _formula_workbook(tmp_path / "formule.xlsx", b"", text_result=True))
    assert [r.total_value_minor for r in list_rows(engine)] == [None]


def test_import_sheet_option_reads_the_named_sheet(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["--db", db_url, "db", "upgrade"])
    path = _two_sheet_workbook(tmp_path / "liste.xlsx")
    result = runner.invoke(cli, ["--db", db_url, "lists", "import", str(path), "--sheet", "POCA"])
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == "liste.xlsx: 1 row imported from sheet 'POCA', header row 4 as snapshot 1; 0 linked to projects\n"
    )


def _csv_list(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream, delimiter=";")
        out.writerow(HEADER)
        for i in range(rows):
            total = f"{100_000 + i * 37:,}".replace(",", ".") + ",00"
            out.writerow([i + 1, 200000 + i, f"Comuna Exemplu {i}", None, f"Drumul comunal {i}", total,
                          total, None, "15.03.2019", "14.03.2022", "Dolj"])  # fmt: skip
    return path


def test_import_tells_progress_the_rows_written_after_each_full_batch(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eufunds.lists import importer

    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    told: list[int] = []
    report = import_list(engine, _csv_list(tmp_path / "lista.csv", 5), progress=told.append)
    assert (told, report.rows) == ([2, 4], 5)


def test_importing_eight_times_the_rows_takes_no_more_memory(tmp_path: Path) -> None:
    """Rows are streamed and written a batch at a time: a list eight times as
    long peaks at the short one's memory (measured after a first import of
    another list has warmed the caches a full batch fills)."""
    import tracemalloc

    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url

    engine = create_archive_engine(resolve_database_url(str(tmp_path / "archive.db")))
    migrate.upgrade(engine)
    import_list(engine, _csv_list(tmp_path / "warm.csv", 2_500))
    peaks = []
    for rows in (3_000, 24_000):
        path = _csv_list(tmp_path / f"lista-{rows}.csv", rows)
        tracemalloc.start()
        try:
            import_list(engine, path)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    engine.dispose()
    # 21 000 more rows held would be over 10 MB (texts, the cells' JSON, dicts).
    assert peaks[1] - peaks[0] < 500_000, peaks
