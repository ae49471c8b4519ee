"""Projects read back from the archive as records in the seed format.

This is the loader run backwards: each project becomes the canonical dict of
``seedformat`` (same keys, same order, money and shares as ``Decimal``, dates as
``datetime.date``) so that writing it as YAML and loading it again rebuilds the
same rows. Projects are read in pages of a few hundred, with their children
fetched per page, so memory does not grow with the archive. Exporters, ``show``
and ``list`` all read through here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from sqlalchemy import Connection, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..errors import ProjectNotFound
from ..models import (
    Contact,
    Document,
    Evidence,
    FundingSource,
    Indicator,
    IndicatorTopic,
    Objective,
    Organisation,
    Partner,
    PriorityAxis,
    Programme,
    Project,
    ProjectFund,
    Restatement,
    Result,
    SpecificObjective,
)
from ..numbers import basis_points_to_share, minor_to_plain_decimal
from ..record import (
    ArchiveRecord,
    ContactEntry,
    FundingEntry,
    IndicatorEntry,
    PartnerEntry,
    QuoteInFile,
    SourceEntry,
)
from ..seed.format import find_quote

# Projects per page: large enough that per-page queries cost little, small enough
# that a page of projects with their children stays a few megabytes.
DEFAULT_BATCH_SIZE = 200

_DIGITS = re.compile(r"[0-9]+\Z")


@dataclass(frozen=True)
class ProjectFilters:
    """Which projects to read; ``None`` means no restriction."""

    project: str | None = None  # slug
    programme: str | None = None  # programme code
    status: str | None = None
    # Projects that started on/after this date, or whose latest source was
    # published on/after it ("what is new since").
    since: dt.date | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.project, self.programme, self.status, self.since))


@dataclass(frozen=True)
class SourceDocument:
    """A source text as archived, for writing it back beside its seed."""

    file: str
    text: str
    sha256: str


def project_conditions(filters: ProjectFilters | None) -> list[Any]:
    """SQL conditions on ``projects`` for ``filters`` (empty when there are none)."""
    if filters is None:
        return []
    conditions: list[Any] = []
    if filters.project is not None:
        conditions.append(Project.slug == filters.project)
    if filters.programme is not None:
        conditions.append(
            Project.programme_id.in_(select(Programme.id).where(Programme.code == filters.programme))
        )
    if filters.status is not None:
        conditions.append(Project.status == filters.status)
    if filters.since is not None:
        recent_source = exists().where(Document.project_id == Project.id, Document.published >= filters.since)
        conditions.append(or_(Project.start_date >= filters.since, recent_source))
    return conditions


def selected_project_ids(filters: ProjectFilters | None) -> Select[int]:
    """A subquery of the ids of the projects ``filters`` selects."""
    return select(Project.id).where(*project_conditions(filters))


def find_project(connection: Connection, key: str) -> str:
    """The slug of the project whose slug, SIPOCA code or MySMIS code is ``key``.

    Raises ``ProjectNotFound`` with close slugs as suggestions.
    """
    key = key.strip()
    slug = connection.execute(select(Project.slug).where(Project.slug == key)).scalar()
    if slug is not None:
        return slug
    if _DIGITS.match(key):
        found = connection.execute(
            select(Project.slug).where(or_(Project.sipoca_code == key, Project.mysmis_code == key))
        ).scalars().all()  # fmt: skip
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ProjectNotFound(
                f"code {key} is the SIPOCA code of one project and the MySMIS code of another "
                f"({', '.join(sorted(found))}); name the project by its slug"
            )
    # Only on this error path are all slugs read, to suggest the closest.
    slugs = connection.execute(select(Project.slug)).scalars().all()
    hints = [slug for slug in slugs if key.lower() in slug][:3] or difflib.get_close_matches(key, slugs, n=3)
    hint = f"; did you mean {', '.join(hints)}?" if hints else ""
    raise ProjectNotFound(f"no project with slug or code {key!r} in the archive{hint}")


def iter_records(
    connection: Connection,
    filters: ProjectFilters | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[ArchiveRecord]:
    """Every selected project as a seed record, in slug order, read page by page."""
    for record, _documents in _iter_projects(connection, filters, batch_size, with_texts=False):
        yield record


def iter_records_with_sources(
    connection: Connection,
    filters: ProjectFilters | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[tuple[ArchiveRecord, list[SourceDocument]]]:
    """Like ``iter_records``, with each project's source texts in ``sources`` order.

    Texts are fetched one project at a time: a release can be megabytes long.
    """
    yield from _iter_projects(connection, filters, batch_size, with_texts=True)


# --------------------------------------------------------------------------- reading


_Beneficiary = aliased(Organisation)
_ActingThrough = aliased(Organisation)
_PROJECT_COLUMNS = [
    c for c in Project.__table__.c if c.name not in ("beneficiary_name", "acting_through_name")
]


def _project_page(filters: ProjectFilters | None, after: str | None, size: int) -> Select[Any]:
    query = (
        select(
            *_PROJECT_COLUMNS,
            # The release's wording; archives written before it was kept per
            # project (and migrated) hold the shared row's.
            func.coalesce(Project.beneficiary_name, _Beneficiary.name).label("beneficiary_name"),
            func.coalesce(Project.acting_through_name, _ActingThrough.name).label("acting_through_name"),
            Programme.code.label("programme_code"),
            PriorityAxis.number.label("axis_number"),
            SpecificObjective.code.label("objective_code"),
        )
        .join(_Beneficiary, _Beneficiary.id == Project.beneficiary_id)
        .join(_ActingThrough, _ActingThrough.id == Project.acting_through_id, isouter=True)
        .join(Programme, Programme.id == Project.programme_id)
        .join(PriorityAxis, PriorityAxis.id == Project.priority_axis_id, isouter=True)
        .join(SpecificObjective, SpecificObjective.id == Project.specific_objective_id, isouter=True)
        .where(*project_conditions(filters))
        .order_by(Project.slug)
        .limit(size)
    )
    # Keyset paging: each page starts after the last slug of the previous one, so
    # a page costs the same however deep into the archive it is.
    return query if after is None else query.where(Project.slug > after)


def _iter_projects(
    connection: Connection, filters: ProjectFilters | None, batch_size: int, *, with_texts: bool
) -> Iterator[tuple[ArchiveRecord, list[SourceDocument]]]:
    after: str | None = None
    while True:
        page = connection.execute(_project_page(filters, after, batch_size)).all()
        if not page:
            return
        children = _Children.fetch(connection, [row.id for row in page])
        for row in page:
            documents = children.documents[row.id]
            texts: dict[int, SourceDocument] = {}
            needs_texts = with_texts or (len(documents) > 1 and children.evidence[row.id])
            if needs_texts and documents:
                texts = {
                    doc_id: SourceDocument(file=name, text=text, sha256=sha)
                    for doc_id, name, text, sha in connection.execute(
                        select(Document.id, Document.file_name, Document.text, Document.sha256)
                        .where(Document.project_id == row.id)
                    )
                }  # fmt: skip
            record = _record(row, children, texts)
            yield record, [texts[doc_id] for doc_id, _ in documents] if with_texts else []
        after = page[-1].slug
        if len(page) < batch_size:
            return


class _ObjectiveFields(TypedDict):
    """An objective's own fields, before its indicators join them."""

    kind: str
    code: str | None
    text: str
    achieved: str | None


