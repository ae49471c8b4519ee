"""The archive's schema as SQLAlchemy 2.x typed models: the present state of the
tables that the Alembic migrations in ``migrations/`` build step by step.

Money columns end in ``_minor`` (integer minor units of the project currency);
shares end in ``_bp`` (hundredths of a percent). Every text that came from a
release is stored as written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .numbers import indicator_number
from .reference import (
    CURRENCY_CODES,
    DOCUMENT_KINDS,
    EU_FUND_CODES,
    FUNDING_SOURCE_CODES,
    INDICATOR_KINDS,
    OBJECTIVE_KINDS,
    ORGANISATION_KINDS,
    PLACE_STATUSES,
    PROGRAMME_CODES,
    PROJECT_STATUSES,
    RESULT_LEVELS,
    sql_in_list,
)

# Stable constraint names, identical on SQLite and PostgreSQL, so migrations can
# name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class IndicatorValue(TypeDecorator[Decimal]):
    """A count or measure such as 20 or 60.5, read back as a Decimal.

    SQLite has no decimal type and SQLAlchemy warns when asked for Decimals from
    it; indicator values are small quantities whose shortest float form is the
    decimal that was written, so they travel as floats and become Decimals here.
    """

    impl = Numeric(18, 4, asdecimal=False)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | None:
        return value

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        return indicator_number(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Programme(Base):
    """An operational programme (POCA, POCU, …), shared by every project citing it."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint(sql_in_list("code", PROGRAMME_CODES), name="code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str | None] = mapped_column(Text)

    priority_axes: Mapped[list[PriorityAxis]] = relationship(back_populates="programme")


class PriorityAxis(Base):
    __tablename__ = "priority_axes"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[Programme] = relationship(back_populates="priority_axes")
    specific_objectives: Mapped[list[SpecificObjective]] = relationship(back_populates="priority_axis")


class SpecificObjective(Base):
    """A specific objective of a programme ("2.1"), identified by programme and code;
    its axis is recorded when a source names it."""

    __tablename__ = "specific_objectives"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    priority_axis_id: Mapped[int | None] = mapped_column(ForeignKey("priority_axes.id"))
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)

    priority_axis: Mapped[PriorityAxis | None] = relationship(back_populates="specific_objectives")


