"""``to_json`` writes through the json module's C encoder when it can; the text is
the same, byte for byte, as the tree walk that writes everything else."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from eufunds.jsontext import _walk, to_json
from eufunds.read.records import iter_records

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=False),
    st.dates(),
    st.datetimes(),
    # NULs and the text of their escape are what the decimals' marks are made of.
    st.text(alphabet=st.sampled_from(["\x00", "\\", "u", "0", '"', "\n", "\t", "ș", "\u2028", "a", "1"])),
    st.text(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(
            st.one_of(st.text(max_size=4), st.integers(), st.booleans(), st.none()), inner, max_size=4
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(value=_values, indent=st.sampled_from([None, 2]))
def test_to_json_writes_any_value_as_the_tree_walk_does(value: Any, indent: int | None) -> None:
    assert to_json(value, indent=indent) == _walk(value, indent, 0)


@pytest.mark.parametrize(
    "value",
    [
        {"amount": Decimal("624995.52"), "note": "\x00624995.52\x00"},
        {"amount": Decimal("1"), "note": '\\u0000"'},
        [Decimal("-0.00"), Decimal("1E+2"), Decimal("NaN"), float("nan"), float("inf")],
        {True: 1, None: 2, 1.5: 3},
        {"published": dt.date(2020, 1, 2), "at": dt.datetime(2020, 1, 2, 3, 4, 5)},
    ],
)
def test_to_json_writes_awkward_values_as_the_tree_walk_does(value: Any) -> None:
    for indent in (None, 2):
        assert to_json(value, indent=indent) == _walk(value, indent, 0)


def test_to_json_writes_exact_decimals_as_json_numbers() -> None:
    assert to_json({"a": Decimal("0.10"), "b": [Decimal("100")]}) == '{"a": 0.10, "b": [100]}'
    assert json.loads(to_json({"a": Decimal("0.1")}), parse_float=Decimal) == {"a": Decimal("0.1")}


def test_every_record_of_the_archive_is_written_as_the_tree_walk_does(loaded_engine: Engine) -> None:
    with loaded_engine.connect() as connection:
        records = list(iter_records(connection))
    assert records
    for record in records:
        assert to_json(record) == _walk(record, None, 0)
        assert to_json(record, indent=2) == _walk(record, 2, 0)
