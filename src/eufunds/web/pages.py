"""What the public pages show, read from the archive: the home page's list of
projects, a project's fiche beside its sources, and search hits.

Plain functions of a SQLAlchemy connection that return what a template needs;
nothing here knows about Datasette or HTTP, so the pages can be tested and
measured without a server. Words are Romanian, the readers' language; the
fiche follows ``eufunds show`` (``read.fiche.render_fiche``) section by section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Connection, func, select

from ..models import Document, Evidence, Programme, Project
from ..read.records import ProjectFilters, iter_records
from ..read.search import DEFAULT_LIMIT, count_matches, search
from ..record import ArchiveRecord, IndicatorEntry
from ..searchindex import SearchHit
from ..seed.consistency import months_between

PROJECTS_PER_PAGE = 50
SEARCH_LIMIT = DEFAULT_LIMIT  # as `eufunds search` shows
# A search longer than this is no person's question; refusing it keeps one
# request from asking the index for hundreds of terms.
SEARCH_MAX_CHARACTERS = 200
# Ranking by relevance (bm25) costs a few microseconds per matching text: 30 000
# matches take about 100 ms on the bench machine. A search matching more (a
# word nearly every release has, in a large archive) shows the newest matches
# instead, so that no search page costs more than a bounded time
# (bench/RESULTS.md, "The web face").
RANKED_AT_MOST = 30_000

STATUS = {"announced": "anunțat", "ongoing": "în derulare", "completed": "finalizat"}
DOCUMENT_KIND = {"start": "comunicat de început", "end": "comunicat de final", "other": "comunicat"}
OBJECTIVE_KIND = {"general": "general", "specific": "specific"}
RESULT_LEVEL = {"programme": "rezultat de program", "project": "rezultat de proiect"}
FUNDING_SOURCE = {
    "national_budget": "buget național",
    "local_budget": "buget local",
    "beneficiary": "beneficiar",
    "other": "altă sursă",
}
SEARCH_KIND = {"title": "titlu", "document": "comunicat", "objective": "obiectiv", "result": "rezultat"}
NOT_STATED = "nedeclarat"

# Private-use characters: they cannot occur in a search snippet, so after the
# snippet is escaped they are replaced by <mark> without any text being taken
# for markup.
_MARK = ("\ue000", "\ue001")


# --------------------------------------------------------------------------- formatting


def amount_text(value: Decimal | None, currency: str | None) -> str:
    """624995.52 → "624.995,52 RON": Romanian digit grouping, exact, never rounded."""
    if value is None:
        return NOT_STATED
    whole, _, cents = f"{value:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{'.'.join(groups)},{cents} {currency or ''}".rstrip()


def percent_text(value: Decimal | None) -> str:
    return NOT_STATED if value is None else f"{value} %".replace(".", ",")


def date_text(value: dt.date | None) -> str:
    return NOT_STATED if value is None else value.strftime("%d.%m.%Y")


def _join(*parts: str | None, sep: str = " — ") -> str:
    return sep.join(p for p in parts if p)


# --------------------------------------------------------------------------- the project page


@dataclass(frozen=True)
class Quote:
    """One evidence row: where in which document a fact was read."""

    id: int
    field: str
    document_id: int
    quote: str
    start: int
    end: int


@dataclass
class Fact:
    """A value of the fiche and the quotes it was read from (first is the link)."""

    label: str
    value: str
    quotes: list[Quote] = field(default_factory=list)

    @property
    def anchor(self) -> str | None:
        return f"dovada-{self.quotes[0].id}" if self.quotes else None


@dataclass
class Section:
    title: str
    facts: list[Fact] = field(default_factory=list)
    # A table instead of facts (funding): header cells, then rows of facts.
    header: list[str] = field(default_factory=list)
    rows: list[list[Fact]] = field(default_factory=list)


@dataclass
class SourceView:
    """A source release as shown: its description and its text with every quoted
    span marked (the chosen one, if any, marked apart)."""

    id: int
    anchor: str
    kind: str
    heading: str
    file: str
    text_html: Markup


@dataclass
class ProjectPage:
    slug: str
    title: str
    status: str
    record: ArchiveRecord
    sections: list[Section]
    sources: list[SourceView]
    chosen: Quote | None
    quotes: int


class _Quotes:
    """The project's evidence by field; each span linked at most once per fact."""

    def __init__(self, rows: Iterable[Quote]):
        self.by_field: dict[str, list[Quote]] = {}
        for row in rows:
            self.by_field.setdefault(row.field, []).append(row)

    def fact(self, label: str, value: str, *fields: str) -> Fact:
        quotes: list[Quote] = []
        spans: set[tuple[int, int, int]] = set()
        for name in fields:
            for quote in self.by_field.get(name, []):
                span = (quote.document_id, quote.start, quote.end)
                if span not in spans:
                    spans.add(span)
                    quotes.append(quote)
        return Fact(label, value, quotes)


