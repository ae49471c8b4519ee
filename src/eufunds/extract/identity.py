"""What the project is called and what the release announces.

Title, acronym, SIPOCA and MySMIS codes, and the release kind (start or end of a project).
"""

from __future__ import annotations

import re

from ..text import fold
from .document import WHITESPACE, Doc, per_text, sentence_start, starts_capital, trim, wordset
from .parties import ORGANISATION_START
from .programme import PROGRAMME_ACRONYM

_QUOTED = re.compile(r"\"([^\"\n]{3,300}(?:\n(?![ \t]*\n)[^\"\n]{1,300})?)\"")
_GUILLEMETS = re.compile(r"«([^«»\"\n]{3,300})»")


class _Quoted:
    """A quotation's inner span (``m.start(1)``, ``m.end(1)``, ``m.group(1)`` like a match)."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self, _group: int = 0) -> int:
        return self._start - (0 if _group else 1)

    def end(self, _group: int = 0) -> int:
        return self._end + (0 if _group else 1)

    def group(self, _group: int = 0) -> str:
        return self._text[self._start : self._end]


def quotations(doc: Doc) -> list[_Quoted]:
    """Every quotation in reading order: „…”, "…", ,,…’’ — a «…» inside one belongs to it
    („… Spitalului Municipal «Dr. Aurel Tulbure» Făgăraş”) — and «…» standing alone."""

    def compute() -> list[_Quoted]:
        view = doc.quote_view
        found = [_Quoted(doc.folded, m.start(1), m.end(1)) for m in _QUOTED.finditer(view)]
        if "«" in view:
            for m in _GUILLEMETS.finditer(view):
                if not any(q.start() <= m.start() < q.end() for q in found):
                    found.append(_Quoted(doc.folded, m.start(1), m.end(1)))
            found.sort(key=lambda q: q.start())
        return found

    return per_text(doc.folded, "quotations", compute)


_TITLE_LEAD = re.compile(
    r"proiect\w*\s*(?:cu\s+(?:titlul|denumirea|tema)|intitulat|denumit|numit|cu\s+numele)?\s*[:,-]?\s*$"
    r"|(?:cu\s+titlul|intitulat|denumit)\s*:?\s*$"
    # "a semnat … contractul de finanţare „X”": the contract is named by its project.
    r"|contract\w*\s+de\s+finantare\s*(?:pentru\s+(?:proiectul\s+)?)?[:,-]?\s*$"
)
# A quotation right after a level of the programme ("Axa Prioritară 3 – „…”") is that
# level's title, not the project's.
_HIERARCHY_BEFORE = re.compile(
    r"(?:axa|axei|prioritat|obiectiv|masur|sub-?masur|domeniu|operatiun|apel)\w*[^\"\n]{0,40}$"
)


def _in_a_name(doc: Doc, quote: int) -> bool:
    """Whether a quotation is part of an institution's name: "Școala Gimnazială „Ion Creangă”",
    "Asociația „Orizont”" (capitalised words from an organisation's noun to the quote)."""
    line_start, _ = doc.line_bounds(quote)
    lead_start = max(line_start, quote - 80)
    words = doc.text[lead_start:quote].split()
    for i in range(len(words) - 1, -1, -1):
        if not (words[i][:1].isupper() or words[i] in _NAME_LINKS):
            return False
        if ORGANISATION_START.fullmatch(fold(words[i]).strip(",.")):
            return True
    return False


_NAME_LINKS = frozenset({"de", "din", "si", "și", "şi", "pentru", "a", "al", "nr.", "cu"})


def _unabridged(doc: Doc, candidates: list[tuple[int, int]]) -> tuple[int, int]:
    """A headline may shorten the title the body then gives whole ("Creşterea eficienţei
    energetice – Cantina …" over "Creşterea eficienţei energetice a clădirilor publice …"):
    the body's longer form, opening with the same words, is the title."""
    f = doc.folded
    first = candidates[0]
    line_start, line_end = doc.line_bounds(first[0])
    line = doc.text[line_start:line_end].rstrip()
    if len(line) >= 200 or line.endswith((".", ";", ":")):
        return first
    opening = f[first[0] : first[1]].split()[:2]
    for start, end in candidates[1:]:
        body_start, body_end = doc.line_bounds(start)
        if body_end - body_start < 200:
            continue
        if f[start:end].split()[:2] == opening and end - start > first[1] - first[0]:
            return start, end
    return first


_TITLE_LABEL = re.compile(
    r"^[ \t]*(?:titlu\w*|denumire\w*|nume\w*)\s+(?:proiect\w*)\s*[:-]\s*(?P<t>[^\n]+)"
    r"|^[ \t]*proiect(?:ul)?\s*:\s*(?P<t2>[^\n]+)",
    re.M,
)
_BOILERPLATE = re.compile(
    r"^(?:proiect\s+)?(?:co)?finantat|programul|investim|fondul|uniunea|pentru informatii"
)
_UNQUOTED_TITLE = re.compile(
    r"(?:anunta|privind)\s+(?:lansarea|demararea|inceperea|finalizarea|incheierea|implementarea)"
    r"\s+(?:implementarii\s+)?proiectului\s+(?P<t>[^\n,(]{8,200}?)(?=,|\s+\(|\s+cod|\s+finantat|\.\s|\n)"
)


def read_title(doc: Doc) -> tuple[int, int] | None:
    f = doc.folded
    label = _TITLE_LABEL.search(f)
    candidates: list[tuple[int, int]] = []
    for m in quotations(doc):
        inner = m.group(1).strip()
        if _BOILERPLATE.match(inner) or len(inner) < 4:
            continue
        lead = f[max(0, m.start() - 60) : m.start()]
        if _TITLE_LEAD.search(lead):
            candidates.append((m.start(1), m.end(1)))
    if label and not candidates:
        group = "t" if label.group("t") else "t2"
        start, end = trim(doc, label.start(group), label.end(group))
        return start, end
    if not candidates:
        for m in quotations(doc):
            inner = m.group(1).strip()
            if _HIERARCHY_BEFORE.search(f, max(0, m.start() - 60), m.start()) or _in_a_name(doc, m.start()):
                continue
            if not _BOILERPLATE.match(inner) and len(inner.split()) >= 2:
                candidates.append((m.start(1), m.end(1)))
                break
    if not candidates:
        unquoted = _UNQUOTED_TITLE.search(f)
        if unquoted and starts_capital(doc, unquoted.start("t")):
            return trim(doc, unquoted.start("t"), unquoted.end("t"))
        return None
    first = _unabridged(doc, candidates)
    first_text = WHITESPACE.sub(" ", f[first[0] : first[1]]).strip()
    # The same title often appears as an UPPERCASE headline and in the body: keep
    # the one written in sentence case, as a curator would.
    for start, end in candidates:
        same = WHITESPACE.sub(" ", f[start:end]).strip() == first_text
        original = doc.text[start:end]
        if same and not original.isupper():
            return trim(doc, start, end)
    return trim(doc, *first)


_ACRONYM_AFTER = re.compile(
    r"\s*[,-]?\s*\(\s*(?:acronim\w*\s*:?\s*)?(?P<a>[A-Za-z0-9][A-Za-z0-9 &+-]{0,18}?)\s*\)"
)
_ACRONYM_LABEL = re.compile(r"acronim\w*\s*(?:proiect\w*)?\s*[:-]?\s*\"?\s*(?P<a>[a-z0-9][a-z0-9&+-]{1,18})")


def read_acronym(doc: Doc, title_span: tuple[int, int] | None) -> str | None:
    f = doc.folded
    spans = []
    if title_span:
        title_text = WHITESPACE.sub(" ", f[title_span[0] : title_span[1]]).strip()
        for m in quotations(doc):
            if WHITESPACE.sub(" ", m.group(1)).strip() == title_text:
                spans.append(m.end())
    for pos in spans:
        after = _ACRONYM_AFTER.match(f, pos)
        if after:
            value = doc.text[after.start("a") : after.end("a")]
            if (
                value.upper() == value
                and any(c.isalpha() for c in value)
                and not PROGRAMME_ACRONYM.fullmatch(value)
            ):
                doc.note("acronym", after.start("a"), after.end("a"))
                return value.strip()
    label = _ACRONYM_LABEL.search(f)
    if label:
        doc.note("acronym", label.start("a"), label.end("a"))
        return doc.text[label.start("a") : label.end("a")]
    return None


_SIPOCA = re.compile(r"sipoca\s*(?:cod\w*)?\s*(?:nr\.?|:|-)?\s*(?P<c>\d{1,6})(?!\d)")
# "Cod SMIS: POCU 626/6/13/130510" writes the call and contract numbers before the SMIS
# code: the code is the last part. A system's name with its years ("MySMIS 2014") is no code.
_SMIS = re.compile(
    r"(?:my\s*)?smis(?:\s*2014\s*\+?|\s*2021\s*\+?)?\s*(?:cod\w*)?\s*(?:nr\.?|:|-)?\s*"
    r"(?:(?P<call>[a-z]{2,8}[\s/-]*(?:\d{1,4}/){1,4})(?=\d{5,7}(?![\d/])))?"
    r"(?P<c>\d{2,7})(?![\d/])(?!\s*\+)"
)


def read_codes(doc: Doc) -> dict[str, str | None]:
    found: dict[str, str | None] = {"sipoca": None, "mysmis": None}
    m = _SIPOCA.search(doc.folded)
    if m:
        found["sipoca"] = m.group("c")
        doc.note("codes.sipoca", m.start("c"), m.end("c"))
    for m in _SMIS.finditer(doc.folded):
        if m.group("c") in ("2014", "2020", "2021", "2027"):
            continue
        found["mysmis"] = m.group("c")
        doc.note("codes.mysmis", m.start("c"), m.end("c"))
        break
    return found


# "finalizarea (cu succes) (oficială) a proiectului", "închiderea oficială a proiectului",
# "conferința de final a proiectului". Work "realised" is not a cue: a progress
# report lists what "au fost realizate" this month while the project runs.
END_CUES = re.compile(
    r"finalizar\w*\s+(?:cu\s+succes\s+)?(?:oficiala\s+)?(?:a\s+)?(?:implementarii\s+)?(?:a\s+)?proiect"
    r"|incheier\w*\s+(?:oficiala\s+)?(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|inchider\w*\s+(?:oficiala\s+)?(?:a\s+)?proiect"
    r"|conferint\w*\s+(?:de\s+)?(?:presa\s+de\s+)?(?:inchidere|finalizare|incheiere|final\b)"
    r"|(?:a|au)\s+finalizat|s-a\s+(?:incheiat|finalizat)|(?:a|au)\s+fost\s+(?:finalizat|incheiat)"
    r"|anunta\s+(?:finalizarea|incheierea)|anunt\w*\s+de\s+(?:finalizare"
    r"|incheiere)|(?:s-au|au\s+fost)\s+(?:obtinut|atins)"
    r"|si-a\s+atins|a\s+fost\s+atins|obiectiv\w*\s+(?:au|a)\s+fost\s+(?:atins|indeplinit)"
)
START_CUES = re.compile(
    r"lansar\w*\s+(?:a\s+)?(?:oficiala\s+a\s+)?proiect|demarar\w*\s+(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|incepere\w*\s+(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|conferint\w*\s+(?:de\s+)?(?:presa\s+de\s+)?(?:lansare|deschidere|demarare)"
    # "anunță lansarea proiectului", not "anunță lansarea versiunii pilot a platformei".
    r"|(?:a|au)\s+demarat|a\s+inceput\s+implementarea"
    r"|anunta\s+(?:lansarea|demararea|inceperea)\s+(?:oficiala\s+)?(?:a\s+)?(?:implementarii\s+)?proiect"
    r"|(?:a|au)\s+inceput\s+proiectul"
    r"|debut\w*\s+proiect|(?:a|au)\s+lansat\s+proiect|(?:lanseaza|demareaza)\s+(?:implementarea\s+)?proiect"
    r"|incepe\s+implementarea|anunt\w*\s+de\s+(?:incepere|demarare|lansare)"
    # "a început pe 28 aprilie 2016 implementarea proiectului".
    r"|(?:a|au)\s+inceput(?:\s+[^\s.]+){0,6}?\s+implementarea"
    # A signed financing contract starts a project (its release is a start release).
    r"|(?:fost|a|au)\s+semnat\s+contractul\w*\s+de\s+finantare|semnarea\s+contractului\s+de\s+finantare"
)
HEAD_LINES = 12
_FUTURE = re.compile(r"(?<![a-z])(?:va|vor|urmeaza\s+sa|vom|o\s+sa)\s")


def read_kind(doc: Doc) -> str:
    f = doc.folded
    head_end = doc.line_starts[min(HEAD_LINES, len(doc.line_starts) - 1)]
    scores = {"end": 0, "start": 0}
    first: dict[str, tuple[int, int]] = {}
    for name, pattern in (("end", END_CUES), ("start", START_CUES)):
        for m in pattern.finditer(f):
            if name == "end" and _FUTURE.search(f, sentence_start(f, m.start()), m.start()):
                # "Rezultatele vor fi prezentate în cadrul conferinței de închidere": the end
                # is to come; the release does not announce it.
                continue
            weight = 3 if m.start() < head_end else 1
            scores[name] += weight
            first.setdefault(name, (m.start(), m.end()))
    if scores["end"] == scores["start"]:
        return "other"
    kind = "end" if scores["end"] > scores["start"] else "start"
    doc.note("status", *first[kind])
    doc.note("sources[0].kind", *first[kind])
    return kind


def slugify(text: str, *, max_words: int = 6) -> str:
    """Lowercase ASCII words joined by hyphens, small words dropped: a stable file name."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    kept = [word for word in words if word not in _SLUG_STOPWORDS] or words
    slug = "-".join(kept[:max_words])
    return slug[:80].strip("-") or "proiect"


_SLUG_STOPWORDS = wordset(
    "a al ale ai si in la de din pentru cu pe prin privind catre o un unui unei sau "
    "ori proiect proiectul proiectului "
)
