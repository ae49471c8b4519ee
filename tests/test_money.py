"""Money and shares are exact: decimals to integer minor units and back lose nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eufunds.numbers import (
    MoneyError,
    basis_points_to_share,
    format_minor_units,
    from_minor_units,
    minor_to_plain_decimal,
    parse_decimal,
    share_to_basis_points,
    to_minor_units,
)
from eufunds.seed.format import parse_yaml

amounts = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2)


@given(amounts)
def test_amount_to_minor_units_and_back_is_exact(amount: Decimal) -> None:
    assert from_minor_units(to_minor_units(amount)) == amount
    assert minor_to_plain_decimal(to_minor_units(amount)) == amount


@given(amounts)
def test_yaml_number_reads_as_the_exact_decimal_written(amount: Decimal) -> None:
    data, _ = parse_yaml(f"total_value: {amount}\n")
    assert data["total_value"] == amount and isinstance(data["total_value"], Decimal)


@given(st.integers(min_value=0, max_value=10**13))
def test_formatted_minor_units_parse_back(minor: int) -> None:
    assert to_minor_units(parse_decimal(format_minor_units(minor))) == minor


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_share_to_basis_points_and_back_is_exact(share: Decimal) -> None:
    assert basis_points_to_share(share_to_basis_points(share)) == share


def test_more_than_two_decimals_is_refused_rather_than_rounded() -> None:
    with pytest.raises(MoneyError):
        to_minor_units(Decimal("1.005"))


def test_binary_float_is_refused() -> None:
    with pytest.raises(MoneyError):
        parse_decimal(0.1)


def test_seed_amount_example_is_624995_lei_52_bani() -> None:
    assert to_minor_units(parse_decimal("624995.52")) == 62499552
