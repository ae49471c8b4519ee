"""Kinds of beneficiary: the head of a name decides, after the words that only
wrap a body; a company is known by its legal form; the deciding words are kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eufunds.coding import BeneficiaryKind, classify_organisation

K = BeneficiaryKind


@pytest.mark.parametrize(
    ("name", "kind", "evidence"),
    [
        # Beneficiaries of the shared real releases and the seeds, as written there.
        ("Comuna Cetățeni", K.COMMUNE, "Comuna"),
        ("UAT Comuna Bucerdea Grânoasă", K.COMMUNE, "Comuna"),
        ("Comuna Sîncraiu de Mureş", K.COMMUNE, "Comuna"),
        ("UAT orasul Balan", K.TOWN, "orasul"),
        ("Municipiul Făgăraş", K.MUNICIPALITY, "Municipiul"),
        ("Unitatea Administrativ Teritorială Municipiul Tecuci", K.MUNICIPALITY, "Municipiul"),
        ("Consiliul Judeţean Alba", K.COUNTY, "Consiliul Judeţean"),
        ("Unitatea Administrativ Teritorială Judeţul Galaţi", K.COUNTY, "Judeţul"),
        ("Judeţul Cluj", K.COUNTY, "Judeţul"),
        ("Ministerul Dezvoltării, Lucrărilor Publice și Administrației", K.MINISTRY, "Ministerul"),
        ("Autoritatea de Management pentru POCA", K.CENTRAL_BODY, "Autoritatea"),
        ("Inspectoratul Școlar Județean Harghita", K.CENTRAL_BODY, "Inspectoratul"),
        ("Direcția Generală de Asistență Socială și Protecția Copilului Ialomița", K.LOCAL_BODY, "Direcția"),
        ("Universitatea „Dimitrie Cantemir” din Târgu Mureș", K.UNIVERSITY, "Universitatea"),
        ("Gospodărie Comunală S. A.", K.COMPANY, "S. A."),
        # Invented, one per kind and spelling.
        ("Primăria Comunei Bârca", K.COMMUNE, "Comunei"),
        ("Orașul Segarcea", K.TOWN, "Orașul"),
        ("Consiliul Local al Municipiului Calafat", K.MUNICIPALITY, "Municipiului"),
        ("CONSILIUL JUDEȚEAN CLUJ", K.COUNTY, "CONSILIUL JUDEȚEAN"),
        ("Secretariatul General al Guvernului", K.CENTRAL_BODY, "Secretariatul General"),
        ("Agenţia Naţională pentru Ocuparea Forţei de Muncă", K.CENTRAL_BODY, "Agenţia"),
        ("Școala Gimnazială nr. 1 Calafat", K.SCHOOL, "Școala"),
        ("Scoala Gimnaziala Lazuri", K.SCHOOL, "Scoala"),
        ("Liceul Tehnologic „Sfântul Nicolae”", K.SCHOOL, "Liceul"),
        ("Colegiul Național „Mihai Eminescu”", K.SCHOOL, "Colegiul"),
        ("Grădinița cu Program Prelungit nr. 5", K.SCHOOL, "Grădinița"),
        ("Spitalul Județean de Urgență Alba Iulia", K.HOSPITAL, "Spitalul"),
        ("Asociația Centrul pentru Politici Comunitare Regionale", K.NGO, "Asociația"),
        ("Fundația Comunitară Mureș", K.NGO, "Fundația"),
        ("Federația Română de Fotbal", K.NGO, "Federația"),
        ("SC Exemplu Construct SRL", K.COMPANY, "SRL"),
        ("Exemplu Construct S.R.L.", K.COMPANY, "S.R.L."),
        ("Compania de Apă Oltenia S.A.", K.COMPANY, "S.A."),
        ("Ion Popescu PFA", K.COMPANY, "PFA"),
        ("Popescu Ion I.I.", K.COMPANY, "I.I."),
    ],
)
def test_each_kind_is_read_from_the_words_that_say_it(
    name: str, kind: BeneficiaryKind, evidence: str
) -> None:
    result = classify_organisation(name)
    assert (result.kind, result.evidence) == (kind, evidence)
    assert name[result.start : result.end].strip() == evidence


def test_the_head_decides_and_the_other_kind_seen_is_kept_for_a_person() -> None:
    result = classify_organisation("Școala Gimnazială nr. 1 Comuna Cetățeni")
    assert result.kind is K.SCHOOL
    assert result.also == (K.COMMUNE,)


def test_a_university_named_school_is_a_university() -> None:
    result = classify_organisation("Școala Națională de Studii Politice și Administrative")
    assert result.kind is K.UNIVERSITY


def test_a_head_wins_over_a_legal_form_which_stays_in_also() -> None:
    result = classify_organisation("Spitalul Clinic Exemplu SRL")
    assert (result.kind, result.also) == (K.HOSPITAL, (K.COMPANY,))


def test_a_town_hall_with_a_bare_name_takes_its_kind_from_siruta() -> None:
    result = classify_organisation("Primăria Calafat")
    assert (result.kind, result.evidence) == (K.MUNICIPALITY, "Primăria Calafat")


def test_a_town_hall_of_a_name_in_several_places_stays_other() -> None:
    assert classify_organisation("Primăria Bălan").kind is K.OTHER  # a town in Harghita, a commune in Sălaj


@pytest.mark.parametrize(
    "name",
    [
        "Asociația Să Ajutăm",
        "Centrul Regional de Formare Profesională a Adulților Mehedinți",
        "Gospodăria Sa",
    ],
)
def test_short_legal_forms_are_not_read_in_words(name: str) -> None:
    assert classify_organisation(name).kind is not K.COMPANY


def test_a_name_with_no_word_of_any_kind_is_other_with_no_evidence() -> None:
    result = classify_organisation("Centrul Regional de Formare Profesională a Adulților Mehedinți")
    assert (result.kind, result.evidence, result.start) == (K.OTHER, None, None)


@given(st.text(max_size=80))
def test_any_name_gets_one_kind_and_evidence_quoted_from_it(name: str) -> None:
    result = classify_organisation(name)
    assert result.kind in K
    if result.evidence is not None:
        assert result.start is not None and result.end is not None
        assert name[result.start : result.end].strip() == result.evidence
    assert result.kind not in result.also
