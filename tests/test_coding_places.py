"""Places: a locality and county as written, resolved to SIRUTA codes with the
county's NUTS 3, NUTS 2 and development region, from sirutalib's packaged table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from eufunds.coding import PlaceStatus, place_from_text, resolve_place
from eufunds.coding.places import siruta_table_path
from eufunds.text import fold

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
RELEASES = Path(__file__).resolve().parents[2] / "shared" / "releases"


def test_a_name_in_one_county_resolves_to_locality_uat_county_and_nuts() -> None:
    place = resolve_place("Calafat", None)
    assert place.status is PlaceStatus.RESOLVED
    assert (place.locality.siruta, place.locality.name) == (70361, "CALAFAT")
    assert (place.uat.siruta, place.uat.kind) == (70352, "municipality")
    assert (place.county.siruta, place.county.name) == (163, "JUDEȚUL DOLJ")
    assert (place.nuts3, place.nuts2, place.region) == ("RO411", "RO41", "Sud-Vest Oltenia")


def test_a_name_in_several_counties_is_ambiguous_with_its_counties() -> None:
    place = resolve_place("Comuna Mihai Viteazu", None)
    assert place.status is PlaceStatus.AMBIGUOUS
    assert place.locality is None and place.county is None and place.nuts3 is None
    assert [county.name for county in place.candidates] == ["JUDEȚUL CLUJ", "JUDEȚUL CONSTANȚA"]


@pytest.mark.parametrize(
    ("county", "uat", "nuts3"),
    [("județul Cluj", 55277, "RO113"), ("jud. Constanța", 62253, "RO223"), ("Constanta", 62253, "RO223")],
)
def test_the_county_settles_an_ambiguous_name(county: str, uat: int, nuts3: str) -> None:
    place = resolve_place("Comuna Mihai Viteazu", county)
    assert place.status is PlaceStatus.RESOLVED
    assert (place.uat.siruta, place.nuts3) == (uat, nuts3)


def test_a_name_siruta_does_not_know_is_unknown_and_says_so() -> None:
    place = resolve_place("Atlantida", None)
    assert place.status is PlaceStatus.UNKNOWN
    assert "Atlantida" in place.note


def test_a_county_siruta_does_not_know_is_unknown() -> None:
    assert resolve_place("Calafat", "județul Atlantida").status is PlaceStatus.UNKNOWN


def test_a_locality_not_in_the_named_county_keeps_the_county_alone() -> None:
    place = resolve_place("Calafat", "Cluj")
    assert place.status is PlaceStatus.COUNTY
    assert place.county.name == "JUDEȚUL CLUJ" and place.uat is None
    assert "Calafat" in place.note


@pytest.mark.parametrize(
    "written",
    [
        "Sâncraiu de Mureș",
        "Sîncraiu de Mureş",  # before 1993, with cedillas
        "SINCRAIU DE MURES",
        "sancraiu de mures",
        "Comuna Sîncraiu de Mureș",
        "UAT Comuna Sâncraiu-de-Mureș",
    ],
)
def test_spelling_diacritics_cedillas_and_the_old_i_find_the_same_place(written: str) -> None:
    place = resolve_place(written, None)
    assert (place.status, place.uat.siruta) == (PlaceStatus.RESOLVED, 114382)


@pytest.mark.parametrize(
    ("written", "kind", "county"),
    [
        ("Municipiul Tecuci", "municipality", "JUDEȚUL GALAȚI"),  # a village Tecuci is in Teleorman
        ("orașul Bălan", "town", "JUDEȚUL HARGHITA"),  # a commune Bălan is in Sălaj
        ("Comuna Bălan", "commune", "JUDEȚUL SĂLAJ"),
        ("Comuna Lazuri", "commune", "JUDEȚUL SATU MARE"),  # villages Lazuri are in six more counties
    ],
)
def test_the_kind_word_narrows_the_search_to_that_kind_of_unit(written: str, kind: str, county: str) -> None:
    place = resolve_place(written, None)
    assert place.status is PlaceStatus.RESOLVED
    assert (place.uat.kind, place.county.name) == (kind, county)


def test_without_a_kind_word_a_name_shared_with_villages_elsewhere_is_ambiguous() -> None:
    place = resolve_place("Tecuci", None)
    assert place.status is PlaceStatus.AMBIGUOUS
    assert {county.name for county in place.candidates} == {"JUDEȚUL GALAȚI", "JUDEȚUL TELEORMAN"}


def test_a_village_resolves_to_itself_inside_its_commune() -> None:
    place = resolve_place("satul Bârca", "Olt")
    assert place.status is PlaceStatus.RESOLVED
    assert place.locality.name == "BÂRCA" and place.locality.kind == "locality"
    assert place.uat.kind == "commune" and place.uat.siruta != place.locality.siruta
    assert place.nuts3 == "RO414"


def test_within_one_county_the_commune_of_a_name_wins_over_villages_of_other_communes() -> None:
    place = resolve_place("Slobozia", "jud. Argeș")
    assert place.status is PlaceStatus.RESOLVED
    assert (place.uat.siruta, place.uat.kind) == (18741, "commune")


@pytest.mark.parametrize("written", ["Județul Cluj", "jud. Cluj", "Consiliul Județean Cluj"])
def test_a_county_named_alone_gives_the_county(written: str) -> None:
    place = resolve_place(None, written)
    assert (place.status, place.county.siruta, place.nuts3) == (PlaceStatus.COUNTY, 127, "RO113")
    assert resolve_place(written, None).county == place.county


def test_bucharest_and_its_sectors_resolve_to_the_capital() -> None:
    city = resolve_place("Municipiul București", None)
    sector = resolve_place("Sectorul 3", None)
    assert city.uat.kind == "municipality" and city.nuts3 == "RO321"
    assert sector.locality.kind == "sector" and sector.uat == city.uat
    assert sector.region == "București-Ilfov"


def test_nothing_given_is_unknown() -> None:
    assert resolve_place(None, None).status is PlaceStatus.UNKNOWN
    assert resolve_place("  ", "").status is PlaceStatus.UNKNOWN


# --------------------------------------------------------------------------- the table


def _records() -> list[dict[str, str]]:
    with siruta_table_path().open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def test_every_county_has_a_nuts3_inside_the_development_region_siruta_gives_it() -> None:
    # SIRUTA's REGIUNE column numbers the eight regions its own way; NUTS 2 codes
    # them another. Two independent sources, one map between them, no exception.
    nuts2_of_region = {
        "1": "RO21",
        "2": "RO22",
        "3": "RO31",
        "4": "RO41",
        "5": "RO42",
        "6": "RO11",
        "7": "RO12",
        "8": "RO32",
    }
    counties = [r for r in _records() if r["TIP"] == "40"]
    assert len(counties) == 42
    for record in counties:
        place = resolve_place(None, record["DENLOC"])
        assert place.status is PlaceStatus.COUNTY, record["DENLOC"]
        assert place.county.siruta == int(record["SIRUTA"])
        assert place.nuts2 == nuts2_of_region[record["REGIUNE"]], record["DENLOC"]
    assert resolve_place(None, "Giurgiu").nuts3 == "RO314"  # the table's own NUTS column says RO224


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_municipality_town_and_commune_named_with_its_county_resolves_to_itself(
    data: st.DataObject,
) -> None:
    uats = [r for r in _uat_records() if r["TIP"] in {"1", "2", "3", "4"}]
    record = data.draw(st.sampled_from(uats))
    county = _county_names()[record["JUD"]]
    kind_word = {"1": "Municipiul", "4": "Municipiul", "2": "Orașul", "3": "Comuna"}[record["TIP"]]
    name = record["DENLOC"].removeprefix("MUNICIPIUL ").removeprefix("ORAȘ ")
    written = data.draw(
        st.sampled_from([name, name.title(), fold(name), name.replace("Ș", "Ş").replace("Ț", "Ţ")])
    )
    place = resolve_place(f"{kind_word} {written}", county)
    assert place.status is PlaceStatus.RESOLVED
    assert place.uat.siruta == int(record["SIRUTA"])


_CACHE: dict[str, object] = {}


def _uat_records() -> list[dict[str, str]]:
    if "uats" not in _CACHE:
        _CACHE["uats"] = [r for r in _records() if r["NIV"] == "2"]
    return _CACHE["uats"]  # type: ignore[return-value]


def _county_names() -> dict[str, str]:
    if "counties" not in _CACHE:
        _CACHE["counties"] = {r["JUD"]: r["DENLOC"] for r in _records() if r["TIP"] == "40"}
    return _CACHE["counties"]


# --------------------------------------------------------------------------- places in text


@pytest.mark.parametrize(
    ("seed", "status", "county", "nuts3"),
    [
        ("primaria-calafat-management-calitate.yaml", PlaceStatus.RESOLVED, "JUDEȚUL DOLJ", "RO411"),
        ("cj-cluj-calitate-competenta-performanta.yaml", PlaceStatus.COUNTY, "JUDEȚUL CLUJ", "RO113"),
    ],
)
def test_both_seeds_find_their_place(seed: str, status: PlaceStatus, county: str, nuts3: str) -> None:
    record = yaml.safe_load((SEEDS / seed).read_text(encoding="utf-8"))
    place = place_from_text(record["beneficiary"]["name"], record["location"])
    assert (place.status, place.county.name, place.nuts3) == (status, county, nuts3)


def test_the_calafat_seed_names_its_municipality() -> None:
    place = place_from_text("Municipiul Calafat", None)
    assert (place.uat.siruta, place.evidence, place.source) == (70352, "Municipiul Calafat", "beneficiary")


@pytest.mark.parametrize(
    ("beneficiary", "location", "uat", "evidence"),
    [
        ("UAT Municipiul Calafat", None, "MUNICIPIUL CALAFAT", "Municipiul Calafat"),
        ("Comuna Bârca, județul Dolj", None, "BÂRCA", "Comuna Bârca"),
        (
            "Unitatea Administrativ Teritorială Municipiul Tecuci",
            None,
            "MUNICIPIUL TECUCI",
            "Municipiul Tecuci",
        ),
        ("Primăria Comunei Lazuri", None, "LAZURI", "Comunei Lazuri"),
        (
            "Universitatea „Dimitrie Cantemir” din Târgu Mureș",
            None,
            "MUNICIPIUL TÂRGU MUREȘ",
            "din Târgu Mureș",
        ),
        ("Ministerul Educației", "Calafat", "MUNICIPIUL CALAFAT", "Calafat"),
        ("Consiliul Județean Dolj", "orașul Segarcea", "ORAȘ SEGARCEA", "orașul Segarcea"),
    ],
)
def test_a_place_is_read_from_the_beneficiary_or_the_location(
    beneficiary: str, location: str | None, uat: str, evidence: str
) -> None:
    place = place_from_text(beneficiary, location)
    assert (place.status, place.uat.name, place.evidence) == (PlaceStatus.RESOLVED, uat, evidence)


def test_the_stated_location_speaks_before_the_beneficiary() -> None:
    place = place_from_text("Municipiul Calafat", "Comuna Bârca, județul Dolj")
    assert (place.uat.name, place.source) == ("BÂRCA", "location")


def test_a_county_in_one_text_settles_an_ambiguous_commune_in_the_other() -> None:
    assert place_from_text("Comuna Mihai Viteazu", None).status is PlaceStatus.AMBIGUOUS
    place = place_from_text("Comuna Mihai Viteazu", "județul Constanța")
    assert (place.status, place.nuts3) == (PlaceStatus.RESOLVED, "RO223")


def test_a_beneficiary_naming_no_place_is_unknown() -> None:
    assert place_from_text("Autoritatea de Management pentru POCA", None).status is PlaceStatus.UNKNOWN


def test_the_real_releases_beneficiaries_that_name_a_place_resolve() -> None:
    if not RELEASES.is_dir():
        pytest.skip("shared/releases is not beside the checkout")
    statuses = {}
    for path in sorted(RELEASES.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        statuses[path.stem[:2]] = place_from_text(record["beneficiary"]["name"], record["location"]).status
    resolved = {key for key, status in statuses.items() if status is PlaceStatus.RESOLVED}
    county = {key for key, status in statuses.items() if status is PlaceStatus.COUNTY}
    # Nine name their commune, town or municipality (one as "… din Târgu Mureș");
    # three a county (council, inspectorate, UAT Județul); the six left are two
    # ministries, a managing authority, a company, and two bodies that put their
    # county after them with no word for it ("… Ialomița", "… Mehedinți").
    assert resolved == {"03", "06", "07", "09", "10", "11", "15", "16", "18"}
    assert county == {"05", "12", "17"}
