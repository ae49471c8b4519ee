"""Draft a seed record from the plain text of one press release, with provenance.

Every value the extractor writes points at the characters it came from (line,
start and end offsets, the quote), so a curator can check a draft in a minute.
Nothing is inferred: a fact the release does not state is ``None`` (or an empty
list), exactly as in a hand-made seed.

How it reads: all patterns run on the *folded* text (``releasetext.fold`` — lower
case, no diacritics, plain quotes and dashes, same length as the original), so
one ASCII rule covers "Obiectivul specific", "OBIECTIVUL SPECIFIC" and
"Obiectivul specific" typed without diacritics; values are then cut from the
original text at the same offsets, so they keep their diacritics as written.
The rules follow Romanian administrative phrasing (labels such as "Valoarea
totală eligibilă", verbs such as "a constat în … și a fost atins prin …") rather
than the layout of any one release.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..text import fold

__all__ = ["Extraction", "Span", "extract_release", "parse_amount", "parse_date", "slugify"]


@dataclass(frozen=True)
class Span:
    """Where a value came from: 1-based line, character offsets into the text, the quote."""

    line: int
    start: int
    end: int
    quote: str
    # The document, so the surrounding sentence is found only when someone reads it.
    doc: _Doc = field(repr=False, compare=False)

    @property
    def context(self) -> str:
        """The sentence around the value (within reach of it), whitespace collapsed."""
        doc, start, end = self.doc, self.start, self.end
        line_start, _ = doc.line_bounds(start)
        _, line_end = doc.line_bounds(max(start, end - 1))
        context_start = max(_sentence_start(doc.folded, start), line_start, start - 120)
        context_end = min(_sentence_end(doc.text, end, line_end) + 1, line_end, end + 120)
        return _WS.sub(" ", doc.text[context_start : max(context_end, end)]).strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "context": self.context,
        }


@dataclass
class Extraction:
    """A draft record in seed-format key order and the provenance of each value."""

    record: dict[str, Any]
    provenance: dict[str, Span] = field(default_factory=dict)
    file_name: str | None = None


# --- the document ------------------------------------------------------------


class _Doc:
    """The text, its folded matching view and the line index shared by all rules."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.provenance: dict[str, Span] = {}

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def line_bounds(self, pos: int) -> tuple[int, int]:
        index = self.line_of(pos) - 1
        start = self.line_starts[index]
        end = self.text.find("\n", start)
        return start, len(self.text) if end < 0 else end

    def clean(self, start: int, end: int) -> str:
        """The original characters, whitespace runs collapsed (line breaks inside a value)."""
        return _WS.sub(" ", self.text[start:end]).strip()

    def note(self, path: str, start: int, end: int) -> None:
        """Record the provenance of ``path`` (the first span wins: it is the clearest)."""
        if path in self.provenance or start >= end:
            return
        self.provenance[path] = Span(
            line=self.line_of(start), start=start, end=end, quote=self.text[start:end], doc=self
        )


_NEWLINE = re.compile(r"\n")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WS = re.compile(r"\s+")

# --- numbers, money, dates ---------------------------------------------------

_MONTHS: dict[str, int] = {
    "ianuarie": 1, "ian": 1, "februarie": 2, "feb": 2, "febr": 2, "martie": 3, "mar": 3,
    "mart": 3, "aprilie": 4, "apr": 4, "mai": 5, "iunie": 6, "iun": 6, "iulie": 7, "iul": 7,
    "august": 8, "aug": 8, "septembrie": 9, "sept": 9, "sep": 9, "octombrie": 10, "oct": 10,
    "noiembrie": 11, "noi": 11, "nov": 11, "decembrie": 12, "dec": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# dd.mm.yyyy / dd/mm/yyyy / dd-mm-yyyy; "12 martie 2018"; "martie 2018".
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\s?[./-]\s?(?P<m>\d{1,2})\s?[./-]\s?(?P<y>(?:19|20)\d{2})(?!\d)"
    r"|(?<![\w.])(?P<d2>\d{1,2})\s*(?P<m2>" + _MONTH_RE + r")\.?,?\s+(?P<y2>(?:19|20)\d{2})(?!\d)"
    r"|(?<![\w])(?P<m3>" + _MONTH_RE + r")\.?,?\s+(?:anul\s+)?(?P<y3>(?:19|20)\d{2})(?!\d)"
)


@dataclass(frozen=True)
class _DateHit:
    value: dt.date
    start: int
    end: int
    month_only: bool
    year: int
    month: int


def _date_hits(folded: str, start: int = 0, end: int | None = None) -> list[_DateHit]:
    hits = _per_text(folded, "dates", lambda: _find_dates(folded))
    stop = len(folded) if end is None else end
    return [hit for hit in hits if hit.start >= start and hit.end <= stop]


def _find_dates(folded: str) -> list[_DateHit]:
    hits = []
    for m in _DATE.finditer(folded):
        try:
            if m.group("d"):
                year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
                month_only = False
            elif m.group("d2"):
                year, month = int(m.group("y2")), _MONTHS[m.group("m2")]
                day, month_only = int(m.group("d2")), False
            else:
                year, month, day = int(m.group("y3")), _MONTHS[m.group("m3")], 1
                month_only = True
            value = dt.date(year, month, day)
        except ValueError:
            continue
        hits.append(_DateHit(value, m.start(), m.end(), month_only, year, month))
    return hits


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text`` in any Romanian form (``12.03.2018``, ``12 martie 2018``)."""
    hits = _date_hits(fold(text))
    return hits[0].value if hits else None


def _month_end(hit: _DateHit) -> dt.date:
    """A period that ends "in iulie 2019" ends on the month's last day."""
    if not hit.month_only:
        return hit.value
    return dt.date(hit.year, hit.month, calendar.monthrange(hit.year, hit.month)[1])


_NUMBER = (
    r"(?<![\d.,])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"
    r"|\d{1,3}(?: \d{3})+(?:,\d{1,2})?"
    r"|\d{1,3}(?:,\d{3}){2,}(?:\.\d{1,2})?"
    r"|\d+(?:[.,]\d{1,3})?)(?![\d])"
)
_MULTIPLIER = r"(?:\s*(?P<mult>miliarde|miliard|mld\.?|milioane|milion|mil\.?|mii))?"
_CURRENCY = r"\s*(?:de\s+)?(?P<cur>lei|ron|euro|eur|€|usd|dolari)(?![a-z])"
_AMOUNT = re.compile(_NUMBER + _MULTIPLIER + _CURRENCY)
_AMOUNT_PREFIXED = re.compile(
    r"(?<![a-z])(?P<cur>lei|ron|euro|eur|€)\s*" + _NUMBER.replace("num", "num") + _MULTIPLIER
)
_MULTIPLIERS = {
    "miliarde": 10**9, "miliard": 10**9, "mld": 10**9, "milioane": 10**6, "milion": 10**6,
    "mil": 10**6, "mii": 10**3,
}  # fmt: skip
_CURRENCIES = {
    "lei": "RON", "ron": "RON", "euro": "EUR", "eur": "EUR", "€": "EUR", "usd": "USD",
    "dolari": "USD",
}  # fmt: skip


def _number(raw: str, *, scaled: bool) -> Decimal | None:
    raw = raw.replace(" ", "")
    if "," in raw and "." in raw:
        # Whichever separator comes last is the decimal one (Romanian: comma).
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        if raw.count(",") > 1 or (len(tail) == 3 and not scaled):
            raw = raw.replace(",", "")
        else:
            raw = head.replace(",", "") + "." + tail
    elif "." in raw:
        head, _, tail = raw.rpartition(".")
        if raw.count(".") > 1 or (len(tail) == 3 and not scaled):
            raw = raw.replace(".", "")
        else:
            raw = head + "." + tail
    try:
        return Decimal(raw)
    except ArithmeticError:
        return None


def _amount_of(match: re.Match[str]) -> tuple[Decimal, str] | None:
    mult = (match.group("mult") or "").rstrip(".")
    value = _number(match.group("num"), scaled=bool(mult))
    if value is None:
        return None
    if mult:
        value = value * _MULTIPLIERS[mult]
    value = value.quantize(Decimal("0.01")) if value != value.to_integral() else value
    value = value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))
    return value, _CURRENCIES[match.group("cur")]


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """The first amount in ``text`` and its currency: ``"60,5 milioane de lei"`` → 60500000 RON."""
    folded = fold(text)
    match = _AMOUNT.search(folded) or _AMOUNT_PREFIXED.search(folded)
    return _amount_of(match) if match else None


