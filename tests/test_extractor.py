"""The extractor: Romanian forms, both seeds exactly, provenance, and robustness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from eufunds.extract.evaluation import compare_records, load_expected
from eufunds.extract.extractor import extract_release, parse_amount, parse_date, slugify
from eufunds.text import decode_release

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PAIRS = [
    ("001_f36f72105a710f57.txt", "cj-cluj-calitate-competenta-performanta.yaml"),
    ("000_409006d159ec7036.txt", "primaria-calafat-management-calitate.yaml"),
]
HARD_FIELDS = [
    "codes", "status", "currency", "total_value", "eligible_value", "start_date", "end_date",
    "duration_months", "funds",
]  # fmt: skip

# An invented start-of-project release, used in every form test below.
RELEASE = """COMUNICAT DE PRESĂ

Data: 12.03.2018

LANSAREA PROIECTULUI „MODERNIZAREA SERVICIILOR PUBLICE ÎN COMUNA ŞIPOTE”

Comuna Şipote, în calitate de beneficiar, anunţă lansarea proiectului „Modernizarea serviciilor publice în Comuna Şipote” (MSPS), cod SIPOCA 902, cod MySMIS 130455, cofinanţat din Fondul Social European prin Programul Operaţional Capacitate Administrativă 2014-2020, Axa prioritară 2: Administraţie publică şi sistem judiciar accesibile şi transparente, Obiectivul specific 2.2: Introducerea de sisteme şi standarde comune în administraţia publică locală.

Valoarea totală a proiectului este de 624.995,52 lei, din care:
• 531.246,19 lei finanţare nerambursabilă din Fondul Social European (85%);
• 81.249,41 lei finanţare nerambursabilă din bugetul naţional (13%);
• 12.499,92 lei cofinanţare eligibilă de la Comuna Şipote (2%).

Proiectul se desfăşoară pe o perioadă de 16 luni, începând cu data de 12.03.2018, până în data de 11.07.2019.

