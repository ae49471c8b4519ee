"""Plain-text views of the archive for people: a project's fiche (``show``), its
one-line summary (``list``) and the archive's statistics (``stats``).

Text only, no colour or terminal control, so the output reads the same in a
terminal, a pipe or a file. Amounts are written as the archive holds them
(``624995.52 RON``): exact, with a dot, never rounded for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..record import ArchiveRecord, IndicatorEntry
from ..seed.consistency import months_between

if TYPE_CHECKING:
    # Named for the type checker only: stats brings SQLAlchemy and the models,
    # which show and list do without.
    from .records import CodedFacts
    from .stats import ArchiveStats, Group, Money

_NONE = "-"


def _amount(value: Decimal | None, currency: str | None) -> str:
    return _NONE if value is None else f"{value:.2f} {currency or ''}".rstrip()


def _percent(value: Decimal | None) -> str:
    return _NONE if value is None else f"{value} %"


def _join(*parts: str | None, sep: str = " — ") -> str:
    return sep.join(p for p in parts if p)


def render_fiche(record: ArchiveRecord, coded: CodedFacts | None = None) -> str:
    """A readable fiche of one project record, with what the archive coded
    from it (place, the beneficiary's kind, the date its facts are as of)."""
    r = record
    lines: list[str] = []
    add = lines.append
    add(r["title"] + (f" ({r['acronym']})" if r["acronym"] else ""))
    add("=" * min(len(lines[0]), 100))
    rows = [
        ("slug", r["slug"]),
        ("status", r["status"]),
        ("SIPOCA code", r["codes"]["sipoca"] or _NONE),
        ("MySMIS code", r["codes"]["mysmis"] or _NONE),
        (
            "beneficiary",
            r["beneficiary"]["name"]
            + (
                f", acting through {r['beneficiary']['acting_through']}"
                if r["beneficiary"]["acting_through"]
                else ""
            ),
        ),
    ]
    for partner in r["partners"]:
        rows.append(("partner", partner["name"] + (f" ({partner['role']})" if partner["role"] else "")))
    rows.append(("programme", _join(r["programme"]["code"], r["programme"]["name"])))
    if r["priority_axis"]:
        rows.append(("→ priority axis", _join(r["priority_axis"]["number"], r["priority_axis"]["title"])))
    if r["specific_objective"]:
        rows.append(
            ("→ specific objective", _join(r["specific_objective"]["code"], r["specific_objective"]["title"]))
        )
    rows.append(("EU funds", ", ".join(r["funds"]) or _NONE))
    if r["beneficiary"].get("cui"):
        rows.insert(5, ("beneficiary CUI", r["beneficiary"]["cui"] or _NONE))
    rows.append(("location", r["location"] or _NONE))
    if coded is not None:
        rows += coded.rows()
    for restated in r.get("restated") or []:
        rows.append(("restated", f"{restated['field']} = {restated['value']} (in {restated['source']})"))
    lines += _aligned(rows)

    currency = r["currency"]
    add("")
    add("Values")
    lines += _aligned(
        [
            ("total value", _amount(r["total_value"], currency)),
            ("eligible value", _amount(r["eligible_value"], currency)),
        ],
        indent=2,
    )
    if r["funding"]:
        add("")
        add("Funding")
        eligible = r["eligible_value"]
        table = [("source", "amount", "share", "of eligible", "as the release puts it")]
        for f in r["funding"]:
            computed = (
                f"{f['amount'] * 100 / eligible:.2f} %" if f["amount"] is not None and eligible else _NONE
            )
            words = _join(
                f["description"], f"paid by {f['contributor']}" if f["contributor"] else None, sep="; "
            )
            table.append(
                (f["source"], _amount(f["amount"], currency), _percent(f["share_pct"]), computed, words)
            )
        amounts = [f["amount"] for f in r["funding"] if f["amount"] is not None]
        shares = [f["share_pct"] for f in r["funding"] if f["share_pct"] is not None]
        if len(r["funding"]) > 1:
            total = sum(amounts, Decimal(0)) if len(amounts) == len(r["funding"]) else None
            share = sum(shares, Decimal(0)) if len(shares) == len(r["funding"]) else None
            table.append(("total", _amount(total, currency), _percent(share), "", ""))
        lines += _columns(table, indent=2, right={1, 2, 3})

    add("")
    add("Dates")
    start, end, duration = r["start_date"], r["end_date"], r["duration_months"]
    period = f"{start or '?'} → {end or '?'}" if start or end else "not stated"
    by_dates = ""
    if start and end:
        low, high = months_between(start, end)
        by_dates = f"{low} months" if low == high else f"{low}–{high} months"
    lines += _aligned(
        [
            ("period", period),
            ("duration", f"{duration} months (stated)" if duration is not None else "not stated"),
            *([("by the dates", by_dates)] if by_dates else []),
        ],
        indent=2,
    )

    target = r["target_group"]
    if target["size"] is not None or target["description"]:
        add("")
        add("Target group")
        add(
            "  "
            + _join(
                f"{target['size']} persons" if target["size"] is not None else None,
                target["description"],
                sep=": ",
            )
        )

    if r["objectives"]:
        add("")
        add("Objectives")
        for o in r["objectives"]:
            label = _join(o["code"], o["kind"], sep=" ")
            add(f"  [{label}] {o['text']}")
            if o["achieved"]:
                add(f"      achieved: {o['achieved']}")
            lines += _indicators(o["indicators"])

    if r["results"]:
        add("")
        add("Results")
        for res in r["results"]:
            label = _join(res["level"], res["code"], sep=" ")
            serves = f" (serves programme result {res['serves']})" if res["serves"] else ""
            add(f"  [{label}] {res['text']}{serves}")
            lines += _indicators(res["indicators"])

    if r["contacts"]:
        add("")
        add("Contacts")
        for c in r["contacts"]:
            details = _join(c["position"], c["organisation"], sep=", ")
            reach = _join(
                f"tel. {c['phone']}" if c["phone"] else None,
                f"fax {c['fax']}" if c["fax"] else None,
                c["email"],
                sep=", ",
            )
            add("  " + _join(c["name"], details, reach, sep=" — "))

    add("")
    add("Sources")
    if not r["sources"]:
        add("  none")
    for s in r["sources"]:
        where = _join(str(s["published"]) if s["published"] else "undated", s["publisher"], sep=", ")
        add(
            f"  [{s['kind']}] {where}: {s['title'] or '(untitled)'}"
            + (f" — {s['issuer']}" if s["issuer"] else "")
        )
        add(f"      file {s['file']}")
    quotes = sum(len(q) for q in r["evidence"].values())
    if quotes:
        fields = len(r["evidence"])
        add(
            f"  {quotes} quote{'s' if quotes != 1 else ''} back {fields} fields "
            "(export json or yaml to see them)"
        )
    if r["notes"]:
        add("")
        add("Notes")
        add("  " + r["notes"])
    return "\n".join(lines)


def _indicators(indicators: list[IndicatorEntry]) -> list[str]:
    lines = []
    for ind in indicators:
        text = _join(f"{ind['value']} {ind['unit']}", ind["what"], sep=" ")
        if ind["topics"]:
            text += ": " + "; ".join(ind["topics"])
        if ind.get("kind"):
            text += f" ({ind['kind']})"
        lines.append(f"      • {text}")
    return lines


def _aligned(rows: list[tuple[str, str]], indent: int = 0) -> list[str]:
    width = max(len(label) for label, _ in rows)
    return [f"{' ' * indent}{label:<{width}}  {value}" for label, value in rows]


def _columns(rows: Sequence[tuple[str, ...]], indent: int = 0, right: set[int] | None = None) -> list[str]:
    right = right or set()
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        out.append((" " * indent + "  ".join(cells)).rstrip())
    return out


def render_project_line(line: dict[str, Any], slug_width: int) -> str:
    """One project on one line: slug, status, programme, total value, title."""
    value = _amount(line["total_value"], line["currency"])
    head = f"{line['slug']:<{slug_width}}  {line['status']:<9}  {line['programme']:<8}"
    return f"{head}  {value:>18}  {line['title']}"


def _money_cell(sums: list[Money], counted: int) -> str:
    parts = []
    for m in sums:
        shown = _amount(m.amount, m.currency) if m.stated else _NONE
        if m.stated != counted or not m.stated:
            shown += f" (stated for {m.stated} of {counted})"
        parts.append(shown)
    return "; ".join(parts) or _NONE


def render_stats(stats: ArchiveStats) -> str:
    """The statistics as three small tables."""
    lines = [
        f"{stats.projects} project{'s' if stats.projects != 1 else ''}, {stats.documents} source documents"
    ]

    def block(title: tuple[str, ...], groups: list[Group], cells: Any) -> None:
        lines.append("")
        if not groups:
            lines.append(f"{title[0]}: none")
            return
        lines.extend(_columns([title, *[cells(g) for g in groups]], right={1}))

    block(
        ("programme", "projects", "total value", "eligible value"),
        stats.by_programme,
        lambda g: (
            g.key,
            str(g.projects),
            _money_cell(g.money["total_value"], g.projects),
            _money_cell(g.money["eligible_value"], g.projects),
        ),
    )
    block(
        ("EU fund", "projects", "amount from the fund"),
        stats.by_fund,
        lambda g: (g.key, str(g.projects), _money_cell(g.money["amount"], g.rows or 0)),
    )
    block(
        ("funding source", "rows", "amount"),
        stats.by_funding_source,
        lambda g: (g.key, str(g.rows), _money_cell(g.money["amount"], g.rows or 0)),
    )
    for title, groups in (("county", stats.by_county), ("development region", stats.by_region)):
        block(
            (title, "projects", "total value", "from EU funds"),
            groups,
            lambda g: (
                g.key,
                str(g.projects),
                _money_cell(g.money["total_value"], g.projects),
                "; ".join(_amount(m.amount, m.currency) for m in g.money["eu_amount"] if m.stated) or _NONE,
            ),
        )
    return "\n".join(lines)
