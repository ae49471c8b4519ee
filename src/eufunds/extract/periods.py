"""When the project runs: start and end dates, and its duration in months."""

from __future__ import annotations

import itertools
import re
from typing import Any

from .document import Doc, sentence_start
from .numbers import COUNT, count_value, date_hits, month_end

_RANGE_JOIN = re.compile(
    r"\s*(?:-|pana\s+(?:la|in)(?:\s+data\s+de)?|si(?:\s+data(?:\s+de)?)?|la(?:\s+data(?:\s+de)?)?)\s*"
)
_PERIOD_CUE = re.compile(
    r"perioad|intre|durat|implement|desfasura|derula|calendar|interval|de\s+la\s*$|din\s*$|incepand"
)
_START_DATE_CUE = re.compile(
    r"incep\w*|inceput|debut\w*|demar\w*|start\w*|lansat|de\s+la(?:\s+data\s+de)?|data\s+de\s+incepere"
)
_END_DATE_CUE = re.compile(
    r"pana\s+(?:la|in|pe)|finaliz\w*|incheier\w*|inchei\w*|sfarsit\w*|final\w*|termen\w*|expir\w*"
)
_ACTIVITY_AFTER = re.compile(
    r"\s*,?\s*(?:demareaza|incepe|porneste|debuteaza|va\s+incepe|vor\s+incepe|are\s+loc|au\s+loc"
    r"|se\s+desfasoara|se\s+va\s+desfasura)\s+(?!implementarea|proiectul|derularea|proiectului)[a-z]"
)
_DURATION_CUES = (
    r"durat\w*|perioad\w*|timp\s+de|pe\s+parcursul"
    r"|implementare\w*|implementat\w*|interval\w*|desfasura\w*|derula\w*|se\s+va\s+derula"
)
_DURATION_COUNT = (
    # A date range may stand between ("Perioada de implementare: 14.08.2018 - 13.08.2021 (36 de luni)").
    r"(?:[^.\n]|\.(?=\d)){0,60}?(?<![\d.,])(?<!ultimii\s)(?<!ultimele\s)(?<!urmatorii\s)(?<!urmatoarele\s)"
    r"(?P<n>" + COUNT + r")\s+(?:de\s+)?(?P<unit>luni|ani|an)(?![a-z])"
)
_DURATION = re.compile(r"(?:" + _DURATION_CUES + r")" + _DURATION_COUNT)
# "durata/perioada … N luni" before any looser cue ("implementat … N luni").
_STRONG_DURATION = re.compile(r"(?:durat\w*|perioad\w*)" + _DURATION_COUNT)


def read_period(doc: Doc) -> dict[str, Any]:
    f = doc.folded
    out: dict[str, Any] = {"start_date": None, "end_date": None, "duration_months": None}
    hits = date_hits(f)
    for a, b in itertools.pairwise(hits):
        between = f[a.end : b.start]
        if not _RANGE_JOIN.fullmatch(between):
            continue
        lead = f[max(sentence_start(f, a.start), a.start - 120) : a.start]
        if a.month_only or b.month_only:
            continue
        if _PERIOD_CUE.search(lead) and out["start_date"] is None:
            out["start_date"], out["end_date"] = a.value, month_end(b)
            doc.note("start_date", a.start, a.end)
            doc.note("end_date", b.start, b.end)
            break
    if out["start_date"] is None or out["end_date"] is None:
        for hit in hits:
            if hit.month_only:
                # "octombrie 2018" gives no day: a date would be a guess.
                continue
            lead = f[max(sentence_start(f, hit.start), hit.start - 70) : hit.start]
            role = _closest_role(lead)
            if role == "start" and _ACTIVITY_AFTER.match(f, hit.end):
                # "începând cu data de 5 septembrie 2022, demarează distribuirea pachetelor":
                # an activity starts, not the project.
                continue
            if role == "start" and out["start_date"] is None:
                out["start_date"] = hit.value
                doc.note("start_date", hit.start, hit.end)
            elif role == "end" and out["end_date"] is None:
                out["end_date"] = month_end(hit)
                doc.note("end_date", hit.start, hit.end)
    # "durata/perioada … de N luni" before any looser cue ("implementat … N luni").
    m = _STRONG_DURATION.search(f) or _DURATION.search(f)
    if m:
        months = count_value(m.group("n"))
        if m.group("unit").startswith("an"):
            months *= 12
        out["duration_months"] = months
        doc.note("duration_months", m.start("n"), m.end())
    return out


def _closest_role(lead: str) -> str | None:
    best: tuple[int, str] | None = None
    for role, pattern in (("start", _START_DATE_CUE), ("end", _END_DATE_CUE)):
        for m in pattern.finditer(lead):
            if best is None or m.end() > best[0]:
                best = (m.end(), role)
    if best is None or len(lead) - best[0] > 45:
        return None
    return best[1]
