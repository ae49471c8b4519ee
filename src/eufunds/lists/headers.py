"""Which column of an official list holds which field: the one table of header
variants, and the rule that matches a heading against it.

Managing authorities name their columns each in their own way ("Cod SMIS",
"Cod MySMIS", "Cod proiect"), with or without diacritics, with units in the
heading ("Valoare eligibilă (lei)", "Valoare totală - mii lei") and line breaks
inside it. A heading is matched on its key: folded (``text.fold``: case and
diacritics away), units taken out and remembered, punctuation made spaces.
The key must equal a variant's key: a heading the table does not know is left
unmapped (its cells are still kept in the row's raw cells) rather than guessed.
docs/lists.md shows the same table; tests/test_lists.py holds the two equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import fold

# field → the headings seen for it, spelled without diacritics (the key folds
# them away, so "Valoare eligibilă" matches "Valoare eligibila"). Extend a tuple
# when a list names a column another way; a heading must not fit two fields.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "smis_code": ("Cod SMIS", "Cod MySMIS", "Cod SMIS proiect", "Cod proiect", "Cod SMIS 2014+", "SMIS"),
    "beneficiary": (
        "Beneficiar", "Denumire beneficiar", "Nume beneficiar", "Denumirea beneficiarului", "Solicitant",
    ),
    "cui": ("CUI", "CIF", "CUI/CIF", "Cod fiscal", "Cod unic de inregistrare", "CUI beneficiar"),
    "title": (
        "Titlu proiect", "Denumire proiect", "Titlul proiectului", "Denumirea proiectului",
        "Denumirea operatiunii", "Titlu",
    ),
    "summary": (
        "Rezumat", "Rezumatul proiectului", "Descriere proiect", "Scopul operatiunii",
        "Obiectivul proiectului",
    ),
    "start_date": ("Data inceput", "Data de incepere", "Data semnarii contractului", "Data incepere"),
    "end_date": ("Data sfarsit", "Data de finalizare", "Data finalizare", "Data de sfarsit"),
    "total_value": ("Valoare totala", "Valoarea totala a proiectului", "Total valoare proiect"),
    "eligible_value": ("Valoare eligibila", "Valoare totala eligibila", "Cheltuiala eligibila totala"),
    "eu_value": ("Valoare UE", "Contributie UE", "Finantare UE", "Valoare nerambursabila UE"),
    "cofinancing_rate": ("Rata de cofinantare", "Rata cofinantare"),
    "fund": ("Fond", "Sursa de finantare"),
    "programme": ("Program operational", "Program"),
    "priority_axis": ("Axa prioritara", "Prioritate"),
    "specific_objective": ("Obiectiv specific",),
    "intervention": ("Categorie de interventie", "Cod interventie"),
    "region": ("Regiune", "Regiune de dezvoltare"),
    "county": ("Judet", "Judet implementare"),
    "locality": ("Localitate", "UAT"),
    "status": ("Stadiu", "Stare proiect", "Stadiu implementare"),
    "currency": ("Moneda",),
}  # fmt: skip

# How each field's cells are read (see ``eufunds.lists.cells``).
FIELD_KINDS: dict[str, str] = {
    "smis_code": "code",
    "cui": "code_text",
    "start_date": "date",
    "end_date": "date",
    "total_value": "money",
    "eligible_value": "money",
    "eu_value": "money",
    "cofinancing_rate": "rate",
    "currency": "currency",
}  # every other field is text

# A list is found by its header row: the first row, among the first
# HEADER_SEARCH_ROWS, in which at least HEADER_MIN_FIELDS headings are known.
HEADER_SEARCH_ROWS = 30
HEADER_MIN_FIELDS = 3

# Currency words a heading may carry as its unit, folded.
_CURRENCY_WORDS = {"lei": "RON", "ron": "RON", "euro": "EUR", "eur": "EUR"}
# "mii lei": the column counts thousands.
_SCALE_WORDS = {"mii": 1000, "milioane": 1_000_000, "mil": 1_000_000}
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Heading:
    """What a heading says: its field, and the unit its cells are in."""

    field: str
    currency: str | None = None  # from "(lei)", "- euro"
    scale: int = 1  # 1000 for "(mii lei)"


def _unit(words: list[str]) -> tuple[str | None, int]:
    currency, scale = None, 1
    for word in words:
        currency = _CURRENCY_WORDS.get(word, currency)
        scale = _SCALE_WORDS.get(word, scale)
    return currency, scale if currency else 1


def heading_key(text: str) -> tuple[str, str | None, int]:
    """A heading's key, currency and scale: "Valoare eligibilă (mii lei)" →
    ("valoare eligibila", "RON", 1000); "Rata de cofinanțare (%)" → ("rata de
    cofinantare", None, 1)."""
    folded = fold(text)
    currency, scale = None, 1
    for inner in _BRACKETED.findall(folded):
        found = _unit(_NOT_WORD.sub(" ", inner).split())
        if found[0]:
            currency, scale = found
    words = _NOT_WORD.sub(" ", _BRACKETED.sub(" ", folded)).split()
    # A unit written after the name: "Valoare totala - lei", "... in mii lei".
    tail: list[str] = []
    while words and (words[-1] in _CURRENCY_WORDS or (tail and words[-1] in (*_SCALE_WORDS, "in"))):
        tail.insert(0, words.pop())
    if tail:
        currency, scale = _unit(tail)
    return " ".join(words), currency, scale


def _variant_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    for field, variants in HEADER_VARIANTS.items():
        for variant in variants:
            key = heading_key(variant)[0]
            if fields.setdefault(key, field) != field:
                raise AssertionError(f"header variant {variant!r} fits both {fields[key]} and {field}")
    return fields


VARIANT_FIELDS: dict[str, str] = _variant_fields()


def match_heading(text: str) -> Heading | None:
    """The field a heading names, with its unit, or None when the table does not know it."""
    key, currency, scale = heading_key(text)
    field = VARIANT_FIELDS.get(key)
    return None if field is None else Heading(field, currency, scale)


def code_headings() -> str:
    """The headings a code column may have, for a message that finds none."""
    return ", ".join(HEADER_VARIANTS["smis_code"])
