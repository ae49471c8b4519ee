"""Fixed code lists of the archive: programmes, funds, funding sources, statuses.

They are shared by the seed validator, the database CHECK constraints and the
extractor, so a code accepted in one place is accepted everywhere. The
programmes' eligibility periods, with their legal sources, serve ``eufunds check``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PROGRAMME_CODES: tuple[str, ...] = (
    "POCA",
    "POCU",
    "POR",
    "POIM",
    "POC",
    "PNDR",
    "POAD",
    "POAT",
    "POPAM",
    "PNRR",
    "PEO",
    "PIDS",
    "PS",
    "PT",
    "POCIDIF",
    "PDD",
    "PAT",
    "PTJ",
    "PR",
    "PAP",
    "PNS",
    "INTERREG",
)

EU_FUND_CODES: tuple[str, ...] = (
    "FSE",
    "FSE+",
    "FEDR",
    "FC",
    "FEADR",
    "FEAMP",
    "FEAMPA",
    "FEAD",
    "FTJ",
    "IEJ",
)

# Non-EU sources of money, in the order a release usually lists them.
DOMESTIC_SOURCE_CODES: tuple[str, ...] = ("national_budget", "local_budget", "beneficiary", "other")

FUNDING_SOURCE_CODES: tuple[str, ...] = EU_FUND_CODES + DOMESTIC_SOURCE_CODES

CURRENCY_CODES: tuple[str, ...] = ("RON", "EUR", "USD", "GBP", "CHF", "HUF", "BGN")

PROJECT_STATUSES: tuple[str, ...] = ("announced", "ongoing", "completed")
DOCUMENT_KINDS: tuple[str, ...] = ("start", "end", "other")
OBJECTIVE_KINDS: tuple[str, ...] = ("general", "specific")
RESULT_LEVELS: tuple[str, ...] = ("programme", "project")
INDICATOR_KINDS: tuple[str, ...] = ("target", "achieved")
# What a body is, read off its name (``eufunds.coding.kinds``).
ORGANISATION_KINDS: tuple[str, ...] = (
    "commune", "town", "municipality", "county", "ministry", "central_body", "local_body", "school",
    "university", "hospital", "ngo", "company", "other",
)  # fmt: skip
PLACE_STATUSES: tuple[str, ...] = ("resolved", "county", "ambiguous", "unknown")


def sql_in_list(column: str, codes: tuple[str, ...]) -> str:
    """A CHECK expression restricting ``column`` to ``codes``."""
    quoted = ", ".join("'" + code.replace("'", "''") + "'" for code in codes)
    return f"{column} IN ({quoted})"


# --------------------------------------------------------------------------- eligibility periods


@dataclass(frozen=True)
class EligibilityPeriod:
    """When a programme's expenditure may be incurred, both ends included."""

    first_day: dt.date
    last_day: dt.date
    source: str  # the legal basis of the two dates


# Regulation (EU) No 1303/2013 (Common Provisions, 2014-2020), Art. 65(2):
# expenditure is eligible if incurred and paid between 1.1.2014 and 31.12.2023.
PERIOD_2014_2020 = EligibilityPeriod(
    dt.date(2014, 1, 1), dt.date(2023, 12, 31), "Regulation (EU) No 1303/2013, Art. 65(2)"
)
# Regulation (EU) 2020/2220 (CAP transition) extended the 2014-2020 rural
# development programmes over 2021-2022 and, amending Art. 65(2) of 1303/2013,
# made their EAFRD expenditure eligible until 31.12.2025.
PERIOD_PNDR_2014_2022 = EligibilityPeriod(
    dt.date(2014, 1, 1),
    dt.date(2025, 12, 31),
    "Regulation (EU) No 1303/2013, Art. 65(2), as amended by Regulation (EU) 2020/2220",
)
# Regulation (EU) 2021/1060 (Common Provisions, 2021-2027), Art. 63(2):
# expenditure is eligible if incurred and paid between 1.1.2021 and 31.12.2029.
PERIOD_2021_2027 = EligibilityPeriod(
    dt.date(2021, 1, 1), dt.date(2029, 12, 31), "Regulation (EU) 2021/1060, Art. 63(2)"
)
# Regulation (EU) 2021/2115 (CAP Strategic Plans), Art. 86(2): EAFRD expenditure
# under a strategic plan is eligible from 1.1.2023 until 31.12.2029.
PERIOD_PNS_2023_2027 = EligibilityPeriod(
    dt.date(2023, 1, 1), dt.date(2029, 12, 31), "Regulation (EU) 2021/2115, Art. 86(2)"
)
# Regulation (EU) 2021/241 (Recovery and Resilience Facility): measures started
# from 1.2.2020 are eligible (Art. 17(2)); milestones and targets must be
# completed by 31.8.2026 (Art. 18(4)(i) and 20(5)(d)).
PERIOD_PNRR = EligibilityPeriod(
    dt.date(2020, 2, 1), dt.date(2026, 8, 31), "Regulation (EU) 2021/241, Art. 17(2) and 20(5)(d)"
)

PROGRAMME_PERIODS: dict[str, EligibilityPeriod] = {
    **dict.fromkeys(("POCA", "POCU", "POR", "POIM", "POC", "POAD", "POAT", "POPAM"), PERIOD_2014_2020),
    "PNDR": PERIOD_PNDR_2014_2022,
    **dict.fromkeys(
        ("PEO", "PIDS", "PS", "PT", "POCIDIF", "PDD", "PAT", "PTJ", "PR", "PAP"), PERIOD_2021_2027
    ),
    "PNS": PERIOD_PNS_2023_2027,
    "PNRR": PERIOD_PNRR,
}


def eligibility_period(programme_code: str, programme_name: str | None = None) -> EligibilityPeriod | None:
    """The eligibility period of a programme, or None when the code alone does not
    tell (INTERREG runs in both periods; its name usually says which)."""
    period = PROGRAMME_PERIODS.get(programme_code)
    if period is not None or not programme_name:
        return period
    if re.search(r"2014\s*[-–]\s*2020", programme_name):
        return PERIOD_2014_2020
    if re.search(r"2021\s*[-–]\s*2027", programme_name):
        return PERIOD_2021_2027
    return None