class Organisation(Base):
    """A beneficiary, partner or contact's organisation; one row per name.

    ``name_key`` folds case, whitespace and the cedilla/comma variants of ş and ţ,
    so "Consiliul Judeţean Cluj" and "CONSILIUL JUDEȚEAN CLUJ" are one organisation;
    ``name`` keeps the first spelling seen.
    """

    __tablename__ = "organisations"

    __table_args__ = (CheckConstraint(sql_in_list("kind", ORGANISATION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text, unique=True)
    # The fiscal code most of its projects' releases give it (each project keeps
    # its own in projects.beneficiary_cui), and its kind read off its name.
    cui: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(sql_in_list("status", PROJECT_STATUSES), name="status"),
        CheckConstraint(sql_in_list("currency", CURRENCY_CODES), name="currency"),
        CheckConstraint("total_value_minor >= 0", name="total_value_non_negative"),
        CheckConstraint("eligible_value_minor >= 0", name="eligible_value_non_negative"),
        CheckConstraint("duration_months >= 0", name="duration_non_negative"),
        CheckConstraint("target_group_size >= 0", name="target_group_size_non_negative"),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint(sql_in_list("place_status", PLACE_STATUSES), name="place_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    acronym: Mapped[str | None] = mapped_column(Text)
    sipoca_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    mysmis_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    acting_through_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    priority_axis_id: Mapped[int | None] = mapped_column(ForeignKey("priority_axes.id"))
    specific_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("specific_objectives.id"), index=True
    )
    # The wording this project's source used; the shared reference rows keep one
    # wording each, so a variant is kept here rather than lost.
    # The release's own wording of its organisations; the shared rows they
    # link to are keyed by a folded name and hold one wording for all.
    beneficiary_name: Mapped[str | None] = mapped_column(Text)
    acting_through_name: Mapped[str | None] = mapped_column(Text)
    programme_name: Mapped[str | None] = mapped_column(Text)
    priority_axis_title: Mapped[str | None] = mapped_column(Text)
    specific_objective_title: Mapped[str | None] = mapped_column(Text)
    # Null when the release states no money: a currency nobody wrote is not a fact.
    currency: Mapped[str | None] = mapped_column(String(3))
    total_value_minor: Mapped[int | None] = mapped_column(BigInteger)
    eligible_value_minor: Mapped[int | None] = mapped_column(BigInteger)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    target_group_size: Mapped[int | None] = mapped_column(Integer)
    target_group_description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    beneficiary_cui: Mapped[str | None] = mapped_column(String(16))
    # The project's place, coded from its beneficiary or stated location
    # (``eufunds.coding.places``); ``place_note`` names the counties an
    # ambiguous name could be in.
    locality_siruta: Mapped[int | None] = mapped_column(Integer)
    locality_name: Mapped[str | None] = mapped_column(Text)
    county_siruta: Mapped[int | None] = mapped_column(Integer)
    county_name: Mapped[str | None] = mapped_column(Text)
    nuts3: Mapped[str | None] = mapped_column(String(8))
    nuts2: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(Text)
    place_status: Mapped[str | None] = mapped_column(String(16))
    place_note: Mapped[str | None] = mapped_column(Text)
    # The date of its latest dated source: what the project's facts are as of.
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    seed_file: Mapped[str | None] = mapped_column(Text)
    # Hash of the validated record and its source texts: an unchanged seed is
    # recognised without comparing every child row.
    record_sha256: Mapped[str] = mapped_column(String(64))

    beneficiary: Mapped[Organisation] = relationship(foreign_keys=[beneficiary_id])
    acting_through: Mapped[Organisation | None] = relationship(foreign_keys=[acting_through_id])
    programme: Mapped[Programme] = relationship()
    priority_axis: Mapped[PriorityAxis | None] = relationship()
    specific_objective: Mapped[SpecificObjective | None] = relationship()
    funds: Mapped[list[ProjectFund]] = relationship(back_populates="project", order_by="ProjectFund.ordinal")
    funding_sources: Mapped[list[FundingSource]] = relationship(
        back_populates="project", order_by="FundingSource.ordinal"
    )
    objectives: Mapped[list[Objective]] = relationship(back_populates="project", order_by="Objective.ordinal")
    results: Mapped[list[Result]] = relationship(back_populates="project", order_by="Result.ordinal")
    partners: Mapped[list[Partner]] = relationship(back_populates="project", order_by="Partner.ordinal")
    contacts: Mapped[list[Contact]] = relationship(back_populates="project", order_by="Contact.ordinal")
    documents: Mapped[list[Document]] = relationship(back_populates="project", order_by="Document.ordinal")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="project")


class ProjectFund(Base):
    """An EU fund a project is financed from, as the release names it."""

    __tablename__ = "project_funds"
    __table_args__ = (
        UniqueConstraint("project_id", "fund"),
        CheckConstraint(sql_in_list("fund", EU_FUND_CODES), name="fund"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    fund: Mapped[str] = mapped_column(String(16))

    project: Mapped[Project] = relationship(back_populates="funds")


class FundingSource(Base):
    """One source of a project's money; amount and share may each be unknown."""

    __tablename__ = "funding_sources"
    __table_args__ = (
        UniqueConstraint("project_id", "ordinal"),
        CheckConstraint(sql_in_list("source", FUNDING_SOURCE_CODES), name="source"),
        CheckConstraint("amount_minor >= 0", name="amount_non_negative"),
        CheckConstraint("share_bp BETWEEN 0 AND 10000", name="share_0_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    share_bp: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    contributor: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="funding_sources")


class Objective(Base):
    __tablename__ = "objectives"
    __table_args__ = (
        UniqueConstraint("project_id", "ordinal"),
        CheckConstraint(sql_in_list("kind", OBJECTIVE_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    achieved: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="objectives")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="objective", order_by="Indicator.ordinal"
    )


class Result(Base):
    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("project_id", "ordinal"),
        CheckConstraint(sql_in_list("level", RESULT_LEVELS), name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    # The programme-level result (of the same project) this project result serves.
    serves_result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="SET NULL"))

    project: Mapped[Project] = relationship(back_populates="results")
    serves: Mapped[Result | None] = relationship(remote_side=[id])
    indicators: Mapped[list[Indicator]] = relationship(back_populates="result", order_by="Indicator.ordinal")


class Indicator(Base):
    """A quantity a release names ("20 angajati", "6 cursuri specializate"),
    attached to exactly one objective or one result."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint("(objective_id IS NULL) <> (result_id IS NULL)", name="one_owner"),
        CheckConstraint("value >= 0", name="value_non_negative"),
        CheckConstraint(sql_in_list("kind", INDICATOR_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(IndicatorValue())
    unit: Mapped[str] = mapped_column(Text)
    what: Mapped[str | None] = mapped_column(Text)
    # Promised ("vor fi formate") or delivered ("au fost formate"); null when
    # the release's wording says neither.
    kind: Mapped[str | None] = mapped_column(String(16))

    objective: Mapped[Objective | None] = relationship(back_populates="indicators")
    result: Mapped[Result | None] = relationship(back_populates="indicators")
    topics: Mapped[list[IndicatorTopic]] = relationship(order_by="IndicatorTopic.ordinal")


class IndicatorTopic(Base):
    """An item a release lists for an indicator (one of the six course topics)."""

    __tablename__ = "indicator_topics"
    __table_args__ = (UniqueConstraint("indicator_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(Text)


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("project_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)  # as this project's release writes it

    project: Mapped[Project] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()


class Contact(Base):
    """A person a release names for contact, with the details it gives."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("project_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    fax: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    organisation_name: Mapped[str | None] = mapped_column(Text)  # as this release writes it

    project: Mapped[Project] = relationship(back_populates="contacts")
    organisation: Mapped[Organisation | None] = relationship()


class Document(Base):
    """A source press release, kept whole and unchanged."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(sql_in_list("kind", DOCUMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    published: Mapped[dt.date | None] = mapped_column(Date)
    publisher: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)

    project: Mapped[Project | None] = relationship(back_populates="documents")


class Evidence(Base):
    """Where in a source a fact of the record was read: the quote and its span."""

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("project_id", "field", "ordinal"),
        CheckConstraint("char_end >= char_start", name="span_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(Text)
    ordinal: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)

    project: Mapped[Project] = relationship(back_populates="evidence")


class SourceFile(Base):
    """A release as it was received (a file or a URL), before its text was read.

    ``document_sha256`` is the SHA-256 of the text file the seed names, which is
    ``documents.sha256``: a plain column rather than a foreign key, so a reload
    that replaces a project's documents keeps the link. The bytes themselves
    are in ``source_contents`` (kept out of the exports; see eufunds.intake.store).
    """

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    charset: Mapped[str | None] = mapped_column(String(40))
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    ocr_pages: Mapped[int] = mapped_column(Integer, default=0)


class SourcePage(Base):
    """Where page ``page`` of a PDF source lies in the text read from it."""

    __tablename__ = "source_pages"
    __table_args__ = (CheckConstraint("char_end >= char_start", name="span_order"),)

    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_files.id", ondelete="CASCADE"), primary_key=True
    )
    page: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)


class Load(Base):
    """A load that finished: when (UTC) and what it did. The latest one dates the archive."""

    __tablename__ = "loads"

    id: Mapped[int] = mapped_column(primary_key=True)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)


class Restatement(Base):
    """A figure a further release of the project states otherwise than its record."""

    __tablename__ = "restatements"
    __table_args__ = (UniqueConstraint("project_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)


class ListFile(Base):
    """An official list of contracted projects as imported: one snapshot per file.

    A managing authority publishes a new list every quarter or so; each file is
    kept as its own snapshot (``sha256`` and ``sheet`` recognise one imported before), so a
    project's contract can be followed from one list to the next.
    """

    __tablename__ = "list_files"
    # A workbook may hold a list a sheet: a snapshot is its file and its sheet.
    __table_args__ = (
        Index("uq_list_files_sha256_sheet", "sha256", text("coalesce(sheet, '')"), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # What the importer was told (``--programme``, ``--as-of``); the file rarely
    # says either in a cell a program could trust.
    programme: Mapped[str | None] = mapped_column(String(16))
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sheet: Mapped[str | None] = mapped_column(Text)  # None for CSV
    header_row: Mapped[int] = mapped_column(Integer)
    # The header cells as read (JSON array), so each row's raw cells can be read
    # against the headings the authority gave them.
    header_cells: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)

    rows: Mapped[list[ListRow]] = relationship(back_populates="list_file", order_by="ListRow.row_number")


class ListRow(Base):
    """One row of an official list: its cells as written and its fields read.

    ``cells`` is the JSON array of the row's cells exactly as the file gave them;
    the other columns are those cells read through the header table of
    ``eufunds.lists.headers``. ``project_id`` links the row to the project whose
    MySMIS code is its SMIS code (set by every ``eufunds lists import``).
    """

    __tablename__ = "list_rows"
    __table_args__ = (
        UniqueConstraint("list_file_id", "row_number"),
        CheckConstraint(sql_in_list("currency", CURRENCY_CODES), name="currency"),
        CheckConstraint("cofinancing_rate_bp BETWEEN 0 AND 10000", name="cofinancing_rate_0_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_file_id: Mapped[int] = mapped_column(ForeignKey("list_files.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)  # the spreadsheet's own row (CSV: record) number
    cells: Mapped[str] = mapped_column(Text)
    smis_code: Mapped[str | None] = mapped_column(String(32), index=True)
    beneficiary: Mapped[str | None] = mapped_column(Text)
    cui: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    total_value_minor: Mapped[int | None] = mapped_column(BigInteger)
    eligible_value_minor: Mapped[int | None] = mapped_column(BigInteger)
    eu_value_minor: Mapped[int | None] = mapped_column(BigInteger)
    # A single share ("85 %", 0.85) in basis points; a rate written any other
    # way ("85% FEDR + 13% BN") is kept as its text instead.
    cofinancing_rate_bp: Mapped[int | None] = mapped_column(Integer)
    cofinancing_rate_text: Mapped[str | None] = mapped_column(Text)
    fund: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(Text)
    priority_axis: Mapped[str | None] = mapped_column(Text)
    specific_objective: Mapped[str | None] = mapped_column(Text)
    intervention: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    county: Mapped[str | None] = mapped_column(Text)
    locality: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(3))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)

    list_file: Mapped[ListFile] = relationship(back_populates="rows")
    project: Mapped[Project | None] = relationship()
