"""Raw press-release bytes to clean text, and the folded view the extractor matches on.

Releases come from many web sites and office suites: UTF-8 with or without a BOM,
and the legacy Central-European code pages (Windows-1250, ISO-8859-2,
ISO-8859-16), with CRLF line ends and non-breaking spaces. ``decode_release``
turns them into the text a curator sees — line ends normalised to ``\\n``, every
other character kept — and provenance offsets point into that text.

Matching happens on a *folded* copy of the same length (``fold``): lower case,
no diacritics, cedilla and comma-below letters merged (ş/ș, ţ/ț), typographic
quotes and dashes made plain, non-breaking spaces made spaces. Because folding
maps one character to exactly one character, a span found in the folded text is
the same span in the original, so values are always quoted as written.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "LEGACY_ENCODINGS",
    "clean_release_text",
    "comma_letters",
    "comma_letters_sql",
    "decode_release",
    "detect_encoding",
    "fold",
    "fold_char",
    "normalise_newlines",
    "organisation_key",
    "plausibility",
    "title_key",
]

# Tried in this order when the bytes are not UTF-8; ties in plausibility go to the
# earlier one (Windows-1250 is what Romanian office software on Windows writes).
LEGACY_ENCODINGS: tuple[str, ...] = ("cp1250", "iso-8859-2", "iso-8859-16")

# Romanian letters, in both the cedilla and the comma-below forms.
_ROMANIAN = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")
# Letters the legacy code pages produce from each other's Romanian bytes: seeing
# them in a decode is the sign of a wrong guess (e.g. cp1250 ş read as ISO-8859-2).
_JUNK = frozenset("¹º¾ŸźŹ¼½¦¨´¸ľĽšŠťŤžŽ§¤¢ªÞþ‚†‡‰‹›ĄąµĹĺŔŕĘęŃńŇňŐőŰűŮůĎďĚěŘřĆćČčŚśŻżĐđŁł")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029|\x85")


def normalise_newlines(text: str) -> str:
    """CRLF, lone CR and Unicode line separators become ``\\n``."""
    return _NEWLINES.sub("\n", text)


# Characters the seed reader would refuse or that break offsets: NUL and the
# other C0 controls except tab and newline.
_DROPPED_CONTROLS = dict.fromkeys(code for code in range(0x20) if chr(code) not in "\n\t")
# Whether there is any to drop: most texts hold none, and ``translate`` with a
# table costs a release a millisecond where a search costs a tenth of one.
_DROPPED_FOUND = re.compile("[" + re.escape("".join(map(chr, _DROPPED_CONTROLS))) + "]")
# Typographic ligatures a PDF's fonts may map their glyphs to ("ﬁnanțare"):
# the letters they stand for, or no rule reads the word.
_LIGATURES = {
    0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
}  # fmt: skip
_LIGATURE_FOUND = re.compile("[\ufb00-\ufb06]")


def clean_release_text(text: str) -> str:
    """A release's text as the extractor reads it, whatever it was read from:
    ``\\n`` line ends, no BOM, no control characters, ligatures written out,
    and letters composed (NFC). A text saved on a Mac or read from some PDFs
    writes "ă" as "a" and a combining breve, which no rule (nor a search)
    matches with the "ă" it is."""
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if _DROPPED_FOUND.search(text):
        text = text.translate(_DROPPED_CONTROLS)
    if _LIGATURE_FOUND.search(text):
        text = text.translate(_LIGATURES)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    """``text`` with each run of whitespace one space and none at either end:
    ``re.sub(r"\\s+", " ", text).strip()``, ten times faster (``str.split``
    breaks at the very characters ``\\s`` matches, ``str.isspace``'s, and drops
    them at both ends)."""
    return " ".join(text.split())


def plausibility(text: str) -> int:
    """How Romanian a decoded text looks: Romanian letters count for, junk against."""
    score = 0
    for char in text:
        if char in _ROMANIAN:
            score += 2
        elif char in _JUNK:
            score -= 3
    score -= 5 * len(_CONTROL.findall(text))
    return score


def detect_encoding(data: bytes) -> str:
    """The encoding of release bytes: ``utf-8-sig``, ``utf-8`` or the most plausible legacy one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best, best_score = LEGACY_ENCODINGS[0], None
    for encoding in LEGACY_ENCODINGS:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = plausibility(decoded)
        if best_score is None or score > best_score:
            best, best_score = encoding, score
    return best


def decode_release(data: bytes) -> str:
    """Release bytes → the text a curator sees (BOM dropped, newlines normalised)."""
    encoding = detect_encoding(data)
    # cp1250 leaves five bytes undefined; replacing them beats refusing a release.
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return normalise_newlines(text)


