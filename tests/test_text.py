"""Decoding release bytes and the folded matching view."""

from __future__ import annotations

import pytest

from eufunds.text import decode_release, detect_encoding, fold, plausibility

# Cedilla letters exist in every legacy code page; comma-below ones only in ISO-8859-16.
CEDILLA = "Judeţul Iaşi anunţă finalizarea proiectului „Şcoala altfel”, în învăţământ"
COMMA = "Județul Iași anunță finalizarea proiectului „Școala altfel”, în învățământ"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1250", CEDILLA),
        ("iso-8859-2", CEDILLA.replace("„", '"').replace("”", '"')),
        ("iso-8859-16", COMMA),
    ],
)
def test_legacy_encodings_decode_to_the_romanian_text(encoding: str, text: str) -> None:
    assert fold(decode_release(text.encode(encoding))) == fold(text)


def test_cp1250_typographic_quotes_survive() -> None:
    assert decode_release(CEDILLA.encode("cp1250")) == CEDILLA


def test_iso_8859_16_keeps_comma_below_letters() -> None:
    assert decode_release(COMMA.encode("iso-8859-16")) == COMMA


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_or_without_bom(prefix: bytes) -> None:
    assert decode_release(prefix + COMMA.encode("utf-8")) == COMMA


def test_bom_is_reported_as_utf8_sig() -> None:
    assert detect_encoding(b"\xef\xbb\xbfabc") == "utf-8-sig"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_ends_become_newlines(newline: str) -> None:
    assert decode_release(f"a{newline}b{newline}".encode()) == "a\nb\n"


def test_nbsp_is_kept_in_text_but_folded_to_space() -> None:
    text = decode_release("624.995,52\u00a0lei".encode())
    assert "\u00a0" in text
    assert fold(text) == "624.995,52 lei"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Ş ş Ţ ţ", "s s t t"),
        ("Ș ș Ț ț", "s s t t"),
        ("ĂÂÎ ăâî", "aai aai"),
        ("”Titlu” „Titlu“ «Titlu»", '"titlu" "titlu" "titlu"'),
        ("2014–2020 — x", "2014-2020 - x"),
        ("OBIECTIVUL SPECIFIC", "obiectivul specific"),
    ],
    ids=["cedilla", "comma", "breve-circumflex", "quotes", "dashes", "uppercase"],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_keeps_length_so_offsets_match() -> None:
    text = "İstanbul ﬁ ß “x” ş\u00a0ț 𝔘"
    assert len(fold(text)) == len(text)


def test_plausibility_prefers_romanian_letters_over_junk() -> None:
    assert plausibility(CEDILLA) > plausibility(CEDILLA.encode("cp1250").decode("iso-8859-2"))
