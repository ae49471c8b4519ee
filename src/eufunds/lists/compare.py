"""Releases held against the official lists: where they differ, what is missing.

For each SMIS code the latest list row counts: the one from the snapshot with
the latest as-of date (snapshots without one are older than any dated one; among
equals the later import wins). Against it:

- each project whose MySMIS code is that code: the fields where release and
  list both give a value and the values differ (total, eligible and EU value,
  start and end dates, beneficiary, CUI, county);
- list rows whose code no project has: contracted projects with no release in
  the archive, counted per programme and county;
- projects with a MySMIS code no list row has: releases with no list row.

Rows are matched by code when the comparison runs, so projects loaded after a
list was imported are matched too. Names are compared folded (case,
diacritics, punctuation and spacing aside: "S.C. Alfa S.R.L." is "SC ALFA SRL"),
CUIs without their "RO" prefix, counties without "Județul".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.orm import aliased

from ..models import FundingSource, ListFile, ListRow, Programme, Project
from ..numbers import from_minor_units
from ..reference import EU_FUND_CODES
from ..text import fold, title_key

# The fields compared, in report order, with how a person calls them.
COMPARED: dict[str, str] = {
    "total_value": "total value",
    "eligible_value": "eligible value",
    "eu_value": "EU value",
    "start_date": "start date",
    "end_date": "end date",
    "beneficiary": "beneficiary",
    "cui": "CUI",
    "county": "county",
}


@dataclass(frozen=True)
class Difference:
    """A field on which a project's release and its latest list row disagree."""

    project: str  # slug
    smis_code: str
    field: str  # a key of COMPARED
    release: Any  # Decimal, date or text, as the archive holds it
    listed: Any
    currency: str | None  # of the two amounts, for money fields
    list_file: str
    row_number: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project, "smis_code": self.smis_code, "field": self.field,
            "release": self.release, "list": self.listed, "currency": self.currency,
            "list_file": self.list_file, "row": self.row_number,
        }  # fmt: skip

    def describe(self) -> str:
        unit = f" {self.currency}" if self.currency and isinstance(self.release, Decimal) else ""
        return (
            f"{COMPARED[self.field]}: release {_shown(self.release)}{unit}, "
            f"list {_shown(self.listed)}{unit} ({self.list_file} row {self.row_number})"
        )


@dataclass(frozen=True)
class Unreleased:
    """Latest list rows whose code no project in the archive has, for one programme and county."""

    programme: str | None
    county: str | None
    rows: int


@dataclass(frozen=True)
class Unlisted:
    """A project with a MySMIS code that no list row has."""

    project: str
    mysmis_code: str
    programme: str


@dataclass(frozen=True)
class Dropped:
    """An SMIS code an earlier list of a programme had and its latest list has not:
    a contract ended early, cancelled, or recoded, which only the authority can say."""

    programme: str
    smis_code: str
    project: str | None  # the slug of the project with that MySMIS code, if any
    last_listed: str  # the latest snapshot's file that still lists the code
    last_listed_as_of: dt.date | None
    latest: str  # the programme's latest snapshot (its files, if several share its date), which does not
    latest_as_of: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme, "smis_code": self.smis_code, "project": self.project,
            "last_listed": self.last_listed, "last_listed_as_of": self.last_listed_as_of,
            "latest": self.latest, "latest_as_of": self.latest_as_of,
        }  # fmt: skip

    def describe(self) -> str:
        def dated(name: str, as_of: dt.date | None) -> str:
            return f"{name} (as of {as_of.isoformat()})" if as_of else name

        release = f", release {self.project}" if self.project else ""
        listed = dated(self.last_listed, self.last_listed_as_of)
        latest = dated(self.latest, self.latest_as_of)
        return f"{self.programme} SMIS {self.smis_code}{release}: in {listed}, not in {latest}"