def _percent(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", "."))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


_NUMBER_WORDS: dict[str, int] = {
    "unu": 1, "una": 1, "o": 1, "un": 1, "doi": 2, "doua": 2, "trei": 3, "patru": 4,
    "cinci": 5, "sase": 6, "sapte": 7, "opt": 8, "noua": 9, "zece": 10, "unsprezece": 11,
    "doisprezece": 12, "douasprezece": 12, "treisprezece": 13, "paisprezece": 14,
    "cincisprezece": 15, "saisprezece": 16, "saptesprezece": 17, "optsprezece": 18,
    "nouasprezece": 19, "douazeci": 20, "treizeci": 30, "patruzeci": 40, "cincizeci": 50,
    "saizeci": 60,
}  # fmt: skip
_NUMBER_WORD_RE = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_COUNT = r"(?:\d+|(?:" + _NUMBER_WORD_RE + r")(?:\s+si\s+(?:" + _NUMBER_WORD_RE + r"))?)"


def _count_value(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    return sum(_NUMBER_WORDS[word] for word in raw.split() if word != "si")


# --- small text helpers ------------------------------------------------------

_TRAIL = ".,;: \t\n-•"
_QUOTES = "\"'“”„«»‘’‚"


def _trim(
    doc: _Doc, start: int, end: int, *, keep_period: bool = False, keep_quotes: bool = False
) -> tuple[int, int]:
    """Narrow a span to its content: no surrounding blanks, bullets, quotes or end punctuation."""
    text = doc.folded
    trail = _TRAIL.replace(".", "") if keep_period else _TRAIL
    quotes = "" if keep_quotes else "\"'"
    while start < end and (text[start] in " \n\t•-*" or text[start] in quotes):
        start += 1
    while end > start and (text[end - 1] in trail or text[end - 1] in quotes):
        if text[end - 1] in quotes and text.count(text[end - 1], start, end - 1) % 2 == 1:
            # It closes a quotation inside the value (Fundaţia „Orizont Social”): keep it.
            break
        end -= 1
    # An opening parenthesis left unclosed at the end belongs to what follows.
    while end > start and text[end - 1] in " (":
        end -= 1
    return start, end


def _sentence_end(text: str, pos: int, limit: int | None = None) -> int:
    """End of the sentence containing ``pos`` (``text`` is the original, case kept)."""
    limit = len(text) if limit is None else limit
    for m in _SENTENCE_END.finditer(text, pos, limit):
        if m.group(0).startswith("."):
            word = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if word and fold(word.group(0)) in _ABBREVIATIONS:
                continue
        return m.start()
    return limit


# A full stop ends a sentence when followed by a line end or a new capitalised
# sentence — unless it closes an abbreviation ("str. Industriilor", "prof. Ion").
_SENTENCE_END = re.compile(r"\.(?=\s*\n|\s*$|\s+[A-ZĂÂÎȘȚŞŢ\"„”“«])|\n[ \t]*\n|;[ \t]*\n")
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")
_ABBREVIATIONS = _wordset(
    "str nr jud mun sat com bl sc ap prof dr ing conf univ dl dna d-l d-na art alin "
    "lit pct tel ec ed sos bd bdul cca aprox etc ec arh av col gen lt sf sf "
)


def _paragraph_end(folded: str, pos: int) -> int:
    m = _BLANK_LINE.search(folded, pos)
    return m.start() if m else len(folded)


_BLANK_LINE = re.compile(r"\n[ \t]*\n|\n[ \t]*$")


def _sentence_start(folded: str, pos: int) -> int:
    """Start of the sentence containing ``pos`` (after a line break or a full stop)."""
    breaks = _per_text(folded, "breaks", lambda: [m.end() for m in _SENTENCE_BREAK.finditer(folded)])
    index = bisect.bisect_right(breaks, pos) - 1
    return max(breaks[index] if index >= 0 else 0, pos - 600, 0)


# Rules ask the same questions of one text many times (where do sentences break,
# where are the dates); the answers are computed once per text and kept until
# the next text comes.
# (Per thread, so that concurrent extractions never see each other's answers.)
_THREAD_CACHE = threading.local()


def _per_text(folded: str, key: str, compute: Any) -> Any:
    cache = getattr(_THREAD_CACHE, "cache", None)
    if cache is None or cache.get("text") is not folded:
        cache = _THREAD_CACHE.cache = {"text": folded}
    if key not in cache:
        cache[key] = compute()
    return cache[key]


_SENTENCE_BREAK = re.compile(r"\n|\.\s+(?=[A-Za-z\"])|;\s+")


# --- programme, axis, objective, funds ---------------------------------------

_PROGRAMMES: tuple[tuple[str, str], ...] = (
    ("POCA", r"operational\w*\s+capacitate\s+administrativa"),
    ("POCU", r"operational\w*\s+(?:sectorial\w*\s+)?capital(?:ul)?\s+uman"),
    ("POIM", r"operational\w*\s+(?:sectorial\w*\s+)?infrastructura\s+mare"),
    ("POCIDIF", r"cresterea?\s+inteligenta,?\s+digitalizare(?:\s+si\s+instrumente\s+financiare)?"),
    ("POC", r"operational\w*\s+(?:sectorial\w*\s+)?competitivitate"),
    ("POAD", r"operational\w*\s+(?:pentru\s+)?ajutorarea\s+persoanelor\s+defavorizate"),
    ("POAT", r"operational\w*\s+asistenta\s+tehnica"),
    ("POPAM", r"operational\w*\s+pentru\s+pescuit"),
    ("POR", r"operational\w*\s+regional\w*"),
    ("PEO", r"educatie\s+si\s+ocupare"),
    ("PIDS", r"incluziune\s+si\s+demnitate\s+sociala"),
    ("PTJ", r"tranzitie\s+justa"),
    ("PDD", r"dezvoltare\s+durabila"),
    ("PAT", r"asistenta\s+tehnica"),
    ("PAP", r"(?:pentru\s+)?acvacultura\s+si\s+pescuit"),
    ("PS", r"sanatate"),
    ("PT", r"transport"),
    (
        "PR",
        r"regional\w*\s+(?:nord|sud|vest|est|centru|bucuresti)(?:[\s-]+(?:est|vest|muntenia|oltenia|ilfov))*",
    ),
)
_PROGRAMME_YEARS = r"(?:\s*\(?(?:19|20)\d{2}\s*-\s*(?:19|20)\d{2}\)?)?"
_PROGRAMME_NAME = re.compile(
    r"(?<![a-z])program(?:ul|ului|ele|ul\s+national)?\s+(?:"
    + "|".join(f"(?P<{code}>{pattern})" for code, pattern in _PROGRAMMES)
    + r")(?![a-z])"
    + _PROGRAMME_YEARS
)
_PLAN_NAME = re.compile(
    r"(?<![a-z])(?:(?P<PNRR>planul\w*\s+national\w*\s+de\s+redresare\s+si\s+rezilienta)"
    r"|(?P<PNDR>programul\w*\s+national\w*\s+(?:de\s+|pentru\s+)?dezvoltare\w*\s+rurala)"
    r"|(?P<PNS>planul\w*\s+(?:national\s+)?strategic\s+(?:pac|pentru\s+politica\s+agricola\s+comuna)"
    r"(?:\s+\(?pac\)?)?)"
    r"|(?P<INTERREG>(?:programul\w*\s+)?interreg(?:\s+(?:[ivx]+(?:-[a-d])?|next|europe|ipa))?"
    r"(?:\s+[a-z]+(?:-[a-z]+)+)?))(?![a-z])" + _PROGRAMME_YEARS
)
_PROGRAMME_ACRONYM = re.compile(
    r"(?<![A-Za-z])(POCIDIF|POCA|POCU|POIM|POAD|POAT|POPAM|PNDR|PNRR|PEO|PIDS|PTJ|PDD|PNS|"
    r"POR|POC|PAP|INTERREG|Interreg)(?![A-Za-z])"
)

_AXIS = re.compile(
    r"(?<![a-z])(?:axa|axei|axa\s+de\s+finantare)\s+prioritar[aei]*\s*(?:nr\.?\s*|numarul\s+)?"
    r"(?P<num>\d+)(?![\d.])\s*(?:[-:.,]\s*)?(?:\"\s*)?"
    r"|(?<![a-z])prioritat(?:ea|ii)\s*(?:de\s+finantare\s*)?(?::\s*)?(?:nr\.?\s*)?(?:p\s*)?"
    r"(?P<num2>\d+)(?![\d.])"
    r"\s*(?:[-:.,]\s*)?(?:\"\s*)?"
)
_SPECIFIC = re.compile(
    r"(?<![a-z])(?:obiectiv(?:ul|ului)?\s+specific|o\.?s\.?)\s*(?::\s*)?(?:nr\.?\s*)?"
    r"(?P<code>(?:[a-z]{2,4}\s?)?\d+(?:\.\d+)*(?:\.?[a-z]\b)?|[a-z]\))"
    r"\s*(?:[-:.,]\s*)?(?:\"\s*)?"
)
# Where a title listed after an axis or specific objective stops: the next element
# of the programme hierarchy, or the call, or the end of the sentence.
_TITLE_STOP = re.compile(
    r",?\s*(?:obiectiv(?:ul|ului)?\s+specific|prioritatea\s+de\s+investitii|apel(?:ul)?\b"
    r"|cod(?:ul)?\s+apel|actiunea\b|masura\b|domeniul\s+major|operatiunea\b|sub-?masura"
    r"|cod(?:ul)?\s+(?:smis|mysmis|sipoca)|smis\b|mysmis\b|sipoca\b|prin\s+program"
    r"|in\s+cadrul\s+(?:program|planul|p[a-z]{1,5}\b|ax[ae]i?\b|prioritat|apel|obiectiv|masur|sub-?masur"
    r"|component|investiti|schem)"
    r"|proiect(?:ul)?\s+(?:este|a\s+fost|se)\b|(?:din|prin)\s+fond\w*|(?:co)?finantat\w*)"
    r"|\"|\)|;|\n\s*\n"
    # A fiche's next line ("Valoarea totală a proiectului: …") is a new field.
    r"|\n(?=[^\n:]{2,60}:)"
)

_FUNDS: tuple[tuple[str, str], ...] = (
    ("FSE+", r"fondul\w*\s+social\s+european\s+plus|fse\s*\+"),
    ("FSE", r"fondul\w*\s+social\s+european|(?<![a-z])fse(?![a-z+])"),
    ("FEDR", r"fondul\w*\s+european\w*\s+(?:de|pentru)\s+dezvoltare\s+regionala|(?<![a-z])fedr(?![a-z])"),
    ("FC", r"fondul\w*\s+de\s+coeziune"),
    ("FEADR", r"fondul\w*\s+european\w*\s+agricol\w*\s+(?:pentru"
        r"|de)\s+dezvoltare\s+rurala|(?<![a-z])feadr(?![a-z])"),
    ("FEAMPA", r"fondul\w*\s+european\w*\s+pentru\s+afaceri\s+maritime,?\s+pescuit"
        r"|(?<![a-z])feampa(?![a-z])"),
    ("FEAMP", r"fondul\w*\s+european\w*\s+pentru\s+pescuit|(?<![a-z])feamp(?![a-z])"),
    ("FEAD", r"fondul\w*\s+de\s+ajutor\s+european|(?<![a-z])fead(?![a-z])"),
    ("FTJ", r"fondul\w*\s+pentru\s+(?:o\s+)?tranzitie\s+justa|(?<![a-z])ftj(?![a-z])"),
    ("IEJ", r"initiativ\w*\s+(?:privind\s+)?ocupar\w*\s+(?:a\s+)?fortei\s+de\s+munca"
        r"\s+in\s+randul\s+tinerilor|(?<![a-z])iej(?![a-z])"),
)  # fmt: skip
_FUND = re.compile("|".join(f"(?P<{code.replace('+', 'P')}>{pattern})" for code, pattern in _FUNDS))


# Every fund name or acronym starts with one of these; trying the full pattern only
# there is ten times faster than letting twenty alternatives try every position.
_FUND_HINT = re.compile(r"fond|fse|fedr|fc|fea|ftj|iej|initiativ")


def _iter_funds(folded: str) -> Iterator[re.Match[str]]:
    pos = 0
    while True:
        hint = _FUND_HINT.search(folded, pos)
        if hint is None:
            return
        m = _FUND.match(folded, hint.start())
        if m:
            yield m
            pos = m.end()
        else:
            pos = hint.start() + 1


def _fund_code(group: str) -> str:
    return "FSE+" if group == "FSEP" else group


_NATIONAL = re.compile(r"buget\w*\s+(?:de\s+stat|national|statului)|(?<![a-z])bs(?![a-z])")
_LOCAL = re.compile(
    r"buget\w*\s+(?:local|consiliului|judetului|municipiului"
    r"|orasului|comunei|propriu\s+al\s+(?:uat|jud|mun|oras|com))"
)
_OWN = re.compile(
    r"contributi\w*\s+(?:proprie|beneficiar|eligibila\s+a\s+beneficiar)|cofinantar\w*|co-finantar\w*"
    r"|beneficiar\w*|surse\s+proprii|fonduri\s+proprii|contributie\s+(?:eligibila|neeligibila)"
)


def _source_of(folded_words: str) -> str | None:
    fund = _FUND.search(folded_words)
    if fund:
        return _fund_code(fund.lastgroup or "")
    if _NATIONAL.search(folded_words):
        return "national_budget"
    if _LOCAL.search(folded_words):
        return "local_budget"
    if _OWN.search(folded_words):
        return "beneficiary"
    if _OTHER_SOURCE.search(folded_words):
        return "other"
    return None


# Money that is neither an EU fund of the code list nor a Romanian budget: the
# Recovery and Resilience Facility (PNRR), mixed EU–national "public support".
_OTHER_SOURCE = re.compile(r"mecanism\w*\s+de\s+redresare|sprijin\w*\s+public|nextgeneration")


# --- the rules -----------------------------------------------------------------

_QUOTED = re.compile(r"\"([^\"\n]{3,300}(?:\n(?![ \t]*\n)[^\"\n]{1,300})?)\"")
_TITLE_LEAD = re.compile(
    r"proiect\w*\s*(?:cu\s+(?:titlul|denumirea|tema)|intitulat|denumit|numit|cu\s+numele)?\s*[:,-]?\s*$"
    r"|(?:cu\s+titlul|intitulat|denumit)\s*:?\s*$"
)
_TITLE_LABEL = re.compile(
    r"^[ \t]*(?:titlu\w*|denumire\w*|nume\w*)\s+(?:proiect\w*)\s*[:-]\s*(?P<t>[^\n]+)"
    r"|^[ \t]*proiect(?:ul)?\s*:\s*(?P<t2>[^\n]+)",
    re.M,
)
_BOILERPLATE = re.compile(
    r"^(?:proiect\s+)?(?:co)?finantat|programul|investim|fondul|uniunea|pentru informatii"
)
_ACRONYM_AFTER = re.compile(
    r"\s*[,-]?\s*\(\s*(?:acronim\w*\s*:?\s*)?(?P<a>[A-Za-z0-9][A-Za-z0-9 &+-]{0,18}?)\s*\)"
)
_ACRONYM_LABEL = re.compile(r"acronim\w*\s*(?:proiect\w*)?\s*[:-]?\s*\"?\s*(?P<a>[a-z0-9][a-z0-9&+-]{1,18})")
_SIPOCA = re.compile(r"sipoca\s*(?:cod\w*)?\s*(?:nr\.?|:|-)?\s*(?P<c>\d{1,6})(?!\d)")
_SMIS = re.compile(
    r"(?:my\s*)?smis(?:\s*2014\s*\+?|\s*2021\s*\+?)?\s*(?:cod\w*)?\s*(?:nr\.?|:|-)?\s*(?P<c>\d{2,7})(?!\d)"
)
_END_CUES = re.compile(
    r"finalizar\w*\s+(?:a\s+)?(?:implementarii\s+)?(?:a\s+)?proiect"
    r"|incheier\w*\s+(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|inchider\w*\s+(?:a\s+)?proiect"
    r"|conferint\w*\s+(?:de\s+)?(?:presa\s+de\s+)?(?:inchidere|finalizare|incheiere)"
    r"|(?:a|au)\s+finalizat|s-a\s+(?:incheiat|finalizat)|(?:a|au)\s+fost\s+(?:finalizat|incheiat)"
    r"|anunta\s+(?:finalizarea|incheierea)|anunt\w*\s+de\s+(?:finalizare"
    r"|incheiere)|(?:s-au|au\s+fost)\s+(?:obtinut|atins|realizat)"
    r"|si-a\s+atins|a\s+fost\s+atins|obiectiv\w*\s+(?:au|a)\s+fost\s+(?:atins|indeplinit)"
)
_START_CUES = re.compile(
    r"lansar\w*\s+(?:a\s+)?(?:oficiala\s+a\s+)?proiect|demarar\w*\s+(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|incepere\w*\s+(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|conferint\w*\s+(?:de\s+)?(?:presa\s+de\s+)?(?:lansare|deschidere|demarare)"
    r"|(?:a|au)\s+demarat|a\s+inceput\s+implementarea|anunta\s+(?:lansarea|demararea|inceperea)"
    r"|debut\w*\s+proiect|(?:a|au)\s+lansat\s+proiect|(?:lanseaza|demareaza)\s+(?:implementarea\s+)?proiect"
    r"|incepe\s+implementarea|anunt\w*\s+de\s+(?:incepere|demarare|lansare)"
)
_KIND_HEAD_LINES = 12

_ORG_WORDS = (
    r"consiliul|primaria|judetul|municipiul|orasul|comuna|uat|unitatea\s+administrativ|universitatea"
    r"|agentia|directia|inspectoratul|institutul|institutia|ministerul|asociatia|fundatia|spitalul"
    r"|scoala|liceul|colegiul|camera|centrul|autoritatea|administratia|compania|regia|s\.\s?c\.|sc\b"
    r"|societatea|federatia|casa|oficiul|serviciul|prefectura|curtea|tribunalul|parchetul|academia"
    r"|gradinita|clubul|grupul\s+de\s+actiune|gal\b|adi\b|organizatia|uniunea|cooperativa|muzeul"
    r"|biblioteca|teatrul|filarmonica|ocolul|garda|politia|jandarmeria|agentiei"
)
_ORG_START = re.compile(r"(?:" + _ORG_WORDS + r")(?![a-z])")

_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:azi|astazi|ieri|maine|in\s+aceasta\s+perioada|recent|in\s+data\s+de|la\s+data\s+de"
    r"|incepand\s+cu\s+data\s+de|in|luni|marti|miercuri|joi|vineri|sambata|duminica)\b[^,]{0,40},\s*)+"
)
_SUBJECT_VERB = re.compile(
    r",?\s+(?:a\s+organizat|organizeaza|anunta|a\s+anuntat|implementeaza|deruleaza|a\s+demarat"
    r"|demareaza|a\s+finalizat|finalizeaza|a\s+lansat|lanseaza|informeaza|a\s+inceput|a\s+implementat"
    r"|a\s+derulat|a\s+semnat|a\s+incheiat|va\s+organiza|are\s+placerea|in\s+calitate\s+de\s+beneficiar"
    r"|beneficiaza|a\s+receptionat|receptioneaza|invita|a\s+primit|a\s+inaugurat|inaugureaza"
    r"|a\s+dat\s+in\s+folosinta|a\s+obtinut|a\s+incheiat|desfasoara|a\s+desfasurat)(?![a-z])"
)
# Anchors only: the subject before them is found by walking back to the sentence
# start, which is linear (a leading lazy group would rescan the text from every
# position and cost most of the extraction time).
_PRIN_BENEFICIARY = re.compile(
    r",?\s+prin\s+(?P<via>[^\n,;]{2,120}?),?\s+(?:in\s+calitate\s+de|ca)\s+(?:beneficiar|lider)"
)
_AS_BENEFICIARY = re.compile(r",?\s+(?:in\s+calitate\s+de|ca)\s+(?:beneficiar|lider|solicitant)")
_BENEFICIARY_LABEL = re.compile(
    r"^[ \t•*-]*(?:beneficiar(?:ul)?|solicitant(?:ul)?|lider(?:ul)?\s+de\s+proiect)"
    r"(?:\s+(?:proiectului|finantarii))?\s*[:-]\s*(?P<who>[^\n]+)",
    re.M,
)
_IMPLEMENTED_BY = re.compile(
    r"(?:implementat|derulat|realizat|desfasurat|promovat"
    r"|initiat)\w*\s+de\s+(?:catre\s+)?(?P<who>[^\n]{3,160})"
)
_PARTNER_WITH = re.compile(r"in\s+parteneriat\s+cu\s+(?P<who>[^\n]{3,300})")
_PARTNER_LABEL = re.compile(
    r"^[ \t•*-]*partener(?:ul|ii|i)?(?:\s+(?:proiectului"
    r"|de\s+proiect))?(?:\s*(?P<n>\d+))?\s*[:-]\s*(?P<who>[^\n]+)",
    re.M,
)
_PARTNER_AS = re.compile(
    r"(?:,\s*(?:si|impreuna\s+cu)\s+|\s(?:si|impreuna\s+cu|cu)\s+)(?P<who>[^,;\n]{3,160}?),\s+"
    r"in\s+calitate\s+de\s+(?P<role>partener(?:\s+\d+)?)(?![a-z])"
)
_PARTNER_STOP = re.compile(
    r"\s+si\s+(?:este|a|au|va|vor|sunt|se|il|isi)\s|,?\s+(?:si\s+)?(?:co-?)?finantat|\s+prin\s+program"
    r"|,\s*(?:proiectul|in\s+perioada|in\s+intervalul|incepand)\b"
    r"|\s*(?:\(|,\s*(?:in\s+calitate|anunta|a\s+|au\s+|implementeaza|deruleaza|care)|\s+(?:anunta|implementeaza"
    r"|deruleaza|a\s+demarat|au\s+demarat|a\s+finalizat|au\s+finalizat|organizeaza)(?![a-z])|[.;]\s|[.;]$|$)"
)


def _cut_name(doc: _Doc, start: int, end: int) -> tuple[int, int]:
    """A named entity as written: drop a leading article-like word and trailing punctuation."""
    start, end = _trim(doc, start, end)
    return start, end


def _starts_capital(doc: _Doc, start: int) -> bool:
    char = doc.text[start : start + 1]
    return bool(char) and (char.isupper() or char.isdigit())


class _Rules:
    """The extraction rules, each filling its part of the record and noting provenance."""

    def __init__(self, doc: _Doc, file_name: str | None) -> None:
        self.doc = doc
        self.f = doc.folded
        self.file_name = file_name
        self.record: dict[str, Any] = {}
        self.consumed_quotes: set[int] = set()

    # ---- title, acronym, codes ----------------------------------------------

    def title(self) -> tuple[int, int] | None:
        doc, f = self.doc, self.f
        label = _TITLE_LABEL.search(f)
        candidates: list[tuple[int, int]] = []
        for m in _QUOTED.finditer(f):
            inner = m.group(1).strip()
            if _BOILERPLATE.match(inner) or len(inner) < 4:
                continue
            lead = f[max(0, m.start() - 60) : m.start()]
            if _TITLE_LEAD.search(lead):
                candidates.append((m.start(1), m.end(1)))
        if label and not candidates:
            group = "t" if label.group("t") else "t2"
            start, end = _trim(doc, label.start(group), label.end(group))
            if _QUOTED.fullmatch(f[start - 1 : end + 1] if start else ""):
                pass
            return start, end
        if not candidates:
            for m in _QUOTED.finditer(f):
                inner = m.group(1).strip()
                if not _BOILERPLATE.match(inner) and len(inner.split()) >= 2:
                    candidates.append((m.start(1), m.end(1)))
                    break
        if not candidates:
            m = _UNQUOTED_TITLE.search(f)
            if m and _starts_capital(doc, m.start("t")):
                return _trim(doc, m.start("t"), m.end("t"))
            return None
        first = candidates[0]
        first_text = _WS.sub(" ", f[first[0] : first[1]]).strip()
        # The same title often appears as an UPPERCASE headline and in the body: keep
        # the one written in sentence case, as a curator would.
        for start, end in candidates:
            same = _WS.sub(" ", f[start:end]).strip() == first_text
            original = doc.text[start:end]
            if same and not original.isupper():
                return _trim(doc, start, end)
        return _trim(doc, *first)

    def codes(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {"sipoca": None, "mysmis": None}
        m = _SIPOCA.search(self.f)
        if m:
            found["sipoca"] = m.group("c")
            self.doc.note("codes.sipoca", m.start("c"), m.end("c"))
        for m in _SMIS.finditer(self.f):
            found["mysmis"] = m.group("c")
            self.doc.note("codes.mysmis", m.start("c"), m.end("c"))
            break
        return found

    def acronym(self, title_span: tuple[int, int] | None) -> str | None:
        doc, f = self.doc, self.f
        spans = []
        if title_span:
            title_text = _WS.sub(" ", f[title_span[0] : title_span[1]]).strip()
            for m in _QUOTED.finditer(f):
                if _WS.sub(" ", m.group(1)).strip() == title_text:
                    spans.append(m.end())
        for pos in spans:
            m = _ACRONYM_AFTER.match(f, pos)
            if m:
                value = doc.text[m.start("a") : m.end("a")]
                if (
                    value.upper() == value
                    and any(c.isalpha() for c in value)
                    and not _PROGRAMME_ACRONYM.fullmatch(value)
                ):
                    doc.note("acronym", m.start("a"), m.end("a"))
                    return value.strip()
        m = _ACRONYM_LABEL.search(f)
        if m:
            doc.note("acronym", m.start("a"), m.end("a"))
            return doc.text[m.start("a") : m.end("a")]
        return None

    # ---- kind, dates of publication --------------------------------------------

    def kind(self) -> str:
        f = self.f
        head_end = self.doc.line_starts[min(_KIND_HEAD_LINES, len(self.doc.line_starts) - 1)]
        scores = {"end": 0, "start": 0}
        first: dict[str, tuple[int, int]] = {}
        for name, pattern in (("end", _END_CUES), ("start", _START_CUES)):
            for m in pattern.finditer(f):
                weight = 3 if m.start() < head_end else 1
                scores[name] += weight
                first.setdefault(name, (m.start(), m.end()))
        if scores["end"] == scores["start"]:
            return "other"
        kind = "end" if scores["end"] > scores["start"] else "start"
        self.doc.note("status", *first[kind])
        self.doc.note("sources[0].kind", *first[kind])
        return kind

    def published(self) -> dt.date | None:
        f = self.f
        m = _PUBLISHED_LABEL.search(f)
        if m:
            hits = _date_hits(f, m.end(), m.end() + 40)
            if hits:
                self.doc.note("sources[0].published", hits[0].start, hits[0].end)
                return hits[0].value
        # A date alone on a line of the head or at the very end, maybe after a place
        # name or a registration number ("Cluj-Napoca, 12.03.2018", "Nr. 2418 / 22.07.2024").
        starts = self.doc.line_starts
        lines = list(starts[:15]) + [x for x in starts[-4:] if x not in starts[:15]]
        for line_start in lines:
            line_end = _line_end(f, line_start)
            if line_end - line_start > 80 or not _is_dateline(self.doc, line_start, line_end):
                continue
            hit = _date_hits(f, line_start, line_end)[0]
            if hit.month_only:
                continue
            self.doc.note("sources[0].published", hit.start, hit.end)
            return hit.value
        m = _TODAY.search(f)
        if m:
            hits = _date_hits(f, m.end(), m.end() + 30)
            if hits and hits[0].start - m.end() < 5:
                self.doc.note("sources[0].published", hits[0].start, hits[0].end)
                return hits[0].value
        return None

    def publisher(self) -> str | None:
        head_end = self.doc.line_starts[min(3, len(self.doc.line_starts) - 1)]
        m = _DOMAIN.search(self.f, 0, head_end if head_end > 0 else len(self.f))
        if m:
            self.doc.note("sources[0].publisher", m.start(), m.end())
            return self.doc.text[m.start() : m.end()]
        return None

    # ---- beneficiary, partners, issuer, contacts ---------------------------------

    def _subject_before(self, pos: int) -> tuple[int, int] | None:
        """The grammatical subject ending at ``pos``: from the sentence start, adverbials removed."""
        f = self.f
        start = _sentence_start(f, pos)
        segment = f[start:pos]
        m = _LEADING_ADVERBIAL.match(segment)
        while m and m.end() > 0:
            start += m.end()
            segment = f[start:pos]
            m = _LEADING_ADVERBIAL.match(segment)
        # Dates opening the sentence ("31 ianuarie 2020, Municipiul X").
        for hit in _date_hits(f, start, pos):
            if f[start : hit.start].strip(" ,") == "":
                start = hit.end
                while start < pos and f[start] in " ,":
                    start += 1
        s, e = _trim(self.doc, start, pos)
        if e - s < 3 or not _starts_capital(self.doc, s) or e - s > 160:
            return None
        return s, e

    def beneficiary(self) -> dict[str, str | None]:
        doc, f = self.doc, self.f
        result: dict[str, str | None] = {"name": None, "acting_through": None}
        m = _BENEFICIARY_LABEL.search(f)
        if m:
            s, e = _trim(doc, m.start("who"), m.end("who"))
            s2, e2 = self._split_prin(s, e, result)
            result["name"] = doc.clean(s2, e2)
            doc.note("beneficiary.name", s2, e2)
            return result
        m = _PRIN_BENEFICIARY.search(f)
        if m:
            subject = self._subject_before(m.start())
            if subject:
                result["name"] = doc.clean(*subject)
                doc.note("beneficiary.name", *subject)
                via = _trim(doc, m.start("via"), m.end("via"))
                result["acting_through"] = doc.clean(*via)
                doc.note("beneficiary.acting_through", *via)
                return result
        for pattern in (_AS_BENEFICIARY, _SUBJECT_VERB):
            for m in pattern.finditer(f):
                subject = self._subject_before(m.start())
                if subject and _is_headline_line(doc, subject[0]):
                    continue
                if subject:
                    subject = _cut_qualifiers(doc, *subject)
                if subject and (
                    pattern is _AS_BENEFICIARY
                    or _ORG_START.match(f, subject[0])
                    or _COMPANY.search(f, subject[0], subject[1])
                    or doc.text[subject[0] : subject[1]].isupper()
                ):
                    s, e = self._split_prin(*subject, result)
                    result["name"] = doc.clean(s, e)
                    doc.note("beneficiary.name", s, e)
                    return result
        m = _IMPLEMENTED_BY.search(f)
        if m and _starts_capital(doc, m.start("who")):
            stop = _PARTNER_STOP.search(f, m.start("who"))
            end = stop.start() if stop else m.end("who")
            s, e = _trim(doc, m.start("who"), end)
            if s < e:
                s, e = self._split_prin(s, e, result)
                result["name"] = doc.clean(s, e)
                doc.note("beneficiary.name", s, e)
        return result

    def _split_prin(self, start: int, end: int, result: dict[str, str | None]) -> tuple[int, int]:
        """ "Judeţul Cluj prin Consiliul Judeţean" names the body acting for the beneficiary."""
        m = re.search(r",?\s+prin\s+", self.f[start:end])
        if not m:
            return start, end
        via = _trim(self.doc, start + m.end(), end)
        result["acting_through"] = self.doc.clean(*via)
        self.doc.note("beneficiary.acting_through", *via)
        return _trim(self.doc, start, start + m.start())

    def partners(self) -> list[dict[str, str | None]]:
        doc, f = self.doc, self.f
        partners: list[dict[str, str | None]] = []
        seen: set[str] = set()

        def add(start: int, end: int, role: str | None) -> None:
            s, e = _trim(doc, start, end)
            if doc.text[e : e + 1] == "." and re.search(r"(?<![^\W\d_])[^\W\d_]\.[^\W\d_]$", doc.text[s:e]):
                e += 1  # "S.C. Termoficare Oradea S.A.": the abbreviation keeps its full stop.
            key = _WS.sub(" ", f[s:e]).strip()
            if e - s < 3 or key in seen or not _starts_capital(doc, s):
                return
            seen.add(key)
            index = len(partners)
            partners.append({"name": doc.clean(s, e), "role": role})
            doc.note(f"partners[{index}].name", s, e)

        for m in _PARTNER_AS.finditer(f):
            # "… şi Municipiul Petroşani, în calitate de partener": the role as written.
            if _starts_capital(doc, m.start("who")):
                add(m.start("who"), m.end("who"), doc.clean(m.start("role"), m.end("role")))
        for m in _PARTNER_LABEL.finditer(f):
            role = f"partener {m.group('n')}" if m.group("n") else None
            role = doc.text[m.start() : m.start("who")].strip(" \t•*-:") if m.group("n") else role
            for s, e in self._split_list(m.start("who"), m.end("who")):
                add(s, e, role)
        for m in _PARTNER_WITH.finditer(f):
            stop = _PARTNER_STOP.search(f, m.start("who"))
            end = stop.start() if stop else m.end("who")
            for s, e in self._split_list(m.start("who"), end):
                add(s, e, None)
        return partners

    def _split_list(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Split "A, B și C" into names — only where each piece starts with a capital."""
        f = self.f
        pieces = []
        pos = start
        for m in re.finditer(r",\s+|\s+si\s+|\s*;\s*", f[start:end]):
            piece_start = start + m.end()
            if _starts_capital(self.doc, piece_start) and _ORG_START.match(f, piece_start):
                pieces.append((pos, start + m.start()))
                pos = piece_start
        pieces.append((pos, end))
        yield from pieces

    def issuer_and_contacts(self) -> tuple[str | None, list[dict[str, str | None]]]:
        doc, f = self.doc, self.f
        issuer: tuple[int, int] | None = None
        contacts: list[dict[str, str | None]] = []
        label = None
        for m in _CONTACT_LABEL.finditer(f):
            label = m
        if label:
            line_start, _ = doc.line_bounds(label.start())
            left = _trim(doc, line_start, label.start())
            if left[1] - left[0] >= 3 and _ORG_START.match(f, left[0]):
                # Two columns: the signing body on the left, the contact on the right.
                issuer = left
            else:
                issuer = self._signature_above(line_start)
            contact = self._contact_block(label.end(), issuer)
            if contact:
                contacts.append(contact)
        else:
            block = self._signature_block()
            cursor = block
            while cursor is not None and cursor < len(f):
                line = _trim(doc, cursor, _line_end(f, cursor))
                if line[1] <= line[0] or _PHONE_LABEL.match(f, line[0]):
                    break
                if _is_letterhead(doc, *line):
                    issuer = line
                    contact = self._contact_block(line[1], None)
                    if contact:
                        contact["organisation"] = doc.clean(*line)
                        doc.note("contacts[0].organisation", *line)
                        contacts.append(contact)
                    break
                cursor = _line_end(f, cursor) + 1
        if issuer is None:
            issuer = self._letterhead()
        if issuer is None:
            issuer = self._signature()
        signed = self._signed_by()
        if signed is not None:
            name, position = signed
            if contacts and contacts[0]["name"] is None:
                contacts[0]["name"] = doc.clean(*name)
                contacts[0]["position"] = doc.clean(*position)
            if issuer is None:
                issuer = name
        contacts = [c for c in contacts if c["name"] is not None]
        if issuer is None:
            return None, contacts
        doc.note("sources[0].issuer", *issuer)
        return doc.clean(*issuer), contacts

    def _signature_above(self, line_start: int) -> tuple[int, int] | None:
        """The body signing just above a contact block ("Consiliul Judeţean X" / "Compartimentul …")."""
        doc, f = self.doc, self.f
        index = doc.line_of(line_start) - 1
        seen = 0
        for i in range(index - 1, max(-1, index - 6), -1):
            s, e = _trim(doc, doc.line_starts[i], doc.line_starts[i + 1] - 1)
            if e <= s:
                if seen:
                    break
                continue
            seen += 1
            if e - s > 80 or f[e : e + 1] == "." or f[s:e].endswith(":"):
                break
            if _ORG_START.match(f, s) and _starts_capital(doc, s):
                # Keep going up: the body comes before its department.
                issuer = (s, e)
                for j in range(i - 1, max(-1, i - 3), -1):
                    s2, e2 = _trim(doc, doc.line_starts[j], doc.line_starts[j + 1] - 1)
                    if e2 <= s2 or e2 - s2 > 80 or not _ORG_START.match(f, s2):
                        break
                    issuer = (s2, e2)
                return issuer
        return None

    def _letterhead(self) -> tuple[int, int] | None:
        """An institution named alone on the first lines, above "Comunicat de presă"."""
        doc, f = self.doc, self.f
        for start in doc.line_starts[:4]:
            s, e = _trim(doc, start, _line_end(f, start))
            if e <= s:
                continue
            if _is_letterhead(doc, s, e):
                return s, e
            if _HEADLINE_SKIP.match(f[s:e]) or _BARE_RELEASE.fullmatch(f[s:e]):
                continue
            return None
        return None

    def _signed_by(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """A sign-off near the end: "Primar," on one line, the person's name on the next."""
        doc, f = self.doc, self.f
        starts = doc.line_starts
        for index in range(max(0, len(starts) - 15), len(starts) - 1):
            s, e = _trim(doc, starts[index], _line_end(f, starts[index]))
            raw_end = _line_end(f, starts[index])
            if not (0 < e - s <= 40 and f[s:raw_end].rstrip().endswith(",")):
                continue
            n_s, n_e = _trim(doc, starts[index + 1], _line_end(f, starts[index + 1]))
            if _is_person(doc.text[n_s:n_e]):
                return (n_s, n_e), (s, e)
        return None

    def _signature_block(self) -> int | None:
        """Start of an unlabelled signature block: the paragraph holding the last phone line."""
        doc, f = self.doc, self.f
        starts = doc.line_starts
        for index in range(len(starts) - 1, max(-1, len(starts) - 15), -1):
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(f)
            if _PHONE_LABEL.match(f[starts[index] : end].strip()):
                first = index
                while first > 0 and index - first < 6:
                    prev_end = starts[first] - 1
                    if not f[starts[first - 1] : prev_end].strip():
                        break
                    first -= 1
                return starts[first]
        return None

    def _signature(self) -> tuple[int, int] | None:
        """An organisation signing at the end: a short UPPERCASE line naming an institution."""
        doc, f = self.doc, self.f
        starts = doc.line_starts
        for index in range(len(starts) - 1, max(-1, len(starts) - 15), -1):
            start = starts[index]
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(f)
            s, e = _trim(doc, start, end)
            line = doc.text[s:e]
            if 3 <= e - s <= 80 and _ORG_START.match(f, s) and line.isupper():
                return s, e
        return None

    def _contact_pieces(self, pos: int) -> list[tuple[int, int]]:
        """The contact block after its label: comma-separated pieces on the label's line, then lines."""
        doc, f = self.doc, self.f
        pieces: list[tuple[int, int]] = []
        line_end = _line_end(f, pos)
        if f[pos:line_end].strip():
            cursor = pos
            for m in _CONTACT_SPLIT.finditer(f, pos, line_end):
                pieces.append(_trim(doc, cursor, m.start()))
                cursor = m.end()
            pieces.append(_trim(doc, cursor, line_end))
        cursor = line_end + 1
        blank_run = 0
        while cursor < len(f) and len(pieces) < 12:
            end = _line_end(f, cursor)
            s, e = _trim(doc, cursor, end)
            cursor = end + 1
            if e <= s:
                blank_run += 1
                if blank_run >= 3 and pieces:
                    break
                continue
            blank_run = 0
            if e - s > 140 or _CONTACT_END.match(f, s):
                break
            pieces.append((s, e))
        return [(s, e) for s, e in pieces if e > s]

    def _contact_block(self, pos: int, issuer: tuple[int, int] | None) -> dict[str, str | None] | None:
        doc, f = self.doc, self.f
        contact: dict[str, str | None] = dict.fromkeys(
            ("name", "position", "organisation", "phone", "fax", "email")
        )
        spans: dict[str, tuple[int, int]] = {}

        def put(key: str, s: int, e: int) -> None:
            if contact[key] is None and e > s:
                contact[key] = doc.clean(s, e)
                spans[key] = (s, e)

        for s, e in self._contact_pieces(pos):
            piece = f[s:e]
            email = _EMAIL.search(piece)
            if email:
                put("email", s + email.start(), s + email.end())
            phone_label = _PHONE_LABEL.search(piece)
            if phone_label:
                numbers = list(_PHONE.finditer(piece, phone_label.end()))
                labels = phone_label.group(0)
                has_tel = re.search(r"tel|mobil", labels) is not None
                has_fax = "fax" in labels
                if has_fax and not has_tel:
                    keys = ["fax"]
                elif has_fax and len(numbers) == 1:
                    # "Tel./fax: 0239 614 220" — one number serving both.
                    keys = ["phone", "fax"]
                    numbers = numbers * 2
                else:
                    keys = ["phone", "fax"] if has_fax or "fax" in piece else ["phone"]
                for key, number in zip(keys, numbers, strict=False):
                    put(key, s + number.start(), s + number.end())
                continue
            if email or _CONTACT_LABEL.match(piece):
                continue
            split = _NAME_POSITION.search(piece)
            if contact["name"] is None and split:
                left, right = (s, s + split.start()), (s + split.end(), e)
                if _is_person(doc.text[left[0] : left[1]]):
                    put("name", *left)
                    put("position", *right)
                    continue
                if _is_person(doc.text[right[0] : right[1]]):
                    put("position", *left)
                    put("name", *right)
                    continue
            if contact["name"] is None and _is_person(doc.text[s:e]):
                put("name", s, e)
            elif _ORG_START.match(piece) or (not _starts_capital(doc, s) and contact["name"] is None):
                if contact["organisation"] is None and _ORG_START.match(piece):
                    put("organisation", s, e)
            elif contact["name"] is not None and contact["position"] is None:
                put("position", s, e)
        if contact["name"] is None and contact["phone"] is None and contact["email"] is None:
            return None
        if contact["organisation"] is None and issuer is not None:
            put("organisation", *issuer)
        for key, (s, e) in spans.items():
            doc.note(f"contacts[0].{key}", s, e)
        return contact

    # ---- programme hierarchy and funds ---------------------------------------

    def programme(self) -> dict[str, str | None]:
        doc, f = self.doc, self.f
        result: dict[str, str | None] = {"code": None, "name": None}
        best = None
        for pattern in (_PROGRAMME_NAME, _PLAN_NAME):
            # A name said with "Programul"/"Planul" beats a bare mention ("fonduri Interreg").
            matches = list(itertools.islice(pattern.finditer(f), 8))
            m = next((x for x in matches if re.match(r"progr|plan", x.group(0))), None)
            m = m or (matches[0] if matches else None)
            if m and (
                best is None
                or _named(m) > _named(best)
                or (_named(m) == _named(best) and m.start() < best.start())
            ):
                best = m
        if best:
            code = best.lastgroup
            # lastgroup names the innermost alternative that matched.
            for name, value in best.groupdict().items():
                if value is not None:
                    code = name
                    break
            start, end = _trim(doc, best.start(), best.end())
            while end > start and doc.text[end - 1] in "()":
                end -= 1 if doc.text[end - 1] == ")" and "(" not in doc.text[start : end - 1] else 0
                if doc.text[end - 1] not in ")":
                    break
            name = doc.clean(start, end)
            # The release declines the name ("în cadrul Programului ..."); the record
            # names it in the nominative, as curators do.
            name = re.sub(r"^(Program|PROGRAM|Plan|PLAN)(ului|ULUI)\b", _nominative, name)
            result["code"] = code
            result["name"] = name
            doc.note("programme.code", start, end)
            doc.note("programme.name", start, end)
            return result
        m = _PROGRAMME_ACRONYM.search(doc.text)
        if m:
            result["code"] = m.group(1).upper()
            doc.note("programme.code", m.start(), m.end())
        return result

    def _titled(self, m: re.Match[str], number_group: str) -> tuple[str, str | None, tuple[int, int]]:
        doc, f = self.doc, self.f
        number = m.group(number_group)
        title_start = m.end()
        stop = _TITLE_STOP.search(f, title_start)
        while stop and f[stop.start()] == ")" and "(" in f[title_start : stop.start()]:
            # "Tehnologia Informaţiei şi Comunicaţiilor (TIC) pentru …": an acronym in the title.
            stop = _TITLE_STOP.search(f, stop.end())
        title_end = min(stop.start() if stop else len(f), _sentence_end(doc.text, title_start))
        s, e = _trim(doc, title_start, title_end)
        title = doc.clean(s, e) if e - s >= 3 else None
        return number, title, (s, e)

    def priority_axis(self) -> dict[str, str | None] | None:
        m = _AXIS.search(self.f)
        if not m:
            return None
        group = "num" if m.group("num") else "num2"
        number, title, (s, e) = self._titled(m, group)
        self.doc.note("priority_axis.number", m.start(group), m.end(group))
        if title:
            self.doc.note("priority_axis.title", s, e)
        return {"number": number, "title": title}

    def specific_objective(self) -> dict[str, str | None] | None:
        for m in _SPECIFIC.finditer(self.f):
            raw = self.doc.text[m.start("code") : m.end("code")]
            if not any(ch.isdigit() for ch in raw):
                continue
            code, title, (s, e) = self._titled(m, "code")
            code = self.doc.text[m.start("code") : m.end("code")].replace(" ", "")
            self.doc.note("specific_objective.code", m.start("code"), m.end("code"))
            if title:
                self.doc.note("specific_objective.title", s, e)
            return {"code": code, "title": title}
        return None

    def funds(self) -> list[str]:
        funds: list[str] = []
        for m in _iter_funds(self.f):
            code = _fund_code(m.lastgroup or "")
            if code not in funds:
                self.doc.note(f"funds[{len(funds)}]", m.start(), m.end())
                funds.append(code)
        return funds

    # ---- money ------------------------------------------------------------

    def money(self) -> dict[str, Any]:
        doc, f = self.doc, self.f
        amounts: list[tuple[re.Match[str], Decimal, str]] = []
        for pattern in (_AMOUNT, _AMOUNT_PREFIXED):
            for m in pattern.finditer(f):
                parsed = _amount_of(m)
                if parsed and not any(m.start() < o.end() and o.start() < m.end() for o, _, _ in amounts):
                    amounts.append((m, *parsed))
        amounts.sort(key=lambda item: item[0].start())
        out: dict[str, Any] = {
            "currency": None, "total_value": None, "eligible_value": None, "funding": []
        }  # fmt: skip
        seen_rows: set[tuple[str, Decimal]] = set()
        previous_end = 0
        for index, (m, value, currency) in enumerate(amounts):
            seg_start = max(_sentence_start(f, m.start()), previous_end)
            line_start, line_end = doc.line_bounds(m.start())
            seg_start = max(seg_start, line_start)
            before = f[seg_start : m.start()]
            next_start = amounts[index + 1][0].start() if index + 1 < len(amounts) else len(f)
            after_end = min(next_start, _sentence_end(doc.text, m.end(), line_end), line_end)
            after = f[m.end() : after_end]
            previous_end = m.end()
            role = _value_role(before, after)
            if role in ("total_value", "eligible_value"):
                if out[role] is None and (out["currency"] in (None, currency)):
                    out[role] = value
                    out["currency"] = currency
                    doc.note(role, m.start(), m.end())
                continue
            if role == "aggregate":
                continue
            row = self._funding_row(m, value, before, after, seg_start, after_end)
            if row is None:
                continue
            if out["currency"] not in (None, currency):
                continue
            key = (row["source"], value)
            if key in seen_rows:
                continue
            seen_rows.add(key)
            out["currency"] = currency
            index_row = len(out["funding"])
            doc.note(f"funding[{index_row}].amount", m.start(), m.end())
            for name, span in row.pop("_spans").items():
                doc.note(f"funding[{index_row}].{name}", *span)
            out["funding"].append(row)
        return out

    def _funding_row(
        self, m: re.Match[str], value: Decimal, before: str, after: str, seg_start: int, after_end: int
    ) -> dict[str, Any] | None:
        doc, f = self.doc, self.f
        spans: dict[str, tuple[int, int]] = {}
        # "7.150.498,14 lei (85%) din FSE": a share in parentheses right after the
        # amount belongs to it; the words for the money follow it.
        after_clean = re.sub(
            r"^\s*(?:\(\s*\d{1,3}(?:[.,]\d{1,2})?\s*%\s*\))?\s*\)?\s*[,:-]?\s*"
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
        if source:
            ds, de = _trim(doc, desc_start, desc_end)
            tail = _CONJUNCTION_TAIL.search(f, ds, de)
            if tail:
                de = tail.start()
        else:
            source = _source_of(before[-160:])
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
            ds, de = _trim(doc, ds, m.start())
            de = _trim_tail_words(f, ds, de)
            share_m = _SHARE_IN.search(after)
        share = None
        if source and lead_share and not (share_m and share_m.start() < de - desc_start):
            share_m = lead_share
            after_clean = after
        if share_m:
            share = _percent(share_m.group("p"))
            offset = m.end() + (after.find(share_m.group(0)))
            spans["share_pct"] = (offset, offset + len(share_m.group(0)))
        else:
            share_before = _SHARE_BEFORE.search(before)
            if share_before:
                share = _percent(share_before.group("p"))
                spans["share_pct"] = (
                    seg_start + share_before.start("p"),
                    seg_start + share_before.end("p"),
                )
        description = doc.clean(ds, de) if de > ds else None
        if description:
            spans["description"] = (ds, de)
        contributor = None
        if source in ("beneficiary", "local_budget", "other") and description:
            cm = _CONTRIBUTOR.search(f, ds, de)
            if cm:
                cs, ce = _trim(doc, cm.start("who"), de)
                if ce > cs and _starts_capital(doc, cs):
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

    def share_funding(self) -> list[dict[str, Any]]:
        """Shares without amounts: "în proporţie de 85% din FEDR şi 13% din bugetul de stat"."""
        doc, f = self.doc, self.f
        rows: list[dict[str, Any]] = []
        for m in _SHARE_ROW.finditer(f):
            line_end = _line_end(f, m.end())
            stop = _SHARE_ROW_STOP.search(f, m.end(), line_end)
            end = stop.start() if stop else line_end
            after = f[m.end() : end]
            # "2% din FSE", "iar 2% reprezintă contribuţia proprie", "2% contribuţie proprie".
            verb = _SHARE_VERB.match(after)
            body = after[verb.end() :]
            named = body.startswith(("din", "de la", "prin")) or _SOURCE_WORD.match(body)
            source = _source_of(body) if named else None
            if source:
                ds, de = _trim(doc, m.end() + verb.end(), end)
            else:
                start = max(_sentence_start(f, m.start()), f.rfind(",", 0, m.start() - 1) + 1, 0)
                lead = f[start : m.start()]
                clause = re.split(r",\s*|\s+(?:si|iar)\s+", lead.strip(" ,"))
                lead_text = clause[-1] if clause else ""
                source = _source_of(lead_text) if lead_text else None
                if not source:
                    # "iar contribuţia proprie, de 2%": the source is named before the comma.
                    prev = f[_sentence_start(f, m.start()) : m.start()]
                    parts = [p for p in re.split(r",", prev) if p.strip()]
                    if len(parts) >= 2 and parts[-1].strip() in ("de", "in proportie de", ""):
                        lead_text = parts[-2]
                        source = _source_of(lead_text)
                if not source:
                    continue
                pos = f.rfind(lead_text.strip(), 0, m.start())
                ds, de = _trim(doc, pos, pos + len(lead_text.strip()))
                ds = ds + (len(f[ds:de]) - len(re.sub(r"^(?:iar|si)\s+", "", f[ds:de])))
            if any(row["source"] == source for row in rows):
                continue
            if f[de - 1 : de] == ")" and f.count("(", ds, de) < f.count(")", ds, de):
                # "98% (90% din FSE+ și 8% din bugetul de stat)": the closing bracket is not theirs.
                ds, de = _trim(doc, ds, de - 1)
            index = len(rows)
            contributor = None
            if source in ("beneficiary", "local_budget"):
                cm = _CONTRIBUTOR.search(f, m.end(), _sentence_end(doc.text, m.end()))
                if cm:
                    cs, ce = _trim(doc, cm.start("who"), _sentence_end(doc.text, cm.start("who")))
                    if ce > cs and _starts_capital(doc, cs):
                        contributor = doc.clean(cs, ce)
                        doc.note(f"funding[{index}].contributor", cs, ce)
            rows.append(
                {
                    "source": source,
                    "amount": None,
                    "share_pct": _percent(m.group("p")),
                    "description": doc.clean(ds, de) if de > ds else None,
                    "contributor": contributor,
                }
            )
            doc.note(f"funding[{index}].share_pct", m.start("p"), m.end())
            doc.note(f"funding[{index}].description", ds, de)
        return rows

    def phrase_funding(self, funds: list[str]) -> list[dict[str, Any]]:
        """Without amounts, "cofinanţat din Fondul Social European" still names a source."""
        doc, f = self.doc, self.f
        rows: list[dict[str, Any]] = []
        for m in _FINANCED_BY.finditer(f):
            fund = _FUND.match(f, m.start("fund"))
            whole = m.group("p") or m.group("integral")
            if fund:
                code, end = _fund_code(fund.lastgroup or ""), fund.end()
            elif whole and _OTHER_SOURCE.match(f, m.start("fund")):
                # "finanţată integral prin Mecanismul de Redresare şi Rezilienţă".
                stop = _NAME_STOP.search(f, m.start("fund"), _line_end(f, m.start("fund")))
                code, end = "other", stop.start() if stop else _line_end(f, m.start("fund"))
            else:
                continue
            if any(row["source"] == code for row in rows):
                continue
            s, e = _trim(doc, m.start(), end)
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

    # ---- period, target group, location --------------------------------------

    def period(self) -> dict[str, Any]:
        doc, f = self.doc, self.f
        out: dict[str, Any] = {"start_date": None, "end_date": None, "duration_months": None}
        hits = _date_hits(f)
        for a, b in itertools.pairwise(hits):
            between = f[a.end : b.start]
            if not _RANGE_JOIN.fullmatch(between):
                continue
            lead = f[max(_sentence_start(f, a.start), a.start - 120) : a.start]
            if a.month_only or b.month_only:
                continue
            if _PERIOD_CUE.search(lead) and out["start_date"] is None:
                out["start_date"], out["end_date"] = a.value, _month_end(b)
                doc.note("start_date", a.start, a.end)
                doc.note("end_date", b.start, b.end)
                break
        if out["start_date"] is None or out["end_date"] is None:
            for hit in hits:
                if hit.month_only:
                    # "octombrie 2018" gives no day: a date would be a guess.
                    continue
                lead = f[max(_sentence_start(f, hit.start), hit.start - 70) : hit.start]
                role = _closest_role(lead)
                if role == "start" and out["start_date"] is None:
                    out["start_date"] = hit.value
                    doc.note("start_date", hit.start, hit.end)
                elif role == "end" and out["end_date"] is None:
                    out["end_date"] = _month_end(hit)
                    doc.note("end_date", hit.start, hit.end)
        m = _DURATION.search(f)
        if m:
            months = _count_value(m.group("n"))
            if m.group("unit").startswith("an"):
                months *= 12
            out["duration_months"] = months
            doc.note("duration_months", m.start("n"), m.end())
        return out

    def target_group(self) -> dict[str, Any]:
        doc, f = self.doc, self.f
        out: dict[str, Any] = {"size": None, "description": None}
        m = _TARGET.search(f)
        if not m:
            return out
        end = _sentence_end(doc.text, m.end())
        body = f[m.end() : end]
        n = _TARGET_SIZE.match(body)
        desc_start = m.end()
        if n:
            out["size"] = _count_value(n.group("n").replace(".", ""))
            doc.note("target_group.size", m.end() + n.start("n"), m.end() + n.end("unit"))
            desc_start = m.end() + (n.end() if n.group("generic") else n.start("unit"))
        else:
            size = _TARGET_SIZE_ANYWHERE.search(body)
            if size:
                out["size"] = int(size.group("n").replace(".", ""))
                doc.note("target_group.size", m.end() + size.start("n"), m.end() + size.end())
        s, e = _trim(doc, desc_start, end)
        # "420 de persoane, respectiv 360 de elevi și 60 de cadre didactice": the parts.
        parts = re.compile(r"(?:respectiv|adica|si\s+anume)\s*:?\s+").match(self.f, s, e)
        if parts:
            s = parts.end()
        if e - s >= 3:
            out["description"] = doc.clean(s, e)
            doc.note("target_group.description", s, e)
        return out

    def location(self) -> str | None:
        doc, f = self.doc, self.f
        for pattern in (_LOCATION_LABEL, _LOCATION_PLACED, _LOCATION_LEVEL, _LOCATION_IN):
            m = pattern.search(f)
            if not m:
                continue
            if pattern is _LOCATION_PLACED:
                # "se implementează în …", "este amplasată în …": the rest of the
                # sentence is the place, as written.
                end = min(
                    _sentence_end(doc.text, m.start("where"), _line_end(f, m.start("where"))),
                    _line_end(f, m.start("where")),
                )
                stop = _LOCATION_PLACED_STOP.search(f, m.start("where"), end)
                s, e = _trim(doc, m.start("where"), stop.start() if stop else end)
                if e - s >= 3:
                    doc.note("location", s, e)
                    return doc.clean(s, e)
                continue
            # A labelled location is the whole line ("Municipiul X, județul Y").
            stop_re = _LOCATION_LABEL_STOP if pattern is _LOCATION_LABEL else _LOCATION_STOP
            stop = stop_re.search(f, m.start("where"))
            end = stop.start() if stop else m.end("where")
            s, e = _trim(doc, m.start("where"), end)
            if e - s >= 3:
                doc.note("location", s, e)
                return doc.clean(s, e)
        return None

    # ---- objectives and results ----------------------------------------------

    def objectives(self) -> list[dict[str, Any]]:
        doc, f = self.doc, self.f
        found: list[tuple[int, dict[str, Any], dict[str, tuple[int, int]]]] = []
        m = _GENERAL_LABEL.search(f) or _PROJECT_OBJECTIVE.search(f)
        if m and m.group("verb") is None:
            # A heading "OBIECTIVUL GENERAL" over "Obiectivul general al proiectului a fost …":
            # the sentence's own label and verb lead to the objective.
            again = _GENERAL_LABEL.match(f, re.compile(r"\s*").match(f, m.end()).end())
            if again and again.group("verb"):
                m = again
        if m:
            # "Obiectivul general: <passage>" introduces a passage copied whole, final
            # full stop included; "Obiectivul general este <clause>." is one sentence
            # whose full stop belongs to the sentence, not to the objective.
            labelled = m.group("verb") is None
            start = m.end()
            end = _paragraph_end(f, start) if labelled else _sentence_end(doc.text, start)
            if f[start:end].strip() == "":
                nxt = re.compile(r"\S").search(f, end)
                if nxt:
                    start, end = nxt.start(), _paragraph_end(f, nxt.start())
            # A passage (a list after a colon, several clauses) keeps its full stop;
            # a single clause drops it, like a list item.
            passage = labelled and re.search(r"[:;]|\.\s", f[start:end].strip()) is not None
            s, e = _trim(doc, start, end, keep_period=passage)
            if e - s >= 5:
                obj = _objective("general", None, doc.clean(s, e))
                spans = {"text": (s, e)}
                # "Obiectivul a fost atins integral: …" in the next sentence says how.
                attained = _ATTAINED_NEXT.match(f, e)
                if attained:
                    a_end = _sentence_end(doc.text, attained.end())
                    a_start = attained.start("how") if attained.group("how") else attained.start("all")
                    a_s, a_e = _trim(doc, a_start, a_end)
                    if a_e > a_s:
                        obj["achieved"] = doc.clean(a_s, a_e)
                        spans["achieved"] = (a_s, a_e)
                found.append((s, obj, spans))
        else:
            m = _ATTAINED_GENERAL.search(f)
            if m:
                end = _sentence_end(doc.text, m.end())
                s, e = _trim(doc, m.end(), end)
                a_s, a_e = _trim(doc, m.start(), m.start("colon"))
                if e - s >= 5:
                    obj = _objective("general", None, doc.clean(s, e))
                    obj["achieved"] = doc.clean(a_s, a_e)
                    found.append((s, obj, {"text": (s, e), "achieved": (a_s, a_e)}))
        taken: list[tuple[int, int]] = []
        for m in _ORDINAL_SPECIFIC.finditer(f):
            end = _sentence_end(doc.text, m.end())
            found.append(self._specific(m.start(), m.group("code"), m.end(), end))
            taken.append((m.start(), end))
        for m in _CODED_SPECIFIC.finditer(f):
            if any(a <= m.start() < b for a, b in taken):
                continue
            end = _line_end(f, m.end())
            # "OS 1", "O.S.1" and "Obiectivul specific 1" are the same label: OS1.
            code = re.sub(r"[\s.]", "", m.group("code") or f"os{m.group('n')}").upper()
            found.append(self._specific(m.start(), code, m.end(), end))
            taken.append((m.start(), end))
        if not any(obj["kind"] == "specific" for _, obj, _ in found):
            heading = _SPECIFIC_HEADING.search(f)
            if heading:
                for s, e in _list_items(doc, heading.end()):
                    found.append(self._specific(s, None, s, e))
            else:
                # "Obiectivele specifice sunt: 1) …; 2) …; 3) …" on one line.
                inline = _SPECIFIC_INLINE.search(f)
                if inline:
                    line_end = _line_end(f, inline.end())
                    colon = f.rfind(":", inline.start(), inline.end()) + 1
                    marks = list(_INLINE_ITEM.finditer(f, colon, line_end))
                    for mark, nxt in zip(marks, [*marks[1:], None], strict=True):
                        end = nxt.start() if nxt else _sentence_end(doc.text, mark.end(), line_end)
                        s, e = _trim(doc, mark.end(), end)
                        if e > s:
                            raw = mark.group("code")
                            code = re.sub(r"[\s.]", "", raw).upper() if raw else None
                            found.append(self._specific(mark.start() if code else s, code, s, e))
        found.sort(key=lambda item: item[0])
        objectives = []
        for index, (_, obj, spans) in enumerate(found):
            for key, span in spans.items():
                doc.note(f"objectives[{index}].{key}", *span)
            source = spans.get("achieved") or spans.get("text")
            if source:
                obj["indicators"] = self.indicators(*source, f"objectives[{index}]")
            objectives.append(obj)
        return objectives

    def _specific(
        self, anchor: int, code: str | None, start: int, end: int
    ) -> tuple[int, dict[str, Any], dict[str, tuple[int, int]]]:
        doc, f = self.doc, self.f
        spans: dict[str, tuple[int, int]] = {}
        body = f[start:end]
        lead = _SPECIFIC_VERB.match(body)
        text_start = start + (lead.end() if lead else 0)
        achieved = _ACHIEVED.search(f, text_start, end)
        text_end = achieved.start() if achieved else end
        s, e = _trim(doc, text_start, text_end)
        obj = _objective("specific", code.upper() if code else None, doc.clean(s, e))
        spans["text"] = (s, e)
        if achieved:
            a_s, a_e = _trim(doc, achieved.start("how"), end)
            if a_e > a_s:
                obj["achieved"] = doc.clean(a_s, a_e)
                spans["achieved"] = (a_s, a_e)
        if code:
            spans["code"] = (anchor, start)
        return anchor, obj, spans

    def results(self) -> list[dict[str, Any]]:
        doc, f = self.doc, self.f
        results: list[dict[str, Any]] = []
        spans: list[tuple[int, int]] = []
        last_programme: str | None = None
        coded = list(_CODED_RESULT.finditer(f))
        if coded:
            for m in coded:
                end = _line_end(f, m.end())
                s, e = _trim(doc, m.end(), end)
                level = "programme" if m.group("level").startswith("program") else "project"
                code = m.group("code")
                serves = last_programme if level == "project" else None
                if level == "programme":
                    last_programme = code
                results.append({"level": level, "code": code, "text": doc.clean(s, e), "serves": serves})
                spans.append((s, e))
        else:
            for heading in _RESULT_HEADING.finditer(f):
                items = list(_list_items(doc, heading.end()))
                if not items:
                    continue
                for s, e in items:
                    results.append(
                        {"level": "project", "code": None, "text": doc.clean(s, e), "serves": None}
                    )
                    spans.append((s, e))
                break
            else:
                # No heading names them, but a list of quantities closing a "…:" line
                # ("La finalul proiectului, spitalul va dispune de:") is what the project yields.
                for heading in _COLON_LINE.finditer(f):
                    items = list(_list_items(doc, heading.end()))
                    if len(items) < 2 or not all(
                        _LEADING_QUANTITY.match(f, s) and not _AMOUNT.search(f, s, e) for s, e in items
                    ):
                        continue
                    for s, e in items:
                        results.append(
                            {"level": "project", "code": None, "text": doc.clean(s, e), "serves": None}
                        )
                        spans.append((s, e))
                    break
        for index, (result, (s, e)) in enumerate(zip(results, spans, strict=True)):
            doc.note(f"results[{index}].text", s, e)
            result["indicators"] = self.indicators(s, e, f"results[{index}]")
        return results

    def indicators(self, start: int, end: int, path: str) -> list[dict[str, Any]]:
        doc, f = self.doc, self.f
        found: list[dict[str, Any]] = []
        after_unit: int | None = None
        for m in _INDICATOR_NUMBER.finditer(f, start, end):
            if after_unit is not None and not _COORDINATED.fullmatch(f, after_unit, m.start()):
                break
            lead = f[max(start, m.start() - 25) : m.start()]
            if _INDICATOR_BAD_LEAD.search(lead):
                continue
            name = _NAME_BEFORE.search(doc.text, max(start, m.start() - 40), m.start())
            if name and name.start() > start and f[start : name.start()].strip():
                # "situl Natura 2000 …": a number inside a proper name counts nothing.
                continue
            raw = m.group("n")
            unit_start = m.end()
            unit_end, what_start, consumed = self._unit(unit_start, end)
            if not consumed or unit_end is None:
                continue
            value: int | Decimal = (
                int(raw.replace(".", "")) if "," not in raw else _percent(raw.replace(".", ""))
            )
            if isinstance(value, int) and 1900 <= value <= 2100 and consumed < 2:
                continue
            unit = doc.clean(unit_start, unit_end)
            indicator: dict[str, Any] = {"value": value, "unit": unit, "what": None, "topics": []}
            i = len(found)
            doc.note(f"{path}.indicators[{i}].value", m.start("n"), m.end("n"))
            doc.note(f"{path}.indicators[{i}].unit", unit_start, unit_end)
            if what_start is not None:
                what_end = end
                stop = _WHAT_STOP.search(f, what_start, end)
                if stop:
                    what_end = stop.start()
                topics_m = _TOPICS_INTRO.search(f, what_start, what_end)
                listed = _TOPICS_IN_PARENS.search(f, what_start, what_end)
                if topics_m:
                    indicator["topics"] = self._topics(topics_m.end(), end, f"{path}.indicators[{i}]")
                    what_end = topics_m.start()
                elif listed:
                    # "3 laboratoare amenajate (STEM, robotică, realitate virtuală)".
                    topics_path = f"{path}.indicators[{i}]"
                    indicator["topics"] = self._topics(listed.start(1), listed.end(1), topics_path)
                    what_end = listed.start()
                ws, we = _trim(doc, what_start, what_end)
                if we > ws:
                    indicator["what"] = doc.clean(ws, we)
                    doc.note(f"{path}.indicators[{i}].what", ws, we)
            found.append(indicator)
            # One indicator per item: further numbers qualify the first quantity
            # ("1 tractor de 240 CP", "8 cercetători, dintre care 3 tineri") — unless
            # they are coordinated with it ("2 workshopuri şi 2 schimburi de experienţă").
            if what_start is not None:
                break
            after_unit = unit_end
        return found

    def _unit(self, start: int, end: int) -> tuple[int | None, int | None, int]:
        """The counted noun phrase after a number: (its end, where `what` starts, words)."""
        f = self.f
        unit_end: int | None = None
        last_end = start
        consumed = 0
        previous = ""
        for w in _WORD.finditer(f, start, end):
            if f[last_end : w.start()].strip():
                # Punctuation between words ends the noun phrase (and the indicator).
                return unit_end, None, consumed
            word = w.group(0)
            if consumed == 0:
                if word in _NOT_UNITS:
                    return None, None, 0
                if word in _MEASURES or w.group(0) in _MEASURES:
                    # "142 km de reţele": the measure is the unit, the rest says of what.
                    nxt = _WORD.search(f, w.end(), end)
                    return w.end(), (nxt.start() if nxt else None), 1
            elif word == "si":
                if _NEXT_IS_NUMBER.match(f, w.end()):
                    return unit_end, None, consumed
                following = _WORD.match(f, w.end() + 1)
                if following and following.group(0) in _NEW_NOUN_PHRASE:
                    # "şi a unei linii": a second thing counted without a number.
                    return unit_end, None, consumed
                if following and not _ends_unit(following.group(0)):
                    last_end = w.end()
                    continue
                return unit_end, w.start(), consumed
            elif word == "de" and _NEXT_IS_DIGIT.match(f, w.end()):
                # "1 sistem fotovoltaic de 30 kW": a measured complement qualifies the noun.
                return unit_end, w.start(), consumed
            elif _ends_unit(word) and (previous != "de" or word in _UNIT_STOP):
                # After "de" a participle-looking word is a noun ("de grădiniţă", "de iluminat").
                return unit_end, w.start(), consumed
            unit_end = last_end = w.end()
            previous = word
            consumed += 1
            if consumed >= 10:
                break
        return unit_end, None, consumed

    def _topics(self, start: int, end: int, path: str) -> list[str]:
        topics = []
        pos = start
        for m in re.finditer(r"[,;]\s*|\s+si\s+(?=[A-Za-z])|$", self.f[start:end]):
            s, e = _trim(self.doc, pos, start + m.start())
            if e > s:
                self.doc.note(f"{path}.topics[{len(topics)}]", s, e)
                topics.append(self.doc.clean(s, e))
            pos = start + m.end()
            if m.end() == end - start:
                break
        return topics


_PERSON_TITLE = re.compile(
    r"(?:(?:prof|conf|univ|dr|ing|ec|jr|av|arh|lect|asist|ms|mr|dl|dna|d-l|d-na|drd|col|gen)\.?\s+)+",
    re.I,
)


def _is_person(text: str) -> bool:
    """A person's name: two to four capitalised words, titles such as "Conf. univ. dr." allowed."""
    text = text.strip()
    m = _PERSON_TITLE.match(text)
    rest = text[m.end() :] if m else text
    words = rest.replace("-", " ").split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in rest):
        return False
    if _ORG_START.match(fold(rest)):
        return False
    return all(word[0].isupper() and word.replace(".", "").isalpha() for word in words)


def _is_headline_line(doc: _Doc, pos: int) -> bool:
    """Whether ``pos`` is on a short line not closed by a full stop (a headline)."""
    start, end = doc.line_bounds(pos)
    line = doc.text[start:end].rstrip()
    return len(line) < 200 and not line.endswith((".", ",", ";", ":"))


_QUALIFIERS = re.compile(
    r"\s*\((?-i:[A-Z][A-Z0-9-]{1,15})\)|,\s*(?:cu\s+sediul|judet\w*|jud\.|cui|cod\s+fiscal|in\s+parteneriat|"
    r"in\s+calitate|impreuna\s+cu|cu\s+adresa)|\s+in\s+parteneriat\s+cu|\s+impreuna\s+cu"
)


def _cut_qualifiers(doc: _Doc, start: int, end: int) -> tuple[int, int]:
    """ "SC X SRL, cu sediul în …", "Comuna X, judeţul Y", "Institutul … (INCD-MAT)" → the name."""
    m = _QUALIFIERS.search(doc.folded, start, end)
    if m and m.start() > start:
        return _trim(doc, start, m.start())
    return start, end


def _named(m: re.Match[str]) -> bool:
    return re.match(r"progr|plan", m.group(0)) is not None


def _nominative(m: re.Match[str]) -> str:
    word = m.group(1)
    return word + ("UL" if word.isupper() else "ul")


def _objective(kind: str, code: str | None, text: str) -> dict[str, Any]:
    return {"kind": kind, "code": code, "text": text, "achieved": None, "indicators": []}


def _line_end(folded: str, pos: int) -> int:
    end = folded.find("\n", pos)
    return len(folded) if end < 0 else end


def _list_items(doc: _Doc, pos: int) -> Iterator[tuple[int, int]]:
    """Bulleted or numbered items following a heading, until the list ends."""
    f = doc.folded
    cursor = pos
    first_line = True
    count = 0
    while cursor < len(f):
        end = _line_end(f, cursor)
        line = f[cursor:end]
        stripped = line.strip()
        if first_line:
            first_line = False
            if stripped:
                # Items written on the heading's own line are not a list.
                return
            cursor = end + 1
            continue
        if not stripped:
            cursor = end + 1
            continue
        m = _BULLET.match(line)
        if not m:
            if count == 0 and len(stripped) < 300 and stripped[-1:] in ";.," and not stripped.endswith(":"):
                # Unbulleted items, one per line, each closed by ";" or ".".
                m2 = re.match(r"\s*", line)
                s, e = _trim(doc, cursor + (m2.end() if m2 else 0), end)
                count += 1
                yield s, e
                if stripped.endswith("."):
                    return
                cursor = end + 1
                continue
            return
        s, e = _trim(doc, cursor + m.end(), end)
        if e > s:
            count += 1
            yield s, e
        cursor = end + 1


def _value_role(before: str, after: str) -> str | None:
    lead = before[-140:]
    cue = max(_ELIGIBLE_CUE.finditer(lead), key=lambda c: c.start(), default=None)
    if cue is not None:
        tail = lead[cue.end() :]
        # "valoarea eligibilă nerambursabilă din FEDR este de X": a part from a named
        # source; "… 70% din valoarea eligibilă, din care X din FEDR": a part of it.
        part = re.match(r"\w*\s+nerambursabil", tail) is not None and _source_of(tail) is not None
        if not part and not re.search(r"(?:din|dintre)\s+care", tail):
            return "eligible_value"
    if _TOTAL_CUE.search(lead) and not _NONREFUNDABLE_CUE.search(lead[-60:]):
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


def _trim_tail_words(folded: str, start: int, end: int) -> int:
    m = _ROW_TAIL.search(folded, start, end)
    return m.start() if m else end


def _closest_role(lead: str) -> str | None:
    best: tuple[int, str] | None = None
    for role, pattern in (("start", _START_DATE_CUE), ("end", _END_DATE_CUE)):
        for m in pattern.finditer(lead):
            if best is None or m.end() > best[0]:
                best = (m.end(), role)
    if best is None or len(lead) - best[0] > 45:
        return None
    return best[1]


# --- patterns used by the rules -------------------------------------------------

_UNQUOTED_TITLE = re.compile(
    r"(?:anunta|privind)\s+(?:lansarea|demararea|inceperea|finalizarea|incheierea|implementarea)"
    r"\s+(?:implementarii\s+)?proiectului\s+(?P<t>[^\n,(]{8,200}?)(?=,|\s+\(|\s+cod|\s+finantat|\.\s|\n)"
)
_PUBLISHED_LABEL = re.compile(
    r"(?:^|\n)[ \t]*(?:data(?:\s+(?:publicarii|comunicatului|emiterii))?|publicat(?:\s+la)?|"
    r"publicat\s+in\s+data\s+de)\s*:\s*"
)
_TODAY = re.compile(r"(?:^|[\n.]\s*)(?:azi|astazi|in\s+data\s+de|la\s+data\s+de)\s*,?\s*(?:\w+\s*,\s*)?")
_DOMAIN = re.compile(r"(?<![@\w.-])(?:www\.)?(?P<d>[a-z0-9][a-z0-9-]*\.(?:ro|com|eu|net|org|info|md))\b")
_CONTACT_LABEL = re.compile(
    r"(?:date|datele|persoan\w*|informatii|detalii)\s+(?:suplimentare\s+)?de\s+contact\s*:?"
    r"|(?:^|\n)[ \t]*(?:contact|informatii\s+suplimentare|relatii\s+suplimentare|"
    r"pentru\s+(?:mai\s+multe\s+)?informatii(?:\s+suplimentare)?(?:\s+va\s+rugam\s+sa\s+contactati)?)\s*:"
)
_CONTACT_SPLIT = re.compile(r",\s+(?=[a-z])|;\s+")
_CONTACT_END = re.compile(
    r"(?:citeste|citeşte|cititi|vezi|articole|acest\s+site|proiect\s+(?:co)?finantat|investim|"
    r"pentru\s+mai\s+multe|distribuie|share|comentarii|etichete|tags|\"?proiect\s+selectat|continutul)"
)
_NAME_POSITION = re.compile(r"\s*,\s*|\s+-\s+")
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_PHONE_LABEL = re.compile(r"(?:tel(?:efon)?|mobil|fax)[\w./ ]*?(?=:|\s*\d|\s*\+)")
# Spaces only between digits, so "0372 640030 / 0372 640070" is two numbers.
_PHONE = re.compile(r"\+?\d(?:[\d./-]|\s(?=\d)){5,}\d")
_VALUE_LEAD = r"(?:\s+(?:a|al|al\s+proiectului|a\s+proiectului|proiectului))?"
_TOTAL_CUE = re.compile(
    r"valoare\w*\s+(?:totala|proiectului|totala\s+a\s+proiectului|de\s+implementare)"
    r"|buget\w*\s+(?:total|proiectului)|in\s+valoare\s+(?:totala\s+)?de|cost\w*\s+total"
    r"|valoare\w*\s*:|(?:are|avand)\s+o\s+valoare"
)
_ELIGIBLE_CUE = re.compile(
    r"valoare\w*\s+(?:totala\s+)?eligibil|(?:cost\w*|buget\w*)\s+(?:total\w*\s+)?eligibil"
    r"|total\w*\s+eligibil"
)
_NONREFUNDABLE_CUE = re.compile(
    r"nerambursabil|asistent\w*\s+financiar|valoare\w*\s+(?:finantarii|contributiei)|finantare\w*\s*:"
)
_SHARE_IN = re.compile(r"(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_SHARE_BEFORE = re.compile(r"(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%\s*(?:din\s+valoare\w*[^(,;]*)?\(?\s*$")
_CONJUNCTION_TAIL = re.compile(r"[\s,]+(?:si|iar|respectiv|plus|precum\s+si)\s*$")
_SHARE_ROW = re.compile(r"(?<![\d.,])(?P<p>\d{1,3}(?:[.,]\d{1,2})?)\s*%")
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
    r"(?<![a-z])(?:(?:co-?)?finantat\w*|finantare)\s+(?:(?P<p>100)\s*%\s*|(?P<integral>integral)\s+)?"
    r"(?:nerambursabil\w*\s+)?(?:din|de|prin|de\s+catre|cu\s+sprijinul)\s+"
    r"(?:uniunea\s+europeana\s+(?:prin|din)\s+)?(?P<fund>[a-z])"
)
_RANGE_JOIN = re.compile(r"\s*(?:-|pana\s+(?:la|in)(?:\s+data\s+de)?|si|la)\s*")
_PERIOD_CUE = re.compile(
    r"perioad|intre|durat|implement|desfasura|derula|calendar|interval|de\s+la\s*$|din\s*$|incepand"
)
_START_DATE_CUE = re.compile(
    r"incep\w*|inceput|debut\w*|demar\w*|start\w*|lansat|de\s+la(?:\s+data\s+de)?|data\s+de\s+incepere"
    r"|din\s+data\s+de"
)
_END_DATE_CUE = re.compile(
    r"pana\s+(?:la|in|pe)|finaliz\w*|incheier\w*|inchei\w*|sfarsit\w*|final\w*|termen\w*|expir\w*"
)
_DURATION = re.compile(
    r"(?:durat\w*|perioad\w*|timp\s+de|pe\s+parcursul"
    r"|implementare\w*|desfasura\w*|derula\w*|se\s+va\s+derula)"
    r"[^.\n]{0,60}?(?<![\d.,])(?P<n>" + _COUNT + r")\s+(?:de\s+)?(?P<unit>luni|ani|an)(?![a-z])"
)
_TARGET = re.compile(
    r"grup\w*\s*(?:-\s*)?tinta(?:\s+(?:al|a)\s+proiectului)?\s*(?:(?:este|a\s+fost|va\s+fi|e)\s+)?"
    r"(?:(?:format|constituit|alcatuit|compus|reprezentat)\w*\s+(?:din|de)\s+|cuprinde\s+|include\s+|"
    r"il\s+reprezinta\s+|vizat\s+(?:este|cuprinde)\s+|:\s*|-\s*)"
)
_TARGET_SIZE = re.compile(
    r"\s*(?:un\s+numar\s+de\s+|minimum\s+|minim\s+|cel\s+putin\s+|peste\s+|aproximativ\s+)?"
    r"(?P<n>\d{1,3}(?:\.\d{3})*|\d+|" + _COUNT + r")\s+(?:de\s+)?"
    r"(?P<unit>(?P<generic>(?:persoane|persoana|participanti"
    r"|membri|beneficiari)(?:\s*[,:-]\s*|\s+\())|[a-z])"
)
_TARGET_SIZE_ANYWHERE = re.compile(
    r"\(?\s*(?P<n>\d{1,3}(?:\.\d{3})*|\d+)\s+(?:de\s+)?(?:persoane|persoana|participanti)"
)
_LOCATION_LABEL = re.compile(
    r"(?:loc(?:ul|atia)?\s+(?:de\s+)?(?:implementar\w*|desfasurar\w*)|locati\w*\s+proiectului|"
    r"localizare\w*|amplasament\w*)\w*(?:\s+(?:a\s+|al\s+)?proiectului)?\s*:\s*(?P<where>[^\n]+)"
)
_PLACE_NOUN = (
    r"(?:municipi|oras|comun|judet|localitat|sat|sectorul|regiun|zon|cartier|str\.|strada|bd\.|bulevard"
    r"|calea|sos\.|soseaua|aleea)"
)
# A verb placing the project, then "în" and a place — not a time, a frame or a manner
# ("în perioada", "în cadrul", "în parteneriat cu").
_LOCATION_PLACED = re.compile(
    r"(?<![a-z])(?:(?:se\s+)?implementeaza|(?:a\s+fost|va\s+fi|este|au\s+fost|vor\s+fi)\s+implementat\w*"
    r"|amplasat\w*|situat\w*|localizat\w*|va\s+functiona|vor\s+functiona|functioneaza"
    r"|(?:aflat\w*\s+in\s+(?:constructie|executie|curs\s+de\s+\w+))(?=\s+pe\s+" + _PLACE_NOUN + r"))"
    r"\s+(?:in|pe\s+raza|pe\s+teritoriul|pe(?=\s+" + _PLACE_NOUN + r")"
    r"|pe\s+(?:un\s+)?teren\w*[^.\n]{0,60}?\s(?:din|in)(?=\s+" + _PLACE_NOUN + r"))\s+"
    r"(?!perioad|interval|data\b|cadrul|parteneriat|calitate|curs\b|termen|luna|anul|\d|prezent"
    r"|conformitate|baza|vederea|scopul|timp|special|urma|momentul|mod\w*\b|regim|colaborare|beneficiul"
    r"|folosul|proportie|etape|primul|primele|cel\s|ultim|acest|aceast)(?P<where>\S)"
)
_LOCATION_PLACED_STOP = re.compile(
    r",\s*(?:in\s+cadrul|prin|unde|iar|in\s+perioada|pe\s+o\s+perioada|incepand)\b|\s+\((?!\s*[a-z])"
)
_LOCATION_LEVEL = re.compile(
    r"la\s+nivelul\s+(?P<where>(?:unitatii\s+administrativ[- ]teritoriale"
    r"|uat|judetului|municipiului|orasului|comunei|regiunii)\s[^\n]{2,120})"
)
_LOCATION_IN = re.compile(
    r"(?:implementat|desfasura|derula|realiza|construi|amplasa|situa)\w*\s+(?:in|pe\s+raza)\s+"
    r"(?P<where>(?:municipiului|municipiul|orasului|orasul|comunei|comuna|judetului"
    r"|judetul|localitatii|localitatea|regiunii|regiunea|satului|satul)\s[^\n]{2,120})"
)
_LOCATION_LABEL_STOP = re.compile(r";|\.(?:\s*\n|\s*$)|\n")
_LOCATION_STOP = re.compile(r",|;|\.(?:\s|$)|\s+(?:si|in|prin|pentru|care|unde|cu)\s|\(|\n")
_GENERAL_LABEL = re.compile(
    r"obiectiv\w*\s+general\w*(?:\s+(?:al"
    r"|a)\s+proiectului)?\s*(?P<verb>(?:il\s+constituie|il\s+reprezinta|este|"
    r"consta\s+in|a\s+constat\s+in|vizeaza|a\s+vizat|a\s+fost|urmareste|a\s+urmarit|l-a\s+constituit"
    r"|l-a\s+reprezentat|va\s+fi|se\s+refera\s+la|presupune)\s*)?"
    r"(?::|-|\s)\s*"
)
# "Obiectivul proiectului îl constituie …": no "general", so a verb must follow.
_PROJECT_OBJECTIVE = re.compile(
    r"obiectiv(?:ul)?\s+(?:principal\s+)?(?:al\s+)?proiectului\s*(?P<verb>(?:il\s+constituie|il\s+reprezinta"
    r"|este|consta\s+in|a\s+constat\s+in|vizeaza|a\s+vizat|a\s+fost|urmareste|a\s+urmarit"
    r"|l-a\s+constituit|l-a\s+reprezentat|va\s+fi)\s*)(?::|-|\s)\s*"
)
_ATTAINED_NEXT = re.compile(
    r"[.;]?\s+(?P<all>obiectiv(?:ul)?(?:\s+general)?(?:\s+al\s+proiectului)?\s+(?:a\s+fost|este)\s+"
    r"(?:atins|indeplinit|realizat)\w*(?:\s+(?:integral|in\s+totalitate|pe\s+deplin))?\s*"
    r"(?P<how>prin\b)?)"
)
_ATTAINED_GENERAL = re.compile(
    r"(?:si-a|s-a|si)\s*-?\s*a?\s*(?:atins|indeplinit|realizat)\s+obiectiv\w*[^:\n.]{0,60}(?P<colon>:)\s*"
)
_ORDINAL = (
    r"primul|al\s+(?:doilea|treilea|patrulea|cincilea"
    r"|saselea|saptelea|optulea|noualea|zecelea)|ultimul|\d+\."
)
_ORDINAL_SPECIFIC = re.compile(
    r"(?:" + _ORDINAL + r")\s+obiectiv\s+specific\s*(?:\(\s*(?P<code>os\s*\d+)\s*\))?"
)
_CODED_SPECIFIC = re.compile(
    r"(?:^|\n)[ \t•*-]*(?:\(?(?P<code>o\.?\s?s\.?\s?\d+)\)?"
    r"|obiectiv\w*\s+specific\w*\s+(?:nr\.?\s*)?(?P<n>\d+)(?![.,]?\d))\s*[:.)-]\s*",
)
_SPECIFIC_HEADING = re.compile(
    r"obiectiv\w*\s+specific\w*(?:\s+(?:ale|al)\s+proiectului)?(?:\s+(?:sunt"
    r"|au\s+fost|vor\s+fi))?\s*:?[ \t]*(?=\n)"
)
# "Obiectivele specifice sunt: 1) …; 2) …", "(1) …; (2) …" or "OS1 – …; OS2 – …" on one line.
_INLINE_MARK = r"(?:\(?(?:\d{1,2}|[a-h])\)|(?P<code>o\.?\s?s\.?\s?\d{1,2})\s*[-:.])"
_SPECIFIC_INLINE = re.compile(
    r"obiectiv\w*\s+specific\w*(?:\s+(?:ale|al)\s+proiectului)?(?:\s+(?:sunt|au\s+fost|vor\s+fi))?"
    r"\s*:\s*(?:\(?(?:1|a)\)|o\.?\s?s\.?\s?1\s*[-:.])\s"
)
_INLINE_ITEM = re.compile(r"(?:(?<=:)|(?<=;)|(?<=\.))\s*" + _INLINE_MARK + r"\s+")
_SPECIFIC_VERB = re.compile(
    r"\s*(?:\)|:|-)?\s*(?:a\s+constat\s+in|consta\s+in|a\s+vizat|vizeaza|este|a\s+fost|l-a\s+constituit|"
    r"il\s+constituie|urmareste|a\s+urmarit|se\s+refera\s+la)?\s*:?\s*"
)
_ACHIEVED = re.compile(
    r"\s*[,;-]?\s*(?:si\s+)?(?:a\s+fost|au\s+fost|fiind|va\s+fi|obiectiv(?:ul)?(?:\s+a\s+fost)?)\s+"
    r"(?:atins|realizat|indeplinit)\w*\s+(?P<how>prin\b)"
    r"|\s*,?\s*(?:si\s+)?(?:a\s+fost|au\s+fost|fiind)\s+(?:atins"
    r"|realizat|indeplinit)\w*\s*(?::|-)\s*(?P<how2>)"
)
_CODED_RESULT = re.compile(
    r"(?:^|\n)[ \t•*-]*(?:\d+[.)]\s*)?[ \t•*-]*rezultat\w*\s+(?P<level>program\w*"
    r"|proiect\w*)\s*(?:nr\.?\s*)?(?P<code>\d+(?:\.\d+)*)\s*[-:.)]\s*",
)
_RESULT_HEADING = re.compile(
    r"rezultat\w*[^\n]{0,120}:[ \t]*(?=\n)"
    r"|(?:au\s+fost|s-au|vor\s+fi|va\s+fi|a\s+fost)\s+(?!stabilit"
    r"|urmatoarele\s+obiective)[a-z]+(?:\s+[a-z]+){0,3}\s*:[ \t]*(?=\n)"
    r"|(?:^|\n)[ \t]*rezultat\w*(?:\s+\w+){0,3}[ \t]*(?=\n)"
)
_COLON_LINE = re.compile(r"(?:^|\n)[^\n]{3,160}:[ \t]*(?=\n)")
_LEADING_QUANTITY = re.compile(r"\d[\d.,]*\s+(?:de\s+)?[a-z]")
_BULLET = re.compile(r"[ \t]*(?:[•*o>-]|\d{1,2}[.)]|[a-z][.)])\s+")
_INDICATOR_NUMBER = re.compile(
    r"(?<![\w.,/:%-])(?P<n>\d{1,3}(?:\.\d{3})+|\d+(?:,\d{1,3})?)(?![\w.,/:%-]|\s*%|\s*-\s*\d)"
    r"\s+(?:de\s+)?"
)
_INDICATOR_BAD_LEAD = re.compile(
    r"(?:iso|nr\.?|anul|axa|os|cod\w*|rezultat\w*(?:\s+\w+)?|standard\w*|art\.?|legea|hg|oug)\s*$"
)
_WORD = re.compile(r"[a-z][a-z0-9-]*")
# Words that end the counted noun: prepositions, verbs, conjunctions. Genitive
# articles (a, al, ai, ale) do not: "staţie de producere a oxigenului" is one noun.
_UNIT_STOP = _wordset(
    "in pentru din la cu privind pe prin care ce catre dintre asupra conform intre sau ori "
    "cate fiecare au vor va sunt este fost s-au isi si-au iar respectiv intr-un intr-o printr-un "
    "printr-o dintr-un dintr-o "
    "destinat destinate destinati nou noua noi noile anual lunar zilnic functional functionala "
    "functionale operational operationala operationale suplimentar suplimentare"
)
_MEASURES = _wordset("km m mp m2 mc m3 ml ha kw mw kwh mwh gw gwh t tone kg l litri gb tb kv kva hl")
# Nouns that look like participles (-at, -ate, -it, -ut …) and are not.
_PARTICIPLE_LIKE_NOUNS = re.compile(
    r"(?:[aeiou]tat[eia]?|[aeiou]tatea|[aeiou]tatii|rezultat\w*|certificat\w*|mandat\w*|aparat\w*|stat|state"
    r"|senat|tratat|tratatul\w*|tratatel\w*|deputat\w*|candidat\w*|avocat\w*|doctorat\w*|masterat\w*|sindicat\w*|minut\w*"
    r"|institut\w*|circuit\w*|credit\w*|deficit\w*|profit\w*|debit\w*|specializat\w*|format"
    r"|formate|agregat\w*|palat\w*|magistrat\w*|licentiat\w*|voluntariat\w*|secretariat\w*"
    r"|atelier\w*|substrat\w*|termostat\w*|concentrat\w*|automat\w*)$"
)
_PARTICIPLE_ENDING = re.compile(
    r"\w{3,}(?:at|ata|ate|ati|it|ita|ite|iti|ut|uta|ute|uti|use|usi|isa|ise|isi)$"
)


_NEW_NOUN_PHRASE = _wordset("a al ai ale un o unei unui unor")
_GERUND_OR_AGENT = re.compile(r"\w{4,}(?:ind|and)$|participant\w*")


def _ends_unit(word: str) -> bool:
    """Whether ``word`` ends the counted noun: a stop word or a participle ("depuse")."""
    if word in _UNIT_STOP or _PARTICIPLE.match(word) or _GERUND_OR_AGENT.match(word):
        return True
    return bool(_PARTICIPLE_ENDING.match(word)) and not _PARTICIPLE_LIKE_NOUNS.search(word)


# Participles and verbal adjectives qualify the counted noun ("12 proceduri
# simplificate", "45 de funcţionari formaţi", "destinate cetăţenilor"): they start the
# `what` part. Adjectives proper ("cursuri specializate") stay in the unit, so the
# list names verbs of administrative reporting rather than a suffix rule.
_PARTICIPLE = re.compile(
    r"(?:form|instru|certific|simplific|destin|realiz|organiz|implement|elabor|dezvolt|achizition"
    r"|reabilit|moderniz|constru|dot|sprijin|consili|evalu|revizu|actualiz|digitaliz|infiint|desfasur"
    r"|sustin|livr|public|inform|perfection|calific|obtin|prevaz|planific|asum|viz|select"
    r"|recrut|media|integr|ocup|imbunatat|optimiz|standardiz|automatiz|informatiz|monitoriz|adopt"
    r"|acredit|incadr|angren|implic|tipar|distribu|amenaj|reconstru|renov|echip|instal|inchiri|sprijin"
    r"|cre|angaj|sprijin|consili|finant|aprob|atins|trat|cart|asist|vaccin|oper|diagnostic)(?:at|ata|ate|ati|it|ita|ite|iti|ut|uta|ute|uti)$"
    r"|^(?:propus|transmis|extins|emis|pus|atins|sustinut|obtinut|prevazut|facut)(?:|a|e|i)$"
)
_NOT_UNITS = frozenset(
    ["lei", "euro", "ron", "luni", "ani", "an", "zile", "de", "la", "si", "din", "in", "ore"]
) | frozenset(_MONTHS)
_COORDINATED = re.compile(r"\s*(?:,\s*|\s(?:si|plus)\s+|,\s*(?:si|plus)\s+)(?:a\s+|de\s+)?")
_NEXT_IS_DIGIT = re.compile(r"\s+\d")
_NAME_BEFORE = re.compile(r"(?<![\w.])[A-ZĂÂÎȘȚŞŢ][\w-]*[ \t]+$")
_NEXT_IS_NUMBER = re.compile(r"\s+(?:a\s+|de\s+)?\d")
_WHAT_STOP = re.compile(r"\s+si\s+(?:a\s+|de\s+)?\d|;|\.(?:\s|$)")
_TOPICS_IN_PARENS = re.compile(r"\s*\(([^()\n]*,[^()\n]*)\)")
_TOPICS_INTRO = re.compile(
    r",?\s*(?:(?:in|pe|privind|din|la|cu)\s+)?(?:urmatoarele|urmatorii|urmatoarea)?\s*(?:\w+\s+)?"
    r"(?:domenii|teme|tematici|module|subiecte|discipline|arii)?\s*:\s*"
)


def slugify(text: str, *, max_words: int = 6) -> str:
    """Lowercase ASCII words joined by hyphens, small words dropped: a stable file name."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    kept = [word for word in words if word not in _SLUG_STOPWORDS] or words
    slug = "-".join(kept[:max_words])
    return slug[:80].strip("-") or "proiect"


_SLUG_STOPWORDS = _wordset(
    "a al ale ai si in la de din pentru cu pe prin privind catre o un unui unei sau "
    "ori proiect proiectul proiectului "
)


def extract_release(text: str, *, file_name: str | None = None) -> Extraction:
    """Draft a seed record from the text of one release; never raises on odd text."""
    doc = _Doc(text)
    rules = _Rules(doc, file_name)
    title_span = rules.title()
    title = doc.clean(*title_span) if title_span else None
    if title_span:
        doc.note("title", *title_span)
    acronym = rules.acronym(title_span)
    codes = rules.codes()
    kind = rules.kind()
    status = {"end": "completed", "start": "ongoing"}.get(kind, "ongoing")
    beneficiary = rules.beneficiary()
    partners = rules.partners()
    issuer, contacts = rules.issuer_and_contacts()
    programme = rules.programme()
    axis = rules.priority_axis()
    specific = rules.specific_objective()
    funds = rules.funds()
    money = rules.money()
    funding = money["funding"]
    if len(funding) == 1 and funding[0]["source"] == "other" and funding[0]["share_pct"] is None:
        # "sprijinul public nerambursabil este de X euro", then "asigurat în proporție de
        # 85% din FEADR și 15% de la bugetul național": the named split is the funding,
        # the unnamed sum only its subtotal.
        stale = {k: v for k, v in doc.provenance.items() if k.startswith("funding[")}
        for key in stale:
            del doc.provenance[key]
        shares = rules.share_funding()
        if len(shares) >= 2:
            funding = shares
        else:
            doc.provenance.update(stale)
    funding = funding or rules.share_funding() or rules.phrase_funding(funds)
    period = rules.period()
    target = rules.target_group()
    location = rules.location()
    objectives = rules.objectives()
    results = rules.results()
    published = rules.published()
    publisher = rules.publisher()
    start_date = period["start_date"]
    if kind != "end" and published is not None and start_date is not None and published < start_date:
        # Published before the stated start (a contract signed, a launch announced).
        status = "announced"
    headline = _headline(doc)
    slug = slugify(title or beneficiary["name"] or headline or "proiect")
    record: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "acronym": acronym,
        "codes": codes,
        "status": status,
        "beneficiary": beneficiary,
        "partners": partners,
        "contacts": contacts,
        "programme": programme,
        "priority_axis": axis,
        "specific_objective": specific,
        "funds": funds,
        "currency": money["currency"] or "RON",
        "total_value": money["total_value"],
        "eligible_value": money["eligible_value"],
        "funding": funding,
        "start_date": period["start_date"],
        "end_date": period["end_date"],
        "duration_months": period["duration_months"],
        "target_group": target,
        "location": location,
        "objectives": objectives,
        "results": results,
        "sources": [
            {
                "file": file_name,
                "kind": kind,
                "published": published,
                "publisher": publisher,
                "issuer": issuer,
                "title": headline,
            }
        ],
    }
    return Extraction(record=record, provenance=dict(sorted(doc.provenance.items())), file_name=file_name)


_HEADLINE_SKIP = re.compile(
    r"(?:data\b|publicat|www\.|[a-z0-9-]+\.(?:ro|com|eu|net|org)\b|menu|meniu|acasa|cauta|\d"
    r"|cod\s+(?:smis|mysmis|sipoca)|str\.|strada|bd\.|b-dul|bulevardul|calea|sos\.|tel(?:efon)?\b|fax\b|e-?mail\b"
    r"|nr\.|biroul|compartimentul|departamentul|serviciul\s+(?:de\s+)?(?:presa|comunicare)"
    r"|[^\n]*(?:newsletter|aboneaza|autentificare|login|cookie)|[^|\n]*\|[^|\n]*\||[^/\n]{1,30}/[^/\n]{1,30}$|[^>›»\n]*[>›»])"
)
_HEADLINE_PREFIX = re.compile(r"comunicat(?:\s+de\s+presa)?\s*[-:|]\s*")
_HEADLINE_SKIP_UNUSED = re.compile(
    r"^(?:comunicat(?:\s+de\s+presa)?\s*$|data\b|\d|www\.|[a-z0-9-]+\.ro\b|menu|[^|\n]*\|[^|\n]*\|)"
)


def _headline(doc: _Doc) -> str | None:
    """The release's headline: the first line of its head that reads like one.

    Skipped: site names and menus, dates and datelines, labels, a letterhead and
    the bare words "Comunicat de presă" (kept as the headline only when nothing
    else heads the release). A line ending in a full stop is body text, and the
    head ends where the body starts.
    """
    f = doc.folded
    fallback: tuple[int, int] | None = None
    for start in doc.line_starts[:_KIND_HEAD_LINES]:
        end = _line_end(f, start)
        s, e = _trim(doc, start, end, keep_quotes=True)
        while e > s and f[e - 1] in " \t":
            e -= 1
        line = f[s:e]
        if e - s < 3:
            continue
        if _BARE_RELEASE.fullmatch(line):
            fallback = fallback or (s, e)
            continue
        if (doc.text[e - 1 : e] == "." and e - s > 60) or e - s > 300:
            break
        if _HEADLINE_SKIP.match(line) or _is_dateline(doc, s, e) or _is_letterhead(doc, s, e):
            continue
        if len(line.split()) < 3:
            continue
        prefix = _HEADLINE_PREFIX.match(f, s, e)
        if prefix and prefix.end() < e:
            # A site's page title "Comunicat de presă - X" repeats a headline X
            # printed again below; the curator takes X.
            rest = _WS.sub(" ", f[prefix.end() : e]).strip()
            if _WS.sub(" ", f[e:]).find(rest) >= 0:
                s = prefix.end()
        doc.note("sources[0].title", s, e)
        return doc.clean(s, e)
    if fallback:
        doc.note("sources[0].title", *fallback)
        return doc.clean(*fallback)
    return None


_BARE_RELEASE = re.compile(r"(?:comunicat(?:e)?\s+de\s+presa|comunicat|anunt|informare)\s*:?")


def _is_dateline(doc: _Doc, start: int, end: int) -> bool:
    """A line that is a date, maybe after a place name ("Vaslui, 22 iunie 2021")."""
    for hit in _date_hits(doc.folded, start, end):
        rest = (doc.folded[start : hit.start] + doc.folded[hit.end : end]).strip(" ,.-:|")
        if len(rest) < 40 and not re.search(r"proiect|perioad", rest):
            return True
    return False


_COMPANY = re.compile(r"(?:\bs\.?r\.?l\.?|\bs\.?a\.?|\bsrl|\bsa)\s*$")


def _is_letterhead(doc: _Doc, start: int, end: int) -> bool:
    """An institution's name alone on a line at the top (or bottom) of a release."""
    line = doc.folded[start:end]
    if end - start > 90 or line.endswith((".", ":", "!")) or _START_CUES.search(line):
        return False
    if _SUBJECT_VERB.search(line) or re.search(r"(?<![a-z])(?:a|au|s-a|va|vor)\s+[a-z]{3,}", line):
        return False
    if _END_CUES.search(line) or "proiect" in line or '"' in line:
        return False
    original = doc.text[start:end]
    return bool(_ORG_START.match(line) and _starts_capital(doc, start)) or (
        original.isupper() and bool(_COMPANY.search(line))
    )