Grupul ţintă al proiectului este format din 40 de persoane, funcţionari publici din aparatul de specialitate al primarului.
"""


def extract(text: str):
    return extract_release(text, file_name="release.txt")


# --- the seeds ------------------------------------------------------------------


@pytest.mark.parametrize(("txt", "expected"), SEED_PAIRS)
def test_seed_hard_fields_are_exact(txt: str, expected: str) -> None:
    record = extract(decode_release((SEEDS / txt).read_bytes())).record
    want = load_expected(SEEDS / expected)
    for key in HARD_FIELDS:
        assert record[key] == want[key], key
    assert record["programme"]["code"] == want["programme"]["code"]
    assert str(record["priority_axis"]["number"]) == str(want["priority_axis"]["number"])
    assert record["specific_objective"]["code"] == want["specific_objective"]["code"]
    assert record["target_group"]["size"] == want["target_group"]["size"]
    got_rows = [(r["source"], r["amount"], r["share_pct"]) for r in record["funding"]]
    want_rows = [(r["source"], r["amount"], r["share_pct"]) for r in want["funding"]]
    assert got_rows == want_rows


@pytest.mark.parametrize(("txt", "expected"), SEED_PAIRS)
def test_seed_drafts_match_the_hand_made_records(txt: str, expected: str) -> None:
    record = extract_release(decode_release((SEEDS / txt).read_bytes()), file_name=txt).record
    score = compare_records(load_expected(SEEDS / expected), record, file=txt)
    assert score.mismatches == []


@pytest.mark.parametrize(("txt", "_expected"), SEED_PAIRS)
def test_provenance_quotes_the_source_at_its_offsets(txt: str, _expected: str) -> None:
    text = decode_release((SEEDS / txt).read_bytes())
    extraction = extract(text)
    assert extraction.provenance
    for path, span in extraction.provenance.items():
        assert text[span.start : span.end] == span.quote, path
        assert text.count("\n", 0, span.start) + 1 == span.line, path


def test_provenance_of_total_value_points_at_the_amount() -> None:
    extraction = extract(RELEASE)
    span = extraction.provenance["total_value"]
    assert span.quote == "624.995,52 lei"
    assert RELEASE.splitlines()[span.line - 1].startswith("Valoarea totală a proiectului")


# --- number, date and duration forms ---------------------------------------------


@pytest.mark.parametrize(
    ("written", "amount", "currency"),
    [
        ("624.995,52 lei", Decimal("624995.52"), "RON"),
        ("1.234.567 lei", Decimal("1234567"), "RON"),
        ("1 234 567,89 lei", Decimal("1234567.89"), "RON"),
        ("1\u00a0234\u00a0567,89 lei", Decimal("1234567.89"), "RON"),
        ("60,5 milioane de lei", Decimal("60500000"), "RON"),
        ("2,3 mil. lei", Decimal("2300000"), "RON"),
        ("1,2 milioane euro", Decimal("1200000"), "EUR"),
        ("450.000 EUR", Decimal("450000"), "EUR"),
        ("12.500 de lei", Decimal("12500"), "RON"),
        ("3 mii lei", Decimal("3000"), "RON"),
        ("624995.52 RON", Decimal("624995.52"), "RON"),
    ],
)
def test_amount_forms(written: str, amount: Decimal, currency: str) -> None:
    assert parse_amount(written) == (amount, currency)


@pytest.mark.parametrize(("written", "currency"), [("2,3 mil. lei", "RON"), ("1,2 milioane euro", "EUR")])
def test_total_value_keeps_the_currency_of_the_release(written: str, currency: str) -> None:
    record = extract(f"Valoarea totală a proiectului este de {written}.\n").record
    assert record["currency"] == currency
    assert isinstance(record["total_value"], Decimal)


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("12.03.2018", dt.date(2018, 3, 12)),
        ("12/03/2018", dt.date(2018, 3, 12)),
        ("12-03-2018", dt.date(2018, 3, 12)),
        ("12 martie 2018", dt.date(2018, 3, 12)),
        ("12 MARTIE 2018", dt.date(2018, 3, 12)),
        ("1 septembrie 2020", dt.date(2020, 9, 1)),
        ("martie 2018", dt.date(2018, 3, 1)),
    ],
)
def test_date_forms(written: str, date: dt.date) -> None:
    assert parse_date(written) == date


@pytest.mark.parametrize(
    "sentence",
    [
        "Proiectul se derulează în perioada 12.03.2018 – 11.07.2019.",
        "Perioada de implementare: 12/03/2018 - 11/07/2019.",
        "Proiectul a început la 12 martie 2018 și se încheie la 11 iulie 2019.",
        "Data de începere: 12.03.2018. Data de finalizare: 11.07.2019.",
    ],
)
def test_start_and_end_dates(sentence: str) -> None:
    record = extract(sentence + "\n").record
    assert (record["start_date"], record["end_date"]) == (dt.date(2018, 3, 12), dt.date(2019, 7, 11))


def test_month_without_day_is_not_a_start_date() -> None:
    record = extract("Perioada de implementare: martie 2018 – iulie 2019.\n").record
    assert record["start_date"] is None and record["end_date"] is None


@pytest.mark.parametrize(
    ("sentence", "months"),
    [
        ("Durata proiectului este de 16 luni.", 16),
        ("Proiectul se va derula pe o perioadă de 24 de luni.", 24),
        ("Perioada de implementare: 36 de luni.", 36),
        ("Proiectul se implementează pe o durată de douăzeci și patru de luni.", 24),
    ],
)
def test_duration_forms(sentence: str, months: int) -> None:
    assert extract(sentence + "\n").record["duration_months"] == months


# --- programme names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Programul Operațional Capacitate Administrativă 2014-2020", "POCA"),
        ("Programului Operaţional Capital Uman 2014-2020", "POCU"),
        ("Programul Operațional Regional 2014-2020", "POR"),
        ("Programul Operațional Infrastructură Mare", "POIM"),
        ("Programul Operațional Competitivitate", "POC"),
        ("Programul Național de Dezvoltare Rurală", "PNDR"),
        ("Planul Național de Redresare și Reziliență", "PNRR"),
        ("Programul Educație și Ocupare 2021-2027", "PEO"),
        ("Programul Incluziune și Demnitate Socială", "PIDS"),
        ("Programul Regional Nord-Est 2021-2027", "PR"),
        ("Programul Creștere Inteligentă, Digitalizare și Instrumente Financiare", "POCIDIF"),
        ("Programul Tranziție Justă 2021-2027", "PTJ"),
        ("Programul Operațional Ajutorarea Persoanelor Defavorizate", "POAD"),
        ("prin POCU", "POCU"),
        ("prin PNDR 2014-2020", "PNDR"),
    ],
)
def test_programme_code_from_name_or_acronym(written: str, code: str) -> None:
    record = extract(f"Proiectul este finanțat prin {written}.\n").record
    assert record["programme"]["code"] == code


def test_programme_name_is_given_in_the_nominative() -> None:
    record = extract("în cadrul Programului Operațional Capital Uman 2014-2020, Axa 4\n").record
    assert record["programme"]["name"] == "Programul Operațional Capital Uman 2014-2020"


# --- one release, many ways of writing it -------------------------------------------


def _hard(record: dict) -> tuple:
    return (
        record["codes"]["sipoca"], record["codes"]["mysmis"], record["status"],
        record["programme"]["code"], record["priority_axis"]["number"],
        record["specific_objective"]["code"], record["total_value"], record["currency"],
        [(r["source"], r["amount"], r["share_pct"]) for r in record["funding"]],
        record["start_date"], record["end_date"], record["duration_months"],
        record["target_group"]["size"], record["acronym"],
    )  # fmt: skip


EXPECTED_HARD = (
    "902", "130455", "ongoing", "POCA", "2", "2.2", Decimal("624995.52"), "RON",
    [
        ("FSE", Decimal("531246.19"), Decimal(85)),
        ("national_budget", Decimal("81249.41"), Decimal(13)),
        ("beneficiary", Decimal("12499.92"), Decimal(2)),
    ],
    dt.date(2018, 3, 12), dt.date(2019, 7, 11), 16, 40, "MSPS",
)  # fmt: skip

_NO_DIACRITICS = str.maketrans("ăâîşţșțĂÂÎŞŢȘȚ", "aaistst" + "AAISTST")
VARIANTS = {
    "as-written": lambda t: t,
    "comma-below": lambda t: t.replace("ş", "ș").replace("ţ", "ț").replace("Ş", "Ș"),
    "no-diacritics": lambda t: t.translate(_NO_DIACRITICS),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "nbsp": lambda t: t.replace("624.995,52 lei", "624.995,52\u00a0lei").replace(" de ", "\u00a0de "),
    "closing-quote-as-opener": lambda t: t.replace("„", "”"),
    "uppercase-headings": lambda t: t.replace("Valoarea totală", "VALOAREA TOTALĂ"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_hard_fields_survive_the_ways_a_release_is_written(variant: str) -> None:
    text = VARIANTS[variant](RELEASE)
    if variant == "crlf":
        text = decode_release(text.encode("utf-8"))
    assert _hard(extract(text).record) == EXPECTED_HARD


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "iso-8859-16"])
def test_hard_fields_survive_every_encoding(encoding: str) -> None:
    text = RELEASE
    if encoding == "iso-8859-2":
        text = text.replace("„", '"').replace("”", '"').replace("•", "-")
    elif encoding in ("cp1250",):
        text = text.replace("•", "-")
    elif encoding == "iso-8859-16":
        text = VARIANTS["comma-below"](text).replace("•", "-").replace("ţ", "ț")
    data = text.replace("\n", "\r\n").encode(encoding)
    assert _hard(extract(decode_release(data)).record) == EXPECTED_HARD


def test_texts_keep_the_diacritics_as_written() -> None:
    record = extract(RELEASE).record
    assert record["title"] == "Modernizarea serviciilor publice în Comuna Şipote"
    assert record["beneficiary"]["name"] == "Comuna Şipote"
    assert record["funding"][2]["contributor"] == "Comuna Şipote"


def test_end_release_is_completed_and_start_release_ongoing() -> None:
    ended = RELEASE.replace("LANSAREA", "FINALIZAREA").replace("anunţă lansarea", "anunţă finalizarea")
    assert extract(ended).record["status"] == "completed"
    assert extract(ended).record["sources"][0]["kind"] == "end"
    assert extract(RELEASE).record["sources"][0]["kind"] == "start"


def test_publication_date_from_the_dateline() -> None:
    record = extract("COMUNICAT DE PRESĂ\n\nCluj-Napoca, 5 mai 2021\n\nText.\n").record
    assert record["sources"][0]["published"] == dt.date(2021, 5, 5)


def test_nothing_stated_means_null() -> None:
    record = extract("Un text fără nicio informație despre vreun proiect.\n").record
    assert record["total_value"] is None
    assert record["funding"] == []
    assert record["programme"]["code"] is None
    assert record["start_date"] is None


def test_record_keys_follow_the_seed_format_order() -> None:
    keys = list(extract(RELEASE).record)
    assert keys[:4] == ["slug", "title", "acronym", "codes"]
    assert keys[-3:] == ["objectives", "results", "sources"]


def test_slug_is_lowercase_ascii_hyphenated() -> None:
    assert slugify("Calitate, Competenţă, Performanță în Consiliul Județean Cluj") == (
        "calitate-competenta-performanta-consiliul-judetean-cluj"
    )


def test_record_is_yaml_serialisable_with_exact_money() -> None:
    record = extract(RELEASE).record
    assert all(isinstance(r["amount"], Decimal) for r in record["funding"])
    yaml.safe_dump({"x": str(record["total_value"])})


# --- robustness ------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [*"abcdeșțşţăâî ,.;:-–”„\"()%\n\t0123456789•",
       "lei", "Programul", "Axa prioritară ", "Obiectivul specific ", "milioane", " luni",
       "Valoarea totală", "Grupul țintă", "Date de contact:", "Tel./fax: ", "Rezultate:\n- ",
       "12.03.2018", "martie 2018", "proiectului „", "SMIS ", "\u00a0", "Primul obiectiv specific (OS1)"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=120).map("".join))
def test_any_text_yields_a_record(text: str) -> None:
    extraction = extract(text)
    assert set(extraction.record) >= {"slug", "title", "funding", "sources"}
    for span in extraction.provenance.values():
        assert text[span.start : span.end] == span.quote


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_unicode_yields_a_record(text: str) -> None:
    extract(text)


# --- the command line ----------------------------------------------------------------


def _run(args: list[str], tmp_path: Path):
    from click.testing import CliRunner

    from eufunds.cli import cli

    return CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), *args], catch_exceptions=False)


def test_extract_prints_each_value_with_its_source_line(tmp_path: Path) -> None:
    result = _run(["extract", str(SEEDS / "001_f36f72105a710f57.txt")], tmp_path)
    assert result.exit_code == 0
    assert 'total_value: 624995.52  # line 18: "Valoarea totală a proiectului a fost de 624.995,52 lei."' in (
        result.output
    )


def test_extract_json_has_a_provenance_map(tmp_path: Path) -> None:
    import json

    result = _run(["extract", "--format", "json", str(SEEDS / "001_f36f72105a710f57.txt")], tmp_path)
    draft = json.loads(result.output, parse_float=Decimal)[0]
    assert draft["record"]["total_value"] == Decimal("624995.52")
    assert draft["provenance"]["total_value"]["line"] == 18


def test_extract_evaluate_prints_the_overall_accuracy(tmp_path: Path) -> None:
    result = _run(["extract", "--evaluate", str(SEEDS), str(SEEDS)], tmp_path)
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].split()[-1] == "100.0%"


def test_ingest_writes_a_seed_beside_its_source_and_loads_it(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    seeds = tmp_path / "seeds"
    assert _run(["db", "upgrade"], tmp_path).exit_code == 0
    result = _run(["ingest", "--seeds-dir", str(seeds), str(release)], tmp_path)
    assert result.exit_code == 0, result.output
    assert "1 inserted" in result.output
    assert (seeds / "release.txt").read_text(encoding="utf-8") == RELEASE
    assert len(list(seeds.glob("*.yaml"))) == 1


def test_ingest_refuses_to_overwrite_a_seed_without_force(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    slug = extract(RELEASE).record["slug"]
    (seeds / f"{slug}.yaml").write_text("curated: true\n", encoding="utf-8")
    result = _run(["ingest", "--seeds-dir", str(seeds), str(release)], tmp_path)
    assert result.exit_code == 1
    assert "--force" in result.output
    assert (seeds / f"{slug}.yaml").read_text(encoding="utf-8") == "curated: true\n"


def test_ingest_dry_run_writes_nothing(tmp_path: Path) -> None:
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    seeds = tmp_path / "seeds"
    result = _run(["ingest", "--dry-run", "--seeds-dir", str(seeds), str(release)], tmp_path)
    assert result.exit_code == 0
    assert "would write" in result.output
    assert not seeds.exists()


# ---- rules of administrative language added with the held-out releases 44-51 ----------


def test_inline_specific_objectives_in_parentheses_or_with_os_labels() -> None:
    text = (
        "Obiectivele specifice ale proiectului sunt: (1) dotarea a 3 ateliere; "
        "(2) formarea profesorilor de arte.\n\n"
    )
    objectives = extract(text).record["objectives"]
    assert [o["text"] for o in objectives] == ["dotarea a 3 ateliere", "formarea profesorilor de arte"]
    coded = extract(
        "Obiectivele specifice ale proiectului sunt: OS1 – renovarea sălii de lectură; "
        "OS2 – digitalizarea a 900 de volume vechi.\n"
    ).record["objectives"]
    assert [(o["code"], o["text"]) for o in coded] == [
        ("OS1", "renovarea sălii de lectură"),
        ("OS2", "digitalizarea a 900 de volume vechi"),
    ]


def test_priority_in_the_genitive_or_a_fiche_line_and_fiche_fields_end_at_the_line() -> None:
    prose = extract("Proiectul este finanțat în cadrul Priorității 3 – O regiune verde.\n").record
    assert prose["priority_axis"] == {"number": "3", "title": "O regiune verde"}
    fiche = extract(
        "Prioritatea: 2 - Servicii sociale integrate\n"
        "Obiectiv specific: 2.4 - Sprijin pentru vârstnici\n"
        "Valoarea totală a proiectului: 1.000.000,00 lei\n"
    ).record
    assert fiche["priority_axis"] == {"number": "2", "title": "Servicii sociale integrate"}
    assert fiche["specific_objective"] == {"code": "2.4", "title": "Sprijin pentru vârstnici"}


def test_in_cadrul_ends_a_title_only_before_a_programme_element() -> None:
    record = extract(
        "Obiectivul specific 1.3 - Sprijinirea cooperării în cadrul IMM-urilor locale, "
        "în cadrul Programului Regional Centru 2021-2027.\n"
    ).record
    assert record["specific_objective"]["title"] == "Sprijinirea cooperării în cadrul IMM-urilor locale"


def test_eligible_nonrefundable_money_from_a_named_source_is_a_funding_row() -> None:
    record = extract(
        "Valoarea totală a proiectului este de 2.000.000,00 lei, din care valoarea eligibilă "
        "nerambursabilă din FEDR este de 1.445.000,00 lei, iar valoarea eligibilă nerambursabilă "
        "din bugetul național este de 221.000,00 lei.\n"
    ).record
    assert record["total_value"] == Decimal("2000000.00") and record["eligible_value"] is None
    assert [(r["source"], r["amount"], r["description"]) for r in record["funding"]] == [
        ("FEDR", Decimal("1445000.00"), "valoarea eligibilă nerambursabilă din FEDR"),
        ("national_budget", Decimal("221000.00"), "valoarea eligibilă nerambursabilă din bugetul național"),
    ]


def test_parts_of_a_subtotal_after_din_care_are_rows_with_their_own_source() -> None:
    record = extract(
        "Valoarea eligibilă este de 1.000.000,00 lei. Ajutorul nerambursabil este de 600.000,00 lei, "
        "reprezentând 60% din valoarea eligibilă, din care 510.000,00 lei din Fondul European de "
        "Dezvoltare Regională și 90.000,00 lei din bugetul de stat, iar contribuția proprie a "
        "firmei este de 400.000,00 lei.\n"
    ).record
    assert record["eligible_value"] == Decimal("1000000.00")
    assert [(r["source"], r["amount"], r["share_pct"], r["description"]) for r in record["funding"]] == [
        ("FEDR", Decimal("510000.00"), None, "din Fondul European de Dezvoltare Regională"),
        ("national_budget", Decimal("90000.00"), None, "din bugetul de stat"),
        ("beneficiary", Decimal("400000.00"), None, "contribuția proprie a firmei"),
    ]


def test_share_rows_read_through_verbs_participles_and_genitive_coordination() -> None:
    record = extract(
        "Conform contractului, 85% din valoarea eligibilă provine din FEDR, 13% de la bugetul de stat, "
        "iar diferența de 2% este suportată din bugetul local al comunei.\n"
    ).record
    assert [(r["source"], r["share_pct"], r["description"]) for r in record["funding"]] == [
        ("FEDR", 85, "din FEDR"),
        ("national_budget", 13, "de la bugetul de stat"),
        ("local_budget", 2, "din bugetul local al comunei"),
    ]
    nested = extract(
        "Finanțarea nerambursabilă reprezintă 98% din valoarea eligibilă (88% din FSE+ și 10% din "
        "bugetul de stat), iar 2% reprezintă cofinanțarea proprie a asociației și a partenerilor.\n"
    ).record
    assert [(r["source"], r["share_pct"], r["description"]) for r in nested["funding"]] == [
        ("FSE+", 88, "din FSE+"),
        ("national_budget", 10, "din bugetul de stat"),
        ("beneficiary", 2, "cofinanțarea proprie a asociației și a partenerilor"),
    ]


def test_a_split_by_named_shares_replaces_an_unnamed_public_support_sum() -> None:
    record = extract(
        "Valoarea totală a proiectului este de 80.000,00 euro, din care sprijinul public "
        "nerambursabil este de 70.000,00 euro. Sprijinul public nerambursabil este asigurat în "
        "proporție de 85% din FEADR și 15% de la bugetul național.\n"
    ).record
    assert [(r["source"], r["amount"], r["share_pct"]) for r in record["funding"]] == [
        ("FEADR", None, 85),
        ("national_budget", None, 15),
    ]


def test_target_group_parts_after_respectiv_and_a_general_objective_under_its_heading() -> None:
    record = extract(
        "Grupul țintă este format din 90 de persoane, respectiv 70 de elevi și 20 de părinți.\n\n"
        "OBIECTIVUL GENERAL\n\n"
        "Obiectivul general al proiectului a fost creșterea participării școlare în comuna Vale.\n"
    ).record
    assert record["target_group"] == {"size": 90, "description": "70 de elevi și 20 de părinți"}
    assert record["objectives"][0]["text"] == "creșterea participării școlare în comuna Vale"


def test_a_label_after_its_amount_names_that_amount_and_not_the_next() -> None:
    text = (
        "Valoarea totală a proiectului este de 20,2 milioane de lei, din care 20 milioane de lei este "
        "valoarea totală eligibilă (16,9 milioane lei – valoarea eligibilă nerambursabilă din Fondul "
        "Social European și 3,1 milioane lei – cofinanţarea eligibilă a beneficiarului).\n"
    )
    record = extract(text).record
    assert (record["total_value"], record["eligible_value"]) == (Decimal("20200000"), Decimal("20000000"))
    assert [(r["source"], r["amount"], r["description"]) for r in record["funding"]] == [
        ("FSE", Decimal("16900000"), "valoarea eligibilă nerambursabilă din Fondul Social European"),
        ("beneficiary", Decimal("3100000"), "cofinanţarea eligibilă a beneficiarului"),
    ]


@pytest.mark.parametrize(
    ("text", "total", "eligible"),
    [
        ("Valoarea totală a proiectului este de 1.000.000 lei – finanțare nerambursabilă 100%.", "1000000", None),
        ("Valoarea totală: 100.000 lei - Valoarea eligibilă: 90.000 lei.", "100000", "90000"),
        ("Bugetul proiectului este de 966.106,06 lei, valoarea totală eligibilă este de 854.122,34 iar "
         "perioada de implementare este de 25 luni.", "966106.06", "854122.34"),
    ],
)  # fmt: skip
def test_a_label_leading_to_its_amount_wins_over_words_after_it(
    text: str, total: str, eligible: str | None
) -> None:
    record = extract(text + "\n").record
    assert record["total_value"] == Decimal(total)
    assert record["eligible_value"] == (Decimal(eligible) if eligible else None)


def test_non_reimbursable_money_with_no_source_named_is_an_other_row_unless_it_is_split() -> None:
    alone = "Valoarea totală a proiectului este de 6.404.259,19 lei, din care 3.492.194,72 lei reprezintă finanţare nerambursabilă.\n"
    rows = extract(alone).record["funding"]
    assert [(r["source"], r["amount"], r["description"]) for r in rows] == [
        ("other", Decimal("3492194.72"), "finanţare nerambursabilă")
    ]
    split = (
        "Asistența financiară nerambursabilă este de 1.690.773,00 lei, din care 1.437.157,05 lei din "
        "FEDR și 253.615,95 lei din bugetul de stat.\n"
    )
    assert [r["source"] for r in extract(split).record["funding"]] == ["FEDR", "national_budget"]


# --- forms the real releases showed (issue 16), on invented texts -----------------------


def test_two_commas_open_and_two_apostrophes_close_a_quotation() -> None:
    text = "Comunicare lansare proiect ,,Școala deschisă pentru toți’’\n\nȘcoala X anunță demararea.\n"
    assert extract(text).record["title"] == "Școala deschisă pentru toți"


def test_guillemets_inside_a_quoted_title_belong_to_it() -> None:
    text = "Primăria anunță finalizarea proiectului „Dotarea Școlii Gimnaziale «Ion Creangă» Brădeni”.\n"
    assert extract(text).record["title"] == "Dotarea Școlii Gimnaziale «Ion Creangă» Brădeni"


def test_the_sites_clock_beside_the_weather_and_an_events_date_are_not_the_publication_date() -> None:
    clock = (
        "marți, 3 februarie, 2026\n-3.5 C\nBucurești\n\nTITLU LUNG AL UNEI ȘTIRI DESPRE UN PROIECT EUROPEAN\n"
    )
    assert extract(clock).record["sources"][0]["published"] is None
    event = "La data de 17 octombrie 2016 a fost semnat contractul de finanţare pentru proiectul „X Y”.\n"
    record = extract(event).record
    assert record["sources"][0]["published"] is None
    assert record["sources"][0]["title"] is None


def test_an_aim_said_of_the_project_is_its_general_objective() -> None:
    text = "Proiectul urmărește crearea unui sistem eficient de informare a beneficiarilor.\n"
    objectives = extract(text).record["objectives"]
    assert [(o["kind"], o["text"]) for o in objectives] == [
        ("general", "crearea unui sistem eficient de informare a beneficiarilor")
    ]


def test_objectives_mentioned_in_passing_are_not_an_objective() -> None:
    text = "La conferință au fost prezentate obiectivele generale și specifice ale proiectului, calendarul și echipa.\n"
    assert extract(text).record["objectives"] == []


def test_the_projects_one_specific_objective_in_a_sentence() -> None:
    text = (
        "Proiectul are ca obiectiv general asigurarea sprijinului pentru autoritate.\n\n"
        "Obiectivul specific al proiectului este rambursarea cheltuielilor salariale\n"
    )
    objectives = extract(text).record["objectives"]
    assert [(o["kind"], o["text"]) for o in objectives] == [
        ("general", "asigurarea sprijinului pentru autoritate"),
        ("specific", "rambursarea cheltuielilor salariale"),
    ]


def test_partners_listed_after_a_colon_lose_their_acronyms() -> None:
    text = (
        "Proiectul este derulat de Ministerul Dezvoltării (MDLPA) în parteneriat cu cele 2 asociații: "
        "Asociația Municipiilor din România (AMR) și Asociația Comunelor din România (ACoR).\n"
    )
    record = extract(text).record
    assert record["beneficiary"]["name"] == "Ministerul Dezvoltării"
    assert [p["name"] for p in record["partners"]] == [
        "Asociația Municipiilor din România",
        "Asociația Comunelor din România",
    ]


def test_the_party_to_a_financing_contract_that_is_not_the_funder_is_the_beneficiary() -> None:
    text = (
        "A fost semnat contractul de finanţare între Agenţia pentru Finanţarea Investiţiilor Rurale şi "
        "Comuna Sîncraiu de Mureş, având ca obiect construirea unei grădinițe.\n"
    )
    assert extract(text).record["beneficiary"]["name"] == "Comuna Sîncraiu de Mureş"


def test_a_sipoca_code_alone_names_poca_and_a_bodys_name_gives_no_programme_name() -> None:
    assert extract("Proiectul „X Y Z”, cod SIPOCA 750, a fost lansat.\n").record["programme"] == {
        "code": "POCA",
        "name": None,
    }
    text = "Cererea a fost autorizată de Direcția Generală Programul Operațional Regional.\n"
    assert extract(text).record["programme"] == {"code": "POR", "name": None}


def test_results_on_bare_lines_and_a_count_with_its_items() -> None:
    text = (
        "În urma implementării proiectului, au fost obținute următoarele rezultate:\n\n"
        "un laborator de informatică complet echipat;\n\n"
        "14 săli de clasă dotate modern;\n\n"
        "3 cabinete școlare: cabinet psihopedagogic, sală de sport și cabinet de limbă și comunicare.\n"
    )
    results = extract(text).record["results"]
    assert [r["text"] for r in results] == [
        "un laborator de informatică complet echipat",
        "14 săli de clasă dotate modern",
        "3 cabinete școlare: cabinet psihopedagogic, sală de sport și cabinet de limbă și comunicare",
    ]
    assert results[2]["indicators"][0]["topics"] == [
        "cabinet psihopedagogic",
        "sală de sport",
        "cabinet de limbă și comunicare",
    ]


def test_whom_the_project_served_describes_its_target_group() -> None:
    text = (
        "Proiectul „Practica studenților” s-a adresat studenților din anii II și III.\n"
        "Grupul țintă vizat de 325 studenți a fost realizat.\n"
    )
    assert extract(text).record["target_group"] == {
        "size": 325,
        "description": "studenților din anii II și III",
    }


def test_the_eligible_non_reimbursable_money_is_not_the_eligible_value() -> None:
    text = (
        "Valoarea totală a proiectului este de 1.000.000 lei, din care valoarea eligibilă "
        "nerambursabilă este de 850.000 lei.\n"
    )
    record = extract(text).record
    assert (record["total_value"], record["eligible_value"]) == (Decimal("1000000"), None)
    assert [(r["source"], r["amount"]) for r in record["funding"]] == [("other", Decimal("850000"))]


def test_a_labelled_start_or_end_date_is_not_the_publication_date() -> None:
    text = (
        "Anunț începere proiect\n\nTitlul proiectului: Extinderea rețelei de canalizare\n"
        "Data de începere: 01.02.2022\nData de finalizare: 31.01.2024\n"
    )
    record = extract(text).record
    assert (record["start_date"], record["end_date"]) == (dt.date(2022, 2, 1), dt.date(2024, 1, 31))
    assert record["sources"][0]["published"] is None


def test_an_end_still_to_come_does_not_make_an_end_release() -> None:
    text = (
        "Proiectul „Centrul de zi pentru vârstnici” se derulează în perioada 01.04.2020 – 31.03.2023.\n"
        "Rezultatele proiectului vor fi prezentate în cadrul conferinței de închidere.\n"
    )
    record = extract(text).record
    assert (record["status"], record["sources"][0]["kind"]) == ("ongoing", "other")


def test_a_time_gone_by_is_no_duration_and_a_letterhead_below_comunicat_is_no_headline() -> None:
    text = (
        "Comunicat de presă\nPrimăria Municipiului Dej\nDej, 5 aprilie 2022\n\n"
        "Începe reabilitarea Colegiului Național „Andrei Mureșanu”\n\n"
        "„Este al cincilea proiect pe care îl implementăm, după cele patru școli reabilitate în ultimii "
        "trei ani”, a declarat primarul.\n\n"
        "Perioada de implementare a proiectului este de 48 de luni.\n"
    )
    record = extract(text).record
    assert record["duration_months"] == 48
    assert record["sources"][0]["title"] == "Începe reabilitarea Colegiului Național „Andrei Mureșanu”"
    assert record["sources"][0]["issuer"] == "Primăria Municipiului Dej"


def test_a_department_is_no_contact_person_and_pnrr_money_is_other() -> None:
    text = (
        "Municipiul Zalău anunță începerea proiectului „Renovarea Școlii nr. 2”. Valoarea contractului "
        "de finanțare este de 4.512.300,00 lei fără TVA, sumă finanțată integral din PNRR.\n\n"
        "Date de contact: Biroul Proiecte, tel. 0260 610 550, email: proiecte@zalausj.ro\n"
    )
    record = extract(text).record
    assert record["contacts"] == []
    assert [(r["source"], r["description"]) for r in record["funding"]] == [
        ("other", "sumă finanțată integral din PNRR")
    ]


def test_a_contact_block_naming_no_person_gives_no_contact_and_no_evidence_for_one() -> None:
    # As a commune's end-of-project release signs off: its name, address and
    # phone, and no person to call.
    text = RELEASE + (
        "\nDate de contact beneficiar:\n\nComuna Şipote,\n\n"
        "Localitatea Şipote, Str. Principală, Nr. 1, Jud. Iaşi\n\nTel. 0232-000.111\n"
    )
    extraction = extract(text)
    assert extraction.record["contacts"] == []
    assert [path for path in extraction.provenance if path.startswith("contacts")] == []


# A news report of a financing contract's signing, as the county papers write them.
SIGNING = (
    "COMUNICAT\n\nContractul de finanțare a fost semnat miercuri de domnul președinte Ion Pop, "
    "din partea {body}, și de domnul Vasile Ene, din partea {other}, la sediul spitalului.\n"
)


def test_a_contract_signed_for_a_body_and_for_the_funder_names_the_body_as_beneficiary() -> None:
    extraction = extract(SIGNING.format(body="Consiliului Județean Alba", other="ADR Centru"))
    assert extraction.record["beneficiary"]["name"] == "Consiliul Județean Alba"
    assert extraction.provenance["beneficiary.name"].quote == "Consiliului Județean Alba"


def test_a_commune_signing_is_named_in_the_nominative() -> None:
    extraction = extract(SIGNING.format(body="Comunei Șipote", other="AFIR"))
    assert extraction.record["beneficiary"]["name"] == "Comuna Șipote"


def test_a_signing_body_whose_nominative_is_not_sure_is_left_unread() -> None:
    # "Direcției Generale" is "Direcția Generală": its adjective changes too.
    text = SIGNING.format(body="Direcției Generale de Asistență Socială Alba", other="ADR Centru")
    assert extract(text).record["beneficiary"]["name"] is None


def test_two_bodies_signing_with_no_funder_between_them_name_no_beneficiary() -> None:
    text = SIGNING.format(body="Consiliului Județean Alba", other="Consiliului Local Alba Iulia")
    assert extract(text).record["beneficiary"]["name"] is None


def test_a_signing_bodys_name_ends_where_the_next_signer_is_named() -> None:
    text = (
        "COMUNICAT\n\nContractul a fost semnat de domnul președinte Ion Pop din partea Consiliului "
        "Județean Alba și de domnul Vasile Ene din partea ADR Centru.\n"
    )
    assert extract(text).record["beneficiary"]["name"] == "Consiliul Județean Alba"


def test_a_town_hall_of_a_municipality_signing_is_named_in_the_nominative() -> None:
    extraction = extract(SIGNING.format(body="Primăriei Municipiului Dej", other="ADR Nord-Vest"))
    assert extraction.record["beneficiary"]["name"] == "Primăria Municipiului Dej"


def test_a_town_hall_with_an_adjective_signing_is_left_unread() -> None:
    # "Primăriei Generale" is "Primăria Generală".
    text = SIGNING.format(body="Primăriei Generale a Municipiului București", other="ADR București-Ilfov")
    assert extract(text).record["beneficiary"]["name"] is None


def test_a_ministry_signing_in_the_genitive_is_the_funder_not_the_beneficiary() -> None:
    extraction = extract(SIGNING.format(body="Consiliului Județean Alba", other="Ministerului Dezvoltării"))
    assert extraction.record["beneficiary"]["name"] == "Consiliul Județean Alba"
    text = SIGNING.format(body="Ministerului Dezvoltării Regionale", other="ADR Nord-Est")
    assert extract(text).record["beneficiary"]["name"] is None
