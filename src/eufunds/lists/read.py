"""Opening an official list: an XLSX workbook or a CSV file, its header row
found, its data rows streamed.

XLSX is read with openpyxl in read-only mode (rows streamed from the zip, never
the whole sheet in memory) and ``data_only`` (a formula gives the value Excel
last computed for it; a workbook no spreadsheet program ever saved has none,
and such cells read empty). The sheet used is the first whose header row names
a code column. CSV is decoded as UTF-8 (with or without a BOM), else as the
most plausible Central-European code page (``text.detect_encoding``:
Windows-1250 first), and split on ``;``, ``,`` or tab, whichever lets a header
row be found.

The header row is the first of the first 30 rows in which at least three
headings are known (``headers``): title rows above it are passed over. A
heading merged over several columns with sub-headings under it ("Valoare" over
"totală", "eligibilă", "UE") is read as two rows: each sub-heading is joined to
the heading above it, so "Valoare totală" is found. A merged cell gives its
value to its first cell only, which is why the heading above is carried to the
right over empty cells.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ListError
from ..text import LEGACY_ENCODINGS, detect_encoding
from .cells import EXCEL_EPOCH, text_value
from .headers import HEADER_MIN_FIELDS, HEADER_SEARCH_ROWS, Heading, code_headings, match_heading

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE files
_DELIMITERS = (";", ",", "\t")
# Pieces small enough that reading a CSV costs the same memory however long it is.
_SAMPLE_BYTES = 1 << 16
_JUDGED_BYTES = 1 << 20


@dataclass(frozen=True)
class ListColumn:
    """A column the header table knows: where it is and what it holds."""

    index: int  # 0-based position in the row
    heading: str  # as written (a sub-heading joined to the heading above it)
    field: str
    currency: str | None
    scale: int


@dataclass
class Header:
    row: int  # 1-based row number of the (first) header row
    data_start: int  # row number of the first row after the header
    cells: list[str | None]  # every heading as written, mapped or not
    columns: list[ListColumn]

    @property
    def fields(self) -> dict[str, ListColumn]:
        return {c.field: c for c in self.columns}


@dataclass
class ListTable:
    """An opened list: where its header is, and its data rows as (row number, cells)."""

    file_name: str
    sheet: str | None  # None for CSV
    header: Header
    rows: Iterator[tuple[int, list[Any]]]
    epoch: dt.date = EXCEL_EPOCH  # Excel's day 0 for serial-number dates (1904 on old Macs)
    skipped_sheets: list[str] = field(default_factory=list)

    def where(self, row: int, column: ListColumn | None = None) -> str:
        """How a message names a place in the file: file, sheet, row and column."""
        parts = [self.file_name] + ([f"sheet {self.sheet!r}"] if self.sheet is not None else [])
        parts.append(f"row {row}")
        if column is not None:
            if self.sheet is not None:
                from openpyxl.utils import get_column_letter

                name = get_column_letter(column.index + 1)
            else:
                name = str(column.index + 1)
            parts.append(f"column {name} ({' '.join(column.heading.split())})")
        return ", ".join(parts)


# --------------------------------------------------------------------------- the header


def _headings(row: Sequence[Any]) -> list[str | None]:
    return [text_value(cell) if not isinstance(cell, int | float) else None for cell in row]


def _mapped(headings: Sequence[str | None]) -> list[ListColumn]:
    columns: list[ListColumn] = []
    taken: set[str] = set()
    for index, heading in enumerate(headings):
        found: Heading | None = match_heading(heading) if heading else None
        # Two columns for one field: the first is read, the second kept in the raw cells only.
        if found is None or found.field in taken or heading is None:
            continue
        taken.add(found.field)
        columns.append(ListColumn(index, heading, found.field, found.currency, found.scale))
    return columns


def _two_row_headings(top: Sequence[str | None], below: Sequence[str | None]) -> list[str | None]:
    """Each sub-heading joined to the heading above it, carried right over the
    empty cells a merged heading leaves; where none is below, the one above."""
    joined: list[str | None] = []
    carried: str | None = None
    for index in range(max(len(top), len(below))):
        own = top[index] if index < len(top) else None
        sub = below[index] if index < len(below) else None
        carried = own if own is not None else carried
        if sub is None:
            joined.append(own)
        elif carried is not None and match_heading(f"{carried} {sub}") is not None:
            joined.append(f"{carried} {sub}")
        else:
            joined.append(sub)
    return joined


def find_header(rows: Sequence[Sequence[Any]], first_row: int = 1) -> Header | None:
    """The header among ``rows`` (numbered from ``first_row``), or None."""
    headings = [_headings(row) for row in rows]
    for i, top in enumerate(headings):
        single = _mapped(top)
        if i + 1 < len(headings):
            below = headings[i + 1]
            joined = _two_row_headings(top, below)
            double = _mapped(joined)
            if len(double) >= HEADER_MIN_FIELDS and len(double) > max(len(single), len(_mapped(below))):
                return Header(first_row + i, first_row + i + 2, joined, double)
        if len(single) >= HEADER_MIN_FIELDS:
            return Header(first_row + i, first_row + i + 1, top, single)
    return None


def _no_code_column(file_name: str, sheet: str | None, header: Header) -> ListError:
    where = f"{file_name}, sheet {sheet!r}" if sheet is not None else file_name
    found = ", ".join(" ".join(h.split()) for h in header.cells if h) or "none"
    return ListError(
        f"{where}: the header in row {header.row} has no code column (one of: {code_headings()});"
        f" its headings: {found}"
    )


def _no_header(file_name: str, what: str) -> ListError:
    return ListError(
        f"{file_name}: no header row in the first {HEADER_SEARCH_ROWS} rows {what}: no row names "
        f"{HEADER_MIN_FIELDS} columns the header table knows (Cod SMIS, Beneficiar, Valoare eligibila, "
        "…; see docs/lists.md)"
    )


def _trimmed(row: Sequence[Any]) -> list[Any]:
    cells = list(row)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


# --------------------------------------------------------------------------- opening


@contextmanager
def open_list(path: Path, sheet: str | None = None) -> Iterator[ListTable]:
    """The list in ``path`` (XLSX or CSV), its rows streamed while the context is open.

    ``sheet`` names the workbook's sheet to read; without it, the first sheet
    with a header and a code column is read. A CSV has no sheets to name."""
    name = path.name
    try:
        with path.open("rb") as stream:
            start = stream.read(8)
    except OSError as exc:
        raise ListError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    if start.startswith(_OLE):
        raise ListError(f"{name}: an Excel 97-2003 (.xls) file is not read; save it as XLSX or CSV")
    if start.startswith(_ZIP):
        with _open_xlsx(path, sheet) as table:
            yield table
        return
    if start.startswith(b"%PDF"):
        raise ListError(f"{name}: a PDF, not a spreadsheet; export the list as XLSX or CSV")
    if sheet is not None:
        raise ListError(f"{name}: a CSV file has no sheets; --sheet names a sheet of an XLSX workbook")
    with _open_csv(path) as table:
        yield table


@contextmanager
def _open_xlsx(path: Path, wanted: str | None) -> Iterator[ListTable]:
    import zipfile

    from openpyxl import load_workbook

    name = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ListError(f"{name}: not an XLSX workbook ({exc})") from None
    except Exception as exc:  # openpyxl's InvalidFileException and parse errors of a broken workbook
        raise ListError(f"{name}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    try:
        epoch = workbook.epoch.date() if isinstance(workbook.epoch, dt.datetime) else EXCEL_EPOCH
        no_code: ListError | None = None
        skipped: list[str] = []
        for sheet in _sheets(workbook, wanted, name):
            sheet.reset_dimensions()  # the stored dimension can be wrong; read every row there is
            numbered = enumerate(sheet.iter_rows(values_only=True), start=1)
            first = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
            header = find_header([row for _, row in first])
            if header is None or "smis_code" not in header.fields:
                if wanted is not None:
                    if header is None:
                        raise _no_header(name, f"of sheet {sheet.title!r}")
                    raise _no_code_column(name, sheet.title, header)
                if header is not None and no_code is None:
                    no_code = _no_code_column(name, sheet.title, header)
                skipped.append(sheet.title)
                continue
            worksheet_path = getattr(sheet, "_worksheet_path", None)
            if worksheet_path and _has_uncomputed_formula(path, worksheet_path):
                # openpyxl reads such a cell as empty: a figure would go missing unsaid.
                raise ListError(
                    f"{name}, sheet {sheet.title!r}: formulas without a computed value (the workbook was "
                    "written by a program and never opened in a spreadsheet); open and save it there first"
                )
            rows = _data_rows(itertools.chain(first, numbered), header.data_start)
            yield ListTable(name, sheet.title, header, rows, epoch, skipped)
            return
        if no_code is not None:
            raise no_code
        raise _no_header(name, f"of any sheet ({', '.join(repr(s) for s in skipped) or 'none'})")
    finally:
        workbook.close()


def _sheets(workbook: Any, wanted: str | None, file_name: str) -> list[Any]:
    if wanted is None:
        return list(workbook.worksheets)
    titles = [sheet.title for sheet in workbook.worksheets]
    if wanted in titles:
        return [workbook.worksheets[titles.index(wanted)]]
    raise ListError(
        f"{file_name}: no sheet named {wanted!r}; its sheets are {', '.join(repr(t) for t in titles)}"
    )


# A formula cell with no cached value: "<c r="C3"><f>C2*2</f><v></v></c>", or a
# shared formula "<f t="shared" si="0"/>" with nothing after it. A formula that
# computed an empty text is written with t="str" and is a value, not a gap.
_FORMULA_CELL = re.compile(
    rb"<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_CHUNK, _OVERLAP = 1 << 20, 256


def _has_uncomputed_formula(path: Path, member: str) -> bool:
    """Whether the sheet's XML holds a formula whose value was never computed,
    read in chunks so that memory stays bounded however long the sheet."""
    import zipfile

    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(b't="str"' not in cell.group(1) for cell in _FORMULA_CELL.finditer(window)):
                return True
            tail = window[-_OVERLAP:]
    return False


def _data_rows(numbered: Iterator[tuple[int, Sequence[Any]]], start: int) -> Iterator[tuple[int, list[Any]]]:
    for number, row in numbered:
        if number < start:
            continue
        cells = _trimmed(row)
        if any(cell is not None and not (isinstance(cell, str) and not cell.strip()) for cell in cells):
            yield number, cells


def csv_encoding(path: Path) -> str:
    """UTF-8 (with a BOM: ``utf-8-sig``) when every byte decodes as such, else the
    most plausible legacy code page (Windows-1250 first) for the first stretch
    that does not. The file is read in pieces, never whole."""
    with path.open("rb") as stream:
        if stream.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        start = 0
        try:
            while chunk := stream.read(_SAMPLE_BYTES):
                decoder.decode(chunk)
                start += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # The code page is judged on a longer stretch than the pieces the
            # UTF-8 check reads: a mostly-ASCII list gives few letters to go by.
            stream.seek(start)
            guess = detect_encoding(stream.read(_JUDGED_BYTES))
            # A stretch that decodes alone failed only across a piece boundary.
            return LEGACY_ENCODINGS[0] if guess.startswith("utf-8") else guess
    return "utf-8"


@contextmanager
def _open_csv(path: Path) -> Iterator[ListTable]:
    name = path.name
    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE_BYTES)
    if b"\x00" in sample:
        raise ListError(f"{name}: not a spreadsheet (binary data); give an XLSX or CSV list")
    encoding = csv_encoding(path)
    best: tuple[str, Header] | None = None
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        lines = list(itertools.islice(text, HEADER_SEARCH_ROWS + 1))
    for delimiter in _DELIMITERS:
        rows = list(itertools.islice(csv.reader(lines, delimiter=delimiter), HEADER_SEARCH_ROWS))
        header = find_header(rows)
        if header is not None and (best is None or len(header.columns) > len(best[1].columns)):
            best = delimiter, header
    if best is None:
        raise _no_header(name, "(CSV split on ; , or tab)")
    delimiter, header = best
    if "smis_code" not in header.fields:
        raise _no_code_column(name, None, header)
    # errors="replace": the five bytes cp1250 leaves undefined become U+FFFD
    # rather than refusing a list for one stray byte.
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        try:
            numbered = enumerate(csv.reader(text, delimiter=delimiter), start=1)
            yield ListTable(name, None, header, _data_rows(numbered, header.data_start))
        except csv.Error as exc:
            raise ListError(f"{name}: not a readable CSV file ({exc})") from None
