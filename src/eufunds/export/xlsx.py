"""XLSX: one sheet per table, written as the parts of a workbook by hand, streamed
row by row, so memory stays flat however large the archive is."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy import (
    Connection,
)

from ..read.records import ProjectFilters
from .common import ExportReport
from .tables import ExportTable, exportable_tables, iter_table_rows, rows_condition

# Spreadsheet limits (Excel's): longer texts are cut, extra rows dropped, with a warning.
XLSX_MAX_CELL_CHARS = 32_767
XLSX_MAX_ROWS = 1_048_576


# --------------------------------------------------------------------------- xlsx
#
# Written directly as SpreadsheetML in a zip, one sheet at a time, with texts
# inline in each cell: a shared-strings table (what spreadsheet libraries write,
# openpyxl's write-only mode included) holds every distinct text in memory until
# the end, which is the whole archive's texts.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell styles (indexes into cellXfs below).
_STYLE_DECIMAL, _STYLE_DATE, _STYLE_HEADER = 1, 2, 3
_STYLES = f"""{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""
_FIRST_TRUE_SERIAL = dt.date(1900, 3, 1)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_ESCAPE_LIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _xml_text(value: str) -> str:
    # Excel reads _xHHHH_ as an escaped character: protect literal ones, then
    # encode the characters XML 1.0 cannot carry that way.
    value = _XML_ESCAPE_LIKE.sub(r"_x005F_\1", value)
    value = _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def export_xlsx(
    connection: Connection, target: Path | BinaryIO, *, filters: ProjectFilters | None = None
) -> ExportReport:
    """One sheet per table and view: a bold, frozen header row, amounts as numbers
    with two decimals, dates as dates."""
    tables = [t for t in exportable_tables(connection) if rows_condition(t, filters) is not None]
    report = ExportReport("xlsx", str(target) if isinstance(target, Path) else "-")
    names = _sheet_names([t.name for t in tables])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as book:
        _write_workbook_parts(book, names)
        for number, (table, name) in enumerate(zip(tables, names, strict=True), start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
                report.counts[name] = _write_sheet(connection, sheet, table, filters, report.warnings)
    return report


def _sheet_names(tables: list[str]) -> list[str]:
    names: list[str] = []
    for table in tables:
        base = _SHEET_NAME_UNSAFE.sub("_", table)[:31] or "sheet"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            name = f"{base[:28]}~{n}"
            n += 1
        names.append(name)
    return names


def _write_workbook_parts(book: zipfile.ZipFile, names: list[str]) -> None:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    book.writestr(
        "[Content_Types].xml",
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>",
    )
    book.writestr(
        "_rels/.rels",
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    sheet_list = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    book.writestr(
        "xl/workbook.xml",
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheet_list}</sheets></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    styles = f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{rels}{styles}</Relationships>',
    )
    book.writestr("xl/styles.xml", _STYLES)


def _xlsx_cell(ref: str, value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date) or (kind == "date" and isinstance(value, str)):
        day = value if isinstance(value, dt.date) else _parse_date(value)
        if day is not None and day >= _FIRST_TRUE_SERIAL:
            return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(day - _EXCEL_EPOCH).days}</v></c>'
        if day is not None:
            # Excel counts a 29 February 1900 that never was, so its serials
            # before March 1900 name the wrong day: such a date goes as text.
            text = day.isoformat()
            return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        style = f' s="{_STYLE_DECIMAL}"' if kind in ("money", "share") or isinstance(value, float) else ""
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return f'<c r="{ref}"{style}><v>{text}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _write_sheet(
    connection: Connection,
    sheet: IO[bytes],
    table: ExportTable,
    filters: ProjectFilters | None,
    warnings: list[str],
) -> int:
    letters = [_column_letter(i) for i in range(len(table.columns))]
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{min(max(len(c.name) + 2, 10), 60)}" customWidth="1"/>'
        for i, c in enumerate(table.columns, start=1)
    )
    header = "".join(
        f'<c r="{letters[i]}1" t="inlineStr" s="{_STYLE_HEADER}"><is><t>{_xml_text(c.name)}</t></is></c>'
        for i, c in enumerate(table.columns)
    )
    sheet.write(
        (
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData><row r="1">{header}</row>'
        ).encode()
    )
    kinds = [c.kind for c in table.columns]
    count, cut = 0, 0
    chunk: list[str] = []
    for row in iter_table_rows(connection, table, filters):
        if count + 1 >= XLSX_MAX_ROWS:
            warnings.append(f"{table.name}: only the first {count} rows fit in a sheet")
            break
        count += 1
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, str) and len(value) > XLSX_MAX_CELL_CHARS:
                value = value[:XLSX_MAX_CELL_CHARS]
                cut += 1
            cells.append(_xlsx_cell(f"{letters[i]}{count + 1}", value, kinds[i]))
        chunk.append(f'<row r="{count + 1}">{"".join(cells)}</row>')
        if len(chunk) >= 500:
            sheet.write("".join(chunk).encode())
            chunk.clear()
    sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    if cut:
        warnings.append(
            f"{table.name}: {cut} text(s) longer than a spreadsheet cell holds "
            f"({XLSX_MAX_CELL_CHARS} characters) were cut; the CSV and JSON exports keep them whole"
        )
    return count
