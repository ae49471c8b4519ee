"""A list's cells read as the archive's values: codes, text, dates, money in
minor units, a co-financing rate in basis points, a currency code.

A cell arrives as openpyxl gives it (int, float, datetime, text) or as CSV
text. Numbers written as text follow the Romanian habit ("1.234.567,89"), read
by ``numbers.grouped_decimal``; dates come as dates, as text ("31.12.2023",
"2023-12-31") or as Excel serial numbers (45291) where the cell had no date
format. A value that cannot be read raises ``ListError`` with the reason alone;
the importer adds the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from ..errors import ListError, MoneyError
from ..numbers import grouped_decimal, share_to_basis_points, to_minor_units
from ..reference import CURRENCY_CODES
from ..text import fold

# What lists write in a cell that has no value; Excel's error values too
# (#N/A, #DIV/0!), which a formula leaves where it could not compute.
_EMPTY = frozenset({"", "-", "--", "—", "–", "n/a", "na", "nu este cazul", "nu e cazul", "x"})
_EXCEL_ERRORS = frozenset({"#n/a", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!"})

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, leap-year bug included
# Serial numbers read as dates only when they fall in these years: a plain
# number far outside them is a mistake, not a date.
_SERIAL_YEARS = (1990, 2100)

_CODE = re.compile(r"(?:cod\s*)?(?:my\s*)?(?:smis\s*(?:2014\+?)?\s*[:.\-]?\s*)?(\d[\d ]*)")
_DATE_DMY = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_PERCENT = re.compile(r"([0-9][0-9.,\s]*)\s*%?")
_CURRENCY_WORDS = {"lei": "RON", "ron": "RON", "euro": "EUR", "eur": "EUR", "€": "EUR"}
_MONEY_WORDS = re.compile(r"\s*(?:lei|ron|euro|eur|€)\s*$|^\s*(?:lei|ron|euro|eur|€)\s*")
_CENT = Decimal("0.01")


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        folded = " ".join(fold(value).split())
        return folded in _EMPTY or folded in _EXCEL_ERRORS
    return False


def text_value(value: object) -> str | None:
    """A cell as text: stripped; whole floats without ".0" (an axis 2.0 is "2")."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip() or None


def code_value(value: object) -> str | None:
    """An SMIS code as digits ("SMIS 123456", 123456, "123 456" → "123456");
    any other text as written, which then links to no project."""
    text = text_value(value)
    if text is None:
        return None
    match = _CODE.fullmatch(fold(text).strip())
    return match.group(1).replace(" ", "") if match else text


def money_minor(value: object, scale: int = 1) -> int | None:
    """An amount in minor units. A float is what a spreadsheet computed and
    shows to the ban: it is rounded to the ban, as its number format shows it.
    Text is what a person wrote, and more than two decimals is refused."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ListError(f"{value!r} is not an amount")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value)) * scale
        return to_minor_units(amount.quantize(_CENT, rounding=ROUND_HALF_UP))
    elif isinstance(value, str):
        number = grouped_decimal(_MONEY_WORDS.sub("", fold(value)))
        if number is None:
            raise ListError(f"{value.strip()!r} is not an amount")
        amount = number
    else:
        raise ListError(f"{text_value(value)!r} is not an amount")
    try:
        return to_minor_units(amount * scale)
    except MoneyError as exc:
        raise ListError(f"{text_value(value)!r}: {exc}") from None


def date_value(value: object, epoch: dt.date = EXCEL_EPOCH) -> dt.date | None:
    """A date from a date cell, a text date (day first, or ISO) or an Excel serial number."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    serial: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if match := _DATE_DMY.fullmatch(text):
                d, m, y = (int(g) for g in match.groups())
                return dt.date(y, m, d)
            if match := _DATE_YMD.fullmatch(text):
                y, m, d = (int(g) for g in match.groups())
                return dt.date(y, m, d)
        except ValueError:
            raise ListError(f"{text!r} is not a date") from None
        if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):
            serial = float(text.replace(",", "."))
    if serial is not None:
        day = epoch + dt.timedelta(days=int(serial))
        if _SERIAL_YEARS[0] <= day.year <= _SERIAL_YEARS[1]:
            return day
    raise ListError(f"{text_value(value)!r} is not a date (write 31.12.2023 or 2023-12-31)")


def rate_value(value: object) -> tuple[int | None, str | None]:
    """A co-financing rate: (basis points, None) for one share — "85 %", "85,5",
    or 0.85 as a percent-formatted cell gives it — else (None, the text as written)."""
    if is_empty(value):
        return None, None
    number: Decimal | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value))
        # A cell formatted as a percentage holds the fraction: 85 % is 0.85.
        if number <= 1:
            number *= 100
    elif isinstance(value, str):
        match = _PERCENT.fullmatch(value.strip())
        if match:
            number = grouped_decimal(match.group(1))
    if number is not None and 0 <= number <= 100:
        number = number.quantize(_CENT, rounding=ROUND_HALF_UP)
        return share_to_basis_points(number), None
    return None, text_value(value)


def currency_value(value: object) -> str | None:
    """A currency code from "lei", "RON", "euro"; None for one the archive does not know."""
    text = text_value(value)
    if text is None:
        return None
    folded = fold(text).strip()
    code = _CURRENCY_WORDS.get(folded) or folded.upper()
    return code if code in CURRENCY_CODES else None