def project_record(connection: Connection, slug: str) -> ArchiveRecord | None:
    """The record of ``slug`` as ``eufunds show --format json|yaml`` gives it, or None."""
    return next(iter_records(connection, ProjectFilters(project=slug)), None)


def project_page(connection: Connection, slug: str, chosen_id: int | None = None) -> ProjectPage | None:
    """The project page of ``slug``, or None when there is no such project.
    ``chosen_id`` is the evidence row the reader followed, marked apart in its source."""
    record = project_record(connection, slug)
    if record is None:
        return None
    project_id = connection.execute(select(Project.id).where(Project.slug == slug)).scalar_one()
    quote_rows = [
        Quote(r.id, r.field, r.document_id, r.quote, r.char_start, r.char_end)
        for r in connection.execute(
            select(
                Evidence.id, Evidence.field, Evidence.document_id, Evidence.quote,
                Evidence.char_start, Evidence.char_end,
            )
            .where(Evidence.project_id == project_id)
            .order_by(Evidence.field, Evidence.ordinal)
        )
    ]  # fmt: skip
    quotes = _Quotes(quote_rows)
    chosen = next((q for q in quote_rows if q.id == chosen_id), None)
    documents = connection.execute(
        select(
            Document.id, Document.kind, Document.published, Document.publisher, Document.issuer,
            Document.title, Document.file_name, Document.text, Document.ordinal,
        )
        .where(Document.project_id == project_id)
        .order_by(Document.ordinal)
    ).all()  # fmt: skip
    sources = [
        SourceView(
            id=d.id,
            anchor=f"sursa-{n}",
            kind=DOCUMENT_KIND.get(d.kind, d.kind),
            heading=_join(date_text(d.published) if d.published else "nedatat", d.publisher, sep=", "),
            file=d.file_name,
            text_html=marked_text(d.text, [q for q in quote_rows if q.document_id == d.id], chosen),
        )
        for n, d in enumerate(sorted(documents, key=_in_time), 1)
    ]
    title = record["title"] + (f" ({record['acronym']})" if record["acronym"] else "")
    return ProjectPage(
        slug=slug,
        title=title,
        status=STATUS.get(record["status"], record["status"]),
        record=record,
        sections=_sections(record, quotes),
        sources=sources,
        chosen=chosen,
        quotes=len(quote_rows),
    )


def _in_time(document: Any) -> tuple[dt.date, int]:
    """Releases in the order they were published (the start before the end, so
    that the two read left to right), undated ones last, then as the seed lists them."""
    return (document.published or dt.date.max, document.ordinal)


