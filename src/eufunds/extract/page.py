"""The page around the text: headline, letterhead, dateline, publisher, the signing body and contacts."""

from __future__ import annotations

import datetime as dt
import re

from ..text import fold
from .document import WHITESPACE, Doc, end_of_line, starts_capital, trim
from .identity import END_CUES, HEAD_LINES, START_CUES, quotations
from .numbers import date_hits
from .parties import COMPANY_SUFFIX, ORGANISATION_START, SUBJECT_VERB, with_abbreviation_dot
from .programme import PROGRAMME_ACRONYM

_HEADLINE_SKIP = re.compile(
    r"(?:data\b|publicat|www\.|[a-z0-9-]+\.(?:ro|com|eu|net|org)\b|[^\w\n]*(?:menu|meniu)\b|acasa|cauta"
    r"|cod\s+(?:smis|mysmis|sipoca)|str\.|strada|bd\.|b-dul|bulevardul|calea|sos\.|tel(?:efon)?\b|fax\b|e-?mail\b"
    r"|nr\.|biroul|compartimentul|departamentul|serviciul\s+(?:de\s+)?(?:presa|comunicare)"
    r"|skip\s+to|salt\s+la|mergi\s+la"
    r"|[^\n]*(?:newsletter|aboneaza|autentificare|login|cookie|ios\s+app|android|google\s+play|app\s+store"
    r"|facebook|twitter|instagram|youtube|linkedin|tiktok|whatsapp)"
    r"|[^|\n]*\|[^|\n]*\||[^/\n]{1,30}/[^/\n]{1,30}$|[^>›»\n]*[>›»])"
)
# A site's trail of sections: "Home » Proiecte europene » Proiect POCU".
_BREADCRUMB = re.compile(r"\S\s+[»›>]\s+\S")
# Lines that open with a number are datelines, counters, weather ("-3.5 C") — unless
# they read as a sentence ("10 SOCIETĂȚI AU FOST ÎNFIINȚATE …").
_NUMBER_LEAD = re.compile(r"[-+]?\d")
# A release's opening sentence, not its headline: it starts with when it happened.
_DATED_LEDE = re.compile(
    r"(?:(?:la|in)\s+data\s+de|astazi|azi|ieri|(?:luni|marti|miercuri|joi|vineri|sambata|duminica)\s*,)\s"
)
# Slogans and funding lines every release of a programme carries ("Investim în viitorul
# tău!", "PNRR: Fonduri pentru România modernă și reformată!", "Proiect cofinanțat din …").
_SLOGAN = re.compile(
    r"\"?\s*(?:(?:proiect\w*\s+)?(?:co-?)?finantat\w*\s|investim\s+in\s+viitorul"
    r"|pnrr\s*:\s*fonduri\s+pentru\s+romania)"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_HEADLINE_PREFIX = re.compile(r"comunicat(?:\s+de\s+presa)?\s*[-:|]\s*")
_BARE_RELEASE = re.compile(
    r"(?:(?:comunicat(?:e)?|anunt|informare)\s+de\s+presa|comunicat|anunt|informare)\s*:?"
)
# A logo's caption: a programme's acronym on a short line ("Proiect Sprijin POIM", "POR 2014-2020").
_LOGO_LABEL = re.compile(r"(?:\S+\s+){0,3}\S+")


def read_headline(doc: Doc) -> str | None:
    """The release's headline: the first line of its head that reads like one.

    Skipped: site names and menus, dates and datelines, labels, a letterhead, a
    logo's caption, slogans and funding lines, and the bare words "Comunicat de
    presă" (kept as the headline only when nothing else heads the release). A line
    ending in a full stop, or opening with the day it tells of, is body text, and
    the head ends where the body starts.
    """
    f = doc.folded
    fallback: tuple[int, int] | None = None
    # A letterhead sits above the dateline; an institution's name in capitals below it
    # begins the headline ("ŞCOALA DE VARĂ … LA ŞCOALA …").
    below_dateline = False
    for start in doc.line_starts[:HEAD_LINES]:
        end = end_of_line(f, start)
        raw = f[start:end].strip()
        s, e = _framed(doc, *trim(doc, start, end, keep_quotes=True))
        while e > s and f[e - 1] in " \t":
            e -= 1
        e = _before_repeated_title(doc, s, e)
        line = f[s:e]
        if e - s < 3:
            continue
        if _BARE_RELEASE.fullmatch(line):
            fallback = fallback or (s, e)
            continue
        if (raw.endswith(".") and len(raw) > 60) or e - s > 300 or (_DATED_LEDE.match(line) and e - s > 60):
            break
        if _is_dateline(doc, s, e):
            below_dateline = True
            continue
        if _HEADLINE_SKIP.match(line) or (not below_dateline and _is_letterhead(doc, s, e)):
            continue
        if _BREADCRUMB.search(doc.text, s, e):
            # The matching view folds » into a quote; the trail is in the original.
            continue
        if _starts_with_date(doc, s) or _SLOGAN.match(line) or _is_logo_label(doc, s, e):
            continue
        if _NUMBER_LEAD.match(line) and len(line.split()) < 4:
            continue
        if len(line.split()) < 3:
            continue
        prefix = _HEADLINE_PREFIX.match(f, s, e)
        if prefix and prefix.end() < e:
            # A site's page title "Comunicat de presă - X" repeats a headline X
            # printed again below; the curator takes X.
            rest = WHITESPACE.sub(" ", f[prefix.end() : e]).strip()
            # Printed again as a paragraph of its own (maybe wrapped over two lines),
            # not as words of a body sentence.
            paragraphs = _BLANK_LINES.split(f[e:])
            if any(WHITESPACE.sub(" ", para).strip(" .") == rest for para in paragraphs):
                s = prefix.end()
        doc.note("sources[0].title", s, e)
        return doc.clean(s, e)
    if fallback:
        doc.note("sources[0].title", *fallback)
        return doc.clean(*fallback)
    return None


def _framed(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """ "-anunț finalizare proiect-": dashes framing a whole line are part of it."""
    f = doc.folded
    if start > 0 and end < len(f) and f[start - 1] == "-" and f[end] == "-" and "-" not in f[start:end]:
        line_start, line_end = doc.line_bounds(start)
        if not f[line_start : start - 1].strip() and not f[end + 1 : line_end].strip():
            return start - 1, end + 1
    return start, end


def _before_repeated_title(doc: Doc, start: int, end: int) -> int:
    """A page title glued to the start of its own caption ("“X” - Proiect cofinanțat … “X")
    ends where the quoted title begins again."""
    f = doc.folded
    if end - start < 120:
        return end
    for q in quotations(doc):
        if q.start() < start:
            continue
        if q.start() >= end:
            break
        again = f.find(f[q.start() : q.end(1)], q.end(), end)
        if again > 0:
            return len(f[start:again].rstrip(" -")) + start
        break
    return end


def _starts_with_date(doc: Doc, start: int) -> bool:
    hits = date_hits(doc.folded, start, start + 40)
    return bool(hits) and hits[0].start == start


def _is_logo_label(doc: Doc, start: int, end: int) -> bool:
    line = doc.text[start:end]
    return _LOGO_LABEL.fullmatch(line) is not None and PROGRAMME_ACRONYM.search(line) is not None


def _is_dateline(doc: Doc, start: int, end: int) -> bool:
    """A line that is a date, maybe after a place name ("Vaslui, 22 iunie 2021")."""
    for hit in date_hits(doc.folded, start, end):
        rest = (doc.folded[start : hit.start] + doc.folded[hit.end : end]).strip(" ,.-:|")
        if len(rest) < 40 and not re.search(r"proiect|perioad", rest):
            # "Data de începere: 01.02.2022" labels another date than the release's.
            label = _CLOCK.sub("", doc.folded[start : hit.start]).rstrip()
            return not (label.endswith(":") and _LABELLED_DATE.search(label))
    return False


_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_LABELLED_DATE = re.compile(
    r"incep|inceper|finaliz|incheier|semnar|depuner|termen|start|lansar|deschider|inchider"
)


def _is_letterhead(doc: Doc, start: int, end: int) -> bool:
    """An institution's name alone on a line at the top (or bottom) of a release."""
    line = doc.folded[start:end]
    if end - start > 90 or line.endswith((".", ":", "!")) or START_CUES.search(line):
        return False
    if SUBJECT_VERB.search(line) or re.search(r"(?<![a-z])(?:a|au|s-a|va|vor)\s+[a-z]{3,}", line):
        return False
    if END_CUES.search(line) or "proiect" in line:
        return False
    if _FUNDER_LOGO.match(line):
        return False
    original = doc.text[start:end]
    if len(_RUNNING_WORD.findall(original)) >= 2:
        # "Muzeul Județean Buzău își redeschide porțile după restaurare" says something;
        # a name capitalises its words but for small ones ("Direcția … de Asistență Socială").
        return False
    return bool(ORGANISATION_START.match(line) and starts_capital(doc, start)) or (
        original.isupper() and bool(COMPANY_SUFFIX.search(line))
    )


# The captions of the funders' logos every release carries, not the body that issued it.
_FUNDER_LOGO = re.compile(r"(?:uniunea\s+europeana|guvernul\s+romaniei|instrumente\s+structurale)\W*$")
# A lower-case word a name would not hold (its "de", "și", "pentru", "din" are allowed).
_RUNNING_WORD = re.compile(
    r"(?<![\w-])(?!(?:pentru|dintre|privind|asupra|catre|prin|sub|fara)\b)"
    r"[a-zăâîșțşţ][a-zăâîșțşţ]{3,}(?![\w-])"
)


_PUBLISHED_LABEL = re.compile(
    r"(?:^|\n)[ \t]*(?:data(?:\s+(?:publicarii|comunicatului|emiterii))?|publicat(?:\s+la)?|"
    r"publicat\s+in\s+data\s+de)\s*:\s*"
)
_DATELINE_LEAD = re.compile(
    r"[ \t]*[a-z][a-z-]*(?:[ -][a-z][a-z-]*){0,2},\s*\d{1,2}(?:\s*[a-z]+\.?\s+|[./-]\d{1,2}[./-])"
    r"(?:19|20)\d{2}\s*-\s+"
)
# "Astăzi, 17 mai 2022, a avut loc …" dates the release; "La data de 17 octombrie 2016
# a fost semnat contractul" dates an event the release reports, which may be long past.
_TODAY = re.compile(r"(?:^|[\n.]\s*)(?:azi|astazi)\s*,?\s*(?:\w+\s*,\s*)?")
# A news site's clock: the date beside the weather ("marți, 3 februarie, 2026" over "-3.5 C").
_WEATHER = re.compile(r"[-+]?\d{1,2}(?:[.,]\d)?\s*°?\s*c\b", re.M)


def read_published(doc: Doc) -> dt.date | None:
    f = doc.folded
    m = _PUBLISHED_LABEL.search(f)
    if m:
        hits = date_hits(f, m.end(), m.end() + 40)
        if hits:
            doc.note("sources[0].published", hits[0].start, hits[0].end)
            return hits[0].value
    # A date alone on a line of the head or at the very end, maybe after a place
    # name or a registration number ("Cluj-Napoca, 12.03.2018", "Nr. 2418 / 22.07.2024").
    starts = doc.line_starts
    lines = list(starts[:15]) + [x for x in starts[-4:] if x not in starts[:15]]
    for line_start in lines:
        line_end = end_of_line(f, line_start)
        if line_end - line_start > 80 or not _is_dateline(doc, line_start, line_end):
            continue
        hit = date_hits(f, line_start, line_end)[0]
        if hit.month_only or _beside_weather(doc, line_start):
            continue
        doc.note("sources[0].published", hit.start, hit.end)
        return hit.value
    for line_start in starts[:15]:
        # "Făgăraș, 8 iunie 2020 – Unitatea … implementează …": a dateline opening the body.
        lead = _DATELINE_LEAD.match(f, line_start)
        if lead:
            led = date_hits(f, line_start, lead.end())
            if led and not led[-1].month_only:
                doc.note("sources[0].published", led[-1].start, led[-1].end)
                return led[-1].value
    m = _TODAY.search(f)
    if m:
        hits = date_hits(f, m.end(), m.end() + 30)
        if hits and hits[0].start - m.end() < 5:
            doc.note("sources[0].published", hits[0].start, hits[0].end)
            return hits[0].value
    return None


def _beside_weather(doc: Doc, line_start: int) -> bool:
    """Whether a temperature sits within two lines of this one: the date is the site's clock."""
    index = doc.line_of(line_start) - 1
    starts = doc.line_starts
    for i in range(max(0, index - 2), min(len(starts), index + 3)):
        end = end_of_line(doc.folded, starts[i])
        if i != index and _WEATHER.fullmatch(doc.folded[starts[i] : end].strip()):
            return True
    return False


_DOMAIN = re.compile(r"(?<![@\w.-])(?:www\.)?(?P<d>[a-z0-9][a-z0-9-]*\.(?:ro|com|eu|net|org|info|md))\b")


def read_publisher(doc: Doc) -> str | None:
    head_end = doc.line_starts[min(3, len(doc.line_starts) - 1)]
    m = _DOMAIN.search(doc.folded, 0, head_end if head_end > 0 else len(doc.folded))
    if m:
        doc.note("sources[0].publisher", m.start(), m.end())
        return doc.text[m.start() : m.end()]
    return None


_CONTACT_LABEL = re.compile(
    r"(?:date|datele|persoan\w*|informatii|detalii)\s+(?:suplimentare\s+)?de\s+contact\s*:?"
    r"|(?:^|\n)[ \t]*(?:contact|informatii\s+suplimentare|relatii\s+suplimentare|"
    r"pentru\s+(?:mai\s+multe\s+)?informatii(?:\s+suplimentare)?(?:\s+(?:despre|privind)\s+(?:acest\s+)?proiect\w*)?"
    r"(?:\s+va\s+rugam\s+sa\s+contactati)?)\s*:"
)
_CONTACT_SPLIT = re.compile(r",\s+(?=[a-z])|;\s+")
_CONTACT_END = re.compile(
    r"(?:citeste|citeşte|cititi|vezi|articole|acest\s+site|proiect\s+(?:co)?finantat|investim|"
    r"pentru\s+mai\s+multe|distribuie|share|comentarii|etichete|tags|\"?proiect\s+selectat|continutul)"
)
_NAME_POSITION = re.compile(r"\s*,\s*|\s+-\s+|\s*:\s+")
# A labelled line that is no person's ("mail: Această adresă de email este protejată").
_OTHER_LABEL = re.compile(r"(?:e-?mail|mail|web|site|adresa|sediu\w*|program\w*|cui|cif)\s*:")
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_PHONE_LABEL = re.compile(r"(?:tel(?:efon)?|mobil|fax)[\w./ ]*?(?=:|\s*\d|\s*\+)")


# Spaces only between digits, so "0372 640030 / 0372 640070" is two numbers.
# An extension is part of the number: "0231 502 200 int. 174".
_PHONE = re.compile(r"\+?\d(?:[\d./-]|\s(?=\d)){5,}\d(?:\s*,?\s*int(?:erior)?\.?\s*\d{1,5})?")
_PERSON_TITLE = re.compile(
    r"(?:(?:prof|conf|univ|dr|ing|ec|jr|av|arh|lect|asist|ms|mr|dl|dna|d-l|d-na|drd|col|gen|biol|chim|fiz"
    r"|mat|med|psih|sociol|farm|vet)\.?\s+)+",
    re.I,
)


# An address line ("Localitatea Bucerdea Grânoasă, Str. …") is capitalised like a name.
# nor is a department ("Biroul Proiecte").
_PLACE_WORD = re.compile(
    r"(?:localitat\w*|sat(?:ul)?|strada|str|sector\w*|cartier\w*|bd|b-dul|bulevard\w*|calea|aleea|jud"
    r"|birou\w*|compartiment\w*|departament\w*|sectia|biroul|echipa)(?![a-z])"
)


def _is_person(text: str) -> bool:
    """A person's name: two to four capitalised words, titles such as "Conf. univ. dr." allowed."""
    text = text.strip()
    m = _PERSON_TITLE.match(text)
    rest = text[m.end() :] if m else text
    words = rest.replace("-", " ").split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in rest):
        return False
    if ORGANISATION_START.match(fold(rest)) or _PLACE_WORD.match(fold(rest)):
        return False
    return all(word[0].isupper() and word.replace(".", "").isalpha() for word in words)


def read_issuer_and_contacts(doc: Doc) -> tuple[str | None, list[dict[str, str | None]]]:
    f = doc.folded
    issuer: tuple[int, int] | None = None
    contacts: list[dict[str, str | None]] = []
    label = None
    for m in _CONTACT_LABEL.finditer(f):
        label = m
    if label:
        line_start, _ = doc.line_bounds(label.start())
        left = trim(doc, line_start, label.start())
        if left[1] - left[0] >= 3 and ORGANISATION_START.match(f, left[0]):
            # Two columns: the signing body on the left, the contact on the right.
            issuer = left
        else:
            issuer = _signature_above(doc, line_start)
        contact = _contact_block(doc, label.end(), issuer)
        if contact:
            contacts.append(contact)
    else:
        block = _signature_block(doc)
        cursor = block
        while cursor is not None and cursor < len(f):
            line = trim(doc, cursor, end_of_line(f, cursor))
            if line[1] <= line[0] or _PHONE_LABEL.match(f, line[0]):
                break
            if _is_letterhead(doc, *line):
                issuer = line
                contact = _contact_block(doc, line[1], None)
                if contact:
                    contact["organisation"] = doc.clean(*line)
                    doc.note("contacts[0].organisation", *line)
                    contacts.append(contact)
                break
            cursor = end_of_line(f, cursor) + 1
    if issuer is None:
        issuer = _letterhead(doc)
    if issuer is None:
        issuer = _signature(doc)
    signed = _signed_by(doc)
    if signed is not None:
        name, position = signed
        if contacts and contacts[0]["name"] is None:
            contacts[0]["name"] = doc.clean(*name)
            contacts[0]["position"] = doc.clean(*position)
        if issuer is None:
            issuer = name
    if contacts and contacts[0]["name"] is None:
        # No person to call: the block is only the body's address, and its
        # values are not kept, so neither is where they were read.
        for path in [path for path in doc.provenance if path.startswith("contacts[")]:
            del doc.provenance[path]
        contacts = []
    if issuer is None:
        return None, contacts
    issuer = with_abbreviation_dot(doc, *issuer)
    doc.note("sources[0].issuer", *issuer)
    return doc.clean(*issuer), contacts


def _signature_above(doc: Doc, line_start: int) -> tuple[int, int] | None:
    """The body signing just above a contact block ("Consiliul Judeţean X" / "Compartimentul …")."""
    f = doc.folded
    index = doc.line_of(line_start) - 1
    seen = 0
    for i in range(index - 1, max(-1, index - 6), -1):
        s, e = trim(doc, doc.line_starts[i], doc.line_starts[i + 1] - 1)
        if e <= s:
            if seen:
                break
            continue
        seen += 1
        if e - s > 80 or f[e : e + 1] == "." or f[s:e].endswith(":"):
            break
        if ORGANISATION_START.match(f, s) and starts_capital(doc, s):
            # Keep going up: the body comes before its department.
            issuer = (s, e)
            for j in range(i - 1, max(-1, i - 3), -1):
                s2, e2 = trim(doc, doc.line_starts[j], doc.line_starts[j + 1] - 1)
                if e2 <= s2 or e2 - s2 > 80 or not ORGANISATION_START.match(f, s2):
                    break
                issuer = (s2, e2)
            return issuer
    return None


def _letterhead(doc: Doc) -> tuple[int, int] | None:
    """An institution named alone on the first lines, above "Comunicat de presă"."""
    f = doc.folded
    for start in doc.line_starts[:4]:
        s, e = trim(doc, start, end_of_line(f, start))
        if e <= s:
            continue
        if _is_letterhead(doc, s, e):
            return s, e
        if _HEADLINE_SKIP.match(f[s:e]) or _BARE_RELEASE.fullmatch(f[s:e]):
            continue
        return None
    return None


def _signed_by(doc: Doc) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A sign-off near the end: "Primar," on one line, the person's name on the next."""
    f = doc.folded
    starts = doc.line_starts
    for index in range(max(0, len(starts) - 15), len(starts) - 1):
        s, e = trim(doc, starts[index], end_of_line(f, starts[index]))
        raw_end = end_of_line(f, starts[index])
        if not (0 < e - s <= 40 and f[s:raw_end].rstrip().endswith(",")):
            continue
        n_s, n_e = trim(doc, starts[index + 1], end_of_line(f, starts[index + 1]))
        if _is_person(doc.text[n_s:n_e]):
            return (n_s, n_e), (s, e)
    return None


def _signature_block(doc: Doc) -> int | None:
    """Start of an unlabelled signature block: the paragraph holding the last phone line."""
    f = doc.folded
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


def _signature(doc: Doc) -> tuple[int, int] | None:
    """An organisation signing at the end: a short UPPERCASE line naming an institution."""
    f = doc.folded
    starts = doc.line_starts
    for index in range(len(starts) - 1, max(-1, len(starts) - 15), -1):
        start = starts[index]
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(f)
        s, e = trim(doc, start, end)
        line = doc.text[s:e]
        if 3 <= e - s <= 80 and ORGANISATION_START.match(f, s) and line.isupper():
            return s, e
    return None


def _contact_pieces(doc: Doc, pos: int) -> list[tuple[int, int]]:
    """The contact block after its label: comma-separated pieces on the label's line, then lines."""
    f = doc.folded
    pieces: list[tuple[int, int]] = []
    line_end = end_of_line(f, pos)
    if f[pos:line_end].strip():
        cursor = pos
        for m in _CONTACT_SPLIT.finditer(f, pos, line_end):
            pieces.append(trim(doc, cursor, m.start()))
            cursor = m.end()
        pieces.append(trim(doc, cursor, line_end))
    cursor = line_end + 1
    blank_run = 0
    while cursor < len(f) and len(pieces) < 12:
        end = end_of_line(f, cursor)
        s, e = trim(doc, cursor, end)
        if e <= s and doc.text[cursor:end].strip():
            # A related story's link, blanked in the matching view: the page goes on.
            break
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


def _contact_block(doc: Doc, pos: int, issuer: tuple[int, int] | None) -> dict[str, str | None] | None:
    f = doc.folded
    contact: dict[str, str | None] = dict.fromkeys(
        ("name", "position", "organisation", "phone", "fax", "email")
    )
    spans: dict[str, tuple[int, int]] = {}

    def put(key: str, s: int, e: int) -> None:
        if contact[key] is None and e > s:
            contact[key] = doc.clean(s, e)
            spans[key] = (s, e)

    for s, e in _contact_pieces(doc, pos):
        piece = f[s:e]
        email = _EMAIL.search(piece)
        if email:
            put("email", s + email.start(), s + email.end())
        phone_label = _PHONE_LABEL.search(piece)
        if phone_label:
            # "Achim Elisa: tel: 0733832198": the person the number reaches, before it.
            named = trim(doc, s, s + phone_label.start())
            if named[1] > named[0] and _is_person(doc.text[named[0] : named[1]].rstrip(" :")):
                put("name", named[0], named[0] + len(doc.text[named[0] : named[1]].rstrip(" :")))
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
        if email or _CONTACT_LABEL.match(piece) or _OTHER_LABEL.match(piece):
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
        elif ORGANISATION_START.match(piece) or (not starts_capital(doc, s) and contact["name"] is None):
            if contact["organisation"] is None and ORGANISATION_START.match(piece):
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
