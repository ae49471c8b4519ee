"""Fixed code lists of the archive: programmes, funds, funding sources, statuses.

They are shared by the seed validator, the database CHECK constraints and the
extractor, so a code accepted in one place is accepted everywhere.
"""

from __future__ import annotations

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


def sql_in_list(column: str, codes: tuple[str, ...]) -> str:
    """A CHECK expression restricting ``column`` to ``codes``."""
    quoted = ", ".join("'" + code.replace("'", "''") + "'" for code in codes)
    return f"{column} IN ({quoted})"
