"""Who carries the project out: the beneficiary (and the body acting for it) and the partners."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..coding.cui import find_cuis
from ..text import fold
from .document import WHITESPACE, Doc, end_of_line, sentence_end, sentence_start, starts_capital, trim
from .numbers import date_hits

_ORG_WORDS = (
    r"consiliul|primaria|judetul|municipiul|orasul|comuna|uat|unitatea\s+administrativ|universitatea"
    r"|agentia|directia|inspectoratul|institutul|institutia|ministerul|asociatia|fundatia|spitalul"
    r"|scoala|liceul|colegiul|camera|centrul|autoritatea|administratia|compania|regia|s\.\s?c\.|sc\b"
    r"|societatea|federatia|casa|oficiul|serviciul|prefectura|curtea|tribunalul|parchetul|academia"
    r"|gradinita|clubul|grupul\s+de\s+actiune|gal\b|adi\b|organizatia|uniunea|cooperativa|muzeul"
    r"|biblioteca|teatrul|filarmonica|ocolul|garda|politia|jandarmeria|agentiei"
)
ORGANISATION_START = re.compile(r"(?:" + _ORG_WORDS + r")(?![a-z])")
# "SRL", "S.R.L.", "S.A." and "S. A." (a space after the dot is common).
COMPANY_SUFFIX = re.compile(r"(?:\bs\.?\s?r\.?\s?l\.?|\bs\.?\s?a\.?|\bsrl|\bsa)\s*$")
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:azi|astazi|ieri|maine|in\s+aceasta\s+perioada|recent|in\s+data\s+de|la\s+data\s+de"
    r"|incepand\s+cu\s+data\s+de|in|luni|marti|miercuri|joi|vineri|sambata|duminica)\b[^,]{0,40},\s*)+"
)
SUBJECT_VERB = re.compile(
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
# "ca beneficiar", not "a avut ca beneficiari populația …" (the people it served).
_AS_BENEFICIARY = re.compile(r",?\s+(?:in\s+calitate\s+de|ca)\s+(?:beneficiar|lider|solicitant)(?![a-z])")
# "Beneficiarul proiectului este Județul Gorj, prin Consiliul Județean Gorj": a label
# written as a sentence.
_BENEFICIARY_IS = re.compile(
    r"(?<![a-z])beneficiar(?:ul)?\s+(?:proiectului\s+)?(?:este|a\s+fost|va\s+fi)\s+(?P<who>[^\n]{3,200})"
)
# An acronym in brackets after a name ("Ministerul … (MDLPA)") is not part of it.
_TRAILING_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z0-9.&-]{1,15}\)\s*$")
# A comma and a lower-case word end a name: "UAT orașul Bălan, are o valoare …"; a
# name's own commas are followed by capitals ("Ministerul Dezvoltării, Lucrărilor …").
_LOWER_AFTER_COMMA = re.compile(r",\s*(?=[a-zăâîșțşţ])")
_BENEFICIARY_LABEL = re.compile(
    r"^[ \t•*-]*(?:beneficiar(?:ul)?|solicitant(?:ul)?|lider(?:ul)?\s+de\s+proiect)"
    r"(?:\s+(?:proiectului|finantarii))?\s*[:-]\s*(?P<who>[^\n]+)",
    re.M,
)
_IMPLEMENTED_BY = re.compile(
    # "desășurat" (sic) is read as "desfășurat".
    r"(?:implementat|derulat|realizat|desf?asurat|promovat"
    r"|initiat)\w*\s+de\s+(?:catre\s+)?(?P<who>[^\n]{3,160})"
)
_QUALIFIERS = re.compile(
    r",\s*(?:cu\s+sediul|judet\w*|jud\.|cui|cod\s+fiscal|in\s+parteneriat|"
    r"in\s+calitate|impreuna\s+cu|cu\s+adresa)|\s+in\s+parteneriat\s+cu|\s+impreuna\s+cu"
    # "Autoritatea de Management pentru POCA din cadrul Ministerului …": the body itself.
    r"|,?\s+din\s+cadrul\s"
)


def _subject_before(doc: Doc, pos: int) -> tuple[int, int] | None:
    """The grammatical subject ending at ``pos``: from the sentence start, adverbials removed."""
    f = doc.folded
    start = sentence_start(f, pos)
    segment = f[start:pos]
    m = _LEADING_ADVERBIAL.match(segment)
    while m and m.end() > 0:
        start += m.end()
        segment = f[start:pos]
        m = _LEADING_ADVERBIAL.match(segment)
    # A dateline opening the paragraph ("Făgăraș, 8 iunie 2020 – Unitatea …").
    dateline = _DATELINE.match(f, start, pos)
    if dateline and date_hits(f, start, dateline.end()):
        start = dateline.end()
    # Dates opening the sentence ("31 ianuarie 2020, Municipiul X").
    for hit in date_hits(f, start, pos):
        if f[start : hit.start].strip(" ,") == "":
            start = hit.end
            while start < pos and f[start] in " ,":
                start += 1
    # "… și la sesiuni de formare: Autoritatea de Management … a început": the clause
    # after a colon has its own subject.
    colon = f.rfind(": ", start, pos)
    if colon >= 0 and starts_capital(doc, colon + 2):
        start = colon + 2
    s, e = trim(doc, start, pos)
    glued = _GLUED_CAPTION.match(doc.text, s, e)
    if glued:
        # "cetateniComuna Cetățeni": an image's caption glued to the first word.
        s = glued.end()
    if e - s < 3 or not starts_capital(doc, s) or e - s > 160:
        return None
    return s, e


_DATELINE = re.compile(r"[a-z][a-z-]*(?:[ -][a-z][a-z-]*){0,2},\s*[^\n]{6,25}?\d{4}\s*-\s+")
_GLUED_CAPTION = re.compile(r"[a-zăâîșțşţ]{3,}(?=[A-ZĂÂÎȘȚŞŢ][a-zăâîșțşţ])")


def read_beneficiary(doc: Doc) -> dict[str, str | None]:
    f = doc.folded
    result: dict[str, str | None] = {"name": None, "acting_through": None}
    m = _BENEFICIARY_LABEL.search(f)
    if m:
        s, e = trim(doc, m.start("who"), m.end("who"))
        s2, e2 = _split_prin(doc, s, e, result)
        result["name"] = doc.clean(s2, e2)
        doc.note("beneficiary.name", s2, e2)
        return result
    m = _BENEFICIARY_IS.search(f)
    if m and starts_capital(doc, m.start("who")):
        s, e = trim(
            doc, m.start("who"), sentence_end(doc.text, m.start("who"), end_of_line(f, m.start("who")))
        )
        s, e = _split_prin(doc, s, e, result)
        s, e = _plain_name(doc, s, e)
        if e - s >= 3:
            result["name"] = doc.clean(s, e)
            doc.note("beneficiary.name", s, e)
            return result
    m = _PRIN_BENEFICIARY.search(f)
    if m:
        subject = _subject_before(doc, m.start())
        if subject:
            result["name"] = doc.clean(*subject)
            doc.note("beneficiary.name", *subject)
            via = trim(doc, m.start("via"), m.end("via"))
            result["acting_through"] = doc.clean(*via)
            doc.note("beneficiary.acting_through", *via)
            return result
    contract = _contract_party(doc)
    for pattern in (_AS_BENEFICIARY, SUBJECT_VERB):
        for m in pattern.finditer(f):
            subject = _subject_before(doc, m.start())
            if subject and _is_headline_line(doc, subject[0]):
                continue
            if subject:
                subject = _cut_qualifiers(doc, *subject)
            if subject and contract and pattern is SUBJECT_VERB and _FUNDER.match(f, subject[0]):
                # "AFIR a semnat contractul de finanţare cu Comuna X": the funder announces,
                # the other party is the beneficiary.
                subject = contract
            if subject and (
                pattern is _AS_BENEFICIARY
                or ORGANISATION_START.match(f, subject[0])
                or COMPANY_SUFFIX.search(f, subject[0], subject[1])
                or doc.text[subject[0] : subject[1]].isupper()
            ):
                s, e = _split_prin(doc, *subject, result)
                result["name"] = doc.clean(s, e)
                doc.note("beneficiary.name", s, e)
                return result
    if contract:
        s, e = _split_prin(doc, *contract, result)
        result["name"] = doc.clean(s, e)
        doc.note("beneficiary.name", s, e)
        return result
    signed = _signing_party(doc)
    if signed is not None:
        (s, e), name = signed
        result["name"] = name
        doc.note("beneficiary.name", s, e)
        return result
    m = _IMPLEMENTED_BY.search(f)
    if m and starts_capital(doc, m.start("who")):
        stop = _PARTNER_STOP.search(f, m.start("who"))
        end = stop.start() if stop else m.end("who")
        s, e = _plain_name(doc, *trim(doc, m.start("who"), end))
        if s < e:
            s, e = _split_prin(doc, s, e, result)
            result["name"] = doc.clean(s, e)
            doc.note("beneficiary.name", s, e)
    return result


# "contractul de finanţare între Agenţia pentru Finanţarea Investiţiilor Rurale şi Comuna X":
# of the two parties to a financing contract, the one that is not the funder is the beneficiary.
_CONTRACT_BETWEEN = re.compile(
    r"contract\w*\s+de\s+finantare(?:\s+(?:a\s+fost\s+)?(?:semnat|incheiat)\w*)?(?:\s+[^\n.]{0,40}?)?\s+intre\s+"
)
# A name's small words lead to capitalised ones ("Agenţia pentru Dezvoltare …"); one
# followed by a lower-case word starts what the sentence says next ("… pentru proiectul").
_AFTER_NAME = re.compile(r"\s+(?:pentru|privind|in|avand|cu|care|prin|de|din|a|al)\s+(?=[a-zăâîșțşţ])")


def _name_end(doc: Doc, start: int, end: int) -> int:
    m = _AFTER_NAME.search(doc.text, start, end)
    return m.start() if m else end


_CONTRACT_WITH = re.compile(r"contract\w*\s+de\s+finantare(?:\s+[^\n.]{0,40}?)?\s+cu\s+")
_FUNDER = re.compile(
    r"(?:agenti\w*|autoritat\w*\s+de\s+management|ministerul(?:ui)?|organism\w*\s+intermediar|adr|afir|apia"
    r"|oirpos[a-z]*|aipp[a-z]*)(?![a-z])"
)
_PARTY_LABEL = re.compile(r"beneficiar(?:ul)?\s*[-:]\s*")


def _contract_party(doc: Doc) -> tuple[int, int] | None:
    f = doc.folded
    m = _CONTRACT_BETWEEN.search(f)
    if not m:
        with_party = _CONTRACT_WITH.search(f)
        if with_party is None or _FUNDER.match(f, with_party.end()):
            return None
        subject = f[sentence_start(f, with_party.start()) : with_party.start()].strip()
        if not _FUNDER.match(subject) or not ORGANISATION_START.match(f, with_party.end()):
            return None
        end = sentence_end(doc.text, with_party.end(), end_of_line(f, with_party.end()))
        s, e = _plain_name(doc, with_party.end(), _name_end(doc, with_party.end(), end))
        return (s, e) if e - s >= 3 and starts_capital(doc, s) else None
    if not _FUNDER.match(f, m.end()):
        return None
    end = sentence_end(doc.text, m.end(), end_of_line(f, m.end()))
    joints = list(re.finditer(r"\s+si\s+", f[m.end() : end]))
    if not joints:
        return None
    joint = joints[-1]
    start = m.end() + joint.end()
    label = _PARTY_LABEL.match(f, start)
    if label:
        start = label.end()
    if _FUNDER.match(f, start) or not ORGANISATION_START.match(f, start):
        return None
    s, e = _plain_name(doc, start, _name_end(doc, start, end))
    return (s, e) if e - s >= 3 and starts_capital(doc, s) else None


# "a fost semnat … de domnul preşedinte Ion Dumitrel, din partea Consiliului Judeţean
# Alba, şi de domnul Simion Creţu, din partea ADR Centru": a news report of a
# contract signed by two bodies, one of them the funder; the other is the beneficiary.
_SIGNED = re.compile(r"(?<![a-z])semnat\w*(?![a-z])")
_ON_BEHALF = re.compile(r"(?<![a-z])din\s+partea\s+")
# Bodies named in the genitive whose nominative is sure: a masculine or neuter
# head ("Consiliului Județean" → "Consiliul Județean": its adjectives do not
# change), and the commune and the town hall. Other feminine heads change their
# adjectives too ("Direcției Generale" → "Direcția Generală"): left unread.
_GENITIVE_HEAD = re.compile(
    r"(?:consili|municipi|oras|judet|spital|lice|colegi|centr|institut|inspectorat|muze|teatr)"
    r"(?P<masculine>ului)(?![a-z])"
    # The town hall only of a place named in the genitive too ("Primăriei Generale"
    # would need its adjective changed); the commune before its name.
    r"|(?:comun(?P<feminine>ei)|primari(?P<town_hall>ei)(?=\s+(?:municipiului|orasului|comunei|sectorului)\s))"
    r"(?![a-z])"
)
# Where a signing body's name ends: the next signer ("și de domnul …"), or the sentence's next part.
_SIGNER_NAME_END = re.compile(r",|;|\s+si\s|\s+din\s+partea\s")


def _signing_party(doc: Doc) -> tuple[tuple[int, int], str] | None:
    """The beneficiary of a contract-signing report, its span and its name in
    the nominative, when the sentence names exactly two signing bodies, one of
    them the funder."""
    f = doc.folded
    for signed in _SIGNED.finditer(f):
        start = sentence_start(f, signed.start())
        end = sentence_end(doc.text, signed.end(), end_of_line(f, signed.end()))
        parties = [m.end() for m in _ON_BEHALF.finditer(f, start, end)]
        if len(parties) != 2:
            continue
        funders = [at for at in parties if _FUNDER.match(f, at)]
        if len(funders) != 1:
            continue
        at = next(at for at in parties if at not in funders)
        head = _GENITIVE_HEAD.match(f, at)
        if head is None or not starts_capital(doc, at):
            continue
        if head.group("feminine") and not starts_capital(doc, head.end() + 1):
            continue  # "Comunei" and then no name
        stop = _SIGNER_NAME_END.search(f, at, end)
        s, e = _plain_name(doc, at, stop.start() if stop else end)
        first, _, rest = doc.clean(s, e).partition(" ")
        genitive, nominative = ("ului", "ul") if head.group("masculine") else ("ei", "a")
        if first.isupper():
            genitive, nominative = genitive.upper(), nominative.upper()
        if not first.endswith(genitive):
            continue
        return (s, e), " ".join(filter(None, (first.removesuffix(genitive) + nominative, rest)))
    return None


# "S.C. Termoficare Oradea S.A.", "Gospodărie Comunală S. A.": a name ending in an
# abbreviation of single letters keeps its last full stop.
_LETTER_ABBREVIATION = re.compile(r"(?<![^\W\d_])[^\W\d_]\.\s?[^\W\d_]$")


def with_abbreviation_dot(doc: Doc, start: int, end: int) -> tuple[int, int]:
    if doc.text[end : end + 1] == "." and _LETTER_ABBREVIATION.search(doc.text, start, end):
        return start, end + 1
    return start, end


def _plain_name(doc: Doc, start: int, end: int, *, clause: bool = True) -> tuple[int, int]:
    """A name read from running text, without what the sentence goes on to say about it
    (``clause``: cut at a comma and a lower-case word) or an acronym in brackets after it."""
    comma = _LOWER_AFTER_COMMA.search(doc.text, start, end) if clause else None
    if comma:
        end = comma.start()
    acronym = _TRAILING_ACRONYM.search(doc.text, start, end)
    if acronym:
        end = acronym.start()
    return with_abbreviation_dot(doc, *trim(doc, start, end))


def _split_prin(doc: Doc, start: int, end: int, result: dict[str, str | None]) -> tuple[int, int]:
    """ "Judeţul Cluj prin Consiliul Judeţean" names the body acting for the beneficiary."""
    m = re.search(r",?\s+prin\s+", doc.folded[start:end])
    if not m:
        return start, end
    via = _plain_name(doc, start + m.end(), end)
    result["acting_through"] = doc.clean(*via)
    doc.note("beneficiary.acting_through", *via)
    return trim(doc, start, start + m.start())


def _is_headline_line(doc: Doc, pos: int) -> bool:
    """Whether ``pos`` is on a short line not closed by a full stop (a headline)."""
    start, end = doc.line_bounds(pos)
    line = doc.text[start:end].rstrip()
    return len(line) < 200 and not line.endswith((".", ",", ";", ":"))


def _cut_qualifiers(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """ "SC X SRL, cu sediul în …", "Comuna X, judeţul Y", "Institutul … (INCD-MAT)" → the name."""
    m = _QUALIFIERS.search(doc.folded, start, end)
    if m and m.start() > start:
        end = m.start()
    # The folded text has no capitals, so the acronym in brackets is found in the original;
    # ", prin Consiliul …" is still to be split off, so a comma does not end the name here.
    return _plain_name(doc, start, end, clause=False)


_LOWER_PLACE_AFTER = re.compile(r"\s+din\s+[a-zăâîșțşţ][^A-ZĂÂÎȘȚŞŢ]*$")
_ROLED_PARTNER = re.compile(r"(?P<who>[^()\n,;]{3,160}?)\s*\(\s*(?P<role>partener(?:ul)?\s*\d+)\s*\)")
_PARTNER_JOINT = re.compile(r"\s*(?:,\s*(?:si\s+)?|\s+si\s+)")
_LISTED_PARTNERS = re.compile(r"[^\n:.;()]{3,160}:\s*")
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
    r"|deruleaza|a\s+demarat|au\s+demarat|a\s+finalizat|au\s+finalizat|organizeaza)(?![a-z])"
    # "Școala Gimnazială nr. 1": an abbreviation's full stop ends nothing.
    r"|(?<!\bnr)(?<!\bstr)[.;]\s|[.;]$|$)"
)


def read_partners(doc: Doc) -> list[dict[str, str | None]]:
    f = doc.folded
    partners: list[dict[str, str | None]] = []
    seen: set[str] = set()

    def add(start: int, end: int, role: str | None) -> None:
        s, e = with_abbreviation_dot(doc, *trim(doc, start, end))
        place = _LOWER_PLACE_AFTER.search(doc.text, s, e)
        if place:
            # "Școala Gimnazială nr. 1 din localitate": where it is, not what it is called.
            s, e = trim(doc, s, place.start())
        key = WHITESPACE.sub(" ", f[s:e]).strip()
        if e - s < 3 or key in seen or not starts_capital(doc, s):
            return
        seen.add(key)
        index = len(partners)
        partners.append({"name": doc.clean(s, e), "role": role})
        doc.note(f"partners[{index}].name", s, e)

    for m in _PARTNER_AS.finditer(f):
        # "… şi Municipiul Petroşani, în calitate de partener": the role as written.
        if starts_capital(doc, m.start("who")):
            add(m.start("who"), m.end("who"), doc.clean(m.start("role"), m.end("role")))
    for m in _PARTNER_LABEL.finditer(f):
        role = f"partener {m.group('n')}" if m.group("n") else None
        role = doc.text[m.start() : m.start("who")].strip(" \t•*-:") if m.group("n") else role
        for s, e in _split_list(doc, m.start("who"), m.end("who")):
            add(s, e, role)
    for m in _PARTNER_WITH.finditer(f):
        pos, roled = m.start("who"), False
        # "… cu Institutul X (partener 1) şi Asociaţia Y (partener 2)": each with its role.
        while (item := _ROLED_PARTNER.match(f, pos)) is not None:
            add(item.start("who"), item.end("who"), doc.clean(item.start("role"), item.end("role")))
            pos, roled = item.end(), True
            joint = _PARTNER_JOINT.match(f, pos)
            if joint is None:
                break
            pos = joint.end()
        if roled:
            continue
        listed = _LISTED_PARTNERS.match(f, m.start("who"))
        if listed and not starts_capital(doc, m.start("who")):
            # "în parteneriat cu cele 4 structuri asociative …: A (X), B (Y) și C (Z)".
            start = listed.end()
            end = sentence_end(doc.text, start, end_of_line(f, start))
            for s, e in _split_list(doc, start, end):
                acronym = _TRAILING_ACRONYM.search(doc.text, s, e)
                add(s, acronym.start() if acronym else e, None)
            continue
        stop = _PARTNER_STOP.search(f, m.start("who"))
        end = stop.start() if stop else m.end("who")
        for s, e in _split_list(doc, m.start("who"), end):
            add(s, e, None)
    return partners


def _split_list(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split "A, B și C" into names — only where each piece starts with a capital."""
    f = doc.folded
    pieces = []
    pos = start
    for m in re.finditer(r",\s+|\s+si\s+(?:cu\s+)?|\s*;\s*", f[start:end]):
        piece_start = start + m.end()
        if starts_capital(doc, piece_start) and ORGANISATION_START.match(f, piece_start):
            pieces.append((pos, start + m.start()))
            pos = piece_start
    pieces.append((pos, end))
    yield from pieces


def read_beneficiary_cui(doc: Doc, name: str | None) -> str | None:
    """The beneficiary's fiscal code: only when the release states one valid code
    (a contractor's or a partner's beside it would make any choice a guess) on
    the line that names the beneficiary or says "beneficiar", or the line after."""
    valid = [m for m in find_cuis(doc.text) if m.cui.valid]
    if not valid or len({m.cui.digits for m in valid}) != 1:
        return None
    named = fold(name)[:30] if name else None
    for mention in valid:
        line_start, _ = doc.line_bounds(mention.start)
        previous_start, _ = doc.line_bounds(max(0, line_start - 1))
        _, line_end = doc.line_bounds(mention.start)
        around = doc.folded[previous_start:line_end]
        if "beneficiar" in around or (named and named in around):
            doc.note("beneficiary.cui", mention.code_start, mention.code_end)
            return ("RO" if mention.cui.vat_prefix else "") + mention.cui.digits
    return None
