"""The programme hierarchy a project is financed under.

Programme, priority axis, specific objective and the EU funds named.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from .document import Doc, sentence_end, trim

_PROGRAMMES: tuple[tuple[str, str], ...] = (
    ("POCA", r"operational\w*\s+capacitate\s+administrativa"),
    ("POCU", r"operational\w*\s+(?:sectorial\w*\s+)?capital(?:ul)?\s+uman"),
    ("POIM", r"operational\w*\s+(?:sectorial\w*\s+)?infrastructura\s+mare"),
    ("POCIDIF", r"cresterea?\s+inteligenta,?\s+digitalizare(?:\s+si\s+instrumente\s+financiare)?"),
    ("POC", r"operational\w*\s+(?:sectorial\w*\s+)?competitivitate"),
    ("POAD", r"operational\w*\s+(?:pentru\s+)?ajutorarea\s+persoanelor\s+defavorizate"),
    ("POAT", r"operational\w*\s+asistenta\s+tehnica"),
    ("POPAM", r"operational\w*\s+pentru\s+pescuit(?:\s+si\s+afaceri\s+maritime)?"),
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
PROGRAMME_ACRONYM = re.compile(
    r"(?<![A-Za-z])(POCIDIF|POCA|POCU|POIM|POAD|POAT|POPAM|PNDR|PNRR|PEO|PIDS|PTJ|PDD|PNS|"
    r"POR|POC|PAP|INTERREG|Interreg)(?![A-Za-z])"
)
_AXIS = re.compile(
    r"(?<![a-z])(?:axa|axei|axa\s+de\s+finantare)\s+prioritar[aei]*\s*(?:nr\.?\s*|numarul\s+)?"
    # "Axa prioritară 8." ends a sentence; "Axa 8.1" is no axis.
    r"(?P<num>\d+)(?!\d|\.\d)\s*(?:[-:.,]\s*)?(?:\"\s*)?"
    # POPAM numbers its axes as the Union's priorities: "Prioritatea Uniunii Europene 4".
    r"|(?<![a-z])prioritat(?:ea|ii)\s*(?:de\s+finantare\s*|uniunii(?:\s+europene)?\s+)?(?::\s*)?(?:nr\.?\s*)?(?:p\s*)?"
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
    # The sentence going on about the project: "… din România şi are codul SMIS 125216".
    r"|\s+si\s+(?:are|avea|a\s+fost|este|va\s+fi)\s|,\s*(?:avand|care)\s"
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
FUND = re.compile("|".join(f"(?P<{code.replace('+', 'P')}>{pattern})" for code, pattern in _FUNDS))


# Every fund name or acronym starts with one of these; trying the full pattern only
# there is ten times faster than letting twenty alternatives try every position.
_FUND_HINT = re.compile(r"fond|fse|fedr|fc|fea|ftj|iej|initiativ")


def _iter_funds(folded: str) -> Iterator[re.Match[str]]:
    pos = 0
    while True:
        hint = _FUND_HINT.search(folded, pos)
        if hint is None:
            return
        m = FUND.match(folded, hint.start())
        if m:
            yield m
            pos = m.end()
        else:
            pos = hint.start() + 1


def fund_code(group: str) -> str:
    return "FSE+" if group == "FSEP" else group


# A programme named inside a body's name ("Autoritatea de Management pentru Programul
# Operațional Regional", "Direcția Generală Programul Operațional Regional") says which
# programme is meant, but it is the body's wording, not the project's programme name.
_BODY_BEFORE = re.compile(
    r"(?:directi\w*\s+general\w*|autoritat\w*\s+de\s+management(?:\s+(?:pentru|a|al))?"
    r"|organism\w*\s+intermediar(?:\s+(?:pentru|al))?)\s*-?\s*$"
)


def _code_of(m: re.Match[str]) -> str | None:
    # lastgroup names the innermost alternative that matched.
    for name, value in m.groupdict().items():
        if value is not None:
            return name
    return m.lastgroup


def _in_body_name(folded: str, m: re.Match[str]) -> bool:
    return _BODY_BEFORE.search(folded, max(0, m.start() - 50), m.start()) is not None


def read_programme(doc: Doc) -> dict[str, str | None]:
    f = doc.folded
    result: dict[str, str | None] = {"code": None, "name": None}
    best = None
    every: list[re.Match[str]] = []
    for pattern in (_PROGRAMME_NAME, _PLAN_NAME):
        # A name said with "Programul"/"Planul" beats a bare mention ("fonduri Interreg").
        matches = list(itertools.islice(pattern.finditer(f), 8))
        every += matches
        m = next((x for x in matches if re.match(r"progr|plan", x.group(0))), None)
        m = m or (matches[0] if matches else None)
        if m and (
            best is None
            or _named(m) > _named(best)
            or (_named(m) == _named(best) and m.start() < best.start())
        ):
            best = m
    if best:
        code = _code_of(best)
        own = [
            x for x in every if _code_of(x) == code and _named(x) >= _named(best) and not _in_body_name(f, x)
        ]
        if not own:
            result["code"] = code
            doc.note("programme.code", best.start(), best.end())
            return result
        # The fullest naming, with the programme's years ("… Regional 2014-2020"), is
        # what a curator copies; otherwise the first.
        best = next((x for x in own if re.search(r"\d{4}", x.group(0))), own[0])
        start, end = trim(doc, best.start(), best.end())
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
    m = PROGRAMME_ACRONYM.search(doc.text)
    if m:
        result["code"] = m.group(1).upper()
        doc.note("programme.code", m.start(), m.end())
    return result


def _titled(doc: Doc, m: re.Match[str], number_group: str) -> tuple[str, str | None, tuple[int, int]]:
    f = doc.folded
    number = m.group(number_group)
    title_start = m.end()
    stop = _TITLE_STOP.search(f, title_start)
    while stop and f[stop.start()] == ")" and "(" in f[title_start : stop.start()]:
        # "Tehnologia Informaţiei şi Comunicaţiilor (TIC) pentru …": an acronym in the title.
        stop = _TITLE_STOP.search(f, stop.end())
    title_end = min(stop.start() if stop else len(f), sentence_end(doc.text, title_start))
    s, e = trim(doc, title_start, title_end)
    title = doc.clean(s, e) if e - s >= 3 else None
    if title is not None and _NEW_SENTENCE.match(f, s, e):
        # "Obiectivul specific 6.13. Proiectul a avut o durată …": a code without a title,
        # then the next sentence.
        title = None
    return number, title, (s, e)


_NEW_SENTENCE = re.compile(
    r"(?:proiectul|acest\w*|valoarea|perioada|durata|beneficiarul|contractul|in\s+cadrul)\b"
    r"|[^\n]{0,80}?\s(?:a|au)\s+(?:avut|fost)\s"
)


def read_priority_axis(doc: Doc) -> dict[str, str | None] | None:
    m = _AXIS.search(doc.folded)
    if not m:
        return None
    group = "num" if m.group("num") else "num2"
    number, title, (s, e) = _titled(doc, m, group)
    doc.note("priority_axis.number", m.start(group), m.end(group))
    if title:
        doc.note("priority_axis.title", s, e)
    return {"number": number, "title": title}


def read_specific_objective(doc: Doc) -> dict[str, str | None] | None:
    for m in _SPECIFIC.finditer(doc.folded):
        raw = doc.text[m.start("code") : m.end("code")]
        if not any(ch.isdigit() for ch in raw):
            continue
        if not doc.folded.startswith("obiectiv", m.start()) and "." not in raw:
            # "OS1 – reducerea abandonului …" labels the project's own objective; the
            # programme's is "Obiectivul specific 3" or "OS 2.1".
            continue
        code, title, (s, e) = _titled(doc, m, "code")
        code = doc.text[m.start("code") : m.end("code")].replace(" ", "")
        doc.note("specific_objective.code", m.start("code"), m.end("code"))
        if title:
            doc.note("specific_objective.title", s, e)
        return {"code": code, "title": title}
    return None


def read_funds(doc: Doc) -> list[str]:
    funds: list[str] = []
    for m in _iter_funds(doc.folded):
        code = fund_code(m.lastgroup or "")
        if code not in funds:
            doc.note(f"funds[{len(funds)}]", m.start(), m.end())
            funds.append(code)
    return funds


def _named(m: re.Match[str]) -> bool:
    return re.match(r"progr|plan", m.group(0)) is not None


def _nominative(m: re.Match[str]) -> str:
    word = m.group(1)
    return word + ("UL" if word.isupper() else "ul")
