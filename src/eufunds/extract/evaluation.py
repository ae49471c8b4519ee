"""How accurate the extractor is: compare drafts with hand-made records, field by field.

A release ``NAME.txt`` is paired with the expected record ``NAME.yaml`` (or with
any expected record whose ``sources[].file`` names it, which is how the curated
seeds are laid out). Every leaf of the expected record counts as one field,
except ``slug`` (a free choice of the curator), ``evidence`` and ``notes``. Texts
are equal when they match after folding case, diacritics (ş/ș, ţ/ț included) and
whitespace; numbers, codes and dates must be exact. List items are compared
position by position: a missing item makes each of its leaves wrong, and each
surplus item the extractor invents counts as one wrong field, so inventing
objectives or funding rows is not free.

Beside that accuracy (agreeing on "not stated" counts as right), every field is
scored the way a curator feels it: a value the extractor gives is *correct*,
*wrong* (the gold states another value) or *invented* (the gold states none);
a value the gold states and the extractor leaves out is *missed*. Precision is
correct / (correct + wrong + invented) — of the values given, the share that is
right; recall is correct / (correct + wrong + missed) — of the values stated,
the share found. A wrong value counts against both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..jsontext import to_json
from ..seed.format import DEFAULT_CURRENCY, states_money
from ..text import clean_release_text, decode_release, fold
from .extractor import extract_release

__all__ = [
    "EvaluationReport",
    "FieldScore",
    "FileScore",
    "Mismatch",
    "compare_records",
    "evaluate_directory",
    "evaluate_pairs",
    "load_expected",
]

IGNORED_KEYS = frozenset({"slug", "evidence", "notes"})

# The shape of a record, so that keys an expected YAML leaves out are compared
# with their documented defaults (an omitted `indicators` means "none").
_INDICATOR: dict[str, Any] = {"value": None, "unit": None, "what": None, "topics": []}
_ITEM_TEMPLATES: dict[str, dict[str, Any]] = {
    "partners": {"name": None, "role": None},
    "contacts": dict.fromkeys(("name", "position", "organisation", "phone", "fax", "email")),
    "funding": dict.fromkeys(("source", "amount", "share_pct", "description", "contributor")),
    "objectives": {"kind": None, "code": None, "text": None, "achieved": None, "indicators": []},
    "results": {"level": None, "code": None, "text": None, "serves": None, "indicators": []},
    "indicators": _INDICATOR,
    "sources": dict.fromkeys(("file", "kind", "published", "publisher", "issuer", "title")),
}
_RECORD_TEMPLATE: dict[str, Any] = {
    "title": None, "acronym": None, "codes": {"sipoca": None, "mysmis": None}, "status": None,
    "beneficiary": {"name": None, "acting_through": None}, "partners": [], "contacts": [],
    "programme": {"code": None, "name": None}, "priority_axis": None, "specific_objective": None,
    "funds": [], "currency": None, "total_value": None, "eligible_value": None, "funding": [],
    "start_date": None, "end_date": None, "duration_months": None,
    "target_group": {"size": None, "description": None}, "location": None, "objectives": [],
    "results": [], "sources": [],
}  # fmt: skip


class _DecimalLoader(yaml.SafeLoader):
    """Safe YAML whose floats are read as exact decimals (624995.52 stays 624995.52)."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    raw = loader.construct_scalar(node)
    try:
        return Decimal(str(raw).replace("_", ""))
    except InvalidOperation:
        return raw


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load_expected(path: Path) -> dict[str, Any]:
    """An expected record from YAML, money as ``Decimal``, dates as ``datetime.date``."""
    data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_DecimalLoader)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an expected record must be a mapping")
    return data


WRONG, INVENTED, MISSED = "wrong", "invented", "missed"


@dataclass(frozen=True)
class Mismatch:
    """One field the extractor got wrong: ``kind`` is wrong, invented or missed (``None``:
    both sides say "not stated" in different shapes, which only the accuracy counts)."""

    file: str
    path: str
    expected: Any
    got: Any
    kind: str | None = None


def _stated(value: Any) -> bool:
    return value is not None and value is not _MISSING and value != [] and value != {}


def _error_kind(expected: Any, got: Any) -> str | None:
    if _stated(expected):
        return WRONG if _stated(got) else MISSED
    return INVENTED if _stated(got) else None


@dataclass
class _Counts:
    """Correct / compared (accuracy), and the counts behind precision and recall."""

    correct: int = 0
    total: int = 0
    stated_correct: int = 0
    wrong: int = 0
    invented: int = 0
    missed: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def given(self) -> int:
        return self.stated_correct + self.wrong + self.invented

    @property
    def stated(self) -> int:
        return self.stated_correct + self.wrong + self.missed

    @property
    def precision(self) -> float:
        return self.stated_correct / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        return self.stated_correct / self.stated if self.stated else 1.0

    def add(self, ok: bool, expected: Any, got: Any) -> str | None:
        """Count one compared leaf; the kind of error it is, if any."""
        self.total += 1
        if ok:
            self.correct += 1
            if _stated(expected):
                self.stated_correct += 1
            return None
        kind = _error_kind(expected, got)
        if kind == WRONG:
            self.wrong += 1
        elif kind == INVENTED:
            self.invented += 1
        elif kind == MISSED:
            self.missed += 1
        return kind

    def figures(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "right": self.stated_correct,
            "wrong": self.wrong,
            "invented": self.invented,
            "missed": self.missed,
        }


