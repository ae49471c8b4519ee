"""Whom and where the project serves: the target group (size, description) and the location."""

from __future__ import annotations

import re
from typing import Any

from .document import Doc, end_of_line, sentence_end, sentence_start, trim
from .numbers import COUNT, count_value

_TARGET = re.compile(
    r"grup\w*\s*(?:-\s*)?tinta(?:\s+(?:al|a)\s+proiectului)?\s*(?:(?:este|a\s+fost|va\s+fi|e)\s+)?"
    r"(?:(?:format|constituit|alcatuit|compus|reprezentat)\w*\s+(?:din|de)\s+|cuprinde\s+|include\s+|"
    r"il\s+reprezinta\s+|vizat\s+(?:este|cuprinde|de)\s+|:\s*|-\s*)"
)
_TARGET_SIZE = re.compile(
    r"\s*(?:(?:un|unui)\s+numar\s+de\s+|(?P<approx>minimum|minim|cel\s+putin|peste|aproximativ|circa|cca\.?"
    r"|in\s+jur\s+de|aproape|mai\s+mult\s+de)\s+(?:de\s+)?)?"
    r"(?P<n>\d{1,3}(?:\.\d{3})*|\d+|" + COUNT + r")\s+(?:de\s+)?"
    r"(?P<unit>(?P<generic>(?:persoane|persoana|participanti"
    r"|membri|beneficiari)(?:\s*[,:-]\s*|\s+\())|[a-z])"
)
_APPROX_BEFORE = re.compile(
    r"(?<![a-z])(?:minimum|minim|cel\s+putin|peste|aproximativ|circa|cca\.?|in\s+jur\s+de|aproape"
    r"|mai\s+mult\s+de)\s+(?:de\s+)?$"
)
_TARGET_SIZE_ANYWHERE = re.compile(
    r"\(?\s*(?P<n>\d{1,3}(?:\.\d{3})*|\d+)\s+(?:de\s+)?(?:persoane|persoana|participanti)"
)


def read_target_group(doc: Doc) -> dict[str, Any]:
    f = doc.folded
    out: dict[str, Any] = {"size": None, "description": None}
    m = _TARGET.search(f)
    if not m:
        # "Proiectul … s-a adresat studenților …", "a avut ca beneficiari populația …":
        # whom the project served, said of the project.
        served = _served(doc)
        if served is not None:
            end = sentence_end(doc.text, served)
            n = _TARGET_SIZE.match(f, served, end)
            if n and n.group("generic") and not n.group("approx"):
                out["size"] = count_value(n.group("n").replace(".", ""))
                doc.note("target_group.size", n.start("n"), n.end("unit"))
                served = n.end()
            _describe(doc, served, end, out)
        return out
    end = sentence_end(doc.text, m.end())
    body = f[m.end() : end]
    n = _TARGET_SIZE.match(body)
    desc_start = m.end()
    if n:
        if not n.group("approx"):
            # "peste 300 de persoane" is a bound, not the group's size: left out.
            out["size"] = count_value(n.group("n").replace(".", ""))
            doc.note("target_group.size", m.end() + n.start("n"), m.end() + n.end("unit"))
        desc_start = m.end() + (n.end() if n.group("generic") else n.start("unit"))
        if _SAID_OF_IT.match(f, m.end() + n.start("unit")):
            # "grupul țintă vizat de 325 studenți a fost realizat": a count, then what
            # became of the group; who they are is said elsewhere, if anywhere.
            served = _served(doc)
            if served is not None and not _TARGET_SIZE.match(f, served):
                _describe(doc, served, sentence_end(doc.text, served), out)
            return out
    else:
        size = _TARGET_SIZE_ANYWHERE.search(body)
        if size and not _APPROX_BEFORE.search(body, 0, size.start("n")):
            out["size"] = int(size.group("n").replace(".", ""))
            doc.note("target_group.size", m.end() + size.start("n"), m.end() + size.end())
    _describe(doc, desc_start, end, out)
    return out


_SERVED = re.compile(
    r"(?<![a-z])(?:s-a\s+adresat|se\s+adreseaza|se\s+va\s+adresa|(?:are|a\s+avut|va\s+avea)\s+ca\s+beneficiari"
    r"(?:\s+finali)?)\s+(?=[a-z])"
)
# Said of the project, not of a programme or a call ("Apelul se adresează autorităților …").
_PROJECT_SUBJECT = re.compile(r"(?<![a-z])proiect(?:ul|ului)?(?![a-z])")
_OTHER_SUBJECT = re.compile(r"(?<![a-z])(?:program\w*|apel\w*|ghid\w*|axa|masur\w*|schem\w*)(?![a-z])")


def _served(doc: Doc) -> int | None:
    """Where the words for whom the project served begin, if a sentence says so."""
    f = doc.folded
    for m in _SERVED.finditer(f):
        clause = f[sentence_start(f, m.start()) : m.start()]
        if _PROJECT_SUBJECT.search(clause) and not _OTHER_SUBJECT.match(clause.strip()):
            return m.end()
    return None


_SAID_OF_IT = re.compile(r"[a-z-]+(?:\s+[a-z-]+)?\s+(?:(?:a|au)\s+fost|este|sunt|s-a|s-au)\b")


def _describe(doc: Doc, desc_start: int, end: int, out: dict[str, Any]) -> None:
    s, e = trim(doc, desc_start, end)
    # "420 de persoane, respectiv 360 de elevi și 60 de cadre didactice": the parts.
    parts = re.compile(r"(?:respectiv|adica|si\s+anume)\s*:?\s+").match(doc.folded, s, e)
    if parts:
        s = parts.end()
    if e - s >= 3:
        out["description"] = doc.clean(s, e)
        doc.note("target_group.description", s, e)


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
    r"(?=[saivef])(?<![a-z])(?:(?:se\s+)?implementeaza|(?:a\s+fost|va\s+fi|este|au\s+fost|vor\s+fi)\s+implementat\w*"
    # A copula makes the place the project's: "este situată în …", not "gospodăriile situate în …".
    r"|(?:este|sunt|va\s+fi|vor\s+fi|a\s+fost|au\s+fost|fiind|fi)\s+(?:amplasat|situat|localizat)\w*|va\s+functiona|vor\s+functiona|functioneaza"
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


def read_location(doc: Doc) -> str | None:
    f = doc.folded
    for pattern in (_LOCATION_LABEL, _LOCATION_PLACED, _LOCATION_LEVEL, _LOCATION_IN):
        m = pattern.search(f)
        if not m:
            continue
        if pattern is _LOCATION_PLACED:
            # "se implementează în …", "este amplasată în …": the rest of the
            # sentence is the place, as written.
            end = min(
                sentence_end(doc.text, m.start("where"), end_of_line(f, m.start("where"))),
                end_of_line(f, m.start("where")),
            )
            stop = _LOCATION_PLACED_STOP.search(f, m.start("where"), end)
            s, e = trim(doc, m.start("where"), stop.start() if stop else end)
            if e - s >= 3:
                doc.note("location", s, e)
                return doc.clean(s, e)
            continue
        # A labelled location is the whole line ("Municipiul X, județul Y").
        stop_re = _LOCATION_LABEL_STOP if pattern is _LOCATION_LABEL else _LOCATION_STOP
        stop = stop_re.search(f, m.start("where"))
        end = stop.start() if stop else m.end("where")
        s, e = trim(doc, m.start("where"), end)
        if e - s >= 3:
            doc.note("location", s, e)
            return doc.clean(s, e)
    return None
