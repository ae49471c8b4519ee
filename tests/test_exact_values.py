"""Indicator values come back exactly as written, on both backends, up to the
largest the seed format accepts; a larger one is refused rather than rounded."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from eufunds import migrate
from eufunds.errors import LoadError
from eufunds.load.loader import load_paths
from eufunds.read.records import iter_records

CALAFAT = "primaria-calafat-management-calitate.yaml"
WRITTEN = "      - {value: 2, unit: workshopuri, what: null, kind: achieved}"


def _with_value(seeds_dir: Path, value: str) -> Path:
    path = seeds_dir / CALAFAT
    text = path.read_text(encoding="utf-8")
    assert WRITTEN in text
    path.write_text(text.replace(WRITTEN, WRITTEN.replace("value: 2", f"value: {value}")), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["99999999999.9999", "1234567890.1234", "0.0001", "12345678901.5"])
def test_an_indicator_value_reads_back_exactly_as_written(
    engine: Engine, seeds_dir: Path, value: str
) -> None:
    migrate.upgrade(engine)
    load_paths(engine, [_with_value(seeds_dir, value)])
    with engine.connect() as connection:
        (record,) = [
            r for r in iter_records(connection) if r["slug"] == "primaria-calafat-management-calitate"
        ]
    values = [i["value"] for o in record["objectives"] for i in o["indicators"]]
    assert Decimal(value) in values


@pytest.mark.parametrize("value", ["100000000000", "99999999999999.9999", "1234567890123.4567"])
def test_an_indicator_value_the_archive_cannot_keep_exactly_is_refused(
    engine: Engine, seeds_dir: Path, value: str
) -> None:
    migrate.upgrade(engine)
    with pytest.raises(LoadError) as refused:
        load_paths(engine, [_with_value(seeds_dir, value)])
    assert "too large" in str(refused.value)
