"""Exact money and percentages: decimals in, integer minor units out, and back.

The archive never stores a binary float for money. Amounts are integers of the
currency's minor unit (bani for RON, cents for EUR); shares are integers of
hundredths of a percent (basis points), so 85 % is 8500.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .errors import MoneyError

_CENT = Decimal("0.01")


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
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number (use 1234.56)") from None
    else:
        raise MoneyError("must be a number")
    if not number.is_finite():
        raise MoneyError("must be a finite number")
    return number


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


def basis_points_to_share(bp: int) -> Decimal:
    """8500 → Decimal('85'); 1250 → Decimal('12.5') — no trailing zeros."""
    value = Decimal(bp) / 100
    return value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))


def minor_to_plain_decimal(minor: int) -> Decimal:
    """62499552 → 624995.52 and 100 → 1 (the shortest exact form, as a curator writes it)."""
    value = Decimal(minor) / 100
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