class _ResultFields(TypedDict):
    """A result's own fields, before what it serves and its indicators join them."""

    level: str
    code: str | None
    text: str


class _Children:
    """Everything hanging off one page of projects, grouped by owner id."""

    def __init__(self) -> None:
        self.funds: dict[int, list[str]] = defaultdict(list)
        self.funding: dict[int, list[FundingEntry]] = defaultdict(list)
        self.partners: dict[int, list[PartnerEntry]] = defaultdict(list)
        self.contacts: dict[int, list[ContactEntry]] = defaultdict(list)
        self.objectives: dict[int, list[tuple[int, _ObjectiveFields]]] = defaultdict(list)
        self.results: dict[int, list[tuple[int, _ResultFields, int | None]]] = defaultdict(list)
        self.objective_indicators: dict[int, list[IndicatorEntry]] = defaultdict(list)
        self.result_indicators: dict[int, list[IndicatorEntry]] = defaultdict(list)
        # (document id, the source as the record names it), in ``sources`` order.
        self.documents: dict[int, list[tuple[int, SourceEntry]]] = defaultdict(list)
        self.evidence: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        # (document id, field, value) of each figure a further release restates.
        self.restated: dict[int, list[tuple[int | None, str, str]]] = defaultdict(list)

    @classmethod
    def fetch(cls, c: Connection, ids: list[int]) -> _Children:
        found = cls()
        for pid, fund in c.execute(
            select(ProjectFund.project_id, ProjectFund.fund)
            .where(ProjectFund.project_id.in_(ids))
            .order_by(ProjectFund.project_id, ProjectFund.ordinal)
        ):
            found.funds[pid].append(fund)
        for row in c.execute(
            select(FundingSource.__table__)
            .where(FundingSource.project_id.in_(ids))
            .order_by(FundingSource.project_id, FundingSource.ordinal)
        ):
            found.funding[row.project_id].append(
                {
                    "source": row.source,
                    "amount": _money(row.amount_minor),
                    "share_pct": None if row.share_bp is None else basis_points_to_share(row.share_bp),
                    "description": row.description,
                    "contributor": row.contributor,
                }
            )
        for pid, name, role in c.execute(
            select(Partner.project_id, func.coalesce(Partner.name, Organisation.name), Partner.role)
            .join(Organisation, Organisation.id == Partner.organisation_id)
            .where(Partner.project_id.in_(ids))
            .order_by(Partner.project_id, Partner.ordinal)
        ):
            found.partners[pid].append({"name": name, "role": role})
        for row in c.execute(
            select(
                *[col for col in Contact.__table__.c if col.name != "organisation_name"],
                func.coalesce(Contact.organisation_name, Organisation.name).label("organisation"),
            )
            .join(Organisation, Organisation.id == Contact.organisation_id, isouter=True)
            .where(Contact.project_id.in_(ids))
            .order_by(Contact.project_id, Contact.ordinal)
        ):
            found.contacts[row.project_id].append(
                {
                    "name": row.name, "position": row.position, "organisation": row.organisation,
                    "phone": row.phone, "fax": row.fax, "email": row.email,
                }
            )  # fmt: skip
        for row in c.execute(
            select(Objective.__table__)
            .where(Objective.project_id.in_(ids))
            .order_by(Objective.project_id, Objective.ordinal)
        ):
            found.objectives[row.project_id].append(
                (row.id, {"kind": row.kind, "code": row.code, "text": row.text, "achieved": row.achieved})
            )
        for row in c.execute(
            select(Result.__table__)
            .where(Result.project_id.in_(ids))
            .order_by(Result.project_id, Result.ordinal)
        ):
            found.results[row.project_id].append(
                (row.id, {"level": row.level, "code": row.code, "text": row.text}, row.serves_result_id)
            )
        found._fetch_indicators(c, ids)
        for row in c.execute(
            select(
                Document.id, Document.project_id, Document.file_name, Document.kind, Document.published,
                Document.publisher, Document.issuer, Document.title,
            )
            .where(Document.project_id.in_(ids))
            .order_by(Document.project_id, Document.ordinal)
        ):  # fmt: skip
            found.documents[row.project_id].append(
                (
                    row.id,
                    {
                        "file": row.file_name, "kind": row.kind, "published": row.published,
                        "publisher": row.publisher, "issuer": row.issuer, "title": row.title,
                    },
                )
            )  # fmt: skip
        for pid, fld, quote, document_id in c.execute(
            select(Evidence.project_id, Evidence.field, Evidence.quote, Evidence.document_id)
            .where(Evidence.project_id.in_(ids))
            .order_by(Evidence.project_id, Evidence.field, Evidence.ordinal)
        ):
            found.evidence[pid].append((fld, quote, document_id))
        for pid, restating_document, fld, value in c.execute(
            select(Restatement.project_id, Restatement.document_id, Restatement.field, Restatement.value)
            .where(Restatement.project_id.in_(ids))
            .order_by(Restatement.project_id, Restatement.ordinal)
        ):
            found.restated[pid].append((restating_document, fld, value))
        return found

    def _fetch_indicators(self, c: Connection, ids: list[int]) -> None:
        # Owners are selected by subquery, not by id list: a page can own more
        # objectives and results than a backend accepts bound parameters.
        page_objectives = select(Objective.id).where(Objective.project_id.in_(ids))
        page_results = select(Result.id).where(Result.project_id.in_(ids))
        owned = or_(Indicator.objective_id.in_(page_objectives), Indicator.result_id.in_(page_results))
        topics: dict[int, list[str]] = defaultdict(list)
        for indicator_id, topic in c.execute(
            select(IndicatorTopic.indicator_id, IndicatorTopic.topic)
            .join(Indicator, Indicator.id == IndicatorTopic.indicator_id)
            .where(owned)
            .order_by(IndicatorTopic.indicator_id, IndicatorTopic.ordinal)
        ):
            topics[indicator_id].append(topic)
        for row in c.execute(
            select(Indicator.__table__)
            .where(owned)
            .order_by(Indicator.objective_id, Indicator.result_id, Indicator.ordinal)
        ):
            indicator: IndicatorEntry = {
                "value": row.value, "unit": row.unit, "what": row.what, "kind": row.kind,
                "topics": topics[row.id],
            }  # fmt: skip
            if row.objective_id is not None:
                self.objective_indicators[row.objective_id].append(indicator)
            else:
                assert row.result_id is not None
                self.result_indicators[row.result_id].append(indicator)


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else minor_to_plain_decimal(minor)


