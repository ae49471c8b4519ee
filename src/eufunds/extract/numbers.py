"""Numbers as Romanian releases write them: dates, money amounts, percentages and counts.

``1.234.567,89 lei``, ``60,5 milioane de lei``, ``12.03.2018``, ``12 martie 2018``
and ``douăzeci și patru de luni`` are read here, once, for every rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import grouped_decimal
from ..text import fold
from .document import per_text

MONTHS: dict[str, int] = {
    "ianuarie": 1, "ian": 1, "februarie": 2, "feb": 2, "febr": 2, "martie": 3, "mar": 3,
    "mart": 3, "aprilie": 4, "apr": 4, "mai": 5, "iunie": 6, "iun": 6, "iulie": 7, "iul": 7,
    "august": 8, "aug": 8, "septembrie": 9, "sept": 9, "sep": 9, "octombrie": 10, "oct": 10,
    "noiembrie": 11, "noi": 11, "nov": 11, "decembrie": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


# dd.mm.yyyy / dd/mm/yyyy / dd-mm-yyyy; "12 martie 2018"; "martie 2018".
# (Each look-behind follows the first digit it guards: tried first, it ran at every position.
# Every date starts with a digit or, at a word's start, with a month's first letter: the
# look-aheads let every other position fail before the three alternatives are tried.)
_MONTH_FIRST = "".join(sorted({name[0] for name in MONTHS}))
_DATE = re.compile(
    r"(?=[\d" + _MONTH_FIRST + r"])(?=\d|\b)"
    r"(?:(?P<d>\d(?<![\d.]\d)\d?)\s?[./-]\s?(?P<m>\d{1,2})\s?[./-]\s?(?P<y>(?:19|20)\d{2})(?!\d)"
    r"|(?P<d2>\d(?<![\w.]\d)\d?)\s*(?P<m2>" + _MONTH_RE + r")\.?,?\s+(?P<y2>(?:19|20)\d{2})(?!\d)"
    r"|\b(?P<m3>" + _MONTH_RE + r")\.?,?\s+(?:anul\s+)?(?P<y3>(?:19|20)\d{2})(?!\d))"
)


@dataclass(frozen=True)
class _DateHit:
    value: dt.date
    start: int
    end: int
    month_only: bool
    year: int
    month: int


def date_hits(folded: str, start: int = 0, end: int | None = None) -> list[_DateHit]:
    hits = per_text(folded, "dates", lambda: _find_dates(folded))
    stop = len(folded) if end is None else end
    return [hit for hit in hits if hit.start >= start and hit.end <= stop]


def _find_dates(folded: str) -> list[_DateHit]:
    hits = []
    for m in _DATE.finditer(folded):
        try:
            if m.group("d"):
                year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
                month_only = False
            elif m.group("d2"):
                year, month = int(m.group("y2")), MONTHS[m.group("m2")]
                day, month_only = int(m.group("d2")), False
            else:
                year, month, day = int(m.group("y3")), MONTHS[m.group("m3")], 1
                month_only = True
            value = dt.date(year, month, day)
        except ValueError:
            continue
        hits.append(_DateHit(value, m.start(), m.end(), month_only, year, month))
    return hits


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text`` in any Romanian form (``12.03.2018``, ``12 martie 2018``)."""
    hits = date_hits(fold(text))
    return hits[0].value if hits else None


def month_end(hit: _DateHit) -> dt.date:
    """A period that ends "in iulie 2019" ends on the month's last day."""
    if not hit.month_only:
        return hit.value
    return dt.date(hit.year, hit.month, calendar.monthrange(hit.year, hit.month)[1])


# The look-aheads for the first character let most positions fail at once; the
# look-behinds behind them would otherwise be tried at every position of the text.
_NUMBER = (
    r"(?=\d)(?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"
    r"|\d{1,3}(?: \d{3})+(?:,\d{1,2})?"
    r"|\d{1,3}(?:,\d{3}){2,}(?:\.\d{1,2})?"
    r"|\d+(?:[.,]\d{1,3})?)(?![\d])"
)
# "25 de milioane de lei": from twenty on, Romanian puts "de" before the multiplier too.
_MULTIPLIER = r"(?:\s*(?:de\s+)?(?P<mult>miliarde|miliard|mld\.?|milioane|milion|mil\.?|mii))?"
_CURRENCY = r"\s*(?:de\s+)?(?P<cur>lei|ron|euro|eur|€|usd|dolari)(?![a-z])"
AMOUNT = re.compile(_NUMBER + _MULTIPLIER + _CURRENCY)
AMOUNT_PREFIXED = re.compile(r"(?=[lre€])(?<![a-z])(?P<cur>lei|ron|euro|eur|€)\s*" + _NUMBER + _MULTIPLIER)
_MULTIPLIERS = {
    "miliarde": 10**9, "miliard": 10**9, "mld": 10**9, "milioane": 10**6, "milion": 10**6,
    "mil": 10**6, "mii": 10**3,
}  # fmt: skip
_CURRENCIES = {
    "lei": "RON", "ron": "RON", "euro": "EUR", "eur": "EUR", "€": "EUR", "usd": "USD",
    "dolari": "USD",
}  # fmt: skip


def amount_of(match: re.Match[str]) -> tuple[Decimal, str] | None:
    mult = (match.group("mult") or "").rstrip(".")
    value = grouped_decimal(match.group("num"), scaled=bool(mult))
    if value is None:
        return None
    if mult:
        value = value * _MULTIPLIERS[mult]
    value = value.quantize(Decimal("0.01")) if value != value.to_integral() else value
    value = value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))
    return value, _CURRENCIES[match.group("cur")]


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """The first amount in ``text`` and its currency: ``"60,5 milioane de lei"`` → 60500000 RON."""
    folded = fold(text)
    match = AMOUNT.search(folded) or AMOUNT_PREFIXED.search(folded)
    return amount_of(match) if match else None


def percent(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", "."))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


_NUMBER_WORDS: dict[str, int] = {
    "unu": 1, "una": 1, "o": 1, "un": 1, "doi": 2, "doua": 2, "trei": 3, "patru": 4,
    "cinci": 5, "sase": 6, "sapte": 7, "opt": 8, "noua": 9, "zece": 10, "unsprezece": 11,
    "doisprezece": 12, "douasprezece": 12, "treisprezece": 13, "paisprezece": 14,
    "cincisprezece": 15, "saisprezece": 16, "saptesprezece": 17, "optsprezece": 18,
    "nouasprezece": 19, "douazeci": 20, "treizeci": 30, "patruzeci": 40, "cincizeci": 50,
    "saizeci": 60,
}  # fmt: skip
_NUMBER_WORD_RE = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
COUNT = r"(?:\d+|(?:" + _NUMBER_WORD_RE + r")(?:\s+si\s+(?:" + _NUMBER_WORD_RE + r"))?)"


def count_value(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    return sum(_NUMBER_WORDS[word] for word in raw.split() if word != "si")
