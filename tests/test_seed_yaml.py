"""Seed YAML reads as PyYAML's safe loader reads it, with a line for every field.

The seed reader walks libyaml's events itself (to know each field's line and to
refuse anchors, tags and repeated keys); these pin it to ``yaml.safe_load`` on
everything a seed may hold, numbers excepted: those become exact Decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from eufunds.seed.format import NumberLike, parse_yaml

_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_scalars = (
    _words
    | st.sampled_from(["null", "~", "yes", "No", "on", "OFF", "true", "2020-01-31", "0x1F", "1_000", "", "-"])
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.booleans()
    | st.none()
    | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_words, inner, max_size=4),
    max_leaves=25,
)


def _without_floats(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_without_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(_without_floats(v) for v in value)
    return not isinstance(value, float)


@given(_documents, st.booleans())
def test_a_document_reads_as_safe_load_reads_it(document: Any, flow: bool) -> None:
    text = yaml.safe_dump({"root": document}, allow_unicode=True, default_flow_style=flow)
    expected = yaml.safe_load(text)
    if not _without_floats(expected):
        return  # a plain word such as ".5" that safe_load reads as a float: below
    assert parse_yaml(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: 1.50\n", Decimal("1.50")),
        ("a: '1.50'\n", "1.50"),
        # "!" is YAML's non-specific tag, which makes a scalar a string (YAML
        # 1.1 §6.9.1; PyYAML's safe_load resolves it as if plain): the way to
        # keep a code such as ! 0474 as written
        ("a: ! 1.50\n", "1.50"),
        ('a: ! "1.50"\n', "1.50"),
        ("a: ! 0474\n", "0474"),
        # YAML 1.1 number forms that are not plain decimals stay the text they are
        ("a: 0474\n", NumberLike("0474")),
        ("a: 1:30\n", NumberLike("1:30")),
        ("a: !!str 1.50\n", "1.50"),
        ("a: null\n", None),
        ("a: 'null'\n", "null"),
        ("a: 2021-07-13\n", dt.date(2021, 7, 13)),
    ],
)
def test_a_scalar_means_what_its_quoting_and_tag_say(text: str, value: Any) -> None:
    assert parse_yaml(text)[0] == {"a": value}
    assert type(parse_yaml(text)[0]["a"]) is type(value)


def test_a_plain_scalar_means_the_same_whether_or_not_it_was_read_before() -> None:
    # Plain scalars' tags are remembered across documents: a quoted one seen
    # first must not teach the reader that the plain one is text.
    assert parse_yaml("a: '7.25'\nb: 'yes'\n")[0] == {"a": "7.25", "b": "yes"}
    assert parse_yaml("a: 7.25\nb: yes\n")[0] == {"a": Decimal("7.25"), "b": True}
    assert parse_yaml("a: '7.25'\nb: 'yes'\n")[0] == {"a": "7.25", "b": "yes"}


def test_every_field_has_the_line_of_its_value() -> None:
    text = "slug: x\ncodes:\n  sipoca: '1'\nfunds:\n  - FSE\n  - FEDR\nnotes: >\n  text\n"
    _, lines = parse_yaml(text)
    assert dict(lines) == {
        "": 1, "slug": 1, "codes": 3, "codes.sipoca": 3, "funds": 5, "funds[0]": 5, "funds[1]": 6, "notes": 7,
    }  # fmt: skip