def _sections(r: ArchiveRecord, q: _Quotes) -> list[Section]:
    """The fiche of ``render_fiche``, section for section, each value with its quotes."""
    sections = []
    ident = Section("Proiectul")
    add = ident.facts.append
    add(q.fact("titlu", r["title"], "title"))
    if r["acronym"]:
        add(q.fact("acronim", r["acronym"], "acronym"))
    add(q.fact("stare", STATUS.get(r["status"], r["status"]), "status"))
    add(q.fact("cod SIPOCA", r["codes"]["sipoca"] or NOT_STATED, "codes.sipoca"))
    add(q.fact("cod MySMIS", r["codes"]["mysmis"] or NOT_STATED, "codes.mysmis"))
    beneficiary = r["beneficiary"]
    add(q.fact("beneficiar", beneficiary["name"], "beneficiary.name"))
    if beneficiary["acting_through"]:
        add(q.fact("prin", beneficiary["acting_through"], "beneficiary.acting_through"))
    for i, partner in enumerate(r["partners"]):
        value = partner["name"] + (f" ({partner['role']})" if partner["role"] else "")
        add(q.fact("partener", value, f"partners[{i}].name", f"partners[{i}].role"))
    programme = r["programme"]
    add(q.fact("program", _join(programme["code"], programme["name"]), "programme.code", "programme.name"))
    if r["priority_axis"]:
        axis = r["priority_axis"]
        add(q.fact("→ axă prioritară", _join(axis["number"], axis["title"]), "priority_axis.number",
                   "priority_axis.title"))  # fmt: skip
    if r["specific_objective"]:
        objective = r["specific_objective"]
        add(q.fact("→ obiectiv specific", _join(objective["code"], objective["title"]),
                   "specific_objective.code", "specific_objective.title"))  # fmt: skip
    add(q.fact("fonduri UE", ", ".join(r["funds"]) or NOT_STATED, "funds"))
    add(q.fact("loc", r["location"] or NOT_STATED, "location"))
    sections.append(ident)

    currency = r["currency"]
    sections.append(
        Section(
            "Valori",
            [
                q.fact("valoare totală", amount_text(r["total_value"], currency), "total_value"),
                q.fact("valoare eligibilă", amount_text(r["eligible_value"], currency), "eligible_value"),
            ],
        )
    )

    if r["funding"]:
        funding = Section(
            "Finanțare",
            header=[
                "sursa",
                "suma",
                "procent declarat",
                "din valoarea eligibilă",
                "cum o descrie comunicatul",
            ],
        )
        eligible = r["eligible_value"]
        for i, f in enumerate(r["funding"]):
            at = f"funding[{i}]"
            computed = (
                percent_text(round(f["amount"] * 100 / eligible, 2))
                if f["amount"] is not None and eligible
                else NOT_STATED
            )
            words = _join(
                f["description"], f"plătit de {f['contributor']}" if f["contributor"] else None, sep="; "
            )
            funding.rows.append(
                [
                    q.fact("sursa", FUNDING_SOURCE.get(f["source"], f["source"]), f"{at}.source"),
                    q.fact("suma", amount_text(f["amount"], currency), f"{at}.amount"),
                    q.fact("procent declarat", percent_text(f["share_pct"]), f"{at}.share_pct"),
                    Fact("din valoarea eligibilă", computed),
                    q.fact("descriere", words or "", f"{at}.description", f"{at}.contributor"),
                ]
            )
        amounts = [f["amount"] for f in r["funding"]]
        shares = [f["share_pct"] for f in r["funding"]]
        if len(r["funding"]) > 1:
            stated_amounts = [a for a in amounts if a is not None]
            stated_shares = [s for s in shares if s is not None]
            total = sum(stated_amounts, Decimal(0)) if len(stated_amounts) == len(amounts) else None
            share = sum(stated_shares, Decimal(0)) if len(stated_shares) == len(shares) else None
            funding.rows.append(
                [Fact("", "total"), Fact("", amount_text(total, currency)), Fact("", percent_text(share)),
                 Fact("", ""), Fact("", "")]
            )  # fmt: skip
        sections.append(funding)

    start, end, duration = r["start_date"], r["end_date"], r["duration_months"]
    dates = Section("Perioada")
    period = (
        f"{date_text(start) if start else '?'} → {date_text(end) if end else '?'}"
        if start or end
        else NOT_STATED
    )
    dates.facts.append(q.fact("perioada", period, "start_date", "end_date"))
    dates.facts.append(
        q.fact(
            "durata",
            f"{duration} luni (declarată)" if duration is not None else NOT_STATED,
            "duration_months",
        )
    )
    if start and end:
        low, high = months_between(start, end)
        dates.facts.append(Fact("după date", f"{low} luni" if low == high else f"{low}–{high} luni"))
    sections.append(dates)

    target = r["target_group"]
    if target["size"] is not None or target["description"]:
        size = f"{target['size']} persoane" if target["size"] is not None else None
        sections.append(
            Section(
                "Grupul țintă",
                [q.fact("grupul țintă", _join(size, target["description"], sep=": "),
                        "target_group.size", "target_group.description")],
            )
        )  # fmt: skip

    if r["objectives"]:
        objectives = Section("Obiective")
        for i, o in enumerate(r["objectives"]):
            label = _join(o["code"], OBJECTIVE_KIND.get(o["kind"], o["kind"]), sep=" ")
            objectives.facts.append(q.fact(label, o["text"], f"objectives[{i}].text"))
            if o["achieved"]:
                objectives.facts.append(q.fact("atins", o["achieved"], f"objectives[{i}].achieved"))
            objectives.facts.extend(_indicators(o["indicators"]))
        sections.append(objectives)

    if r["results"]:
        results = Section("Rezultate")
        for i, res in enumerate(r["results"]):
            label = _join(RESULT_LEVEL.get(res["level"], res["level"]), res["code"], sep=" ")
            serves = f" (servește rezultatul de program {res['serves']})" if res["serves"] else ""
            results.facts.append(q.fact(label, res["text"] + serves, f"results[{i}].text"))
            results.facts.extend(_indicators(res["indicators"]))
        sections.append(results)

    if r["contacts"]:
        contacts = Section("Contact")
        for i, c in enumerate(r["contacts"]):
            at = f"contacts[{i}]"
            details = _join(c["position"], c["organisation"], sep=", ")
            reach = _join(
                f"tel. {c['phone']}" if c["phone"] else None, f"fax {c['fax']}" if c["fax"] else None,
                c["email"], sep=", ",
            )  # fmt: skip
            parts = ("name", "position", "organisation", "phone", "fax", "email")
            fields = [f"{at}.{name}" for name in parts]
            contacts.facts.append(q.fact("persoană de contact", _join(c["name"], details, reach), *fields))
        sections.append(contacts)

    if r["notes"]:
        sections.append(Section("Note", [Fact("note", r["notes"])]))
    return sections


