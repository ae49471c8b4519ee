"""Decoys: figures and names a release carries that are not the project's (issue 16).

Each test is named for one kind of error the real releases showed and reads the
tests' own invented texts: a wrong value is worse than a missing one, so each
decoy must leave the field empty (or give the project's own value), never take it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from eufunds.extract.extractor import Extraction, extract_release


def extract(text: str) -> Extraction:
    return extract_release(text, file_name="decoy.txt")


# --- programme-wide totals --------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Programul Operațional Regional 2014-2020 are un buget total de 8,25 miliarde de euro, "
        "din care 6,86 miliarde de euro din Fondul European de Dezvoltare Regională.",
        "Apelul de proiecte are o alocare totală de 120.000.000 lei.",
        "Valoarea totală a apelului este de 45.000.000 lei.",
        "Bugetul total al programului este de 2,3 miliarde de euro.",
    ],
)
def test_a_programme_wide_total_is_not_the_projects_value(sentence: str) -> None:
    text = (
        "Comuna Brădeni anunță lansarea proiectului „Modernizarea dispensarului din Brădeni”, "
        "finanțat prin Programul Operațional Regional 2014-2020.\n\n" + sentence + "\n"
    )
    record = extract(text).record
    assert record["total_value"] is None
    assert record["eligible_value"] is None
    assert record["funding"] == [] or all(row["amount"] is None for row in record["funding"])


def test_the_projects_own_value_is_taken_beside_a_programme_wide_total() -> None:
    text = (
        "Programul Operațional Regional 2014-2020 are un buget total de 8,25 miliarde de euro.\n\n"
        "Comuna Brădeni anunță lansarea proiectului „Modernizarea dispensarului din Brădeni”. "
        "Valoarea totală a proiectului este de 1.234.567,89 lei.\n"
    )
    record = extract(text).record
    assert record["total_value"] == Decimal("1234567.89")
    assert record["currency"] == "RON"


# --- call codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Proiectul a fost depus în cadrul apelului POCU/90/4/1, cod apel POCA/96/1/1.",
        "Proiectul POCU/665/6/23 se derulează în județul Harghita.",
        "Cod proiect F-PNRR-Dotari-2023-4890.",
        "Cererea de finanțare a fost înregistrată în sistemul MySMIS 2014 la 3 martie 2019.",
        "Contractul de finanțare nr. 3335 a fost semnat cu ADR Sud-Est.",
    ],
)
def test_a_call_code_that_looks_like_a_project_code_is_not_taken_as_smis_or_sipoca(sentence: str) -> None:
    text = (
        "Comuna Brădeni implementează proiectul „Modernizarea dispensarului din Brădeni”.\n" + sentence + "\n"
    )
    codes = extract(text).record["codes"]
    assert codes == {"sipoca": None, "mysmis": None}


def test_the_smis_code_is_the_last_part_of_a_code_written_with_its_call() -> None:
    text = "Proiectul „Practica studenților”, Cod SMIS: POCU 626/6/13/130510, s-a încheiat.\n"
    assert extract(text).record["codes"]["mysmis"] == "130510"


# --- a headline sum over several projects --------------------------------------------


def test_a_headline_sum_covering_several_projects_is_not_taken() -> None:
    text = (
        "Trei proiecte în valoare totală de 25 de milioane de lei, semnate la Consiliul Județean Alba\n\n"
        "Consiliul Județean Alba a semnat miercuri contractul de finanțare pentru proiectul "
        "„Extinderea Unității de Primiri Urgențe”.\n"
    )
    record = extract(text).record
    assert record["total_value"] is None
    assert record["funding"] == []


def test_investments_said_to_exceed_a_sum_are_not_a_value() -> None:
    text = (
        "Investițiile cu fonduri europene la Spitalul Județean vor depăși suma de 25 milioane lei\n\n"
        "A fost semnat contractul de finanțare pentru proiectul „Dotarea ambulatoriului”.\n"
    )
    record = extract(text).record
    assert record["total_value"] is None
    assert record["eligible_value"] is None


# --- approximate figures ------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("peste 7,5 milioane lei", Decimal("7500000")),
        ("circa 2 milioane de lei", Decimal("2000000")),
        ("aproximativ 300.000 lei", Decimal("300000")),
        ("cca. 1,2 milioane lei", Decimal("1200000")),
    ],
)
def test_an_approximate_figure_is_not_given_as_the_exact_value(phrase: str, value: Decimal) -> None:
    text = (
        "Consiliul Județean Alba a semnat contractul pentru proiectul „Dotarea ambulatoriului”, "
        f"în valoare totală de {phrase}.\n"
    )
    extraction = extract(text)
    assert extraction.record["total_value"] is None
    # Left out, and said so: the field's provenance shows the phrase that was not taken.
    assert extraction.approximate == {"total_value": value}
    assert "total_value" in extraction.provenance
    assert phrase.split()[0] in extraction.provenance["total_value"].quote


def test_an_approximate_part_is_not_a_funding_row() -> None:
    text = (
        "Valoarea totală a proiectului „Dotarea ambulatoriului” este de 2.000.000 lei, din care "
        "aproximativ 1,7 milioane lei din Fondul European de Dezvoltare Regională.\n"
    )
    record = extract(text).record
    assert record["total_value"] == Decimal("2000000")
    assert all(row["amount"] != Decimal("1700000") for row in record["funding"])


# --- euro in brackets after lei -------------------------------------------------------


@pytest.mark.parametrize(
    "bracket",
    ["(aproximativ 1.000.000 euro)", "(1.000.000 euro)", "(echivalentul a 1.000.000 euro)"],
)
def test_euro_in_brackets_after_lei_is_neither_the_value_nor_a_second_value(bracket: str) -> None:
    text = (
        "Valoarea totală a proiectului „Dotarea ambulatoriului” este de 4.650.000 lei "
        f"{bracket}, din care 3.952.500 lei (850.000 euro) din Fondul European de Dezvoltare "
        "Regională și 697.500 lei (150.000 euro) din bugetul de stat.\n"
    )
    record = extract(text).record
    assert record["currency"] == "RON"
    assert record["total_value"] == Decimal("4650000")
    assert record["eligible_value"] is None
    assert [(row["source"], row["amount"]) for row in record["funding"]] == [
        ("FEDR", Decimal("3952500")),
        ("national_budget", Decimal("697500")),
    ]


def test_euro_in_brackets_alone_gives_no_value_in_lei() -> None:
    text = "Proiectul „Dotarea ambulatoriului” are o valoare totală de 4.650.000 lei (1.000.000 euro).\n"
    record = extract(text).record
    assert (record["total_value"], record["currency"]) == (Decimal("4650000"), "RON")


# --- page menus and letterheads -------------------------------------------------------


def test_page_menus_and_letterheads_above_the_headline_are_not_the_title() -> None:
    text = (
        "Acasă | Despre noi | Proiecte | Anunțuri | Contact\n"
        "Skip to content\n"
        "PRIMĂRIA COMUNEI BRĂDENI\n"
        "Școala Gimnazială „Ion Creangă” Brădeni\n\n"
        "Lansarea proiectului de modernizare a dispensarului\n\n"
        "Comuna Brădeni anunță lansarea proiectului „Modernizarea dispensarului uman din Brădeni”, "
        "cod SMIS 2014+: 123456.\n"
    )
    record = extract(text).record
    assert record["title"] == "Modernizarea dispensarului uman din Brădeni"
    assert record["sources"][0]["title"] == "Lansarea proiectului de modernizare a dispensarului"


def test_a_quoted_name_in_a_letterhead_is_not_the_title() -> None:
    text = (
        "Școala Gimnazială „Ion Creangă” Brădeni\n\n"
        "Informare\n\n"
        "Școala noastră a primit 30 de tablete în cadrul unui program național.\n"
    )
    record = extract(text).record
    assert record["title"] is None


def test_an_approximate_count_is_neither_the_group_size_nor_an_indicator() -> None:
    text = (
        "Proiectul „Șanse egale” se derulează în județul Vaslui.\n\n"
        "Grupul țintă este format din peste 300 de persoane din comunitățile marginalizate.\n\n"
        "Rezultatele proiectului:\n"
        "• aproximativ 120 de persoane calificate;\n"
        "• 45 de cursuri organizate.\n"
    )
    record = extract(text).record
    assert record["target_group"]["size"] is None
    assert [i["value"] for r in record["results"] for i in r["indicators"]] == [45]


def test_whom_a_call_addresses_is_not_the_projects_target_group() -> None:
    text = (
        "Comuna Brădeni implementează proiectul „Modernizarea dispensarului din Brădeni”.\n"
        "Apelul se adresează autorităților publice locale din mediul rural.\n"
    )
    assert extract(text).record["target_group"] == {"size": None, "description": None}


def test_an_institutions_annual_budget_is_not_the_projects_money() -> None:
    text = (
        "Asociația X implementează proiectul „Competențe digitale”, cofinanțat din Fondul Social European.\n"
        "Valoare proiect: 2.345.678,90 lei\n\n"
        "Primarul a precizat că bugetul local pe anul 2021 este de 1,2 miliarde de lei.\n"
    )
    record = extract(text).record
    assert record["total_value"] == Decimal("2345678.90")
    assert all(row["amount"] is None for row in record["funding"])


def test_one_sum_of_two_named_sources_is_a_row_of_neither() -> None:
    text = (
        "Proiectul are o valoare totală de 3.456.789,00 lei, valoarea nerambursabilă fiind de "
        "2.900.000,00 lei, reprezentând FEDR și buget de stat.\n"
    )
    record = extract(text).record
    assert record["total_value"] == Decimal("3456789")
    assert all(row["amount"] != Decimal("2900000") for row in record["funding"])


def test_a_breadcrumb_trail_and_informare_de_presa_are_not_the_headline() -> None:
    text = (
        "Home » Proiecte europene » Proiect POCU 2014-2020\n"
        "Informare de presă\n"
        "Municipiul Vaslui a demarat proiectul „Reabilitare termică Școala Gimnazială nr. 4 Vaslui”\n\n"
        "Municipiul Vaslui, în calitate de beneficiar, a demarat implementarea proiectului.\n"
    )
    assert extract(text).record["sources"][0]["title"] == (
        "Municipiul Vaslui a demarat proiectul „Reabilitare termică Școala Gimnazială nr. 4 Vaslui”"
    )


def test_a_works_contract_awarded_by_the_project_is_not_its_value() -> None:
    text = (
        "Consiliul Județean Bacău a semnat contractul de execuție a lucrărilor pentru proiectul "
        "„Modernizarea drumului județean DJ 119”. Contractul de lucrări, în valoare de 48,5 milioane "
        "de lei fără TVA, a fost atribuit asocierii SC Drumuri Bacău SA.\n\n"
        "Proiectul are o valoare totală de 62.300.000 lei.\n"
    )
    assert extract(text).record["total_value"] == Decimal("62300000")


@pytest.mark.parametrize(
    "sentence",
    [
        "AFIR a semnat contractul de finanțare cu Comuna Vadu Moților pentru proiectul „Modernizare drumuri”.",
        "ADR Centru anunță semnarea contractului de finanțare între ADR Centru și Comuna Vadu Moților "
        "pentru proiectul „Modernizare drumuri”.",
    ],
)
def test_the_funder_announcing_a_contract_is_not_its_beneficiary(sentence: str) -> None:
    assert extract(sentence + "\n").record["beneficiary"]["name"] == "Comuna Vadu Moților"


def test_a_related_storys_figures_are_not_the_projects() -> None:
    text = (
        "Asociația „Viitor pentru Copii” anunță lansarea proiectului „Educație pentru toți”.\n\n"
        "Obiectivele specifice ale proiectului sunt:\n"
        "• OS1 – reducerea abandonului școlar pentru 400 de elevi;\n"
        "• OS2 – formarea a 100 de cadre didactice.\n\n"
        "Citește și: Consiliul Județean a semnat un contract de finanțare în valoare totală de 12 milioane de lei\n"
        "Vezi și:\n"
        "» Primăria Bârlad a semnat contractul de finanțare cu valoarea totală de 3.000.000 lei\n"
    )
    record = extract(text).record
    assert record["total_value"] is None
    # The project's own "OS1 – …" objectives are not the programme's specific objective.
    assert record["specific_objective"] is None
    assert [o["code"] for o in record["objectives"]] == ["OS1", "OS2"]


def test_social_links_and_a_site_menu_above_the_headline_are_not_it() -> None:
    text = (
        "Facebook Twitter Instagram YouTube\nPrimăria Comunei Ghimbav\n"
        "Acasă Primăria Consiliul Local Informații publice Proiecte Contact\n\n"
        "Anunț de presă – finalizare proiect\n\n"
        "Comuna Ghimbav a finalizat proiectul „Modernizarea iluminatului public”.\n"
    )
    assert extract(text).record["sources"][0]["title"] == "Anunț de presă – finalizare proiect"
