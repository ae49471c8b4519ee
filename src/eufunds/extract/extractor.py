"""Draft a seed record from the plain text of one press release, with provenance.

Every value the extractor writes points at the characters it came from (line,
start and end offsets, the quote), so a curator can check a draft in a minute.
Nothing is inferred: a fact the release does not state is ``None`` (or an empty
list), exactly as in a hand-made seed.

The rules follow Romanian administrative phrasing (labels such as "Valoarea
totală eligibilă", verbs such as "a constat în … și a fost atins prin …") rather
than the layout of any one release. Each lives beside its patterns in the module
for the part of the record it reads (``identity``, ``parties``, ``programme``,
``money``, ``periods``, ``scope``, ``goals``, ``page``), on the shared
``document`` and ``numbers``; this module only runs them in order and assembles
the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..seed.format import DEFAULT_CURRENCY, states_money
from .document import Doc, Span
from .goals import read_objectives, read_results
from .identity import read_acronym, read_codes, read_kind, read_title, slugify
from .money import read_money, read_phrase_funding, read_share_funding
from .numbers import parse_amount, parse_date
from .page import read_headline, read_issuer_and_contacts, read_published, read_publisher
from .parties import read_beneficiary, read_beneficiary_cui, read_partners
from .periods import read_period
from .programme import read_funds, read_priority_axis, read_programme, read_specific_objective
from .scope import read_location, read_target_group

__all__ = ["Extraction", "Span", "extract_release", "parse_amount", "parse_date", "slugify"]


@dataclass
class Extraction:
    """A draft record in seed-format key order and the provenance of each value."""

    record: dict[str, Any]
    provenance: dict[str, Span] = field(default_factory=dict)
    file_name: str | None = None
    # Figures the release gives only approximately ("peste 7,5 milioane lei"), by field:
    # left out of the record (the field stays null, its provenance points at the phrase).
    approximate: dict[str, Any] = field(default_factory=dict)


def extract_release(text: str, *, file_name: str | None = None) -> Extraction:
    """Draft a seed record from the text of one release; never raises on odd text."""
    doc = Doc(text)
    title_span = read_title(doc)
    title = doc.clean(*title_span) if title_span else None
    if title_span:
        doc.note("title", *title_span)
    acronym = read_acronym(doc, title_span)
    codes = read_codes(doc)
    kind = read_kind(doc)
    status = {"end": "completed", "start": "ongoing"}.get(kind, "ongoing")
    beneficiary = read_beneficiary(doc)
    beneficiary["cui"] = read_beneficiary_cui(doc, beneficiary["name"])
    partners = read_partners(doc)
    issuer, contacts = read_issuer_and_contacts(doc)
    programme = read_programme(doc)
    if programme["code"] is None and codes["sipoca"] is not None:
        # SIPOCA registers the projects of one programme only (POCA 2014-2020).
        programme["code"] = "POCA"
        sipoca = doc.provenance.get("codes.sipoca")
        if sipoca is not None:
            doc.note("programme.code", sipoca.start, sipoca.end)
    axis = read_priority_axis(doc)
    specific = read_specific_objective(doc)
    funds = read_funds(doc)
    money = read_money(doc)
    funding = money["funding"]
    if len(funding) == 1 and funding[0]["source"] == "other" and funding[0]["share_pct"] is None:
        # "sprijinul public nerambursabil este de X euro", then "asigurat în proporție de
        # 85% din FEADR și 15% de la bugetul național": the named split is the funding,
        # the unnamed sum only its subtotal.
        stale = {k: v for k, v in doc.provenance.items() if k.startswith("funding[")}
        for key in stale:
            del doc.provenance[key]
        shares = read_share_funding(doc)
        if len(shares) >= 2:
            funding = shares
        else:
            doc.provenance.update(stale)
    funding = funding or read_share_funding(doc) or read_phrase_funding(doc)
    period = read_period(doc)
    target = read_target_group(doc)
    location = read_location(doc)
    objectives = read_objectives(doc)
    results = read_results(doc)
    published = read_published(doc)
    publisher = read_publisher(doc)
    start_date = period["start_date"]
    if kind != "end" and published is not None and start_date is not None and published < start_date:
        # Published before the stated start (a contract signed, a launch announced).
        status = "announced"
    headline = read_headline(doc)
    slug = slugify(title or beneficiary["name"] or headline or "proiect")
    record: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "acronym": acronym,
        "codes": codes,
        "status": status,
        "beneficiary": beneficiary,
        "partners": partners,
        "contacts": contacts,
        "programme": programme,
        "priority_axis": axis,
        "specific_objective": specific,
        "funds": funds,
        "currency": money["currency"],
        "total_value": money["total_value"],
        "eligible_value": money["eligible_value"],
        "funding": funding,
        "start_date": period["start_date"],
        "end_date": period["end_date"],
        "duration_months": period["duration_months"],
        "target_group": target,
        "location": location,
        "objectives": objectives,
        "results": results,
        "sources": [
            {
                "file": file_name,
                "kind": kind,
                "published": published,
                "publisher": publisher,
                "issuer": issuer,
                "title": headline,
            }
        ],
    }
    if record["currency"] is None and states_money(record):
        record["currency"] = DEFAULT_CURRENCY
    return Extraction(
        record=record,
        provenance=dict(sorted(doc.provenance.items())),
        file_name=file_name,
        approximate=money["approximate"],
    )
