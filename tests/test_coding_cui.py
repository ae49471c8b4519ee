"""Fiscal codes (CUI / CIF): read as written, checked by their control digit,
found in a release only where a label introduces them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eufunds.coding import CuiProblem, find_cuis, parse_cui

RELEASES = Path(__file__).resolve().parents[2] / "shared" / "releases"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.mark.parametrize("digits", ["4553089", "14399840", "2816464", "12345674"])
def test_a_code_with_its_control_digit_is_valid(digits: str) -> None:
    cui = parse_cui(digits)
    assert cui.valid
    assert cui.problem is None and cui.reason is None
    assert cui.digits == digits


def test_a_wrong_control_digit_is_invalid_and_says_so() -> None:
    cui = parse_cui("4553080")
    assert not cui.valid
    assert cui.problem is CuiProblem.CONTROL_DIGIT
    assert cui.reason == "the control digit does not match"
    assert cui.digits == "4553080"


@pytest.mark.parametrize(
    ("written", "digits", "vat_prefix"),
    [
        ("CUI 4553089", "4553089", False),
        ("CIF: RO 14399840", "14399840", True),
        ("cod fiscal 2816464", "2816464", False),
        ("RO14399840", "14399840", True),
        ("ro 14.399.840", "14399840", True),
        ("C.U.I. 14 399 840", "14399840", False),
        ("Cod de identificare fiscală: RO-14399840", "14399840", True),
        ("CUI/CIF 2816464", "2816464", False),
    ],
)
def test_labels_ro_spaces_and_dots_are_read_around_the_digits(
    written: str, digits: str, vat_prefix: bool
) -> None:
    cui = parse_cui(written)
    assert (cui.digits, cui.vat_prefix, cui.valid) == (digits, vat_prefix, True)
    assert cui.written == written


def test_the_ro_prefix_does_not_change_the_verdict() -> None:
    assert parse_cui("RO 4553080").problem is CuiProblem.CONTROL_DIGIT
    assert parse_cui("RO 4553089").valid


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("1", CuiProblem.LENGTH),
        ("12345678901", CuiProblem.LENGTH),
        ("0002816464", CuiProblem.LEADING_ZERO),
        ("45530X9", CuiProblem.FORMAT),
        ("", CuiProblem.FORMAT),
    ],
)
def test_what_is_not_a_cui_gets_its_reason(written: str, problem: CuiProblem) -> None:
    cui = parse_cui(written)
    assert cui.problem is problem
    assert cui.reason


@given(st.integers(min_value=1, max_value=999_999_999))
def test_exactly_one_control_digit_makes_a_body_valid(body: int) -> None:
    assert sum(parse_cui(f"{body}{last}").valid for last in range(10)) == 1


@given(st.integers(min_value=10, max_value=9_999_999_999), st.booleans())
def test_grouping_and_the_ro_prefix_keep_digits_and_verdict(number: int, prefix: bool) -> None:
    plain = parse_cui(str(number))
    grouped = parse_cui(("RO " if prefix else "") + f"{number:,}".replace(",", "."))
    assert (grouped.digits, grouped.problem, grouped.vat_prefix) == (plain.digits, plain.problem, prefix)


def test_a_release_sentence_gives_each_labelled_code_with_its_offsets() -> None:
    text = (
        "Beneficiar: Comuna Bârca, CUI 4553089, județul Dolj. "
        "Partener: SC Exemplu SRL, C.U.I. RO 14.399.840; "
        "Asociația Exemplu, cod de identificare fiscală: 4553080."
    )
    found = find_cuis(text)
    assert [text[m.start : m.end] for m in found] == [
        "CUI 4553089",
        "C.U.I. RO 14.399.840",
        "cod de identificare fiscală: 4553080",
    ]
    assert [text[m.code_start : m.code_end] for m in found] == ["4553089", "RO 14.399.840", "4553080"]
    assert [m.label for m in found] == ["CUI", "C.U.I.", "cod de identificare fiscală"]
    assert [(m.cui.digits, m.cui.vat_prefix, m.cui.valid) for m in found] == [
        ("4553089", False, True),
        ("14399840", True, True),
        ("4553080", False, False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Telefon: 0251 231 424, fax 0251 231 425",
        "proiect cod SMIS 119830, cod SIPOCA 474",
        "numărul de înregistrare 14399840 din 12.03.2018",
        "conform Legii nr. 227/2015 privind Codul fiscal 227/2015",
        "Cui se adresează proiectul? 40 de persoane.",
        "cifra de afaceri 2816464 lei",
    ],
)
def test_digits_without_a_label_are_never_read_as_a_cui(text: str) -> None:
    assert find_cuis(text) == []


def test_a_phone_number_after_a_cui_stays_out_of_it() -> None:
    [mention] = find_cuis("CUI 4553089 0251 231 424")
    assert mention.cui.digits == "4553089"


def test_the_real_releases_phones_and_project_codes_are_not_read_as_cuis() -> None:
    # None of the 18 shared releases nor the two seed texts states a fiscal code
    # (grep for CUI, CIF, cod fiscal finds none), while they are full of phone
    # numbers, SMIS and SIPOCA codes, sums and dates.
    if not RELEASES.is_dir():
        pytest.skip("shared/releases is not beside the checkout")
    texts = sorted(RELEASES.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    stated = {path.name: find_cuis(path.read_text(encoding="utf-8")) for path in texts}
    assert len(stated) >= 20
    assert {name: mentions for name, mentions in stated.items() if mentions} == {}


@given(st.text(alphabet=st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm", "Lo"))))
def test_text_with_no_letters_has_no_cui(text: str) -> None:
    assert find_cuis(text) == []


@given(
    st.text(alphabet=" ,;()\n", max_size=5),
    st.sampled_from(["CUI", "CIF", "C.U.I.", "cod fiscal", "Cod de identificare fiscală"]),
    st.integers(min_value=10, max_value=9_999_999_999),
    st.text(alphabet=" ,;()\n", max_size=5),
)
def test_a_labelled_code_is_found_where_it_was_put(before: str, label: str, number: int, after: str) -> None:
    text = f"{before}{label}: {number}{after}"
    [mention] = find_cuis(text)
    assert (mention.start, mention.end) == (len(before), len(text) - len(after))
    assert mention.cui.digits == str(number)