def _record(p: Any, ch: _Children, texts: dict[int, SourceDocument]) -> ArchiveRecord:
    result_codes = {result_id: fields["code"] for result_id, fields, _ in ch.results[p.id]}
    documents = ch.documents[p.id]
    files = {document_id: source["file"] for document_id, source in documents}
    return {
        "slug": p.slug,
        "title": p.title,
        "acronym": p.acronym,
        "codes": {"sipoca": p.sipoca_code, "mysmis": p.mysmis_code},
        "status": p.status,
        "beneficiary": {
            "name": p.beneficiary_name,
            "acting_through": p.acting_through_name,
            "cui": p.beneficiary_cui,
        },
        "partners": ch.partners[p.id],
        "contacts": ch.contacts[p.id],
        "programme": {"code": p.programme_code, "name": p.programme_name},
        # The shared axis and objective rows keep one wording; the project keeps
        # the wording of its own source, which is what its seed said.
        "priority_axis": (
            None if p.axis_number is None else {"number": p.axis_number, "title": p.priority_axis_title}
        ),
        "specific_objective": (
            None
            if p.objective_code is None
            else {"code": p.objective_code, "title": p.specific_objective_title}
        ),
        "funds": ch.funds[p.id],
        "currency": p.currency,
        "total_value": _money(p.total_value_minor),
        "eligible_value": _money(p.eligible_value_minor),
        "funding": ch.funding[p.id],
        "start_date": p.start_date,
        "end_date": p.end_date,
        "duration_months": p.duration_months,
        "target_group": {"size": p.target_group_size, "description": p.target_group_description},
        "location": p.location,
        "objectives": [
            {**fields, "indicators": ch.objective_indicators[objective_id]}
            for objective_id, fields in ch.objectives[p.id]
        ],
        "results": [
            {
                **fields,
                "serves": None if serves is None else result_codes.get(serves),
                "indicators": ch.result_indicators[result_id],
            }
            for result_id, fields, serves in ch.results[p.id]
        ],
        "sources": [source for _, source in documents],
        "restated": [
            {"source": files.get(document_id, "") if document_id else "", "field": fld, "value": value}
            for document_id, fld, value in ch.restated[p.id]
        ],
        "evidence": _evidence(ch.evidence[p.id], documents, texts),
        "notes": p.notes,
    }


