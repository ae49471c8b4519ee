"""The consistency report over a whole archive (``eufunds check``).

The archive keeps each release as written, contradictions included; this module
says where its figures do not hold together, project by project: funding that
does not add up, shares that do not match their amounts, durations that do not
match the dates, dates outside the programme's eligibility period, duplicate
projects, documents without a project and projects without a source. Funding
and duration follow the same rules and tolerances as the loader's warnings
(``consistency``). Each finding names the project and carries its figures.

Severity ``error`` means the archive contradicts itself or the rules of the
programme; ``notice`` marks something plausible that a curator may want to look
at. Only errors make the check fail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy import text as sql_text

from ..lists.compare import compare_lists
from ..models import Document, FundingSource, Programme, Project, Restatement
from ..numbers import basis_points_to_share, decimal_text, from_minor_units, indicator_number
from ..reference import eligibility_period
from ..seed.consistency import SHARE_TOLERANCE, months_between
from ..text import title_key

ERROR, NOTICE = "error", "notice"

# Every check, in report order, with what it looks for.
CHECKS: dict[str, str] = {
    "shares_total": "funding shares that do not add up to 100 %",
    "amounts_total": "funding amounts that do not add up to the eligible value",
    "share_vs_amount": "a share that does not match amount ÷ eligible value",
    "eligible_above_total": "an eligible value larger than the total value",
    "duration": "a stated duration that does not match the dates",
    "outside_eligibility": "dates outside the programme's eligibility period",
    "duplicate_code": "two projects with the same SIPOCA or MySMIS code",
    "duplicate_title": "two projects with the same title once case and diacritics are folded",
    "document_without_project": "a source document that belongs to no project",
    "project_without_source": "a project with no source document",
    "end_release_before_end_date": "an end-of-project release published before the end date (notice)",
    "achieved_below_target": "an achieved value below the target the project set for it (notice)",
    "no_end_release": "a project whose end date has passed with no end-of-project release (notice)",
    "place_ambiguous": "a place name found in several counties, none of them named (notice)",
    "figure_changed": "a figure a later release of the project states otherwise (notice)",
    "list_differs": "a release whose figures differ from its latest row in an official list (notice)",
    "list_without_release": "rows of the official lists with no release in the archive (notice)",
    "release_without_list": "a release whose MySMIS code no imported official list has (notice)",
    "list_dropped": "an SMIS code an earlier list of a programme had and its latest list has not (notice)",
}


@dataclass(frozen=True)
class Finding:
    check: str  # a key of CHECKS
    severity: str  # ERROR or NOTICE
    project: str | None  # slug; None for a document without a project
    message: str
    figures: dict[str, Any] = field(default_factory=dict)  # JSON-ready: decimals and dates as strings

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    projects: int = 0
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == NOTICE]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        return (
            f"{n(self.projects, 'project')} and {n(self.documents, 'document')} checked: "
            f"{n(len(self.errors), 'error')}, {n(len(self.notices), 'notice')}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "projects": self.projects,
            "documents": self.documents,
            "errors": len(self.errors),
            "notices": len(self.notices),
            "findings": [f.as_dict() for f in self.findings],
        }


def check_archive(engine: Engine, *, today: dt.date | None = None) -> CheckReport:
    """Run every check over the archive behind ``engine``; ``today`` (by default
    the date now) decides which end dates have passed."""
    today = today or dt.date.today()
    report = CheckReport()
    with engine.connect() as connection:
        report.projects = connection.execute(select(func.count()).select_from(Project)).scalar_one()
        report.documents = connection.execute(select(func.count()).select_from(Document)).scalar_one()
        report.findings.extend(_project_figures(connection))
        report.findings.extend(_duplicates(connection))
        report.findings.extend(_sources(connection))
        report.findings.extend(_promises(connection))
        report.findings.extend(_ends_and_places(connection, today))
        report.findings.extend(_restatements(connection))
        report.findings.extend(_official_lists(connection))
    order = {name: i for i, name in enumerate(CHECKS)}
    report.findings.sort(key=lambda f: (order[f.check], f.project or ""))
    return report


# --------------------------------------------------------------------------- figures


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor_units(minor)


def _share(basis_points: int | None) -> Decimal | None:
    return None if basis_points is None else basis_points_to_share(basis_points)


def _project_figures(connection: Connection) -> Iterator[Finding]:
    funding: dict[int, list[Any]] = defaultdict(list)
    f = FundingSource
    columns = (f.project_id, f.source, f.amount_minor, f.share_bp)
    for row in connection.execute(select(*columns).order_by(FundingSource.project_id, FundingSource.ordinal)):
        funding[row.project_id].append(row)
    projects = connection.execute(
        select(
            Project.id, Project.slug, Project.currency, Project.total_value_minor,
            Project.eligible_value_minor, Project.start_date, Project.end_date,
            Project.duration_months, Project.programme_name, Programme.code.label("programme"),
        )
        .join(Programme, Programme.id == Project.programme_id)
        .order_by(Project.id)
    )  # fmt: skip
    for project in projects:
        yield from _funding_findings(project, funding.get(project.id, []))
        yield from _date_findings(project)


def _funding_findings(project: Any, rows: list[Any]) -> Iterator[Finding]:
    slug, currency = project.slug, project.currency
    eligible = _money(project.eligible_value_minor)
    total = _money(project.total_value_minor)
    shares = [_share(r.share_bp) for r in rows]
    amounts = [_money(r.amount_minor) for r in rows]
    stated_shares = [s for s in shares if s is not None]
    if rows and len(stated_shares) == len(shares):
        total_share = sum(stated_shares, Decimal(0))
        if total_share != 100:
            yield Finding(
                "shares_total", ERROR, slug,
                f"funding shares add up to {decimal_text(total_share)} %, not 100 %",
                {
                    "shares_pct": [decimal_text(s) for s in stated_shares],
                    "sum_pct": decimal_text(total_share),
                },
            )  # fmt: skip
    stated_amounts = [a for a in amounts if a is not None]
    if eligible is not None and rows and len(stated_amounts) == len(amounts):
        total_amount = sum(stated_amounts, Decimal(0))
        if total_amount != eligible:
            yield Finding(
                "amounts_total", ERROR, slug,
                f"funding amounts add up to {total_amount} {currency}, "
                f"not the eligible value {eligible} {currency}",
                {
                    "amounts": [str(a) for a in stated_amounts], "sum": str(total_amount),
                    "eligible_value": str(eligible), "difference": str(total_amount - eligible),
                    "currency": currency,
                },
            )  # fmt: skip
    if eligible:
        for i, (row, amount, share) in enumerate(zip(rows, amounts, shares, strict=True)):
            if amount is None or share is None:
                continue
            actual = amount * 100 / eligible
            if abs(actual - share) > SHARE_TOLERANCE:
                yield Finding(
                    "share_vs_amount", ERROR, slug,
                    f"funding[{i}] ({row.source}): {decimal_text(share)} % stated, but {amount} {currency} "
                    f"is {actual:.2f} % of the eligible value {eligible} {currency}",
                    {
                        "funding": i, "source": row.source, "share_pct": decimal_text(share),
                        "amount": str(amount), "eligible_value": str(eligible),
                        "actual_pct": f"{actual:.2f}", "currency": currency,
                    },
                )  # fmt: skip
    if total is not None and eligible is not None and eligible > total:
        yield Finding(
            "eligible_above_total", ERROR, slug,
            f"eligible value {eligible} {currency} is larger than the total value {total} {currency}",
            {"eligible_value": str(eligible), "total_value": str(total), "currency": currency},
        )  # fmt: skip


def _date_findings(project: Any) -> Iterator[Finding]:
    slug = project.slug
    start, end, duration = project.start_date, project.end_date, project.duration_months
    if start and end and duration is not None:
        low, high = months_between(start, end)
        if not low <= duration <= high:
            span = str(low) if low == high else f"{low}–{high}"
            yield Finding(
                "duration", ERROR, slug,
                f"duration {duration} months stated, but {start} to {end} is {span} months",
                {
                    "duration_months": duration, "start_date": start.isoformat(),
                    "end_date": end.isoformat(), "months_between": [low, high],
                },
            )  # fmt: skip
    period = eligibility_period(project.programme, project.programme_name)
    if period is None:
        return
    for name, day in (("start_date", start), ("end_date", end)):
        if day is None or period.first_day <= day <= period.last_day:
            continue
        side = "before" if day < period.first_day else "after"
        limit = period.first_day if side == "before" else period.last_day
        yield Finding(
            "outside_eligibility", ERROR, slug,
            f"{name} {day} is {side} the {project.programme} eligibility period "
            f"{period.first_day} – {period.last_day} ({period.source})",
            {
                "field": name, "date": day.isoformat(), "programme": project.programme,
                "period_first_day": period.first_day.isoformat(),
                "period_last_day": period.last_day.isoformat(), "limit": limit.isoformat(),
                "source": period.source,
            },
        )  # fmt: skip


# --------------------------------------------------------------------------- duplicates


def code_key(code: str) -> str:
    # The unique constraints already refuse an identical code; "0474" and "474"
    # are the same SIPOCA code written two ways, which they let through.
    return code.lstrip("0") or "0"


def _duplicates(connection: Connection) -> Iterator[Finding]:
    codes: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    titles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in connection.execute(
        select(Project.slug, Project.title, Project.sipoca_code, Project.mysmis_code).order_by(Project.slug)
    ):
        for kind, code in (("SIPOCA", row.sipoca_code), ("MySMIS", row.mysmis_code)):
            if code:
                codes[(kind, code_key(code))].append((row.slug, code))
        titles[title_key(row.title)].append((row.slug, row.title))
    for (kind, _), owners in codes.items():
        if len(owners) < 2:
            continue
        for slug, code in owners:
            others = [(s, c) for s, c in owners if s != slug]
            yield Finding(
                "duplicate_code", ERROR, slug,
                f"{kind} code {code} is also the code of "
                + ", ".join(f"{s} ({c})" for s, c in others),
                {"kind": kind, "code": code, "other_projects": [s for s, _ in others]},
            )  # fmt: skip
    for key, owners in titles.items():
        if len(owners) < 2:
            continue
        for slug, title in owners:
            other_slugs = [s for s, _ in owners if s != slug]
            yield Finding(
                "duplicate_title", ERROR, slug,
                f"title {title!r} is, once case and diacritics are folded, also the title of "
                + ", ".join(other_slugs),
                {"title": title, "folded": key, "other_projects": other_slugs},
            )  # fmt: skip


# --------------------------------------------------------------------------- sources


def _sources(connection: Connection) -> Iterator[Finding]:
    for orphan in connection.execute(
        select(Document.id, Document.file_name, Document.sha256, Document.kind)
        .where(Document.project_id.is_(None))
        .order_by(Document.id)
    ):
        yield Finding(
            "document_without_project", ERROR, None,
            f"document {orphan.file_name} (sha256 {orphan.sha256[:12]}…) belongs to no project",
            {"document_id": orphan.id, "file_name": orphan.file_name, "sha256": orphan.sha256},
        )  # fmt: skip
    for unbacked in connection.execute(
        select(Project.slug, Project.seed_file)
        .where(~select(Document.id).where(Document.project_id == Project.id).exists())
        .order_by(Project.slug)
    ):
        yield Finding(
            "project_without_source", ERROR, unbacked.slug,
            "no source document: nothing in the archive backs this project's facts",
            {"seed_file": unbacked.seed_file},
        )  # fmt: skip
    for early in connection.execute(
        select(Project.slug, Project.end_date, Document.file_name, Document.published)
        .join(Document, Document.project_id == Project.id)
        .where(Document.kind == "end", Document.published < Project.end_date)
        .order_by(Project.slug, Document.ordinal)
    ):
        days = (early.end_date - early.published).days
        yield Finding(
            "end_release_before_end_date", NOTICE, early.slug,
            f"the end-of-project release {early.file_name} is dated {early.published}, "
            f"{days} day{'s' if days != 1 else ''} before the stated end date {early.end_date}",
            {
                "file_name": early.file_name, "published": _iso(early.published),
                "end_date": _iso(early.end_date), "days_before": days,
            },
        )  # fmt: skip


def _iso(day: dt.date) -> str:
    return day.isoformat()


# --------------------------------------------------------------------------- promises and places


def _promises(connection: Connection) -> Iterator[Finding]:
    promises = connection.execute(
        sql_text(
            "SELECT slug, unit, what, target, achieved FROM project_promises "
            "WHERE target IS NOT NULL AND achieved IS NOT NULL AND achieved < target ORDER BY slug, unit"
        )
    )
    for row in promises:
        target, achieved = indicator_number(row.target), indicator_number(row.achieved)
        assert target is not None and achieved is not None
        what = f" ({row.what})" if row.what else ""
        yield Finding(
            "achieved_below_target", NOTICE, row.slug,
            f"{decimal_text(achieved)} {row.unit}{what} achieved against a target of {decimal_text(target)}",
            {
                "unit": row.unit, "what": row.what, "target": decimal_text(target),
                "achieved": decimal_text(achieved), "shortfall": decimal_text(target - achieved),
            },
        )  # fmt: skip


def _ends_and_places(connection: Connection, today: dt.date) -> Iterator[Finding]:
    has_end_release = select(Document.id).where(Document.project_id == Project.id, Document.kind == "end")
    for late in connection.execute(
        select(Project.slug, Project.end_date)
        .where(Project.end_date < today, ~has_end_release.exists())
        .order_by(Project.slug)
    ):
        yield Finding(
            "no_end_release", NOTICE, late.slug,
            f"the end date {late.end_date} has passed and the archive holds no end-of-project release",
            {"end_date": _iso(late.end_date), "as_of": _iso(today)},
        )  # fmt: skip
    for vague in connection.execute(
        select(Project.slug, Project.place_note)
        .where(Project.place_status == "ambiguous")
        .order_by(Project.slug)
    ):
        yield Finding(
            "place_ambiguous", NOTICE, vague.slug,
            f"the place could be in several counties ({vague.place_note}); the release names none",
            {"candidates": vague.place_note},
        )  # fmt: skip


def _restatements(connection: Connection) -> Iterator[Finding]:
    for row in connection.execute(
        select(Project.slug, Restatement.field, Restatement.value, Document.file_name)
        .join(Project, Project.id == Restatement.project_id)
        .join(Document, Document.id == Restatement.document_id, isouter=True)
        .order_by(Project.slug, Restatement.ordinal)
    ):
        said_by = row.file_name or "another release"
        yield Finding(
            "figure_changed", NOTICE, row.slug,
            f"{row.field}: {said_by} states {row.value}, the project's record another value",
            {"field": row.field, "value": row.value, "source": row.file_name},
        )  # fmt: skip


# --------------------------------------------------------------------------- official lists


def _official_lists(connection: Connection) -> Iterator[Finding]:
    """``eufunds lists compare`` as notices; nothing when no list was imported
    (every release would otherwise lack a list row)."""
    comparison = compare_lists(connection)
    if not comparison.list_files:
        return
    for difference in comparison.differences:
        figures = difference.as_dict()
        yield Finding(
            "list_differs", NOTICE, difference.project, difference.describe(),
            {key: str(value) if value is not None else None for key, value in figures.items()},
        )  # fmt: skip
    if comparison.unreleased_rows:
        yield Finding(
            "list_without_release", NOTICE, None,
            f"{comparison.unreleased_rows} SMIS codes of the official lists have no release in the "
            "archive (eufunds lists compare counts them per programme and county)",
            {"rows": comparison.unreleased_rows},
        )  # fmt: skip
    for unlisted in comparison.unlisted:
        yield Finding(
            "release_without_list", NOTICE, unlisted.project,
            f"MySMIS {unlisted.mysmis_code} ({unlisted.programme}) is in no imported official list",
            {"mysmis_code": unlisted.mysmis_code, "programme": unlisted.programme},
        )  # fmt: skip
    for dropped in comparison.dropped:
        yield Finding(
            "list_dropped", NOTICE, dropped.project,
            f"dropped from the latest list: {dropped.describe()}",
            {key: str(value) if value is not None else None for key, value in dropped.as_dict().items()},
        )  # fmt: skip
