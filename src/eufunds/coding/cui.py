"""Romanian fiscal codes (CUI / CIF): reading one as written, and finding the
ones a release states.

A CUI is 2 to 10 digits whose last is a control digit; ``RO`` in front is how
it is written for VAT (it says nothing on whether the body is VAT-registered).
The control digit is checked by python-stdnum's ``stdnum.ro.cui`` (docs/coding.md
says why that library); this module owns what a release does around the digits:
the labels, the ``RO``, the spaces and dots, and where the mention sits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from stdnum import exceptions as stdnum_errors
from stdnum.ro import cui as stdnum_cui

from ..text import fold

__all__ = ["Cui", "CuiMention", "CuiProblem", "find_cuis", "parse_cui"]


class CuiProblem(StrEnum):
    """Why a written fiscal code is not a valid CUI."""

    FORMAT = "format"  # something other than digits (after RO, spaces and dots)
    LEADING_ZERO = "leading_zero"
    LENGTH = "length"  # not 2 to 10 digits
    CONTROL_DIGIT = "control_digit"


_REASONS = {
    CuiProblem.FORMAT: "not only digits",
    CuiProblem.LEADING_ZERO: "starts with 0 (a CUI never does)",
    CuiProblem.LENGTH: "a CUI has 2 to 10 digits",
    CuiProblem.CONTROL_DIGIT: "the control digit does not match",
}


@dataclass(frozen=True)
class Cui:
    """A fiscal code as written: its digits, whether ``RO`` was written, and its verdict."""

    written: str
    digits: str
    vat_prefix: bool
    problem: CuiProblem | None

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def reason(self) -> str | None:
        """Why it is not valid, in words; ``None`` when it is."""
        return None if self.problem is None else _REASONS[self.problem]


# A label may precede what parse_cui is given ("CIF: RO 14399840"); it is read
# off the folded text, so "Cod de identificare fiscală" and "cod fiscal" match.
_LABEL = (
    r"(?:c\.?\s?u\.?\s?i\.?|c\.?\s?i\.?\s?f\.?"
    r"|cod(?:ul)?\s+(?:de\s+identificare\s+fiscala|unic\s+de\s+inregistrare|fiscal))"
)
_LABELS = rf"{_LABEL}(?:\s*/\s*{_LABEL})*"
_LEAD = re.compile(rf"^\s*(?:{_LABELS})?\s*(?:[:=]|nr\.?|-)?\s*")
_SEPARATORS = re.compile(r"[\s.\-]")


def parse_cui(written: str) -> Cui:
    """A fiscal code as a release writes it ("CUI 4553089", "CIF: RO 14399840",
    "cod fiscal 2.816.464") read into its digits, its ``RO`` and its verdict."""
    rest = _LEAD.sub("", fold(written), count=1)
    vat_prefix = rest.startswith("ro")
    if vat_prefix:
        rest = rest[2:]
    digits = _SEPARATORS.sub("", rest)
    return Cui(written, digits, vat_prefix, _problem(digits))


def _problem(digits: str) -> CuiProblem | None:
    if not digits.isascii() or not digits.isdigit():
        return CuiProblem.FORMAT
    if digits[0] == "0":
        return CuiProblem.LEADING_ZERO
    try:
        stdnum_cui.validate(digits)
    except stdnum_errors.InvalidLength:
        return CuiProblem.LENGTH
    except stdnum_errors.InvalidChecksum:
        return CuiProblem.CONTROL_DIGIT
    except stdnum_errors.ValidationError:
        return CuiProblem.FORMAT
    return None


@dataclass(frozen=True)
class CuiMention:
    """A fiscal code a text states: where the whole mention (label included) and
    the code itself sit, so the caller can quote either as evidence."""

    start: int
    end: int
    code_start: int
    code_end: int
    label: str
    cui: Cui


# Digits as releases group them: a plain run, or thousands groups ("14.399.840",
# "14 399 840"). A bare space never joins two runs otherwise, so "CUI 4553089
# 0251 412 515" keeps the phone number out. "Codul fiscal 227/2015" is the law
# and "CUI 12.03.2018" a date: a code is followed neither by a slash nor by a
# separator and more digits.
_DIGITS = r"\d{1,3}(?:[. ]\d{3})+(?!\d)|\d+"
_MENTION = re.compile(
    rf"(?<![\w.])(?P<label>{_LABELS})(?![\w])\s*(?:[:=]|nr\.?|-)?\s*"
    rf"(?P<code>(?:ro[\s-]?)?(?:{_DIGITS}))(?![\w/]|[.,]\d)"
)
# "Cui" and "cif" are also words ("cui se adresează"); as labels they are written in capitals.
_ACRONYM = re.compile(r"^[cC]\.?\s?[uUiI]")


def find_cuis(text: str) -> list[CuiMention]:
    """Every fiscal code ``text`` introduces with a label (CUI, C.U.I., CIF,
    cod fiscal, cod de identificare fiscală, cod unic de înregistrare), valid or
    not, in order. Digits with no such label — phone numbers, SMIS codes — are
    never read as fiscal codes."""
    mentions = []
    for match in _MENTION.finditer(fold(text)):
        label = text[match.start("label") : match.end("label")]
        if _ACRONYM.match(label) and not label.replace(".", "").replace(" ", "").isupper():
            continue
        code_start, code_end = match.span("code")
        mentions.append(
            CuiMention(
                match.start(),
                match.end(),
                code_start,
                code_end,
                label,
                parse_cui(text[code_start:code_end]),
            )
        )
    return mentions