def _indicators(indicators: Sequence[IndicatorEntry]) -> list[Fact]:
    facts = []
    for ind in indicators:
        value = str(ind["value"]).replace(".", ",")
        text = _join(f"{value} {ind['unit']}", ind["what"], sep=" ")
        if ind["topics"]:
            text += ": " + "; ".join(ind["topics"])
        facts.append(Fact("• indicator", text))
    return facts


def marked_text(text: str, quotes: Sequence[Quote], chosen: Quote | None) -> Markup:
    """``text`` as HTML with each quoted span in <mark>; spans may overlap, so
    the text is cut at every span's ends and each piece marked once, naming the
    quotes that cover it. Each quote's first piece carries its anchor; the
    pieces of the ``chosen`` quote are marked apart (class ``aleasa``)."""
    cuts = {0, len(text)}
    for q in quotes:
        if 0 <= q.start <= q.end <= len(text):
            cuts.update((q.start, q.end))
    edges = sorted(cuts)
    starting: dict[int, list[Quote]] = {}
    for q in quotes:
        starting.setdefault(q.start, []).append(q)
    parts: list[str] = []
    for a, b in pairwise(edges):
        covering = [q for q in quotes if q.start <= a and b <= q.end and q.start < q.end]
        piece = str(escape(text[a:b]))
        if not covering:
            parts.append(piece)
            continue
        anchors = "".join(f'<span class="ancora" id="dovada-{q.id}"></span>' for q in starting.get(a, []))
        is_chosen = chosen is not None and any(q.id == chosen.id for q in covering)
        css = "citat aleasa" if is_chosen else "citat"
        fields = escape(", ".join(sorted({q.field for q in covering})))
        parts.append(f'<mark class="{css}" title="{fields}">{anchors}{piece}</mark>')
    return Markup("".join(parts))


# --------------------------------------------------------------------------- the home page


@dataclass
class HomePage:
    projects: int
    documents: int
    rows: list[dict[str, Any]]
    next_after: str | None


def home_page(connection: Connection, after: str | None = None) -> HomePage:
    """A page of projects in slug order, starting after ``after`` (keyset paging:
    any page costs the same however deep in the archive it is)."""
    query = (
        select(Project.slug, Project.title, Project.status, Programme.code.label("programme"),
               Project.currency, Project.total_value_minor, Project.start_date, Project.end_date)
        .join(Programme, Programme.id == Project.programme_id)
        .order_by(Project.slug)
        .limit(PROJECTS_PER_PAGE + 1)
    )  # fmt: skip
    if after:
        query = query.where(Project.slug > after)
    found = connection.execute(query).all()
    rows = [
        {
            "slug": row.slug,
            "title": row.title,
            "status": STATUS.get(row.status, row.status),
            "programme": row.programme,
            "value": (
                amount_text(Decimal(row.total_value_minor) / 100, row.currency)
                if row.total_value_minor is not None
                else ""
            ),
        }
        for row in found[:PROJECTS_PER_PAGE]
    ]
    projects = connection.execute(select(func.count()).select_from(Project)).scalar_one()
    documents = connection.execute(select(func.count()).select_from(Document)).scalar_one()
    more = len(found) > PROJECTS_PER_PAGE
    return HomePage(projects, documents, rows, rows[-1]["slug"] if more and rows else None)


# --------------------------------------------------------------------------- search


@dataclass
class Hit:
    slug: str | None
    title: str | None
    kind: str
    label: str | None
    snippet_html: Markup


@dataclass
class SearchResults:
    hits: list[Hit]
    # False when more texts matched than ``ranked_at_most``: then the newest come first.
    ranked: bool
    ranked_at_most: int


def search_hits(connection: Connection, text: str) -> SearchResults:
    """The archive's own search (``read.search``: case and diacritics folded)
    with each hit's project title, best first; newest first when the words
    match more texts than can be ranked in time."""
    engine = connection.engine
    ranked = count_matches(engine, text, at_most=RANKED_AT_MOST + 1) <= RANKED_AT_MOST
    hits: list[SearchHit] = search(engine, text, limit=SEARCH_LIMIT, mark=_MARK, ranked=ranked)
    slugs = {h.slug for h in hits if h.slug}
    titles: dict[str, str] = {
        slug: title
        for slug, title in connection.execute(
            select(Project.slug, Project.title).where(Project.slug.in_(slugs))
        )
    }
    return SearchResults(
        [
            Hit(
                slug=h.slug,
                title=titles.get(h.slug) if h.slug else None,
                kind=SEARCH_KIND.get(h.kind, h.kind),
                label=h.label,
                snippet_html=Markup(
                    str(escape(h.snippet)).replace(_MARK[0], "<mark>").replace(_MARK[1], "</mark>")
                ),
            )
            for h in hits
        ],
        ranked,
        RANKED_AT_MOST,
    )