# --- folding -----------------------------------------------------------------

_SPECIAL: dict[str, str] = {
    # Spaces that are not U+0020 (nbsp and its cousins) and tabs.
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2008": " ", "\u3000": " ", "\t": " ",
    # Quotes, used in any order by Romanian typists (”…” as an opener is common).
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    # Dashes and hyphens.
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-",
    # Bullets become one character the extractor recognises.
    "\u2022": "•", "\u25cf": "•", "\u25aa": "•", "\u25a0": "•", "\u25e6": "•",
    "\u2023": "•", "\u2043": "•", "\u00b7": "•", "\uf0b7": "•", "\uf0a7": "•",
    "\u27a2": "•", "\u2713": "•", "\u2714": "•", "\u25ba": "•", "\u2219": "•",
    # Letters whose decomposition does not yield an ASCII base.
    "ß": "s", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o",
}  # fmt: skip


def fold_char(char: str) -> str:
    """One character folded to one character: lower case, no diacritics."""
    special = _SPECIAL.get(char)
    if special is not None:
        return special
    lower = char.lower()
    if len(lower) != 1:
        # 'İ'.lower() is two characters; keep length by folding the base only.
        lower = char
    if lower.isascii():
        return lower
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() else lower


# A translation table for the characters releases contain; anything beyond it is
# folded on first sight and remembered (str.translate consults the mapping lazily).
class _FoldTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable({code: fold_char(chr(code)) for code in range(0x250)})
for _char in _SPECIAL:
    _TABLE[ord(_char)] = _SPECIAL[_char]


def fold(text: str) -> str:
    """The matching view of ``text``: same length, lower case, no diacritics, plain quotes."""
    return text.translate(_TABLE)


# --------------------------------------------------------------------------- keys

# Romanian ș and ț were long typed with a cedilla (ş ţ, Turkish letters); they are
# the same letters and must find each other.
_CEDILLA_TO_COMMA = {"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"}
_COMMA_TABLE = str.maketrans(_CEDILLA_TO_COMMA)


def comma_letters(value: str) -> str:
    """The cedilla forms ş ţ Ş Ţ written as ș ț Ș Ț (one code point for one, so
    positions in the text do not move)."""
    return value.translate(_COMMA_TABLE)


def comma_letters_sql(expression: str) -> str:
    """``comma_letters`` as a SQL expression (the same on SQLite and PostgreSQL)."""
    for cedilla, comma in _CEDILLA_TO_COMMA.items():
        expression = f"replace({expression}, '{cedilla}', '{comma}')"
    return expression


def organisation_key(name: str) -> str:
    """Fold what does not make two organisation names different: case, runs of
    whitespace, and the cedilla forms ş/ţ that old keyboards typed for ș/ț."""
    return " ".join(unicodedata.normalize("NFC", comma_letters(name)).casefold().split())


def title_key(title: str) -> str:
    """A title with case, diacritics (ş and ș alike), punctuation and spacing folded
    away: "Calitate, Competenţă" and "CALITATE COMPETENTA" have the same key."""
    # NFKD splits ş into s + cedilla and ș into s + comma below; both marks go.
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", bare.casefold()).split())


# Characters that act on a terminal instead of showing: C0 and C1 controls
# (escape sequences clear the screen, hide hyperlinks, retitle the window) and
# the bidirectional overrides and isolates that reorder what follows them.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TERMINAL_UNSAFE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *map(ord, _BIDI_CONTROLS)]
    if chr(code) not in "\t\n"
}
_TERMINAL_ONE_LINE = {**_TERMINAL_UNSAFE, ord("\n"): "\\n"}
# Whether there is anything to escape: most texts hold nothing, and a search is
# far cheaper than ``translate`` with a table of replacement strings.
_UNSAFE_FOUND = re.compile("[" + re.escape("".join(map(chr, _TERMINAL_UNSAFE))) + "]")
_UNSAFE_ONE_LINE_FOUND = re.compile("[" + re.escape("".join(map(chr, _TERMINAL_ONE_LINE))) + "]")


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    """``text`` as it may be printed for a person: every control character and
    bidirectional override shown as its escape (``\\x1b``, ``\\u202e``) rather
    than obeyed; with ``one_line``, line breaks too (an error names its file on
    one line whatever the file is called)."""
    found = _UNSAFE_ONE_LINE_FOUND if one_line else _UNSAFE_FOUND
    if found.search(text) is None:
        return text
    return text.translate(_TERMINAL_ONE_LINE if one_line else _TERMINAL_UNSAFE)