@dataclass
class FieldScore(_Counts):
    """The scores of one field (list indices folded: ``funding[].amount``)."""

    field: str = ""


@dataclass
class FileScore(_Counts):
    """The scores of one release, and each of its errors."""

    file: str = ""
    mismatches: list[Mismatch] = field(default_factory=list)


@dataclass
class EvaluationReport:
    """Per-field and per-file scores, and the overall ones (sums over the files)."""

    fields: dict[str, FieldScore] = field(default_factory=dict)
    files: list[FileScore] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(score, name) for score in self.files)

    @property
    def overall(self) -> _Counts:
        return _Counts(
            *(self._sum(n) for n in ("correct", "total", "stated_correct", "wrong", "invented", "missed"))
        )

    @property
    def correct(self) -> int:
        return self._sum("correct")

    @property
    def total(self) -> int:
        return self._sum("total")

    @property
    def accuracy(self) -> float:
        return self.overall.accuracy

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for score in self.files for m in score.mismatches]

    @property
    def errors(self) -> list[Mismatch]:
        """The mismatches a curator would have to correct (wrong, invented or missed values)."""
        return [m for m in self.mismatches if m.kind is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.figures(),
            "fields": {name: s.figures() for name, s in sorted(self.fields.items())},
            "files": [
                {
                    "file": s.file,
                    **s.figures(),
                    "mismatches": [
                        {
                            "path": m.path,
                            "kind": m.kind,
                            "expected": _present(m.expected),
                            "got": _present(m.got),
                        }
                        for m in s.mismatches
                    ],
                }
                for s in self.files
            ],
        }

    def to_json(self) -> str:
        # The archive's one JSON policy: exact decimals as numbers, dates as ISO text.
        return to_json(self.as_dict(), indent=2)

    def to_table(self, *, show_mismatches: bool = False) -> str:
        """Aligned plain text: one row per field, then per file, then the total (mismatches after)."""
        # Accuracy stays the last column, where scripts of the old table found it.
        head = ("correct", "total", "precision", "recall", "wrong", "invented", "missed", "accuracy")
        widths = (7, 5, 9, 6, 5, 8, 6, 8)
        width = max([len("field"), *(len(n) for n in self.fields), *(len(s.file) for s in self.files)])

        def row(name: str, c: _Counts) -> str:
            cells = (
                c.correct, c.total, _ratio(c.precision, c.given), _ratio(c.recall, c.stated),
                c.wrong, c.invented, c.missed, f"{c.accuracy:.1%}",
            )  # fmt: skip
            return f"{name:<{width}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(cells, widths, strict=True))

        def header(first: str) -> list[str]:
            line = f"{first:<{width}}  " + "  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True))
            return [line, "-" * len(line)]

        lines = header("field")
        lines += [row(name, s) for name, s in sorted(self.fields.items())]
        lines.append("")
        lines += header("file")
        lines += [row(s.file, s) for s in self.files]
        lines.append(lines[1])
        lines.append(row("overall", self.overall))
        if show_mismatches:
            lines.append("")
            lines.extend(self.error_lines(self.mismatches))
        return "\n".join(lines)

    def error_lines(self, mismatches: list[Mismatch] | None = None) -> list[str]:
        """One line per error (``file: field: kind: expected …, got …``), the errors by default."""
        return [
            f"{m.file}: {m.path}: {m.kind or 'shape'}: expected {_show(m.expected)}, got {_show(m.got)}"
            for m in (self.errors if mismatches is None else mismatches)
        ]


def _ratio(value: float, of: int) -> str:
    # A field nobody states or gives has no precision or recall to speak of.
    return f"{value:.1%}" if of else "-"


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    if isinstance(value, Decimal | int | dt.date) and not isinstance(value, bool):
        return str(value)
    return repr(_readable(value))


def _present(value: Any) -> Any:
    """``value`` with an absent one as None, for JSON."""
    if value is _MISSING:
        return None
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def _readable(value: Any) -> Any:
    """``value`` for a line of text: decimals and dates as their plain text, not their repr."""
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    return _present(value)


# --- comparison ----------------------------------------------------------------

_WS = re.compile(r"\s+")
_MISSING = object()


def _normal_text(value: str) -> str:
    return _WS.sub(" ", fold(value)).strip()


def _as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def values_equal(expected: Any, got: Any) -> bool:
    """Exact for numbers, codes and dates; texts after folding case, diacritics, whitespace."""
    if expected is None or got is None or got is _MISSING:
        return expected is None and got is None
    if isinstance(expected, dt.date) or isinstance(got, dt.date):
        return str(expected) == str(got)
    a, b = _as_number(expected), _as_number(got)
    if a is not None and b is not None:
        return a == b
    if a is not None or b is not None:
        # A code or axis number written as an integer on one side, a string on the other.
        return str(expected).strip() == str(got).strip()
    if isinstance(expected, str) and isinstance(got, str):
        return _normal_text(expected) == _normal_text(got)
    return bool(expected == got)


