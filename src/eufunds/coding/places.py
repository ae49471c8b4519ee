"""Places: a locality and county as a release writes them, resolved to SIRUTA
codes with the county's NUTS 3, NUTS 2 and development region.

SIRUTA (the national statistics institute's register of settlements) comes as
the table the ``sirutalib`` package ships; it is read here, once and lazily,
straight from the file rather than through ``sirutalib.SirutaDatabase``: that
class opens the file in the locale's encoding, resets the process's warning
filters while it reads (it warns about 77 codes its checksum rule rejects), and
drops the table's NUTS column. The NUTS column itself is not used either: it is
blank or wrong for whole counties (Giurgiu is given Galați's RO224), so NUTS
comes from ``_NUTS3``, the official classification keyed by county. Why, and
what stays unresolved, is in docs/coding.md.

Names match whatever the spelling: case, diacritics, ş/ș, hyphens, and the
pre-1993 î for â (Sîncraiu, Sâncraiu).
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from pathlib import Path

from ..text import fold

__all__ = [
    "County",
    "PlaceResult",
    "PlaceStatus",
    "SirutaUnit",
    "place_from_text",
    "resolve_place",
    "siruta_table_path",
]

# NUTS 2021 (Regulation (EU) 2019/1755, in force for the 2014-2020 and 2021-2027
# programmes' statistics), by the county's SIRUTA code. NUTS 2 is the first four
# characters; a development region is a NUTS 2 region.
_NUTS3: dict[int, str] = {
    10: "RO121", 29: "RO421", 38: "RO311", 47: "RO211", 56: "RO111", 65: "RO112",
    74: "RO212", 83: "RO122", 92: "RO221", 109: "RO222", 118: "RO422", 519: "RO312",
    127: "RO113", 136: "RO223", 145: "RO123", 154: "RO313", 163: "RO411", 172: "RO224",
    528: "RO314", 181: "RO412", 190: "RO124", 207: "RO423", 216: "RO315", 225: "RO213",
    234: "RO322", 243: "RO114", 252: "RO413", 261: "RO125", 270: "RO214", 289: "RO414",
    298: "RO316", 305: "RO115", 314: "RO116", 323: "RO126", 332: "RO215", 341: "RO317",
    350: "RO424", 369: "RO225", 378: "RO216", 387: "RO415", 396: "RO226", 403: "RO321",
}  # fmt: skip
_REGIONS: dict[str, str] = {
    "RO11": "Nord-Vest", "RO12": "Centru", "RO21": "Nord-Est", "RO22": "Sud-Est",
    "RO31": "Sud-Muntenia", "RO32": "București-Ilfov", "RO41": "Sud-Vest Oltenia", "RO42": "Vest",
}  # fmt: skip

# SIRUTA's TIP column: what kind of unit a row is.
_COUNTY_TYPE = 40
_MUNICIPALITY_TYPES = frozenset({1, 4})
_TOWN_TYPES = frozenset({2, 5})
_COMMUNE_TYPES = frozenset({3})
_SEAT_TYPES = frozenset({9, 17, 22})  # the locality that is the seat of its municipality, town, commune
_KINDS = {
    **dict.fromkeys(_MUNICIPALITY_TYPES, "municipality"),
    **dict.fromkeys(_TOWN_TYPES, "town"),
    **dict.fromkeys(_COMMUNE_TYPES, "commune"),
    6: "sector",
    _COUNTY_TYPE: "county",
}
# SIRUTA's NIV column: 1 county, 2 UAT (municipality, town, commune), 3 locality.
_UAT_LEVEL, _LOCALITY_LEVEL = 2, 3
_BUCHAREST_UAT = 179132  # a locality row at the UAT level: the city is its own seat

# How SIRUTA prefixes a UAT's name; the key is the name without it.
_TABLE_PREFIXES = ("municipiul ", "oras ", "judetul ")


class PlaceStatus(StrEnum):
    RESOLVED = "resolved"  # a locality, its UAT and its county
    COUNTY = "county"  # the county alone: it was what was named, or the locality is not certain in it
    AMBIGUOUS = "ambiguous"  # the name is in several counties and none was given
    UNKNOWN = "unknown"


# SIRUTA writes names in capitals, some with the unit's kind in front
# ("MUNICIPIUL CALAFAT", "ORAȘ ZLATNA", "JUDEȚUL DOLJ"); people read "Calafat",
# "Zlatna", "Dolj", with the short words of a name in lower case ("Baia de Aramă").
_KIND_PREFIX = re.compile(r"^(?:JUDEȚUL|MUNICIPIUL|ORAȘ(?:UL)?|COMUNA)\s+(?=\S)")
_SMALL_WORDS = frozenset({"de", "din", "pe", "la", "lui", "cu", "sub", "și", "în"})


def display_name(siruta_name: str) -> str:
    """A SIRUTA name as people write it: "JUDEȚUL CARAȘ-SEVERIN" → "Caraș-Severin"."""
    bare = _KIND_PREFIX.sub("", siruta_name).lower()
    words = [
        w if i and w in _SMALL_WORDS else "-".join(part[:1].upper() + part[1:] for part in w.split("-"))
        for i, w in enumerate(bare.split(" "))
    ]
    return " ".join(words)


@dataclass(frozen=True)
class SirutaUnit:
    """A row of SIRUTA: its code, its name as SIRUTA writes it, and its kind
    (``municipality``, ``town``, ``commune``, ``sector``, or ``locality``)."""

    siruta: int
    name: str
    kind: str

    @property
    def display_name(self) -> str:
        return display_name(self.name)


@dataclass(frozen=True)
class County:
    siruta: int
    name: str  # as SIRUTA writes it: "JUDEȚUL DOLJ", "MUNICIPIUL BUCUREȘTI"
    nuts3: str
    nuts2: str
    region: str

    @property
    def display_name(self) -> str:
        return display_name(self.name)


@dataclass(frozen=True)
class PlaceResult:
    """Where a project is, as far as the words allow. ``candidates`` are the
    counties an ambiguous name occurs in; ``note`` says in words why a place is
    not resolved further; ``evidence`` and ``source`` (``location`` or
    ``beneficiary``) say which words named it, when found in a text."""

    status: PlaceStatus
    locality: SirutaUnit | None = None
    uat: SirutaUnit | None = None
    county: County | None = None
    candidates: tuple[County, ...] = ()
    note: str = ""
    evidence: str | None = None
    source: str | None = None

    @property
    def nuts3(self) -> str | None:
        return self.county.nuts3 if self.county else None

    @property
    def nuts2(self) -> str | None:
        return self.county.nuts2 if self.county else None

    @property
    def region(self) -> str | None:
        return self.county.region if self.county else None


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class _Row:
    siruta: int
    name: str
    county: int  # the county's SIRUTA code
    parent: int
    type: int
    level: int


@dataclass(frozen=True)
class _Table:
    rows: dict[int, _Row]
    counties: dict[int, County]  # by the county's SIRUTA code
    county_keys: dict[str, County]
    names: dict[str, tuple[_Row, ...]]  # UATs and localities by name key
    seats: dict[int, _Row]  # a UAT's seat locality, by the UAT's code


def siruta_table_path() -> Path:
    """The SIRUTA table the ``sirutalib`` distribution installs (beside its module)."""
    for file in metadata.files("sirutalib") or ():
        if file.name == "siruta.csv":
            return Path(str(file.locate()))
    raise FileNotFoundError("the sirutalib distribution ships no siruta.csv")


_NON_ALNUM = re.compile(r"[^a-z0-9]")


def _view(text: str) -> str:
    """The matching view: folded, every character that is not a letter or digit
    a space; one character for one, so offsets hold in the original."""
    return _NON_ALNUM.sub(" ", fold(text))


def _keys(name: str) -> set[str]:
    """Every key a name is found under: its folded words, and the same with â
    written î (before 1993 "Sîncraiu", "Cîmpia"; a text without diacritics
    gives the plain-folded form, which is the first key)."""
    return {" ".join(_view(form).split()) for form in (name, name.replace("â", "î").replace("Â", "Î"))}


def _strip_table_prefix(key: str) -> str:
    for prefix in _TABLE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@functools.cache
def _table() -> _Table:
    with siruta_table_path().open(encoding="utf-8", newline="") as file:
        records = list(csv.DictReader(file, delimiter=";"))
    # JUD numbers the counties in SIRUTA's own order; the county's SIRUTA code
    # is what _NUTS3 and callers key on.
    county_of_jud = {r["JUD"]: int(r["SIRUTA"]) for r in records if int(r["TIP"]) == _COUNTY_TYPE}
    rows = {
        int(r["SIRUTA"]): _Row(
            int(r["SIRUTA"]),
            r["DENLOC"],
            county_of_jud[r["JUD"]],
            int(r["SIRSUP"]),
            int(r["TIP"]),
            int(r["NIV"]),
        )
        for r in records
    }

    counties: dict[int, County] = {}
    county_keys: dict[str, County] = {}
    for code in county_of_jud.values():
        nuts3 = _NUTS3[code]
        county = County(code, rows[code].name, nuts3, nuts3[:4], _REGIONS[nuts3[:4]])
        counties[code] = county
        for key in _keys(county.name):
            county_keys[_strip_table_prefix(key)] = county

    names: defaultdict[str, list[_Row]] = defaultdict(list)
    seats: dict[int, _Row] = {}
    for row in rows.values():
        if row.level == _LOCALITY_LEVEL and row.type in _SEAT_TYPES:
            seats[row.parent] = row
        if row.level in (_UAT_LEVEL, _LOCALITY_LEVEL):
            for key in _keys(row.name):
                names[_strip_table_prefix(key)].append(row)
                if row.type == 6:  # "BUCUREȘTI SECTORUL 1" is written "Sectorul 1"
                    names[key.removeprefix("bucuresti ")].append(row)
    seats[_BUCHAREST_UAT] = rows[_BUCHAREST_UAT]
    return _Table(rows, counties, county_keys, {k: tuple(v) for k, v in names.items()}, seats)


# --------------------------------------------------------------------------- reading names

# Words that say what kind of unit follows; genitives too ("Primăria Comunei X").
_KIND_WORDS: dict[str, str] = {
    "comuna": "commune", "comunei": "commune", "com": "commune",
    "orasul": "town", "orasului": "town", "oras": "town", "or": "town",
    "municipiul": "municipality", "municipiului": "municipality", "municipiu": "municipality",
    "mun": "municipality",
    "satul": "village", "satului": "village", "sat": "village", "localitatea": "village", "loc": "village",
    "judetul": "county", "judetului": "county", "judet": "county", "jud": "county", "judetean": "county",
    "judeteana": "county",
}  # fmt: skip
# Words in front of a unit's name that say nothing of its kind.
_WRAPPERS = frozenset(
    {"uat", "u", "a", "t", "unitatea", "unitatii", "administrativ", "teritoriala", "teritoriale", "primaria"}
    | {"consiliul", "consiliului", "local", "al"}
)
_KIND_FILTERS: dict[str, frozenset[int]] = {
    "commune": _COMMUNE_TYPES,
    "town": _TOWN_TYPES,
    "municipality": _MUNICIPALITY_TYPES,
}
_MAX_NAME_WORDS = 5


def _unit(row: _Row) -> SirutaUnit:
    if row.siruta == _BUCHAREST_UAT:
        return SirutaUnit(row.siruta, row.name, "municipality")
    return SirutaUnit(row.siruta, row.name, _KINDS.get(row.type, "locality"))


def _fits(row: _Row, kind: str | None, county: County | None) -> bool:
    if county is not None and row.county != county.siruta:
        return False
    if kind == "village":
        return row.level == _LOCALITY_LEVEL
    if kind in _KIND_FILTERS:
        return row.level == _UAT_LEVEL and (
            row.type in _KIND_FILTERS[kind] or (kind == "municipality" and row.siruta == _BUCHAREST_UAT)
        )
    return True


def _uat_of(row: _Row) -> _Row:
    table = _table()
    return row if row.level == _UAT_LEVEL else table.rows[row.parent]


def _resolve_rows(rows: list[_Row], name: str, county: County | None) -> PlaceResult:
    table = _table()
    if not rows:
        if county is not None:
            return PlaceResult(
                PlaceStatus.COUNTY, county=county, note=f"no locality {name!r} in {county.name}"
            )
        return PlaceResult(PlaceStatus.UNKNOWN, note=f"no locality {name!r} in SIRUTA")
    in_counties = sorted({row.county for row in rows})
    if len(in_counties) > 1:
        return PlaceResult(
            PlaceStatus.AMBIGUOUS,
            candidates=tuple(table.counties[code] for code in in_counties),
            note=f"{name!r} is in {len(in_counties)} counties; the county decides",
        )
    found_county = table.counties[in_counties[0]]
    uats = {_uat_of(row).siruta: _uat_of(row) for row in rows}
    if len(uats) > 1:
        # A municipality, town or commune of that name is what an address names;
        # same-named villages of other communes give way to it.
        named = [row for row in rows if row.level == _UAT_LEVEL]
        if len(named) != 1:
            return PlaceResult(
                PlaceStatus.COUNTY,
                county=found_county,
                note=f"{name!r} names {len(uats)} places in {found_county.name}",
            )
        uats = {named[0].siruta: named[0]}
        rows = [row for row in rows if _uat_of(row).siruta == named[0].siruta]
    [uat] = uats.values()
    villages = [row for row in rows if row.level == _LOCALITY_LEVEL]
    locality = villages[0] if len(villages) == 1 else table.seats.get(uat.siruta)
    return PlaceResult(
        PlaceStatus.RESOLVED,
        locality=_unit(locality) if locality else None,
        uat=_unit(uat),
        county=found_county,
    )


def _words(view: str) -> list[re.Match[str]]:
    return list(re.finditer(r"[a-z0-9]+", view))


def _read_county(text: str) -> County | None:
    """A county as written alone: "Dolj", "jud. Dolj", "județul Cluj", "Municipiul București"."""
    words = [w.group() for w in _words(_view(text))]
    while words and (words[0] in _WRAPPERS or _KIND_WORDS.get(words[0]) in ("county", "municipality")):
        words.pop(0)
    return _table().county_keys.get(" ".join(words))


def resolve_place(locality: str | None, county: str | None = None) -> PlaceResult:
    """A locality ("Calafat", "Comuna Bârca", "orașul Bălan", "Sîncraiu de Mureş")
    and, if known, its county ("Dolj", "jud. Dolj", "județul Cluj") resolved to
    SIRUTA. A word like "Comuna" or "municipiul" narrows the search to that kind
    of unit; a name in several counties with no county given is ``ambiguous``."""
    found_county: County | None = None
    if county and county.strip():
        found_county = _read_county(county)
        if found_county is None:
            return PlaceResult(PlaceStatus.UNKNOWN, note=f"no county {county!r} in SIRUTA")
    return _resolve(locality, found_county)


def _resolve(locality: str | None, county: County | None) -> PlaceResult:
    if not locality or not locality.strip():
        if county is not None:
            return PlaceResult(PlaceStatus.COUNTY, county=county)
        return PlaceResult(PlaceStatus.UNKNOWN, note="no locality or county given")
    words = [w.group() for w in _words(_view(locality))]
    kind: str | None = None
    while words and (words[0] in _WRAPPERS or words[0] in _KIND_WORDS):
        kind = _KIND_WORDS.get(words[0], kind)
        words.pop(0)
    name = " ".join(words)
    if kind == "county":
        named = _table().county_keys.get(name)
        if named is None or (county is not None and named != county):
            return PlaceResult(PlaceStatus.UNKNOWN, note=f"no county {locality!r} in SIRUTA")
        return PlaceResult(PlaceStatus.COUNTY, county=named)
    rows = [row for row in _table().names.get(name, ()) if _fits(row, kind, county)]
    return _resolve_rows(rows, locality.strip(), county)


# --------------------------------------------------------------------------- places in text


def _counties_named(text: str) -> list[tuple[County, str]]:
    """Every county a text names after "județul", "jud.", "Consiliul Județean"…"""
    view = _view(text)
    words = _words(view)
    table = _table()
    found = []
    for i, word in enumerate(words):
        if _KIND_WORDS.get(word.group()) != "county":
            continue
        for n in range(min(_MAX_NAME_WORDS, len(words) - i - 1), 0, -1):
            key = " ".join(w.group() for w in words[i + 1 : i + 1 + n])
            if key in table.county_keys:
                found.append((table.county_keys[key], text[word.start() : words[i + n].end()]))
                break
    return found


def _units_named(text: str, county: County | None) -> list[tuple[PlaceResult, str]]:
    """Every municipality, town, commune or village a text names after its kind
    word ("Comuna Bârca", "UAT orasul Balan", "municipiului Calafat"), or after
    "din" ("Universitatea … din Târgu Mureș"), longest name first."""
    words = _words(_view(text))
    table = _table()
    found = []
    for i, word in enumerate(words):
        kind = _KIND_WORDS.get(word.group())
        if kind is None and word.group() != "din":
            continue
        if kind == "county":
            continue
        for n in range(min(_MAX_NAME_WORDS, len(words) - i - 1), 0, -1):
            key = " ".join(w.group() for w in words[i + 1 : i + 1 + n])
            rows = [row for row in table.names.get(key, ()) if _fits(row, kind, county)]
            if rows:
                evidence = text[word.start() : words[i + n].end()]
                result = _resolve_rows(rows, evidence, county)
                # "din" is a weak cue ("din cadrul", "din localitate"): only a sure place counts.
                if kind is not None or result.status is PlaceStatus.RESOLVED:
                    found.append((result, evidence))
                break
    return found


_RANK = {PlaceStatus.RESOLVED: 0, PlaceStatus.COUNTY: 1, PlaceStatus.AMBIGUOUS: 2, PlaceStatus.UNKNOWN: 3}


def place_from_text(beneficiary: str | None, location: str | None = None) -> PlaceResult:
    """A project's place from its beneficiary's name ("UAT Municipiul Calafat",
    "Comuna Bârca, județul Dolj", "Consiliul Județean Alba") and its stated
    location ("Calafat", "orașul Bălan, județul Harghita"). The location speaks
    first (it is where the work is), the beneficiary after; a county either of
    them names settles a name found in several counties. ``evidence`` quotes
    the words the place came from."""
    texts = [("location", location or ""), ("beneficiary", beneficiary or "")]
    counties = [
        (county, evidence, source) for source, text in texts for county, evidence in _counties_named(text)
    ]
    distinct = sorted({county for county, _, _ in counties}, key=lambda county: county.siruta)
    hint = distinct[0] if len(distinct) == 1 else None

    found = [
        _with_evidence(result, evidence, source)
        for source, text in texts
        for result, evidence in _units_named(text, hint)
    ]
    if not found and location and location.strip():
        # A bare name, as a location often is ("Calafat", "Sîncraiu de Mureș").
        found.append(_with_evidence(_resolve(location, hint), location.strip(), "location"))
    best = min(found, key=lambda result: _RANK[result.status], default=None)  # min keeps the first of equals
    if best is not None and best.status in (PlaceStatus.RESOLVED, PlaceStatus.COUNTY):
        return best
    if hint is not None:
        county, evidence, source = counties[0]
        return PlaceResult(PlaceStatus.COUNTY, county=county, evidence=evidence, source=source)
    if len(distinct) > 1:
        return PlaceResult(
            PlaceStatus.AMBIGUOUS, candidates=tuple(distinct), note="the texts name several counties"
        )
    return best or PlaceResult(PlaceStatus.UNKNOWN, note="no place named in the beneficiary or the location")


def _with_evidence(result: PlaceResult, evidence: str, source: str) -> PlaceResult:
    return PlaceResult(
        result.status,
        result.locality,
        result.uat,
        result.county,
        result.candidates,
        result.note,
        evidence,
        source,
    )