def _evidence(
    rows: list[tuple[str, str, int]],
    documents: list[tuple[int, SourceEntry]],
    texts: dict[int, SourceDocument],
) -> dict[str, list[str | QuoteInFile]]:
    """``{field: [quote, …]}``; a quote names its file only when the loader, which
    takes the first source containing a bare quote, would otherwise pick another."""
    evidence: dict[str, list[str | QuoteInFile]] = {}
    for fld, quote, document_id in rows:
        item: str | QuoteInFile = quote
        if len(documents) > 1:
            first = next(
                (doc_id for doc_id, _ in documents if find_quote(texts[doc_id].text, quote) is not None), None
            )
            if first != document_id:
                file = next(source["file"] for doc_id, source in documents if doc_id == document_id)
                item = {"file": file, "quote": quote}
        evidence.setdefault(fld, []).append(item)
    return dict(sorted(evidence.items()))


# --------------------------------------------------------------------------- listing


def iter_project_lines(
    connection: Connection, filters: ProjectFilters | None = None
) -> Iterator[dict[str, Any]]:
    """One summary dict per selected project (for ``eufunds list``), streamed."""
    query = (
        select(
            Project.slug, Project.status, Programme.code.label("programme"),
            Project.sipoca_code.label("sipoca"), Project.mysmis_code.label("mysmis"),
            Project.currency, Project.total_value_minor, Project.start_date, Project.end_date,
            Project.title,
        )
        .join(Programme, Programme.id == Project.programme_id)
        .where(*project_conditions(filters))
        .order_by(Project.slug)
    )  # fmt: skip
    for row in connection.execution_options(stream_results=True, max_row_buffer=1000).execute(query):
        line = row._asdict()
        line["total_value"] = _money(line.pop("total_value_minor"))
        yield line