@dataclass
class Comparison:
    list_files: int = 0
    list_codes: int = 0  # distinct SMIS codes across every snapshot
    linked: int = 0  # projects with a list row
    differences: list[Difference] = field(default_factory=list)
    unreleased: list[Unreleased] = field(default_factory=list)
    unlisted: list[Unlisted] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def unreleased_rows(self) -> int:
        return sum(u.rows for u in self.unreleased)

    def summary(self) -> str:
        projects = len({d.project for d in self.differences})
        files = f"{self.list_files} list file{'' if self.list_files == 1 else 's'}"
        return (
            f"{files}, {self.list_codes} SMIS codes: {self.linked} with a release, "
            f"{projects} of them differing ({len(self.differences)} differences); "
            f"{self.unreleased_rows} with no release; {len(self.unlisted)} releases with no list row; "
            f"{len(self.dropped)} dropped from their programme's latest list"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "list_files": self.list_files,
            "list_codes": self.list_codes,
            "linked": self.linked,
            "differences": [d.as_dict() for d in self.differences],
            "unreleased": [
                {"programme": u.programme, "county": u.county, "rows": u.rows} for u in self.unreleased
            ],
            "unreleased_rows": self.unreleased_rows,
            "unlisted": [
                {"project": u.project, "mysmis_code": u.mysmis_code, "programme": u.programme}
                for u in self.unlisted
            ],
            "dropped": [d.as_dict() for d in self.dropped],
        }

    def lines(self) -> list[str]:
        """The comparison for people, one finding a line."""
        lines = [self.summary()]
        if self.differences:
            lines.append("releases that differ from their list row:")
            lines += [f"  {d.project} (SMIS {d.smis_code}): {d.describe()}" for d in self.differences]
        if self.unreleased:
            lines.append("list rows with no release in the archive, per programme and county:")
            lines += [
                f"  {u.programme or '(no programme)'} · {u.county or '(no county)'}: {u.rows}"
                for u in self.unreleased
            ]
        if self.unlisted:
            lines.append("releases with no list row:")
            lines += [f"  {u.project} (MySMIS {u.mysmis_code}, {u.programme})" for u in self.unlisted]
        if self.dropped:
            lines.append("SMIS codes an earlier list of a programme had and its latest has not:")
            lines += [f"  {d.describe()}" for d in self.dropped]
        return lines


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Which of two snapshots is the later: the later date it is as of (an undated
# one after every dated one), then the later import.
_NEWEST_FIRST = (ListFile.as_of.desc().nulls_last(), ListFile.imported_at.desc(), ListFile.id.desc())


def latest_list_rows() -> Any:
    """The latest list row of every SMIS code, with its file's name and programme
    (a subquery; ``rank`` is 1 for the latest)."""
    order = (*_NEWEST_FIRST, ListRow.row_number)
    ranked = (
        select(
            ListRow,
            ListFile.file_name,
            ListFile.programme.label("file_programme"),
            func.row_number().over(partition_by=ListRow.smis_code, order_by=order).label("rank"),
        )
        .join(ListFile, ListFile.id == ListRow.list_file_id)
        .where(ListRow.smis_code.is_not(None))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


def compare_lists(connection: Connection) -> Comparison:
    """Hold every project with a MySMIS code against the latest list row of that code."""
    comparison = Comparison()
    comparison.list_files = connection.execute(select(func.count()).select_from(ListFile)).scalar_one()
    if not comparison.list_files:
        return comparison
    latest = latest_list_rows()
    comparison.list_codes = connection.execute(select(func.count()).select_from(latest)).scalar_one()
    comparison.differences, comparison.linked = _differences(connection, latest)
    comparison.unreleased = _unreleased(connection, latest)
    comparison.unlisted = _unlisted(connection)
    comparison.dropped = _dropped(connection)
    return comparison


def _eu_amounts() -> Any:
    """Per project, the sum of its EU funds' amounts, or null when one of them states none."""
    is_eu = FundingSource.source.in_(EU_FUND_CODES)
    return (
        select(
            FundingSource.project_id,
            func.sum(FundingSource.amount_minor).label("eu_minor"),
            func.count().label("eu_sources"),
            func.count(FundingSource.amount_minor).label("eu_amounts"),
        )
        .where(is_eu)
        .group_by(FundingSource.project_id)
        .subquery()
    )


def _differences(connection: Connection, latest: Any) -> tuple[list[Difference], int]:
    eu = _eu_amounts()
    eu_minor = case((eu.c.eu_sources == eu.c.eu_amounts, eu.c.eu_minor), else_=None)
    rows = connection.execute(
        select(
            Project.slug, Project.currency, Project.total_value_minor, Project.eligible_value_minor,
            eu_minor.label("eu_minor"), Project.start_date, Project.end_date, Project.beneficiary_name,
            Project.beneficiary_cui, Project.county_name,
            *(column.label(f"list_{column.name}") for column in latest.c),
        )
        .join(latest, latest.c.smis_code == Project.mysmis_code)
        .outerjoin(eu, eu.c.project_id == Project.id)
        .order_by(Project.slug)
    )  # fmt: skip
    differences: list[Difference] = []
    linked = 0
    for row in rows:
        linked += 1
        differences += _row_differences(row)
    return differences, linked


def _row_differences(row: Any) -> list[Difference]:
    found: list[Difference] = []

    def differ(name: str, release: Any, listed: Any, currency: str | None = None) -> None:
        where = (row.list_file_name, row.list_row_number)
        found.append(Difference(row.slug, row.list_smis_code, name, release, listed, currency, *where))

    # Amounts compare only in one currency; a list that names none is taken at its word.
    same_currency = row.list_currency is None or row.currency is None or row.list_currency == row.currency
    if same_currency:
        currency = row.currency or row.list_currency
        for name, release, listed in (
            ("total_value", row.total_value_minor, row.list_total_value_minor),
            ("eligible_value", row.eligible_value_minor, row.list_eligible_value_minor),
            ("eu_value", row.eu_minor, row.list_eu_value_minor),
        ):
            if release is not None and listed is not None and release != listed:
                differ(name, from_minor_units(release), from_minor_units(listed), currency)
    for name, release, listed in (
        ("start_date", row.start_date, row.list_start_date),
        ("end_date", row.end_date, row.list_end_date),
    ):
        if release is not None and listed is not None and release != listed:
            differ(name, release, listed)
    for name, release, listed, key in (
        ("beneficiary", row.beneficiary_name, row.list_beneficiary, name_key),
        ("cui", row.beneficiary_cui, row.list_cui, cui_key),
        ("county", row.county_name, row.list_county, county_key),
    ):
        if release and listed and key(release) != key(listed):
            differ(name, release, listed)
    return found


def name_key(name: str) -> str:
    """A name with case, diacritics, punctuation and spacing folded away."""
    return title_key(name).replace(" ", "")


def cui_key(cui: str) -> str:
    """A fiscal code's digits: "RO 1234567" and "1234567" are one code."""
    bare = "".join(cui.split()).upper()
    return bare.removeprefix("RO")


_COUNTY_WORDS = ("judetul ", "judet ", "jud. ", "jud ")


def county_key(county: str) -> str:
    folded = " ".join(fold(county).split())
    for word in _COUNTY_WORDS:
        folded = folded.removeprefix(word)
    return folded.replace("-", " ")


def _unreleased(connection: Connection, latest: Any) -> list[Unreleased]:
    has_project = select(Project.id).where(Project.mysmis_code == latest.c.smis_code).exists()
    programme = func.coalesce(latest.c.file_programme, latest.c.programme)
    counts: Counter[tuple[str | None, str | None]] = Counter()
    spelling: dict[tuple[str | None, str | None], tuple[str | None, str | None]] = {}
    rows = connection.execute(
        select(programme.label("programme"), latest.c.county, func.count().label("rows"))
        .where(~has_project)
        .group_by(programme, latest.c.county)
    )
    # "CLUJ", "Cluj" and "Județul Cluj" are one county: counted together,
    # shown as first spelled.
    for row in rows:
        key = (row.programme, county_key(row.county) if row.county else None)
        spelling.setdefault(key, (row.programme, row.county))
        counts[key] += row.rows
    found = [Unreleased(*spelling[key], rows) for key, rows in counts.items()]
    return sorted(found, key=lambda u: (-u.rows, u.programme or "", u.county or ""))


def _unlisted(connection: Connection) -> list[Unlisted]:
    listed = select(ListRow.id).where(ListRow.smis_code == Project.mysmis_code).exists()
    rows = connection.execute(
        select(Project.slug, Project.mysmis_code, Programme.code)
        .join(Programme, Programme.id == Project.programme_id)
        .where(and_(Project.mysmis_code.is_not(None), ~listed))
        .order_by(Project.slug)
    )
    return [Unlisted(row.slug, row.mysmis_code, row.code) for row in rows]


def _dropped(connection: Connection) -> list[Dropped]:
    """Per programme named at import, the codes of its earlier snapshots that its
    latest list (every snapshot of the newest as-of date) lacks. Snapshots
    imported without ``--programme`` are left out: two unrelated lists would
    otherwise read as one list losing rows."""
    snapshots = connection.execute(
        select(ListFile.id, ListFile.programme, ListFile.file_name, ListFile.as_of)
        .where(ListFile.programme.is_not(None))
        .order_by(ListFile.programme, *_NEWEST_FIRST)
    ).all()
    by_programme: dict[str, list[Any]] = {}
    for snapshot in snapshots:
        by_programme.setdefault(snapshot.programme, []).append(snapshot)
    dropped: list[Dropped] = []
    earlier_row, latest_row = aliased(ListRow), aliased(ListRow)
    for programme, ordered in by_programme.items():
        # A programme's latest list may come as several files or sheets of one
        # date (a sheet per region): all of them are the latest list.
        newest = ordered[0]
        latest = [s for s in ordered if newest.as_of is not None and s.as_of == newest.as_of] or [newest]
        earlier = ordered[len(latest) :]
        if not earlier:
            continue
        in_latest = (
            select(latest_row.id)
            .where(
                latest_row.list_file_id.in_([snapshot.id for snapshot in latest]),
                latest_row.smis_code == earlier_row.smis_code,
            )
            .exists()
        )
        rows = connection.execute(
            select(earlier_row.list_file_id, earlier_row.smis_code, Project.slug)
            .outerjoin(Project, Project.mysmis_code == earlier_row.smis_code)
            .where(
                earlier_row.list_file_id.in_([snapshot.id for snapshot in earlier]),
                earlier_row.smis_code.is_not(None),
                ~in_latest,
            )
        )
        # One finding a code, naming the most recent earlier snapshot that lists it.
        rank = {snapshot.id: i for i, snapshot in enumerate(earlier)}
        found: dict[str, tuple[int, str | None]] = {}
        for row in rows:
            kept = found.get(row.smis_code)
            if kept is None or rank[row.list_file_id] < rank[kept[0]]:
                found[row.smis_code] = (row.list_file_id, row.slug)
        latest_names = ", ".join(snapshot.file_name for snapshot in latest)
        for code, (file_id, slug) in sorted(found.items()):
            last = earlier[rank[file_id]]
            dropped.append(
                Dropped(programme, code, slug, last.file_name, last.as_of, latest_names, newest.as_of)
            )
    return dropped