def _with_defaults(value: Any, template: Any, key: str | None) -> Any:
    if isinstance(value, dict) and isinstance(template, dict):
        merged = {k: _with_defaults(value.get(k, v), v, k) for k, v in template.items()}
        for k, v in value.items():
            if k not in merged:
                merged[k] = v
        return merged
    if isinstance(value, list) and key in _ITEM_TEMPLATES:
        item = _ITEM_TEMPLATES[key]
        return [_with_defaults(v, item, None) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict) and key in ("priority_axis", "specific_objective"):
        return value
    return value


def _normalised(record: dict[str, Any]) -> dict[str, Any]:
    trimmed = {k: v for k, v in record.items() if k not in IGNORED_KEYS}
    normalised: dict[str, Any] = _with_defaults(trimmed, _RECORD_TEMPLATE, None)
    # The seed format's rule, on both sides: amounts without a currency are in
    # RON, and without an amount a currency is no fact of the release (gold
    # records written before currencies could be null carry RON there).
    if not states_money(normalised):
        normalised["currency"] = None
    elif normalised["currency"] is None:
        normalised["currency"] = DEFAULT_CURRENCY
    return normalised


def _field_name(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from _leaves(child, f"{path}[{index}]")
    else:
        yield path, value


def _compare(expected: Any, got: Any, path: str) -> Iterator[tuple[str, bool, Any, Any]]:
    if isinstance(expected, dict) and expected:
        got_map = got if isinstance(got, dict) else {}
        for key, child in expected.items():
            yield from _compare(
                child, got_map.get(key, _MISSING if got is None else None), f"{path}.{key}" if path else key
            )
    elif isinstance(expected, list) and expected:
        got_list = got if isinstance(got, list) else []
        for index, child in enumerate(expected):
            if index < len(got_list):
                yield from _compare(child, got_list[index], f"{path}[{index}]")
            else:
                for leaf_path, leaf in _leaves(child, f"{path}[{index}]"):
                    yield leaf_path, False, leaf, None
        for index in range(len(expected), len(got_list)):
            yield f"{path}[{index}]", False, None, got_list[index]
    elif isinstance(expected, list):
        # An empty list is one field: "the release names none".
        got_list = got if isinstance(got, list) else []
        if got_list:
            for index, item in enumerate(got_list):
                yield f"{path}[{index}]", False, None, item
        else:
            yield path, True, expected, got_list
    else:
        if isinstance(got, dict | list):
            yield path, expected is None and not got, expected, got
        else:
            yield path, values_equal(expected, None if got is _MISSING else got), expected, got


def compare_records(expected: dict[str, Any], got: dict[str, Any], *, file: str = "") -> FileScore:
    """Score one draft against its expected record."""
    score = FileScore(file=file)
    for path, ok, want, have in _compare(_normalised(expected), _normalised(got), ""):
        kind = score.add(ok, want, have)
        if not ok:
            score.mismatches.append(Mismatch(file, path, want, have, kind))
    return score


def _pairs(txt_dir: Path, expected_dir: Path) -> Iterator[tuple[Path, Path]]:
    texts = {p.name: p for p in sorted(txt_dir.glob("*.txt"))}
    paired: set[str] = set()
    for yaml_path in sorted(expected_dir.glob("*.yaml")):
        txt = texts.get(yaml_path.stem + ".txt")
        if txt is None:
            try:
                sources = load_expected(yaml_path).get("sources") or []
            except (yaml.YAMLError, ValueError, OSError):
                continue
            names = [s.get("file") for s in sources if isinstance(s, dict)]
            txt = next((texts[n] for n in names if isinstance(n, str) and n in texts), None)
        if txt is not None and txt.name not in paired:
            paired.add(txt.name)
            yield txt, yaml_path


def evaluate_pairs(pairs: list[tuple[Path, Path]]) -> EvaluationReport:
    """Extract each release and score it against its expected record."""
    report = EvaluationReport()
    for txt_path, yaml_path in pairs:
        expected = load_expected(yaml_path)
        # The text as ``eufunds extract`` reads it (``eufunds.intake.sources``).
        text = clean_release_text(decode_release(txt_path.read_bytes()))
        got = extract_release(text, file_name=txt_path.name).record
        score = FileScore(file=txt_path.name)
        for path, ok, want, have in _compare(_normalised(expected), _normalised(got), ""):
            name = _field_name(path)
            report.fields.setdefault(name, FieldScore(field=name)).add(ok, want, have)
            kind = score.add(ok, want, have)
            if not ok:
                score.mismatches.append(Mismatch(txt_path.name, path, want, have, kind))
        report.files.append(score)
    return report


def evaluate_directory(txt_dir: Path | str, expected_dir: Path | str) -> EvaluationReport:
    """Score the extractor on every ``NAME.txt`` in ``txt_dir`` with an expected ``NAME.yaml``."""
    return evaluate_pairs(list(_pairs(Path(txt_dir), Path(expected_dir))))
