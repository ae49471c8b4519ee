"""Figures of one record that disagree with each other.

The archive keeps a release as written, contradictions included; these checks
only say where the figures do not add up, for the loader's warnings and for
``eufunds check``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..record import RecordFields

# Releases round shares to whole percents; a share within half a point of
# amount ÷ eligible value is what the release meant.
SHARE_TOLERANCE = Decimal("0.5")


def months_between(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole months covered by an inclusive period, as (at least, at most).

    12.03.2018–11.07.2019 is exactly 16 months; a period that ends mid-month
    could be stated as either neighbour.
    """
    # The day after the end, as (year, month, day): after 9999-12-31 there is
    # no date to compute it with, but there is still a count of months.
    if end == dt.date.max:
        year, month, day = end.year + 1, 1, 1
    else:
        after_end = end + dt.timedelta(days=1)
        year, month, day = after_end.year, after_end.month, after_end.day
    months = (year - start.year) * 12 + (month - start.month)
    if day == start.day:
        return months, months
    if day < start.day:
        return months - 1, months
    return months, months + 1


def record_warnings(record: RecordFields) -> list[str]:
    """Human-readable disagreements between the figures of one record."""
    warnings: list[str] = []
    funding = record["funding"]
    currency = record["currency"]
    shares = [f["share_pct"] for f in funding if f["share_pct"] is not None]
    if funding and len(shares) == len(funding):
        total_share = sum(shares, Decimal(0))
        if total_share != 100:
            warnings.append(f"funding shares add up to {total_share} %, not 100 %")
    eligible = record["eligible_value"]
    amounts = [f["amount"] for f in funding if f["amount"] is not None]
    if eligible is not None and funding and len(amounts) == len(funding):
        total_amount = sum(amounts, Decimal(0))
        if total_amount != eligible:
            warnings.append(
                f"funding amounts add up to {total_amount} {currency}, "
                f"not the eligible value {eligible} {currency}"
            )
    if eligible:
        for i, row in enumerate(funding):
            if row["amount"] is None or row["share_pct"] is None:
                continue
            actual = row["amount"] * 100 / eligible
            if abs(actual - row["share_pct"]) > SHARE_TOLERANCE:
                warnings.append(
                    f"funding[{i}] ({row['source']}): {row['share_pct']} % stated, but "
                    f"{row['amount']} is {actual:.2f} % of the eligible value"
                )
    total = record["total_value"]
    if total is not None and eligible is not None and eligible > total:
        warnings.append(f"eligible value {eligible} is larger than the total value {total}")
    start, end, duration = record["start_date"], record["end_date"], record["duration_months"]
    if start and end and duration is not None:
        low, high = months_between(start, end)
        if not low <= duration <= high:
            span = str(low) if low == high else f"{low}–{high}"
            warnings.append(f"duration {duration} months, but {start} to {end} is {span} months")
    return warnings
