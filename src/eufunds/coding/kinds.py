"""Kinds of beneficiary: an organisation's name read into one of a closed list
of kinds (commune, town, municipality, county, ministry, other central body,
local public body, school, university, hospital, NGO, company, other).

A Romanian name puts its head noun first ("Școala Gimnazială nr. 1 Comuna X"
is a school, "Primăria Comunei X" a commune), so the head decides, after the
words that wrap a body without saying what it is (UAT, Unitatea
Administrativ-Teritorială, Primăria, Consiliul Local al). A company is known by
its legal form (SRL, S.A., PFA, …) when no head says otherwise; a wrapper
with a bare place name ("Primăria Calafat") takes the kind SIRUTA gives that
place. The words that
decided are kept, as written, for the caller to show; other kinds' words seen
further on are listed, so an odd name can be checked by a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ..text import fold
from .places import PlaceStatus, resolve_place

__all__ = ["BeneficiaryKind", "KindResult", "classify_organisation"]


class BeneficiaryKind(StrEnum):
    COMMUNE = "commune"
    TOWN = "town"
    MUNICIPALITY = "municipality"
    COUNTY = "county"  # the county as a body: Consiliul Județean, UAT Județul
    MINISTRY = "ministry"
    CENTRAL_BODY = "central_body"  # agencies, authorities, inspectorates, the Government's secretariat…
    LOCAL_BODY = "local_body"  # a county's or town's public service: direcția, serviciul public
    SCHOOL = "school"
    UNIVERSITY = "university"
    HOSPITAL = "hospital"
    NGO = "ngo"
    COMPANY = "company"
    OTHER = "other"


@dataclass(frozen=True)
class KindResult:
    """The kind of a body and the words, as written in ``name``, that decided it
    (``evidence``, at ``start``:``end``); ``also`` holds the kinds other words
    of the name suggest, for a person to check. ``OTHER`` has no evidence."""

    kind: BeneficiaryKind
    evidence: str | None
    start: int | None
    end: int | None
    also: tuple[BeneficiaryKind, ...] = ()


# Head nouns on the folded name, genitives included where a wrapper governs them
# ("Primăria Municipiului", "Consiliul Local al Comunei"). The order breaks ties
# between heads that start the same: SNSPA is a university before "Școala" is a school.
_HEADS: tuple[tuple[BeneficiaryKind, str], ...] = (
    (BeneficiaryKind.COMMUNE, r"comun(?:a|ei)"),
    (BeneficiaryKind.TOWN, r"oras(?:ul|ului)?"),
    (BeneficiaryKind.MUNICIPALITY, r"municipi(?:ul|ului)"),
    (BeneficiaryKind.COUNTY, r"judet(?:ul|ului)|consiliul judetean|consiliului judetean"),
    (BeneficiaryKind.MINISTRY, r"minister(?:ul|ului)"),
    (
        BeneficiaryKind.UNIVERSITY,
        r"universitat(?:ea|ii)|academia de studii|scoala nationala de studii politice"
        r"|academia nationala|academia de politie|institutul (?:politehnic|de studii)",
    ),
    (
        BeneficiaryKind.CENTRAL_BODY,
        r"agentia|autoritatea|inspectoratul|secretariatul general|oficiul|administratia nationala"
        r"|casa nationala|institutul national|departamentul|guvernul|cancelaria|comisia nationala"
        r"|centrul national|garda nationala|regia nationala",
    ),
    (
        BeneficiaryKind.LOCAL_BODY,
        r"directia|serviciul public|serviciul de|politia locala|administratia (?:domeniului|pietelor|bazei)",
    ),
    (
        BeneficiaryKind.SCHOOL,
        r"scoala|scolii|liceul|colegiul|gradinita|grupul scolar|seminarul|centrul scolar|clubul copiilor"
        r"|palatul copiilor",
    ),
    (BeneficiaryKind.HOSPITAL, r"spital(?:ul)?|institutul (?:clinic|oncologic|regional de oncologie)"),
    (BeneficiaryKind.NGO, r"asociati(?:a|ei)|fundati(?:a|ei)|federati(?:a|ei)|organizatia"),
)
_HEAD = re.compile("|".join(f"(?P<h{i}>(?:{pattern}))(?![a-z])" for i, (_, pattern) in enumerate(_HEADS)))

# What wraps a body without saying what it is; skipped before the head.
_WRAPPER = re.compile(
    r"(?:u\.?\s?a\.?\s?t\.?|unitatea administrativ[\s-]*teritoriala|primaria|consiliul local(?: al| a)?"
    r"|s\.?\s?c\.?)(?![a-z])[\s,.:-]*"
)

# Legal forms of a company (Law 31/1990, OUG 44/2008), read on the name as
# written: the short ones only in capitals and at the end, since "sa" and "ii"
# are also words; SRL and PFA anywhere.
_LEGAL_FORM = re.compile(
    r"(?i:(?<![\w.])(?:s\.?\s?r\.?\s?l\.?(?:-d)?|p\.?\s?f\.?\s?a\.?)(?!\w))"
    r"|(?<![\w.])(?:S\.?\s?A|S\.?\s?N\.?\s?C|S\.?\s?C\.?\s?S|S\.?\s?C\.?\s?A|I\.?\s?I|I\.?\s?F|R\.?\s?A)\.?[\s)]*$"
)


def classify_organisation(name: str) -> KindResult:
    """The kind of body ``name`` is, with the words that say so. A name with no
    word of any kind is ``OTHER``."""
    folded = fold(name)
    position = 0
    while wrapper := _WRAPPER.match(folded, position):
        if wrapper.end() == position:
            break
        position = wrapper.end()
    heads = [
        (match, _kind_of(match)) for match in _HEAD.finditer(folded) if _word_start(folded, match.start())
    ]
    legal = _LEGAL_FORM.search(name)
    decided: tuple[BeneficiaryKind, int, int] | None = None
    if heads and heads[0][0].start() == position:
        match, kind = heads[0]
        decided = (kind, match.start(), match.end())
    elif legal:
        decided = (BeneficiaryKind.COMPANY, legal.start(), legal.end())
    seen = [kind for _, kind in heads] + ([BeneficiaryKind.COMPANY] if legal else [])
    if decided is None and position > 0:
        # "Primăria Calafat", "UAT Lazuri": the wrapper says a local authority,
        # SIRUTA says which kind, when the name is one place.
        place = resolve_place(name, None)
        if place.status is PlaceStatus.RESOLVED and place.uat is not None and place.uat.kind in _UAT_KINDS:
            decided = (_UAT_KINDS[place.uat.kind], 0, len(name.rstrip()))
    if decided is None:
        return KindResult(BeneficiaryKind.OTHER, None, None, None, tuple(dict.fromkeys(seen)))
    kind, start, end = decided
    also = tuple(dict.fromkeys(other for other in seen if other is not kind))
    return KindResult(kind, name[start:end].strip(), start, end, also)


_UAT_KINDS = {
    "commune": BeneficiaryKind.COMMUNE,
    "town": BeneficiaryKind.TOWN,
    "municipality": BeneficiaryKind.MUNICIPALITY,
}


def _kind_of(match: re.Match[str]) -> BeneficiaryKind:
    group = match.lastgroup
    assert group is not None  # every alternative of _HEAD is a named group
    return _HEADS[int(group[1:])][0]


def _word_start(text: str, index: int) -> bool:
    return index == 0 or not text[index - 1].isalnum()
