"""Exact numbers: money and shares in and out of their integer units, and the
text and shortest form of decimals — the one home of every such rule.

The archive never stores a binary float for money. Amounts are integers of the
currency's minor unit (bani for RON, cents for EUR); shares are integers of
hundredths of a percent (basis points), so 85 % is 8500.

Export workers import this module; it imports nothing heavier than ``decimal``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .errors import MoneyError

# ``typing`` would be a large share of an export worker's start-up imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_CENT = Decimal("0.01")


def is_plain_decimal(text: str, *, whole: bool = False) -> bool:
    """Whether ``text`` is a number as people write it in a seed: optional sign,
    digits without a leading zero, optionally a fraction and an exponent (or,
    ``whole``, digits alone). YAML 1.1 reads ``0474`` as octal 316, ``1:30`` as
    90 and ``1_000`` as 1000; Python's Decimal takes underscores too."""
    if not _PLAIN_NUMBER:
        # Compiled on first use: only the seed reader asks, once per number it
        # reads, and the CSV worker imports this module without ``re``.
        import re

        digits = r"[-+]?(?:0|[1-9][0-9]*)"
        _PLAIN_NUMBER[True] = re.compile(digits).fullmatch
        _PLAIN_NUMBER[False] = re.compile(digits + r"(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?").fullmatch
    return _PLAIN_NUMBER[whole](text) is not None


_PLAIN_NUMBER: dict[bool, Callable[[str], object]] = {}


def parse_decimal(value: object) -> Decimal:
    """Read a decimal from a YAML scalar (int, Decimal or string), refusing floats."""
    if isinstance(value, bool):
        raise MoneyError("must be a number, not true/false")
    if isinstance(value, float):
        # A float has already lost the exact value; the seed reader never makes one.
        raise MoneyError("must be an exact decimal, not a binary float")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        if not is_plain_decimal(value.strip()):
            raise MoneyError(
                f"{str(value)!r} is not a plain decimal number (write 1234.56: no leading zeros,"
                " underscores, octal, hexadecimal or h:m:s forms)"
            )
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number (use 1234.56)") from None
    else:
        raise MoneyError("must be a number")
    if not number.is_finite():
        raise MoneyError("must be a finite number")
    return number


def grouped_decimal(raw: str, *, scaled: bool = False) -> Decimal | None:
    """A number as Romanian text writes it, digit groups and all: "1.234.567,89",
    "1 234 567,89" and "1,234,567.89" are 1234567.89; None when it is no number.

    Whichever separator comes last is the decimal one when both are present.
    With one kind alone, it separates groups when it appears more than once or
    when exactly three digits follow it ("1.234" is 1234), unless the number is
    ``scaled`` by a word after it ("1,234 milioane" is 1.234 million).
    """
    raw = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        if raw.count(",") > 1 or (len(tail) == 3 and not scaled):
            raw = raw.replace(",", "")
        else:
            raw = head.replace(",", "") + "." + tail
    elif "." in raw:
        head, _, tail = raw.rpartition(".")
        if raw.count(".") > 1 or (len(tail) == 3 and not scaled):
            raw = raw.replace(".", "")
        else:
            raw = head + "." + tail
    if not is_plain_decimal(raw.lstrip("0") or "0") and not is_plain_decimal(raw):
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def to_minor_units(amount: Decimal) -> int:
    """624995.52 → 62499552; refuses more than two decimals rather than rounding."""
    if amount != amount.quantize(_CENT):
        raise MoneyError(f"{amount} has more than two decimals")
    return int(amount * 100)


def from_minor_units(minor: int) -> Decimal:
    """62499552 → Decimal('624995.52')."""
    return (Decimal(minor) / 100).quantize(_CENT)


def format_minor_units(minor: int) -> str:
    """62499552 → '624995.52' (dot decimal separator, for CSV and JSON)."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole}.{cents:02d}"


def share_to_basis_points(share: Decimal) -> int:
    """85 → 8500; 12.5 → 1250."""
    if share != share.quantize(_CENT):
        raise MoneyError(f"{share} has more than two decimals")
    return int(share * 100)


def shortest_decimal(number: Decimal) -> Decimal:
    """The shortest exact form, as a curator writes it: 85.00 → 85, 12.50 → 12.5,
    100 → 100 (never 1E+2), so equal values compare, hash and print alike."""
    if number == number.to_integral():
        return number.quantize(Decimal(1))
    return number.normalize()


def basis_points_to_share(bp: int) -> Decimal:
    """8500 → Decimal('85'); 1250 → Decimal('12.5') — no trailing zeros."""
    return shortest_decimal(Decimal(bp) / 100)


def minor_to_plain_decimal(minor: int) -> Decimal:
    """62499552 → 624995.52 and 100 → 1 (the shortest exact form, as a curator writes it)."""
    return shortest_decimal(Decimal(minor) / 100)


def indicator_number(value: object) -> Decimal | None:
    """An indicator value as SQLite gives it back (int or float) as the Decimal
    that was written: 20, 60.5."""
    if value is None:
        return None
    return shortest_decimal(Decimal(str(value)))


def computed_number(value: Any) -> Any:
    """A view's computed amount (minor units / 100.0): a float on SQLite, a numeric
    with many zeros on PostgreSQL; both become the same two-decimal Decimal."""
    if isinstance(value, bool) or not isinstance(value, float | Decimal):
        return value
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return value
    try:
        cents = number.quantize(_CENT)
    except InvalidOperation:  # more digits than a Decimal context holds: keep them as they are
        return number.normalize()
    return cents if cents == number else number.normalize()


def decimal_text(value: Decimal) -> str:
    """A decimal's digits as written, never in exponent form: 1E+2 → '100'."""
    return format(value, "f")


def view_float_text(value: float) -> str:
    """The text of a view's computed float, as ``computed_number`` gives it,
    without the Decimal detour for the usual case: below 1e13 a double is
    closer than half a cent to one two-decimal number at most, so if ``.2f``
    reads back as the same double, that is the number."""
    if -1e13 < value < 1e13:
        text = f"{value:.2f}"
        if float(text) == value:
            return text
    number = computed_number(value)
    return decimal_text(number) if isinstance(number, Decimal) else repr(number)
