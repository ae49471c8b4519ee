"""Counts and money of the archive per programme, EU fund and funding source.

Sums are computed in SQL on the exact integer columns and grouped by currency
(a sum across currencies would mean nothing); each sum says how many of the rows
it covers actually state an amount, since releases often give none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from ..models import Document, FundingSource, Programme, Project, ProjectFund
from ..numbers import from_minor_units
from ..reference import EU_FUND_CODES
from .records import ProjectFilters, project_conditions, selected_project_ids


@dataclass
class Money:
    """A sum in one currency and how many of the counted rows stated an amount."""

    currency: str
    amount: Decimal | None
    stated: int


@dataclass
class Group:
    key: str
    projects: int
    rows: int | None = None  # funding rows, for funding sources
    money: dict[str, list[Money]] = field(default_factory=dict)  # measure → per currency


@dataclass
class ArchiveStats:
    projects: int
    documents: int
    by_programme: list[Group]
    by_fund: list[Group]
    by_funding_source: list[Group]
    by_county: list[Group] = field(default_factory=list)
    by_region: list[Group] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def group(g: Group, name: str) -> dict[str, Any]:
            out: dict[str, Any] = {name: g.key, "projects": g.projects}
            if g.rows is not None:
                out["rows"] = g.rows
            for measure, sums in g.money.items():
                out[measure] = [
                    {"currency": m.currency, "amount": m.amount, "stated": m.stated} for m in sums
                ]
            return out

        return {
            "projects": self.projects,
            "documents": self.documents,
            "by_programme": [group(g, "programme") for g in self.by_programme],
            "by_fund": [group(g, "fund") for g in self.by_fund],
            "by_funding_source": [group(g, "source") for g in self.by_funding_source],
            "by_county": [group(g, "county") for g in self.by_county],
            "by_region": [group(g, "region") for g in self.by_region],
        }


def _sum(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor_units(int(minor))


def archive_stats(connection: Connection, filters: ProjectFilters | None = None) -> ArchiveStats:
    """Counts and sums over the projects ``filters`` selects (all by default)."""
    ids = selected_project_ids(filters)
    projects = connection.execute(
        select(func.count()).select_from(Project).where(*project_conditions(filters))
    ).scalar()
    documents = connection.execute(
        select(func.count()).select_from(Document).where(Document.project_id.in_(ids))
    ).scalar()

    programmes: dict[str, Group] = {}
    for row in connection.execute(
        select(
            Programme.code,
            Project.currency,
            func.count(),
            func.sum(Project.total_value_minor),
            func.count(Project.total_value_minor),
            func.sum(Project.eligible_value_minor),
            func.count(Project.eligible_value_minor),
        )
        .join(Programme, Programme.id == Project.programme_id)
        .where(Project.id.in_(ids))
        .group_by(Programme.code, Project.currency)
        .order_by(Programme.code, Project.currency)
    ):
        code, currency, count, total, total_n, eligible, eligible_n = row
        group = programmes.setdefault(code, Group(code, 0, money={"total_value": [], "eligible_value": []}))
        group.projects += count
        if currency is None:
            continue  # projects that state no money add to the count, not to a sum
        group.money["total_value"].append(Money(currency, _sum(total), total_n))
        group.money["eligible_value"].append(Money(currency, _sum(eligible), eligible_n))

    funds = {
        fund: Group(fund, count, rows=0, money={"amount": []})
        for fund, count in connection.execute(
            select(ProjectFund.fund, func.count(distinct(ProjectFund.project_id)))
            .where(ProjectFund.project_id.in_(ids))
            .group_by(ProjectFund.fund)
            .order_by(ProjectFund.fund)
        )
    }
    sources: dict[str, Group] = {}
    for source, currency, rows, projects_n, amount, stated in connection.execute(
        select(
            FundingSource.source,
            Project.currency,
            func.count(),
            func.count(distinct(FundingSource.project_id)),
            func.sum(FundingSource.amount_minor),
            func.count(FundingSource.amount_minor),
        )
        .join(Project, Project.id == FundingSource.project_id)
        .where(FundingSource.project_id.in_(ids))
        .group_by(FundingSource.source, Project.currency)
        .order_by(FundingSource.source, Project.currency)
    ):
        group = sources.setdefault(source, Group(source, 0, rows=0, money={"amount": []}))
        group.projects += projects_n
        group.rows = (group.rows or 0) + rows
        if currency is not None:
            group.money["amount"].append(Money(currency, _sum(amount), stated))
        if source in funds:
            # Money "from a fund" is what the funding rows naming that fund state.
            if currency is not None:
                funds[source].money["amount"].append(Money(currency, _sum(amount), stated))
            funds[source].rows = (funds[source].rows or 0) + rows
    return ArchiveStats(
        projects=int(projects or 0),
        documents=int(documents or 0),
        by_programme=list(programmes.values()),
        by_fund=list(funds.values()),
        by_funding_source=sorted(sources.values(), key=lambda g: (-g.rows if g.rows else 0, g.key)),
        by_county=_by_place(connection, ids, Project.county_name),
        by_region=_by_place(connection, ids, Project.region),
    )


# Projects whose place is not coded (ambiguous, unknown, or loaded before places were).
NOT_CODED = "(not coded)"


def _by_place(connection: Connection, ids: Any, place: Any) -> list[Group]:
    """Projects, total and eligible value, and the EU funds' part of the money, per place."""
    key = func.coalesce(place, NOT_CODED)
    groups: dict[str, Group] = {}
    for name, currency, count, total, total_n, eligible, eligible_n in connection.execute(
        select(
            key, Project.currency, func.count(),
            func.sum(Project.total_value_minor), func.count(Project.total_value_minor),
            func.sum(Project.eligible_value_minor), func.count(Project.eligible_value_minor),
        )
        .where(Project.id.in_(ids))
        .group_by(key, Project.currency)
        .order_by(key, Project.currency)
    ):  # fmt: skip
        group = groups.setdefault(
            name, Group(name, 0, money={"total_value": [], "eligible_value": [], "eu_amount": []})
        )
        group.projects += count
        if currency is not None:
            group.money["total_value"].append(Money(currency, _sum(total), total_n))
            group.money["eligible_value"].append(Money(currency, _sum(eligible), eligible_n))
    for name, currency, amount, stated in connection.execute(
        select(
            key,
            Project.currency,
            func.sum(FundingSource.amount_minor),
            func.count(FundingSource.amount_minor),
        )
        .join(Project, Project.id == FundingSource.project_id)
        .where(FundingSource.project_id.in_(ids), FundingSource.source.in_(EU_FUND_CODES))
        .group_by(key, Project.currency)
        .order_by(key, Project.currency)
    ):
        if currency is not None:
            groups[name].money["eu_amount"].append(Money(currency, _sum(amount), stated))
    return sorted(groups.values(), key=lambda g: (g.key == NOT_CODED, g.key))
