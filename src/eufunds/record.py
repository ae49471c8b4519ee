"""The record's shape: one project in the seed format, as the stages hand it on.

A seed file is validated into a ``SeedRecord`` (``seed.format``), which the
loader writes as rows; the read side gives an ``ArchiveRecord`` back
(``read.records``), which the exporters, ``show`` and the fiche take. Both are
plain dicts with every key present in the order below, money and shares as
``Decimal``, dates as ``datetime.date``; they differ only in ``evidence``.
These are the types of those dicts, for the type checker: nothing here runs
on a record. ``docs/seed-format.md`` describes each field.

The extractor's draft (``extract``) is not a record yet: its fields may be
missing or empty until a curator fills them, and it stays a plain dict.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypedDict


class Codes(TypedDict):
    sipoca: str | None
    mysmis: str | None


class Beneficiary(TypedDict):
    name: str
    acting_through: str | None
    cui: str | None


class PartnerEntry(TypedDict):
    name: str
    role: str | None


class ContactEntry(TypedDict):
    name: str
    position: str | None
    organisation: str | None
    phone: str | None
    fax: str | None
    email: str | None


class ProgrammeRef(TypedDict):
    code: str
    name: str | None


class PriorityAxisRef(TypedDict):
    number: str
    title: str | None


class SpecificObjectiveRef(TypedDict):
    code: str
    title: str | None


class FundingEntry(TypedDict):
    source: str
    amount: Decimal | None
    share_pct: Decimal | None
    description: str | None
    contributor: str | None


class TargetGroup(TypedDict):
    size: int | None
    description: str | None


class IndicatorEntry(TypedDict):
    value: Decimal
    unit: str
    what: str | None
    kind: str | None
    topics: list[str]


class ObjectiveEntry(TypedDict):
    kind: str
    code: str | None
    text: str
    achieved: str | None
    indicators: list[IndicatorEntry]


class ResultEntry(TypedDict):
    level: str
    code: str | None
    text: str
    serves: str | None  # the code of a programme-level result of the same record
    indicators: list[IndicatorEntry]


class SourceEntry(TypedDict):
    file: str
    kind: str
    published: dt.date | None
    publisher: str | None
    issuer: str | None
    title: str | None


class EvidenceQuote(TypedDict):
    file: str | None  # None: the first source that holds the quote
    quote: str


class QuoteInFile(TypedDict):
    file: str
    quote: str


class Restatement(TypedDict):
    """A figure a further release states otherwise than the project's record."""

    source: str
    field: str
    value: str


class RecordFields(TypedDict):
    """Every field of a record but ``evidence`` and ``notes``: what both kinds share."""

    slug: str
    title: str
    acronym: str | None
    codes: Codes
    status: str
    beneficiary: Beneficiary
    partners: list[PartnerEntry]
    contacts: list[ContactEntry]
    programme: ProgrammeRef
    priority_axis: PriorityAxisRef | None
    specific_objective: SpecificObjectiveRef | None
    funds: list[str]
    currency: str | None
    total_value: Decimal | None
    eligible_value: Decimal | None
    funding: list[FundingEntry]
    start_date: dt.date | None
    end_date: dt.date | None
    duration_months: int | None
    target_group: TargetGroup
    location: str | None
    objectives: list[ObjectiveEntry]
    results: list[ResultEntry]
    sources: list[SourceEntry]
    restated: list[Restatement]


class SeedRecord(RecordFields):
    """A validated seed: each quote of ``evidence`` as ``{file, quote}``;
    ``joins`` names the project a further release belongs to, ``releases``
    the further releases a project's seed joins in."""

    joins: str | None
    releases: list[str]

    evidence: dict[str, list[EvidenceQuote]]
    notes: str | None


class ArchiveRecord(RecordFields):
    """A project read back from the archive, ready to be written as a seed: a
    quote is bare text unless it must name its file (as a curator writes it)."""

    evidence: dict[str, list[str | QuoteInFile]]
    notes: str | None
