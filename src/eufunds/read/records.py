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
from typing import TYPE_CHECKING, Any, TypedDict, cast

from ..errors import ProjectNotFound
from ..numbers import basis_points_to_share, indicator_number, minor_to_plain_decimal
from ..record import (
    ArchiveRecord,
    ContactEntry,
    FundingEntry,
    IndicatorEntry,
    PartnerEntry,
    QuoteInFile,
    SourceEntry,
)
from . import _sql
from ._sql import Reading, date_value, float_value, in_list

if TYPE_CHECKING:
    from sqlalchemy import Select

# The reading functions below take SQLAlchemy's connection or sqlite3's (see
# ``_sql``) and speak plain SQL, so that show and list on a SQLite archive
# import neither SQLAlchemy nor the models; ``project_conditions`` and
# ``selected_project_ids`` give the exporters and stats SQLAlchemy clauses.

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
    """SQL conditions on ``projects`` for ``filters`` (empty when there are none),
    as SQLAlchemy clauses for queries built with the models. They select what
    ``_filter_sql`` selects; tests/test_show_list_stats.py holds the two together."""
    from sqlalchemy import exists, or_, select

    from ..models import Document, Programme, Project

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
    from sqlalchemy import select

    from ..models import Project

    return select(Project.id).where(*project_conditions(filters))


def _filter_sql(filters: ProjectFilters | None) -> tuple[str, dict[str, Any]]:
    """``project_conditions`` as plain SQL on ``projects``: a condition (``1 = 1``
    when there is none) and its parameters."""
    conditions: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if filters is not None:
        if filters.project is not None:
            conditions.append("projects.slug = :filter_slug")
            params["filter_slug"] = filters.project
        if filters.programme is not None:
            conditions.append(
                "projects.programme_id IN (SELECT programmes.id FROM programmes "
                "WHERE programmes.code = :filter_programme)"
            )
            params["filter_programme"] = filters.programme
        if filters.status is not None:
            conditions.append("projects.status = :filter_status")
            params["filter_status"] = filters.status
        if filters.since is not None:
            conditions.append(
                "(projects.start_date >= :filter_since OR EXISTS (SELECT 1 FROM documents "
                "WHERE documents.project_id = projects.id AND documents.published >= :filter_since))"
            )
            params["filter_since"] = filters.since
    return " AND ".join(conditions), params


def find_project(connection: Reading, key: str) -> str:
    """The slug of the project whose slug, SIPOCA code or MySMIS code is ``key``.

    Raises ``ProjectNotFound`` with close slugs as suggestions.
    """
    key = key.strip()
    slug = _sql.scalar(connection, "SELECT slug FROM projects WHERE slug = :key", {"key": key})
    if slug is not None:
        return str(slug)
    if _DIGITS.match(key):
        found = [
            row.slug
            for row in _sql.rows(
                connection,
                "SELECT slug FROM projects WHERE sipoca_code = :key OR mysmis_code = :key",
                {"key": key},
            )
        ]
        if len(found) == 1:
            return str(found[0])
        if len(found) > 1:
            raise ProjectNotFound(
                f"code {key} is the SIPOCA code of one project and the MySMIS code of another "
                f"({', '.join(sorted(found))}); name the project by its slug"
            )
    # Only on this error path are all slugs read, to suggest the closest.
    slugs = [row.slug for row in _sql.rows(connection, "SELECT slug FROM projects")]
    hints = [slug for slug in slugs if key.lower() in slug][:3] or difflib.get_close_matches(key, slugs, n=3)
    hint = f"; did you mean {', '.join(hints)}?" if hints else ""
    raise ProjectNotFound(f"no project with slug or code {key!r} in the archive{hint}")


