"""The record's declared types (eufunds.record) against the records the code makes.

The seed validators build a record key by key, and the read side builds it
from rows, so the type checker takes both on trust (a cast, Any values); these
tests hold what they make to the TypedDicts: the same keys in the same order,
and every value of a declared type.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints, is_typeddict

from sqlalchemy import Engine

from eufunds.read.records import iter_records
from eufunds.record import ArchiveRecord, SeedRecord
from eufunds.seed.format import SEED_KEYS, read_seed


def shape_problems(value: Any, hint: Any, path: str = "record") -> list[str]:
    """Where ``value`` is not of type ``hint`` (TypedDicts, lists, dicts, unions, plain classes)."""
    if is_typeddict(hint):
        fields = get_type_hints(hint)
        if not isinstance(value, dict) or list(value) != list(fields):
            shown = list(value) if isinstance(value, dict) else type(value).__name__
            return [f"{path}: {shown}, but {hint.__name__} is {list(fields)}"]
        return [p for key, sub in fields.items() for p in shape_problems(value[key], sub, f"{path}.{key}")]
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, args[0], f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not a dict"]
        problems = []
        for key, item in value.items():
            problems += shape_problems(key, args[0], f"{path} key")
            problems += shape_problems(item, args[1], f"{path}.{key}")
        return problems
    if origin in (types.UnionType, typing.Union):
        if any(not shape_problems(value, alternative, path) for alternative in args):
            return []
        return [f"{path}: {value!r} is none of {hint}"]
    expected = type(None) if hint is None else hint
    # Exact classes: a bool is not an int here, nor a datetime a date.
    return [] if type(value) is expected else [f"{path}: {value!r} is not {expected.__name__}"]


def test_the_checker_sees_a_wrong_shape() -> None:
    codes = get_type_hints(SeedRecord)["codes"]
    assert shape_problems({"sipoca": "1", "mysmis": None}, codes) == []
    assert shape_problems({"mysmis": None, "sipoca": "1"}, codes)  # keys out of order
    assert shape_problems({"sipoca": 1, "mysmis": None}, codes)
    assert shape_problems(True, int) and shape_problems(dt.datetime(2020, 1, 1), dt.date)
    assert shape_problems([Decimal(1), 2.0], list[Decimal])


def test_seed_record_keys_are_the_seed_format_keys_in_order() -> None:
    assert tuple(get_type_hints(SeedRecord)) == SEED_KEYS
    # A project read back holds its joined releases' sources itself: it neither
    # joins another nor lists releases to join.
    assert tuple(get_type_hints(ArchiveRecord)) == tuple(
        k for k in SEED_KEYS if k not in ("joins", "releases")
    )


def test_validated_seeds_are_seed_records(seeds_dir: Path) -> None:
    seeds = sorted(seeds_dir.glob("*.yaml"))
    assert seeds
    for path in seeds:
        assert shape_problems(read_seed(path).record, SeedRecord) == [], path.name


def test_archive_records_are_archive_records(loaded_engine: Engine) -> None:
    with loaded_engine.connect() as connection:
        records = list(iter_records(connection))
    assert records
    for record in records:
        assert shape_problems(record, ArchiveRecord) == [], record["slug"]