def longest_slug(connection: Connection, filters: ProjectFilters | None = None) -> int:
    """Width of the slug column, so ``list`` can align without holding every line."""
    value = connection.execute(
        select(func.max(func.length(Project.slug))).where(and_(True, *project_conditions(filters)))
    ).scalar()
    return int(value or 0)


@dataclass(frozen=True)
class CodedFacts:
    """What the archive coded for a project beside its record: its place, its
    beneficiary's kind and fiscal code, and the date its facts are as of."""

    place_status: str | None
    locality: str | None
    locality_siruta: int | None
    county: str | None
    county_siruta: int | None
    nuts3: str | None
    nuts2: str | None
    region: str | None
    place_note: str | None
    beneficiary_kind: str | None
    beneficiary_cui: str | None
    as_of: dt.date | None

    def rows(self) -> list[tuple[str, str]]:
        """Label and text of each, for a fiche."""

        def coded(name: str | None, code: int | str | None) -> str:
            return "—" if name is None else f"{name} ({code})" if code is not None else name

        if self.place_status == "resolved":
            place = ", ".join(
                p
                for p in (coded(self.locality, self.locality_siruta), coded(self.county, self.county_siruta))
                if p != "—"
            )
            where = [
                ("place", place),
                ("NUTS 3 / NUTS 2", f"{self.nuts3} / {self.nuts2}"),
                ("region", self.region or "—"),
            ]
        elif self.place_status == "ambiguous":
            where = [("place", f"ambiguous: {self.place_note}")]
        else:
            where = [("place", "not coded")]
        return [
            *where,
            ("beneficiary kind", self.beneficiary_kind or "—"),
            ("as of", self.as_of.isoformat() if self.as_of else "—"),
        ]


def coded_facts(connection: Connection, slug: str) -> CodedFacts:
    """The coded facts of the project ``slug``."""
    row = connection.execute(
        select(
            Project.place_status,
            Project.locality_name.label("locality"),
            Project.locality_siruta,
            Project.county_name.label("county"),
            Project.county_siruta,
            Project.nuts3,
            Project.nuts2,
            Project.region,
            Project.place_note,
            _Beneficiary.kind.label("beneficiary_kind"),
            _Beneficiary.cui.label("beneficiary_cui"),
            Project.as_of,
        )
        .join(_Beneficiary, _Beneficiary.id == Project.beneficiary_id)
        .where(Project.slug == slug)
    ).one()
    return CodedFacts(**row._asdict())