def iter_records(
    connection: Reading,
    filters: ProjectFilters | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[ArchiveRecord]:
    """Every selected project as a seed record, in slug order, read page by page."""
    for record, _documents in _iter_projects(connection, filters, batch_size, with_texts=False):
        yield record


def iter_records_with_sources(
    connection: Reading,
    filters: ProjectFilters | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[tuple[ArchiveRecord, list[SourceDocument]]]:
    """Like ``iter_records``, with each project's source texts in ``sources`` order.

    Texts are fetched one project at a time: a release can be megabytes long.
    """
    yield from _iter_projects(connection, filters, batch_size, with_texts=True)


# --------------------------------------------------------------------------- reading


def _project_page(filters: ProjectFilters | None, after: str | None, size: int) -> tuple[str, dict[str, Any]]:
    where, params = _filter_sql(filters)
    if after is not None:
        # Keyset paging: each page starts after the last slug of the previous one,
        # so a page costs the same however deep into the archive it is.
        where += " AND projects.slug > :after"
        params["after"] = after
    sql = (
        "SELECT projects.id, projects.slug, projects.title, projects.acronym, projects.sipoca_code, "
        "projects.mysmis_code, projects.status, projects.beneficiary_cui, projects.programme_name, "
        "projects.priority_axis_title, projects.specific_objective_title, projects.currency, "
        "projects.total_value_minor, projects.eligible_value_minor, projects.start_date, projects.end_date, "
        "projects.duration_months, projects.target_group_size, projects.target_group_description, "
        "projects.location, projects.notes, "
        # The release's wording; archives written before it was kept per
        # project (and migrated) hold the shared row's.
        "coalesce(projects.beneficiary_name, beneficiary.name) AS beneficiary_name, "
        "coalesce(projects.acting_through_name, acting_through.name) AS acting_through_name, "
        "programmes.code AS programme_code, priority_axes.number AS axis_number, "
        "specific_objectives.code AS objective_code "
        "FROM projects "
        "JOIN organisations AS beneficiary ON beneficiary.id = projects.beneficiary_id "
        "LEFT OUTER JOIN organisations AS acting_through ON acting_through.id = projects.acting_through_id "
        "JOIN programmes ON programmes.id = projects.programme_id "
        "LEFT OUTER JOIN priority_axes ON priority_axes.id = projects.priority_axis_id "
        "LEFT OUTER JOIN specific_objectives ON specific_objectives.id = projects.specific_objective_id "
        f"WHERE {where} ORDER BY projects.slug LIMIT :page_size"
    )
    return sql, {**params, "page_size": size}


def _iter_projects(
    connection: Reading, filters: ProjectFilters | None, batch_size: int, *, with_texts: bool
) -> Iterator[tuple[ArchiveRecord, list[SourceDocument]]]:
    after: str | None = None
    while True:
        page = _sql.rows(connection, *_project_page(filters, after, batch_size))
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
                    for doc_id, name, text, sha in _sql.rows(
                        connection,
                        "SELECT id, file_name, text, sha256 FROM documents WHERE project_id = :project_id",
                        {"project_id": row.id},
                    )
                }
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
    def fetch(cls, c: Reading, ids: list[int]) -> _Children:
        found = cls()
        page, params = in_list("id", ids)

        def owned_by_page(columns: str, table: str, order: str = "ordinal", join: str = "") -> list[Any]:
            return _sql.rows(
                c,
                f"SELECT {columns} FROM {table} {join} WHERE {table}.project_id IN {page} "
                f"ORDER BY {table}.project_id, {table}.{order}",
                params,
            )

        for pid, fund in owned_by_page("project_id, fund", "project_funds"):
            found.funds[pid].append(fund)
        for row in owned_by_page(
            "project_id, source, amount_minor, share_bp, description, contributor", "funding_sources"
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
        for pid, name, role in owned_by_page(
            "partners.project_id, coalesce(partners.name, organisations.name), partners.role",
            "partners",
            join="JOIN organisations ON organisations.id = partners.organisation_id",
        ):
            found.partners[pid].append({"name": name, "role": role})
        for row in owned_by_page(
            "contacts.project_id, contacts.name, contacts.position, contacts.phone, contacts.fax, "
            "contacts.email, coalesce(contacts.organisation_name, organisations.name) AS organisation",
            "contacts",
            join="LEFT OUTER JOIN organisations ON organisations.id = contacts.organisation_id",
        ):
            found.contacts[row.project_id].append(
                {
                    "name": row.name, "position": row.position, "organisation": row.organisation,
                    "phone": row.phone, "fax": row.fax, "email": row.email,
                }
            )  # fmt: skip
        for row in owned_by_page("id, project_id, kind, code, text, achieved", "objectives"):
            found.objectives[row.project_id].append(
                (row.id, {"kind": row.kind, "code": row.code, "text": row.text, "achieved": row.achieved})
            )
        for row in owned_by_page("id, project_id, level, code, text, serves_result_id", "results"):
            found.results[row.project_id].append(
                (row.id, {"level": row.level, "code": row.code, "text": row.text}, row.serves_result_id)
            )
        found._fetch_indicators(c, page, params)
        for row in owned_by_page(
            "id, project_id, file_name, kind, published, publisher, issuer, title", "documents"
        ):
            found.documents[row.project_id].append(
                (
                    row.id,
                    {
                        "file": row.file_name, "kind": row.kind, "published": date_value(row.published),
                        "publisher": row.publisher, "issuer": row.issuer, "title": row.title,
                    },
                )
            )  # fmt: skip
        for pid, fld, quote, document_id in owned_by_page(
            "project_id, field, quote, document_id", "evidence", order="field, evidence.ordinal"
        ):
            found.evidence[pid].append((fld, quote, document_id))
        for pid, restating_document, fld, value in owned_by_page(
            "project_id, document_id, field, value", "restatements"
        ):
            found.restated[pid].append((restating_document, fld, value))
        return found

    def _fetch_indicators(self, c: Reading, page: str, params: dict[str, Any]) -> None:
        # Owners are selected by subquery, not by id list: a page can own more
        # objectives and results than a backend accepts bound parameters.
        owned = (
            "(indicators.objective_id IN "
            f"(SELECT objectives.id FROM objectives WHERE objectives.project_id IN {page}) "
            "OR indicators.result_id IN "
            f"(SELECT results.id FROM results WHERE results.project_id IN {page}))"
        )
        topics: dict[int, list[str]] = defaultdict(list)
        for indicator_id, topic in _sql.rows(
            c,
            "SELECT indicator_topics.indicator_id, indicator_topics.topic FROM indicator_topics "
            f"JOIN indicators ON indicators.id = indicator_topics.indicator_id WHERE {owned} "
            "ORDER BY indicator_topics.indicator_id, indicator_topics.ordinal",
            params,
        ):
            topics[indicator_id].append(topic)
        for row in _sql.rows(
            c,
            "SELECT indicators.id, objective_id, result_id, value, unit, what, kind FROM indicators "
            f"WHERE {owned} ORDER BY objective_id, result_id, ordinal",
            params,
        ):
            indicator: IndicatorEntry = {
                "value": cast(Decimal, indicator_number(float_value(row.value))), "unit": row.unit,
                "what": row.what, "kind": row.kind, "topics": topics[row.id],
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
        "start_date": date_value(p.start_date),
        "end_date": date_value(p.end_date),
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
            # Imported only here: the seed format brings YAML and the coding tables.
            from ..seed.format import find_quote

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
    connection: Reading, filters: ProjectFilters | None = None
) -> Iterator[dict[str, Any]]:
    """One summary dict per selected project (for ``eufunds list``), streamed."""
    where, params = _filter_sql(filters)
    for row in _sql.stream(
        connection,
        "SELECT projects.slug, projects.status, programmes.code AS programme, "
        "projects.sipoca_code AS sipoca, projects.mysmis_code AS mysmis, projects.currency, "
        "projects.total_value_minor, projects.start_date, projects.end_date, projects.title "
        "FROM projects JOIN programmes ON programmes.id = projects.programme_id "
        f"WHERE {where} ORDER BY projects.slug",
        params,
        buffer=1000,
    ):
        line = row._asdict()
        line["start_date"] = date_value(line["start_date"])
        line["end_date"] = date_value(line["end_date"])
        line["total_value"] = _money(line.pop("total_value_minor"))
        yield line


def longest_slug(connection: Reading, filters: ProjectFilters | None = None) -> int:
    """Width of the slug column, so ``list`` can align without holding every line."""
    where, params = _filter_sql(filters)
    value = _sql.scalar(connection, f"SELECT max(length(projects.slug)) FROM projects WHERE {where}", params)
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


def coded_facts(connection: Reading, slug: str) -> CodedFacts:
    """The coded facts of the project ``slug``."""
    found = _sql.rows(
        connection,
        "SELECT projects.place_status, projects.locality_name, projects.locality_siruta, "
        "projects.county_name, projects.county_siruta, projects.nuts3, projects.nuts2, projects.region, "
        "projects.place_note, "
        "beneficiary.kind, beneficiary.cui, projects.as_of FROM projects "
        "JOIN organisations AS beneficiary ON beneficiary.id = projects.beneficiary_id "
        "WHERE projects.slug = :slug",
        {"slug": slug},
    )
    if len(found) != 1:
        raise LookupError(f"{len(found)} projects with slug {slug!r}, not one")
    (place_status, locality, locality_siruta, county, county_siruta, nuts3, nuts2, region, place_note,
     kind, cui, as_of) = found[0]  # fmt: skip
    return CodedFacts(
        place_status=place_status, locality=locality, locality_siruta=locality_siruta, county=county,
        county_siruta=county_siruta, nuts3=nuts3, nuts2=nuts2, region=region, place_note=place_note,
        beneficiary_kind=kind, beneficiary_cui=cui, as_of=date_value(as_of),
    )  # fmt: skip
