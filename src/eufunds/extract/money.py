"""Money phrases and what they are the money of: total and eligible value, and the funding split by source."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .document import Doc, end_of_line, sentence_end, sentence_start, starts_capital, trim, wordset
from .numbers import AMOUNT, AMOUNT_PREFIXED, amount_of, percent
from .programme import FUND, fund_code

_NATIONAL = re.compile(r"buget\w*\s+(?:de\s+stat|national|statului)|(?<![a-z])bs(?![a-z])")
_LOCAL = re.compile(
    r"buget\w*\s+(?:local|consiliului|judetului|municipiului"
    r"|orasului|comunei|propriu\s+al\s+(?:uat|jud|mun|oras|com))"
)
_OWN = re.compile(
    r"contributi\w*\s+(?:proprie|beneficiar|eligibila\s+a\s+beneficiar)|cofinantar\w*|co-finantar\w*"
    r"|beneficiar\w*|surse\s+proprii|fonduri\s+proprii|contributie\s+(?:eligibila|neeligibila)"
)


# Money that is neither an EU fund of the code list nor a Romanian budget: the
# Recovery and Resilience Facility (PNRR), mixed EU–national "public support".
_OTHER_SOURCE = re.compile(
    r"mecanism\w*\s+de\s+redresare|sprijin\w*\s+public|nextgeneration"
    r"|fonduri\s+(?:europene\s+)?nerambursabile|pnrr(?![a-z])|planul\s+national\s+de\s+redresare"
)
# "…, sumă finanțată integral din …": the money the phrase is about opens its words.
_MONEY_NOUN_BEFORE = re.compile(r"(?:^|[,;:]\s*)(?P<noun>suma|valoare\w*)\s+$")


def _source_of(folded_words: str) -> str | None:
    fund = FUND.search(folded_words)
    if fund:
        return fund_code(fund.lastgroup or "")
    if _NATIONAL.search(folded_words):
        return "national_budget"
    if _LOCAL.search(folded_words):
        return "local_budget"
    if _OWN.search(folded_words):
        return "beneficiary"
    if _OTHER_SOURCE.search(folded_words):
        return "other"
    return None


def _sources_in(words: str) -> set[str]:
    """Every EU fund and public budget named in ``words``."""
    found = {fund_code(m.lastgroup or "") for m in FUND.finditer(words)}
    for code, pattern in (("national_budget", _NATIONAL), ("local_budget", _LOCAL)):
        if pattern.search(words):
            found.add(code)
    return found


_TOTAL_CUE = re.compile(
    r"valoare\w*\s+(?:totala|proiectului|totala\s+a\s+proiectului|de\s+implementare)"
    r"|buget\w*\s+(?:total|proiectului)|in\s+valoare\s+(?:totala\s+)?de|cost\w*\s+total"
    r"|valoare\w*\s*:|valoare\w*\s+proiect\w*\s*:|(?:are|avand)\s+o\s+valoare"
)
_ELIGIBLE_CUE = re.compile(
    r"valoare\w*\s+(?:totala\s+)?eligibil|(?:cost\w*|buget\w*)\s+(?:total\w*\s+)?eligibil"
    r"|total\w*\s+eligibil"
)
_NONREFUNDABLE_CUE = re.compile(
    r"nerambursabil|asistent\w*\s+financiar|valoare\w*\s+(?:finantarii|contributiei)|finantare\w*\s*:"
)
_ANY_CUE = re.compile(f"{_TOTAL_CUE.pattern}|{_ELIGIBLE_CUE.pattern}|{_NONREFUNDABLE_CUE.pattern}")
_SHARE_IN = re.compile(r"(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_SHARE_BEFORE = re.compile(r"(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*(?:din\s+valoare\w*[^(,;]*)?\(?\s*$")
_CONJUNCTION_TAIL = re.compile(r"[\s,]+(?:si|iar|respectiv|plus|precum\s+si)\s*$")
_SHARE_ROW = re.compile(r"(?=\d)(?<![\d.,])(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_NAME_STOP = re.compile(r"[,;(]|\.(?:\s|$)")


# "85% din valoarea eligibilă provine din FEDR", "diferența de 2% este suportată din bugetul local".
_SHARE_VERB = re.compile(
    r"\s*(?:din\s+valoare\w*(?:\s+(?:totala|eligibila))?(?:\s+a\s+proiectului)?\s+)?"
    r"(?:(?:reprezinta|reprezentand|provin\w*|este|sunt)\s+)?(?:(?:suportat|asigurat|acoperit)\w*\s+)?"
)
_SOURCE_WORD = re.compile(
    r"(?:contributi|cofinantar|co-finantar|buget|fond|surse\s|fse|fedr|fc\b|feadr|fead|ftj|feampa|iej)"
)
_SHARE_ROW_STOP = re.compile(r"[,;]|\s+(?:si(?!\s+(?:a|al|ale)\s)|iar)\s|\.(?:\s|$)|\((?=\s*\d)")


# A parenthesis stops a row at a share "(85%)", not at an acronym "(FEADR)".
_ROW_STOP = re.compile(r"\s*[,;]\s+(?:si|iar)\s|\s+si\s+\d|\s*;|\((?=\s*\d)|\.\s")
_ROW_LEAD = re.compile(
    r"^.*(?:din\s+care|dintre\s+care|astfel|respectiv|:|\)\s*[,;]|\)\s*(?:si|iar)\s|[,;]\s)\s*", re.S
)
_ROW_TAIL = re.compile(
    r"\s*(?:\d{1,3}(?:[.,]\d{1,2})?\s*%\s*)?(?:in\s+valoare\s+de"
    r"|in\s+suma\s+de|de|este\s+de|a\s+fost\s+de|:|-|\()+\s*$"
)
_CONTRIBUTOR = re.compile(
    r"(?:de\s+la|din\s+partea|asigurat\w*\s+de(?:\s+catre)?|suportat\w*\s+de(?:\s+catre)?)\s+(?P<who>\S)"
)
_FINANCED_BY = re.compile(
    r"(?=[cf])(?<![a-z])(?:(?:co-?)?finantat\w*|finantare)\s+(?:(?P<p>100)\s*%\s*|(?P<integral>integral)\s+)?"
    r"(?:nerambursabil\w*\s+)?(?:din|de|prin|de\s+catre|cu\s+sprijinul)\s+"
    r"(?:uniunea\s+europeana\s+(?:prin|din)\s+)?(?P<fund>[a-z])"
)


# "peste 7,5 milioane lei", "circa 2 milioane", "de aproximativ 300.000 lei", "vor depăşi
# suma de 25 milioane lei": a bound or an estimate, never the exact figure a record holds.
_APPROXIMATE = re.compile(
    r"(?<![a-z])(?:(?:de\s+)?peste|circa|cca\.?|aproximativ|aprox\.?|in\s+jur\s+de|aproape|mai\s+mult\s+de"
    r"|mai\s+putin\s+de|cel\s+putin|minim(?:um)?|maxim(?:um)?|pana\s+la|depas\w*(?:\s+suma\s+de)?"
    r"|ordinul|zeci\s+de|sute\s+de)\s*(?:de\s+)?$"
)
# A label written after its amount: "20 milioane de lei este valoarea totală eligibilă",
# "16,9 milioane lei – valoarea eligibilă nerambursabilă din FSE".
_AFTER_LABEL = re.compile(r"\s*(?:\)\s*)?(?:-|:|este|reprezinta|reprezentand|constituie)\s+")
_LABEL_CUE = re.compile(
    r"(?:valoare\w*|cost\w*|buget\w*|total\w*|suma|sprijin\w*|finantare\w*|contributi\w*|cofinantare\w*"
    r"|asistent\w*)(?![a-z])[^,;()\n]{0,80}"
)
# A sum written with thousands and decimals but no currency ("eligibilă este de 854.122,34
# iar …") is money when a value label leads to it.
_BARE_SUM = re.compile(
    r"(?P<num>\d(?<![\d.,]\d)\d{0,2}(?:\.\d{3})+,\d{2})(?![\d.,%])(?!\s*(?:de\s+)?(?:lei|ron|euro|eur|€|usd|mil|%))"
)
_BARE_SUM_LEAD = re.compile(r"(?:este\s+de|in\s+valoare\s+de|de|:)\s*$")


def read_money(doc: Doc) -> dict[str, Any]:
    f = doc.folded
    amounts: list[tuple[re.Match[str], Decimal, str | None]] = []
    for pattern in (AMOUNT, AMOUNT_PREFIXED):
        for m in pattern.finditer(f):
            parsed = amount_of(m)
            if parsed and not any(m.start() < o.end() and o.start() < m.end() for o, _, _ in amounts):
                amounts.append((m, *parsed))
    for m in _BARE_SUM.finditer(f):
        if not any(m.start() < o.end() and o.start() < m.end() for o, _, _ in amounts):
            raw = m.group("num").replace(".", "").replace(",", ".")
            amounts.append((m, Decimal(raw), None))
    amounts.sort(key=lambda item: item[0].start())
    f, amounts = _without_conversions(f, amounts)
    out: dict[str, Any] = {
        "currency": None, "total_value": None, "eligible_value": None, "funding": [], "approximate": {}
    }  # fmt: skip
    seen_rows: set[tuple[str, Decimal]] = set()
    unnamed: list[tuple[re.Match[str], Decimal, str, str, int]] = []
    previous_end = 0
    previous_labelled = 0
    for index, (m, value, currency) in enumerate(amounts):
        seg_start = max(sentence_start(f, m.start()), previous_end)
        line_start, line_end = doc.line_bounds(m.start())
        seg_start = max(seg_start, line_start)
        if seg_start == previous_end and previous_labelled:
            # The words after the last amount were its label, not this one's.
            seg_start = min(previous_end + previous_labelled, m.start())
        before = f[seg_start : m.start()]
        next_start = amounts[index + 1][0].start() if index + 1 < len(amounts) else len(f)
        after_end = min(next_start, sentence_end(doc.text, m.end(), line_end), line_end)
        after = f[m.end() : after_end]
        previous_end = m.end()
        # The words after this amount label it only when none lead to it.
        led = _labelled_before(before)
        previous_labelled = 0 if led else _label_after_length(after)
        if _not_this_projects(f, m.start(), before):
            continue
        if currency is None:
            # A sum without its currency counts only under a value label, in the text's currency.
            if not _BARE_SUM_LEAD.search(before) or out["currency"] not in (None, "RON"):
                continue
            currency = out["currency"] or "RON"
            if _value_role(before, after, led) not in ("total_value", "eligible_value"):
                continue
        approximate = _APPROXIMATE.search(before[-40:]) if _may_be_approximate(before) else None
        if approximate:
            role = _value_role(before[: len(before) - len(approximate.group(0))], after)
            if role in ("total_value", "eligible_value") and out[role] is None:
                # Left out; its provenance shows the curator the phrase that was not taken.
                doc.note(role, seg_start + len(before) - len(approximate.group(0)), m.end())
                out["approximate"][role] = value
            continue
        role = _value_role(before, after, led)
        if role in ("total_value", "eligible_value"):
            if out[role] is None and (out["currency"] in (None, currency)):
                out[role] = value
                out["currency"] = currency
                doc.note(role, m.start(), m.end())
            continue
        if role == "aggregate":
            if out["currency"] in (None, currency):
                unnamed.append((m, value, currency, before, seg_start))
            continue
        row = _funding_row(doc, m, value, before, after, seg_start, f)
        if row is None:
            continue
        if out["currency"] not in (None, currency):
            continue
        key = (row["source"], value)
        if key in seen_rows:
            continue
        seen_rows.add(key)
        out["currency"] = currency
        row["_at"] = m.start()
        row["_spans"] = {"amount": (m.start(), m.end()), **row["_spans"]}
        out["funding"].append(row)
    named = any(row["source"] not in ("beneficiary", "other") for row in out["funding"])
    if unnamed and not named:
        # Non-reimbursable money whose source goes unnamed is a row of its own ("other") —
        # unless named rows follow, of which it is only the subtotal.
        m, value, currency, before, seg_start = unnamed[0]
        after = f[m.end() : min(sentence_end(doc.text, m.end()), doc.line_bounds(m.start())[1])]
        row = _funding_row(doc, m, value, before, after, seg_start, f, unnamed=True)
        if row is not None:
            out["currency"] = out["currency"] or currency
            row["_at"] = m.start()
            row["_spans"] = {"amount": (m.start(), m.end()), **row["_spans"]}
            out["funding"].append(row)
            out["funding"].sort(key=lambda r: r["_at"])
    for index_row, row in enumerate(out["funding"]):
        row.pop("_at")
        for name, span in row.pop("_spans").items():
            doc.note(f"funding[{index_row}].{name}", *span)
    return out


# "4.650.000 lei (aproximativ 1.000.000 euro)": the same money in another currency.
_CONVERSION_OPEN = re.compile(
    r"\s*\(\s*(?:(?:aprox\w*|cca|circa|echivalent\w*|adica|respectiv|in\s+jur\s+de)\.?\s*(?:a\s+|de\s+)?)?$"
)
_CONVERSION_CLOSE = re.compile(r"\s*\)")


def _without_conversions(
    f: str, amounts: list[tuple[re.Match[str], Decimal, str | None]]
) -> tuple[str, list[tuple[re.Match[str], Decimal, str | None]]]:
    """The amounts without those converting the one before into another currency, and the
    text with their brackets blanked, so that no rule reads across them."""
    kept: list[tuple[re.Match[str], Decimal, str | None]] = []
    blanks: list[tuple[int, int]] = []
    for item in amounts:
        m, _, currency = item
        if kept:
            prev, _, prev_currency = kept[-1]
            opening = _CONVERSION_OPEN.match(f, prev.end(), m.start())
            closing = _CONVERSION_CLOSE.match(f, m.end())
            if opening and opening.end() == m.start() and closing and currency != prev_currency:
                blanks.append((f.index("(", prev.end(), m.start()), closing.end()))
                continue
        kept.append(item)
    if not blanks:
        return f, amounts
    chars = list(f)
    for start, end in blanks:
        chars[start:end] = " " * (end - start)
    return "".join(chars), kept


# Money that is not this project's: a programme's, a call's or an axis' budget or
# allocation ("Programul … are un buget total de 8,25 miliarde de euro", "alocarea
# apelului"); sums over several projects ("Trei proiecte în valoare totală de …") are
# found by their plural subject below.
_PROGRAMME_MONEY = re.compile(
    r"aloc\w*|(?:valoare\w*|buget\w*|fonduri\w*|suma)(?:\s+total\w*)?\s+(?:a|al|ale|alocat\w*)\s+"
    r"(?:program|apel|axe|masur|sub-?masur|schem|planul|pnrr|por\b|componente)"
)
# An institution's budget for a year ("bugetul local pe anul 2021 este de 1,2 miliarde").
_ANNUAL_BUDGET = re.compile(
    r"buget\w*(?:\s+\w+){0,3}?\s+(?:pe|pentru|din|al)\s+(?:anul\s+)?(?:19|20)\d{2}(?!\s*-\s*\d)"
    r"|buget\w*\s+anual"
)
_WORKS_CONTRACT = re.compile(
    r"contract\w*\s+(?:de\s+|pentru\s+)?(?:lucrari|executi\w*|proiectare|servicii|furnizare|achizitie"
    r"|prestari|supervizare|consultanta|dirigentie|asistenta\s+tehnica|bunuri)"
)
_OTHERS_MONEY = re.compile(f"{_PROGRAMME_MONEY.pattern}|{_ANNUAL_BUDGET.pattern}")
_ONE_PROJECT = re.compile(r"proiect(?:ul|ului)?(?![a-z])")
_PROGRAMME_SUBJECT = re.compile(
    r"\s*(?:programul|axa|apelul|masura|sub-?masura|schema|planul\s+national|pnrr|por|pocu|poca|poim"
    r"|poc|pndr|componenta)\b"
)
_SEVERAL_PROJECTS = re.compile(
    r"\b(?:proiecte(?:le|lor)?|investitii(?:le|lor)?|contracte(?:le|lor)?|obiective(?:le)?\s+de\s+investitii)"
    r"(?![a-z])"
)


_NOT_ITS_OWN = re.compile(f"(?P<works>{_WORKS_CONTRACT.pattern})|(?P<several>{_SEVERAL_PROJECTS.pattern})")


def _not_this_projects(f: str, pos: int, before: str) -> bool:
    start = sentence_start(f, pos)
    clause = f[start:pos]
    if _OTHERS_MONEY.search(before[-100:]):
        return True
    if _PROGRAMME_SUBJECT.match(clause) and "proiect" not in clause:
        return True
    several = False
    for m in _NOT_ITS_OWN.finditer(clause):
        if m.lastgroup == "works":
            # "Contractul de lucrări, în valoare de 48,5 milioane de lei": a contract the
            # project awards, not the project's value.
            return True
        several = True
    # The subject of the sum is plural: the headline's total of several projects.
    return several and _ONE_PROJECT.search(clause) is None


_APPROXIMATE_WORDS = wordset(
    "peste circa cca cca. aproximativ aprox aprox. jur aproape mult putin minim minimum maxim "
    "maximum pana ordinul zeci sute"
)


def _may_be_approximate(before: str) -> bool:
    # The pattern is tried only when one of its words ends the lead: most amounts have none.
    words = before[-40:].split()[-3:]
    return any(w in _APPROXIMATE_WORDS or w.startswith("depas") for w in words)


def _label_after_length(after: str) -> int:
    """How many characters after an amount label it ("… este valoarea totală eligibilă")."""
    lead = _AFTER_LABEL.match(after)
    if not lead:
        return 0
    cue = _LABEL_CUE.match(after, lead.end())
    return cue.end() if cue else 0


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    return max((c.end() for c in pattern.finditer(text)), default=-1)


def _labelled_before(before: str) -> bool:
    """Whether a value label leads to the amount ("Valoarea totală … este de X")."""
    return _ANY_CUE.search(before[-60:]) is not None


def _value_role(before: str, after: str, led: bool | None = None) -> str | None:
    led = _labelled_before(before) if led is None else led
    labelled = None if led else _AFTER_LABEL.match(after)
    if labelled:
        label = after[labelled.end() : labelled.end() + 120]
        if _ELIGIBLE_CUE.match(label):
            if re.match(r"\w*\s+\w*\s*nerambursabil", label):
                return None if _source_of(label) is not None else "aggregate"
            return "eligible_value"
        if _TOTAL_CUE.match(label) and not _NONREFUNDABLE_CUE.search(label[:40]):
            return "total_value"
        if _NONREFUNDABLE_CUE.search(label[:40]) and _source_of(label[:80]) is None:
            return "aggregate"
    lead = before[-140:]
    cue = max(_ELIGIBLE_CUE.finditer(lead), key=lambda c: c.start(), default=None)
    if cue is not None:
        tail = lead[cue.end() :]
        # "valoarea eligibilă nerambursabilă din FEDR este de X": a part from a named
        # source; "… 70% din valoarea eligibilă, din care X din FEDR": a part of it.
        # The eligible money that is non-reimbursable is not the eligible value: a row
        # from its source, or from an unnamed one.
        nonrefundable = re.match(r"\w*\s+nerambursabil", tail) is not None
        if nonrefundable and _source_of(tail) is None and not re.search(r"(?:din|dintre)\s+care", tail):
            return "aggregate"
        if not nonrefundable and not re.search(r"(?:din|dintre)\s+care", tail):
            return "eligible_value"
    # The label nearest the amount names it: "cu sprijin nerambursabil, având o valoare
    # totală de X" is the total; "Valoarea totală nerambursabilă … de X" is not.
    total_at = _last_end(_TOTAL_CUE, lead)
    if total_at >= 0 and total_at > _last_end(_NONREFUNDABLE_CUE, lead):
        return "total_value"
    if _NONREFUNDABLE_CUE.search(lead[-80:]) and not _source_of(lead[-80:] + " " + after[:80]):
        return "aggregate"
    if (
        _NONREFUNDABLE_CUE.search(lead[-80:])
        and _source_of(after[:80]) is None
        and (_source_of(lead[-80:]) is None)
    ):
        return "aggregate"
    return None


def _funding_row(
    doc: Doc,
    m: re.Match[str],
    value: Decimal,
    before: str,
    after: str,
    seg_start: int,
    f: str,
    *,
    unnamed: bool = False,
) -> dict[str, Any] | None:
    """The funding row an amount is, from the words for it after or before it (``f``: the
    folded text without conversions); ``unnamed``: non-reimbursable money whose source the
    release does not name (``other``)."""
    spans: dict[str, tuple[int, int]] = {}
    # "7.150.498,14 lei (85%) din FSE": a share in parentheses right after the
    # amount belongs to it; the words for the money follow it.
    # "… lei fără TVA, sumă …": the tax qualifies the amount, not the words for it.
    after_clean = re.sub(
        r"^\s*(?:\(?\s*(?:fara|cu|inclusiv)\s+tva\s*\)?)?"
        r"\s*(?:\(\s*\d{1,3}(?:[.,]\d{1,2})?\s*%\s*\))?\s*\)?\s*[,:-]?\s*"
        r"(?:reprezentand|reprezinta|adica|respectiv|constituie|ca|provin\w*)?\s*",
        "",
        after,
    )
    desc_start = m.end() + (len(after) - len(after_clean))
    share_m = _SHARE_IN.search(after_clean)
    lead_share = _SHARE_IN.search(after[: len(after) - len(after_clean)])
    desc_end = m.end() + len(after)
    if share_m:
        desc_end = min(desc_end, desc_start + share_m.start())
    stop = _ROW_STOP.search(f, desc_start, desc_end)
    if stop:
        desc_end = stop.start()
    # "FSE - 1.857.590 lei, buget naţional - 284.102 lei": words running up to
    # the next amount and ending in a dash or colon label that amount, not this one.
    labels_next = stop is None and re.search(r"[-:]\s*$", after) is not None
    # "… 175.000 euro (50 %) şi contribuţie proprie 175.000 euro": words after a
    # conjunction name the next amount.
    labels_next = labels_next or re.match(r"(?:si|iar)\s", after_clean) is not None
    source = None if labels_next else _source_of(f[desc_start:desc_end][:160])
    if unnamed:
        # "X lei reprezintă finanţare nerambursabilă" (words after) or "Finanţare
        # nerambursabilă: X lei" (words before).
        window = min(desc_end, desc_start + 40)
        source = "other" if _NONREFUNDABLE_CUE.search(f, desc_start, window) else None
    if source:
        ds, de = trim(doc, desc_start, desc_end)
        tail = _CONJUNCTION_TAIL.search(f, ds, de)
        if tail:
            de = tail.start()
    else:
        source = "other" if unnamed else _source_of(before[-160:])
        if not source:
            return None
        # A label ending in ":" or a dash names this amount ("bugetul de stat: 1.809.653,95 lei").
        label_end = len(before.rstrip(" \t:-("))
        lead = _ROW_LEAD.search(before, 0, label_end)
        if lead:
            # "… din bugetul de stat, iar contribuția proprie este de X": the source is
            # the one named in this amount's own clause, not in the previous row.
            source = _source_of(before[lead.end() : label_end]) or source
        ds = seg_start + (lead.end() if lead else 0)
        conj = re.compile(r"(?:iar|si)\s+").match(f, ds)
        if conj:
            ds = conj.end()
        ds, de = trim(doc, ds, m.start())
        de = _trim_tail_words(f, ds, de)
        if unnamed:
            # "Valoarea totală nerambursabilă a proiectului a fost de": the money's words.
            own = re.compile(r"\s+(?:a|al)\s+proiectului$").search(f, ds, de)
            de = own.start() if own else de
        share_m = _SHARE_IN.search(after)
    share = None
    if source and lead_share and not (share_m and share_m.start() < de - desc_start):
        share_m = lead_share
        after_clean = after
    if share_m:
        share = percent(share_m.group("p"))
        offset = m.end() + (after.find(share_m.group(0)))
        spans["share_pct"] = (offset, offset + len(share_m.group(0)))
    else:
        share_before = _SHARE_BEFORE.search(before)
        if share_before:
            share = percent(share_before.group("p"))
            spans["share_pct"] = (
                seg_start + share_before.start("p"),
                seg_start + share_before.end("p"),
            )
    if source not in ("other", None) and len(_sources_in(f[ds:de])) > 1:
        # "… 2.900.000 lei, reprezentând FEDR și buget de stat": one sum of two sources
        # is no row of either.
        return None
    if de > ds and f[de - 1] == ")" and f.count("(", ds, de) < f.count(")", ds, de):
        # "(… – cofinanţarea eligibilă a beneficiarului)": the bracket closes the sentence's aside.
        ds, de = trim(doc, ds, de - 1)
    description = doc.clean(ds, de) if de > ds else None
    if description:
        spans["description"] = (ds, de)
    contributor = None
    if source in ("beneficiary", "local_budget", "other") and description:
        cm = _CONTRIBUTOR.search(f, ds, de)
        if cm:
            cs, ce = trim(doc, cm.start("who"), de)
            if ce > cs and starts_capital(doc, cs):
                contributor = doc.clean(cs, ce)
                spans["contributor"] = (cs, ce)
    spans["source"] = (ds, de) if de > ds else (m.start(), m.end())
    return {
        "source": source,
        "amount": value,
        "share_pct": share,
        "description": description,
        "contributor": contributor,
        "_spans": spans,
    }


def _trim_tail_words(folded: str, start: int, end: int) -> int:
    m = _ROW_TAIL.search(folded, start, end)
    return m.start() if m else end


def read_share_funding(doc: Doc) -> list[dict[str, Any]]:
    """Shares without amounts: "în proporţie de 85% din FEDR şi 13% din bugetul de stat"."""
    f = doc.folded
    rows: list[dict[str, Any]] = []
    for m in _SHARE_ROW.finditer(f):
        line_end = end_of_line(f, m.end())
        stop = _SHARE_ROW_STOP.search(f, m.end(), line_end)
        end = stop.start() if stop else line_end
        after = f[m.end() : end]
        # "2% din FSE", "iar 2% reprezintă contribuţia proprie", "2% contribuţie proprie".
        verb = _SHARE_VERB.match(after)
        verb_end = verb.end() if verb else 0  # every part of the pattern is optional: it always matches
        body = after[verb_end:]
        named = body.startswith(("din", "de la", "prin")) or _SOURCE_WORD.match(body)
        source = _source_of(body) if named else None
        if source:
            ds, de = trim(doc, m.end() + verb_end, end)
        else:
            start = max(sentence_start(f, m.start()), f.rfind(",", 0, m.start() - 1) + 1, 0)
            lead = f[start : m.start()]
            clause = re.split(r",\s*|\s+(?:si|iar)\s+", lead.strip(" ,"))
            lead_text = clause[-1] if clause else ""
            source = _source_of(lead_text) if lead_text else None
            if not source:
                # "iar contribuţia proprie, de 2%": the source is named before the comma.
                prev = f[sentence_start(f, m.start()) : m.start()]
                parts = [p for p in re.split(r",", prev) if p.strip()]
                if len(parts) >= 2 and parts[-1].strip() in ("de", "in proportie de", ""):
                    lead_text = parts[-2]
                    source = _source_of(lead_text)
            if not source:
                continue
            pos = f.rfind(lead_text.strip(), 0, m.start())
            ds, de = trim(doc, pos, pos + len(lead_text.strip()))
            ds = ds + (len(f[ds:de]) - len(re.sub(r"^(?:iar|si)\s+", "", f[ds:de])))
        if any(row["source"] == source for row in rows):
            continue
        if f[de - 1 : de] == ")" and f.count("(", ds, de) < f.count(")", ds, de):
            # "98% (90% din FSE+ și 8% din bugetul de stat)": the closing bracket is not theirs.
            ds, de = trim(doc, ds, de - 1)
        index = len(rows)
        contributor = None
        if source in ("beneficiary", "local_budget"):
            cm = _CONTRIBUTOR.search(f, m.end(), sentence_end(doc.text, m.end()))
            if cm:
                cs, ce = trim(doc, cm.start("who"), sentence_end(doc.text, cm.start("who")))
                if ce > cs and starts_capital(doc, cs):
                    contributor = doc.clean(cs, ce)
                    doc.note(f"funding[{index}].contributor", cs, ce)
        rows.append(
            {
                "source": source,
                "amount": None,
                "share_pct": percent(m.group("p")),
                "description": doc.clean(ds, de) if de > ds else None,
                "contributor": contributor,
            }
        )
        doc.note(f"funding[{index}].share_pct", m.start("p"), m.end())
        doc.note(f"funding[{index}].description", ds, de)
    return rows


def read_phrase_funding(doc: Doc) -> list[dict[str, Any]]:
    """Without amounts, "cofinanţat din Fondul Social European" still names a source."""
    f = doc.folded
    rows: list[dict[str, Any]] = []
    for m in _FINANCED_BY.finditer(f):
        fund = FUND.match(f, m.start("fund"))
        whole = m.group("p") or m.group("integral")
        if fund:
            code, end = fund_code(fund.lastgroup or ""), fund.end()
        elif whole and _OTHER_SOURCE.match(f, m.start("fund")):
            # "finanţată integral prin Mecanismul de Redresare şi Rezilienţă".
            stop = _NAME_STOP.search(f, m.start("fund"), end_of_line(f, m.start("fund")))
            code, end = "other", stop.start() if stop else end_of_line(f, m.start("fund"))
        else:
            continue
        if any(row["source"] == code for row in rows):
            continue
        s, e = trim(doc, m.start(), end)
        noun = _MONEY_NOUN_BEFORE.search(f, max(0, s - 30), s)
        if noun:
            s = noun.start("noun")
        index = len(rows)
        rows.append(
            {
                "source": code,
                "amount": None,
                "share_pct": Decimal(100) if whole else None,
                "description": doc.clean(s, e),
                "contributor": None,
            }
        )
        doc.note(f"funding[{index}].source", s, e)
        doc.note(f"funding[{index}].description", s, e)
    return rows
