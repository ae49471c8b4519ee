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
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..text import decode_release, fold
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
    "funds": [], "currency": "RON", "total_value": None, "eligible_value": None, "funding": [],
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


@dataclass(frozen=True)
class Mismatch:
    """One field the extractor got wrong."""

    file: str
    path: str
    expected: Any
    got: Any


@dataclass
class FieldScore:
    """Correct / compared for one field (list indices folded: ``funding[].amount``)."""

    field: str
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class FileScore:
    file: str
    correct: int = 0
    total: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class EvaluationReport:
    """Per-field and per-file accuracy, and the overall share of correct fields."""

    fields: dict[str, FieldScore] = field(default_factory=dict)
    files: list[FileScore] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return sum(score.correct for score in self.files)

    @property
    def total(self) -> int:
        return sum(score.total for score in self.files)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for score in self.files for m in score.mismatches]

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": {
                "correct": self.correct,
                "total": self.total,
                "accuracy": round(self.accuracy, 4),
            },
            "fields": {
                name: {"correct": s.correct, "total": s.total, "accuracy": round(s.accuracy, 4)}
                for name, s in sorted(self.fields.items())
            },
            "files": [
                {
                    "file": s.file,
                    "correct": s.correct,
                    "total": s.total,
                    "accuracy": round(s.accuracy, 4),
                    "mismatches": [
                        {"path": m.path, "expected": _jsonable(m.expected), "got": _jsonable(m.got)}
                        for m in s.mismatches
                    ],
                }
                for s in self.files
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def to_table(self, *, show_mismatches: bool = False) -> str:
        """An aligned plain-text table: one row per field, then per file, then the total."""
        rows = [(name, s.correct, s.total, s.accuracy) for name, s in sorted(self.fields.items())]
        width = max([len("field"), *(len(r[0]) for r in rows), *(len(s.file) for s in self.files)])
        lines = [f"{'field':<{width}}  {'correct':>7}  {'total':>5}  {'accuracy':>8}"]
        lines.append("-" * len(lines[0]))
        for name, correct, total, accuracy in rows:
            lines.append(f"{name:<{width}}  {correct:>7}  {total:>5}  {accuracy:>8.1%}")
        lines.append("")
        lines.append(f"{'file':<{width}}  {'correct':>7}  {'total':>5}  {'accuracy':>8}")
        lines.append("-" * len(lines[0]))
        for s in self.files:
            lines.append(f"{s.file:<{width}}  {s.correct:>7}  {s.total:>5}  {s.accuracy:>8.1%}")
        lines.append("-" * len(lines[0]))
        lines.append(f"{'overall':<{width}}  {self.correct:>7}  {self.total:>5}  {self.accuracy:>8.1%}")
        if show_mismatches and self.mismatches:
            lines.append("")
            for m in self.mismatches:
                lines.append(f"{m.file}: {m.path}: expected {m.expected!r}, got {m.got!r}")
        return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


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
        score.total += 1
        if ok:
            score.correct += 1
        else:
            score.mismatches.append(Mismatch(file, path, want, have))
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
        text = decode_release(txt_path.read_bytes())
        got = extract_release(text, file_name=txt_path.name).record
        score = FileScore(file=txt_path.name)
        for path, ok, want, have in _compare(_normalised(expected), _normalised(got), ""):
            field_score = report.fields.setdefault(_field_name(path), FieldScore(_field_name(path)))
            field_score.total += 1
            score.total += 1
            if ok:
                field_score.correct += 1
                score.correct += 1
            else:
                score.mismatches.append(Mismatch(txt_path.name, path, want, have))
        report.files.append(score)
    return report


def evaluate_directory(txt_dir: Path | str, expected_dir: Path | str) -> EvaluationReport:
    """Score the extractor on every ``NAME.txt`` in ``txt_dir`` with an expected ``NAME.yaml``."""
    return evaluate_pairs(list(_pairs(Path(txt_dir), Path(expected_dir))))
