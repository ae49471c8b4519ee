"""The seed format: reading a seed YAML file safely and validating it into a record.

A *record* is the canonical form of one seed: a plain dict with every key of the
format present, in the documented order, money and percentages as ``Decimal``,
dates as ``datetime.date``. Everything downstream (loader, exporters, the
extractor's drafts) speaks records. Errors name the file, the line and the field
path (``funding[1].amount``) of the problem; see ``docs/seed-format.md``.

YAML is read event by event rather than with ``yaml.load``: no tag can build an
object, anchors and aliases are refused before they can multiply, nesting depth
and file size are bounded, repeated keys are errors, and every value keeps the
line it came from.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.resolver import Resolver

from ..coding.cui import parse_cui
from ..errors import SeedError
from ..numbers import MoneyError, is_plain_decimal, parse_decimal, shortest_decimal
from ..record import EvidenceQuote, SeedRecord
from ..reference import (
    CURRENCY_CODES,
    DOCUMENT_KINDS,
    EU_FUND_CODES,
    FUNDING_SOURCE_CODES,
    INDICATOR_KINDS,
    OBJECTIVE_KINDS,
    PROGRAMME_CODES,
    PROJECT_STATUSES,
    RESULT_LEVELS,
)
from .join import RESTATABLE, JoinError, join_release, restated_text

# libyaml's parser is several times faster; the pure one reads the same events.
# Only events are used, so no constructor of either loader ever runs.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits that keep an untrusted file from costing unbounded time or memory.
MAX_SEED_BYTES = 1_000_000
MAX_SOURCE_BYTES = 5_000_000
MAX_DEPTH = 32
# Bounds on numbers, so that a validated seed always fits the archive's columns
# (money as 64-bit minor units, counts as 32-bit integers, indicator values as
# NUMERIC(18, 4)) and no Decimal operation overflows its 28-digit context.
MAX_AMOUNT = Decimal("1e15")  # exclusive: 999 999 999 999 999.99 is the largest amount
MAX_COUNT = 2**31 - 1
# Exclusive. Indicator values travel as binary floats on both backends (see
# models.IndicatorValue); a double keeps any 15 significant digits exactly, and
# 11 whole digits plus 4 decimals are 15 — beyond that a value would come back
# altered (99999999999999.9999 as 100000000000000), so it is refused instead.
MAX_QUANTITY = Decimal("1e11")

_STR = "tag:yaml.org,2002:str"
_ALLOWED_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_ALLOWED_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class SeedProblem:
    """One problem in one seed file, at a line, in a field."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class _Invalid(Exception):
    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(message)


# --------------------------------------------------------------------------- YAML


class _Lines(dict[str, int]):
    """Field path → 1-based line of its value (or of its key, for ``path:key``)."""

    def line_of(self, path: str) -> int | None:
        while True:
            if path in self:
                return self[path]
            if not path:
                return None
            path = _parent_path(path)


def _parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _child_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


_resolver = Resolver()
_constructor = SafeConstructor()
# Tags of plain (unquoted, untagged) scalars already resolved: keys and short
# values such as ``null`` or ``RON`` repeat in every seed, and the resolver
# tries its regular expressions on each. Bounded, so odd files cannot grow it.
_plain_tags: dict[str, str] = {}
_PLAIN_TAGS_MAX = 4096
_PLAIN_CACHED_LENGTH = 64


def _implicit_tag(event: yaml.ScalarEvent) -> str:
    """The resolver's tag for an untagged (or ``!``) scalar, remembered for short plain ones."""
    if not event.implicit[0]:
        return _STR  # quoted: the resolver tries no pattern on it
    value = event.value
    tag = _plain_tags.get(value)
    if tag is None:
        tag = _resolver.resolve(yaml.ScalarNode, value, event.implicit)
        if len(value) <= _PLAIN_CACHED_LENGTH and len(_plain_tags) < _PLAIN_TAGS_MAX:
            _plain_tags[value] = tag
    return tag


class NumberLike(str):
    """A plain scalar YAML 1.1 would read as a number although it is not written
    as a plain decimal one (``0474``, ``0x1F``, ``1:30``, ``1_000``, ``.inf``):
    kept as the text it is, so a code or a phone number stays as written, while
    money and counts refuse it (they take plain decimals only)."""


def _plain_number(text: str, *, whole: bool) -> int | Decimal | None:
    if not is_plain_decimal(text, whole=whole):
        return None
    if whole:
        return int(text)
    try:
        # Read the digits as written: a binary float would already be inexact.
        return parse_decimal(text)
    except MoneyError:
        return None


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


def _scalar_value(event: yaml.ScalarEvent, path: str) -> Any:
    tag = event.tag
    if tag == "!":
        return event.value  # the non-specific tag on a scalar: a string, as YAML says
    if tag is None:
        tag = _implicit_tag(event)
    if tag == _STR:
        return event.value
    if tag not in _ALLOWED_SCALAR_TAGS:
        raise _Invalid(path, f"YAML tag {tag!r} is not allowed in a seed")
    if tag in (_INT, _FLOAT):
        number = _plain_number(event.value, whole=tag == _INT)
        # A number is one only if it reads back as written: "-0", "+5" or
        # "1.0e+3" would come back as other text in a code or a phone field.
        if number is None or str(number) != event.value:
            if event.tag is None:
                return NumberLike(event.value)
            raise _Invalid(path, f"{event.value!r} is not a plain decimal number")
        return number
    # libyaml's events carry its own Mark class, which the stubs do not accept
    # for a node; the node only keeps its marks for the constructor's messages.
    start, end = cast("Mark | None", event.start_mark), cast("Mark | None", event.end_mark)
    node = yaml.ScalarNode(tag, event.value, start, end)
    try:
        return _constructor.construct_object(node, deep=True)
    except (ConstructorError, ValueError) as exc:
        kind = {"timestamp": "date (YYYY-MM-DD)"}.get(tag.rsplit(":", 1)[-1], tag.rsplit(":", 1)[-1])
        raise _Invalid(path, f"{event.value!r} is not a valid {kind}") from exc
    finally:
        # The constructor remembers every node it built (for anchors); ours is
        # shared by every seed a process reads, so without this a worker grows
        # by a few KB per seed for as long as it lives.
        _constructor.constructed_objects.clear()


_Scalar = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_MappingEnd = yaml.MappingEndEvent
_SequenceStart = yaml.SequenceStartEvent
_SequenceEnd = yaml.SequenceEndEvent
_FRAMING = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)


def parse_yaml(text: str, lines: _Lines | None = None) -> tuple[Any, _Lines]:
    """Parse one YAML document into plain data and the line of every field path.

    Raises ``_Invalid`` (with a path) or ``yaml.YAMLError`` (with a mark); ``lines``
    (filled as parsing goes) then tells where the problem is.
    """
    lines = _Lines() if lines is None else lines
    # Each frame: [container, path, pending mapping key or None, is a mapping]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    loader = _Loader(text)
    try:
        # get_event gives None after the stream's end; calling it directly saves
        # yaml.parse's generator and check_event, a tenth of a seed's parsing.
        for event in iter(loader.get_event, None):
            kind = type(event)
            if stack:
                frame = stack[-1]
                if frame[3]:
                    if frame[2] is None:  # expecting a key
                        if kind is _MappingEnd:
                            stack.pop()
                            continue
                        if kind is not _Scalar:
                            line = event.start_mark.line + 1
                            raise _Invalid(frame[1], f"line {line}: a mapping key must be plain text")
                        key = _scalar_value(event, frame[1])
                        if not isinstance(key, str):
                            key = str(key)
                        if key in frame[0]:
                            where = _child_path(frame[1], key)
                            first = lines.get(where)
                            lines[where] = event.start_mark.line + 1  # the error points at the repeat
                            raise _Invalid(where, f"key repeated in one mapping (first at line {first})")
                        frame[2] = key
                        continue
                    path = _child_path(frame[1], frame[2])
                else:
                    if kind is _SequenceEnd:
                        stack.pop()
                        continue
                    path = _child_path(frame[1], len(frame[0]))
            else:
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise _Invalid("", "a seed holds one YAML document; found a second '---'")
                    continue
                if (
                    kind is yaml.StreamStartEvent
                    or kind is yaml.StreamEndEvent
                    or kind is yaml.DocumentEndEvent
                ):
                    continue
                path = ""
            lines[path] = event.start_mark.line + 1
            if kind is yaml.AliasEvent or getattr(event, "anchor", None):
                raise _Invalid(path, "YAML anchors and aliases are not allowed in a seed")
            if kind is _Scalar:
                value: Any = _scalar_value(event, path)
            elif kind is _MappingStart or kind is _SequenceStart:
                if event.tag is not None and event.tag not in _ALLOWED_COLLECTION_TAGS and event.tag != "!":
                    raise _Invalid(path, f"YAML tag {event.tag!r} is not allowed in a seed")
                if len(stack) >= MAX_DEPTH:
                    raise _Invalid(path, f"nested deeper than {MAX_DEPTH} levels")
                value = {} if kind is _MappingStart else []
            else:  # pragma: no cover - the parser emits no other events here
                raise _Invalid(path, f"unexpected YAML event {kind.__name__}")
            if stack:
                frame = stack[-1]
                if frame[3]:
                    frame[0][frame[2]] = value
                    frame[2] = None
                else:
                    frame[0].append(value)
            else:
                root = value
            if kind is not _Scalar:
                stack.append([value, path, None, kind is _MappingStart])
    finally:
        loader.dispose()
    return root, lines


def plain_scalar(text: str) -> Any:
    """What a plain (unquoted, untagged) scalar ``text`` of a seed file reads as:
    text, a number, a date, true/false or null, as ``parse_yaml`` reads it.
    Raises ``SeedError`` where ``parse_yaml`` would refuse it (``2020-02-30``)."""
    try:
        return _scalar_value(yaml.ScalarEvent(None, None, (True, False), text), "")
    except _Invalid as exc:
        raise SeedError([SeedProblem("", None, None, exc.message)]) from None


def decode_seed_bytes(data: bytes) -> str:
    """Seed files are UTF-8; a byte-order mark is accepted and dropped."""
    return data.decode("utf-8-sig")


# --------------------------------------------------------------------------- validation

Validator = Callable[[Any, str], Any]

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\Z")


def _text(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _Invalid(path, f"must be text, not {_describe(value)}")
    text = str(value)
    if not text.strip():
        raise _Invalid(path, "must not be empty (use null when the source says nothing)")
    return text


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, int | Decimal):
        return "a number"
    if isinstance(value, str):
        return f"the text {value!r}"
    return type(value).__name__


def _short(validator: Validator, limit: int) -> Validator:
    """Bound a short code to its column's width, so PostgreSQL (which enforces
    VARCHAR lengths, unlike SQLite) never meets a value it refuses."""

    def check(value: Any, path: str) -> Any:
        result = validator(value, path)
        if isinstance(result, str) and len(result) > limit:
            raise _Invalid(path, f"is {len(result)} characters long; at most {limit} are allowed")
        return result

    return check


def _slug(value: Any, path: str) -> str:
    text = _text(value, path)
    if len(text) > 200:
        raise _Invalid(path, f"is {len(text)} characters long; at most 200 are allowed")
    if not _SLUG.match(text):
        raise _Invalid(path, f"{text!r} is not a slug (lowercase letters, digits and single hyphens)")
    if text.isdigit():
        # `show 474` looks a project up by slug or by SIPOCA/MySMIS code: a slug
        # of digits alone could hide another project's code.
        raise _Invalid(path, f"{text!r} is digits alone, which reads as a project code; add a word")
    return text


def _digits(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Invalid(path, f"must be a code of digits, not {_describe(value)}")
    text = str(value).strip()
    if not _DIGITS.match(text):
        raise _Invalid(path, f"{text!r} is not a code of digits")
    if len(text) > 32:
        raise _Invalid(path, f"is {len(text)} digits long; at most 32 are allowed")
    return text


def _choice(codes: tuple[str, ...]) -> Validator:
    def check(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in codes:
            shown = value if isinstance(value, str) else _describe(value)
            hint = difflib.get_close_matches(str(value), codes, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise _Invalid(path, f"unknown code {shown!r}{suggestion}; expected one of: {', '.join(codes)}")
        return value

    return check


def _non_negative_decimal(limit: Decimal, places: int, what: str) -> Validator:
    """A validator of exact, non-negative numbers below ``limit`` with at most
    ``places`` decimals, given back in their shortest form."""
    step = Decimal(1).scaleb(-places)

    def check(value: Any, path: str) -> Decimal:
        try:
            number = parse_decimal(value)
        except MoneyError as exc:
            raise _Invalid(path, f"{exc}") from None
        if number < 0:
            raise _Invalid(path, f"must not be negative ({number})")
        if number >= limit:
            raise _Invalid(path, f"{number} is too large (the limit is {limit:,.0f})")
        if number != number.quantize(step):
            raise _Invalid(path, f"{number} has more than {what} decimals")
        return shortest_decimal(number)

    return check


_money = _non_negative_decimal(MAX_AMOUNT, 2, "two")
_quantity = _non_negative_decimal(MAX_QUANTITY, 4, "four")


def _percent(value: Any, path: str) -> Decimal:
    share = _money(value, path)
    if share > 100:
        raise _Invalid(path, f"a share must be between 0 and 100, not {share}")
    return share


def _count(value: Any, path: str) -> int:
    if isinstance(value, NumberLike):
        raise _Invalid(
            path,
            f"{str(value)!r} is not a plain whole number"
            " (no leading zeros, underscores, octal, hexadecimal or h:m:s forms)",
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(path, f"must be a whole number, not {_describe(value)}")
    if value < 0:
        raise _Invalid(path, f"must not be negative ({value})")
    if value > MAX_COUNT:
        raise _Invalid(path, f"{value} is too large (the limit is {MAX_COUNT})")
    return value


def _date(value: Any, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Invalid(path, "must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Invalid(path, f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)")


def _email(value: Any, path: str) -> str:
    text = _text(value, path)
    if not _EMAIL.match(text.strip()):
        raise _Invalid(path, f"{text!r} is not an e-mail address")
    return text


def _nullable(validator: Validator) -> Validator:
    def check(value: Any, path: str) -> Any:
        return None if value is None else validator(value, path)

    return check


def _list_of(validator: Validator) -> Validator:
    def check(value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _Invalid(path, f"must be a list, not {_describe(value)}")
        return [validator(item, _child_path(path, i)) for i, item in enumerate(value)]

    return check


def _figure(value: Any, path: str) -> str:
    """A restated figure, kept as the text the seed format writes it in."""
    if isinstance(value, dict | list) or value is None or isinstance(value, bool):
        raise _Invalid(path, f"must be a figure, not {_describe(value)}")
    return restated_text(value)


_RESTATABLE_FUNDING = re.compile(r"funding\[\d+\]\.(?:amount|share_pct)")


def _cui(value: Any, path: str) -> str:
    """A fiscal code whose control digit holds, kept as digits with the ``RO``
    the seed wrote (spaces, dots and a label dropped)."""
    written = _text(value, path)
    cui = parse_cui(written)
    if not cui.valid:
        raise _Invalid(path, f"{written!r} is not a valid CUI: {cui.reason}")
    return ("RO" if cui.vat_prefix else "") + cui.digits


@dataclass(frozen=True)
class _Key:
    validator: Validator
    required: bool = False
    default: Any = None


def _mapping(keys: dict[str, _Key], *, nullable: bool = False) -> Validator:
    def check(value: Any, path: str) -> dict[str, Any] | None:
        if value is None and nullable:
            return None
        if not isinstance(value, dict):
            raise _Invalid(path, f"must be a mapping, not {_describe(value)}")
        for key in value:
            if key not in keys:
                hint = difflib.get_close_matches(key, list(keys), n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise _Invalid(_child_path(path, key), f"unknown key{suggestion}")
        result: dict[str, Any] = {}
        for key, spec in keys.items():
            child = _child_path(path, key)
            if key not in value or (value[key] is None and (spec.required or spec.default)):
                if spec.required:
                    raise _Invalid(child, "is required")
                result[key] = spec.default() if callable(spec.default) else spec.default
                continue
            result[key] = spec.validator(value[key], child)
        return result

    return check


_INDICATOR = _mapping(
    {
        "value": _Key(_quantity, required=True),
        "unit": _Key(_text, required=True),
        "what": _Key(_nullable(_text)),
        "kind": _Key(_nullable(_choice(INDICATOR_KINDS))),
        "topics": _Key(_list_of(_text), default=list),
    }
)

_SEED = _mapping(
    {
        "slug": _Key(_slug, required=True),
        "title": _Key(_text, required=True),
        "acronym": _Key(_nullable(_text)),
        "codes": _Key(
            _mapping({"sipoca": _Key(_nullable(_digits)), "mysmis": _Key(_nullable(_digits))}),
            default=lambda: {"sipoca": None, "mysmis": None},
        ),
        "status": _Key(_choice(PROJECT_STATUSES), required=True),
        "beneficiary": _Key(
            _mapping(
                {
                    "name": _Key(_text, required=True),
                    "acting_through": _Key(_nullable(_text)),
                    "cui": _Key(_nullable(_cui)),
                }
            ),
            required=True,
        ),
        "partners": _Key(
            _list_of(_mapping({"name": _Key(_text, required=True), "role": _Key(_nullable(_text))})),
            default=list,
        ),
        "contacts": _Key(
            _list_of(
                _mapping(
                    {
                        "name": _Key(_text, required=True),
                        "position": _Key(_nullable(_text)),
                        "organisation": _Key(_nullable(_text)),
                        "phone": _Key(_nullable(_text)),
                        "fax": _Key(_nullable(_text)),
                        "email": _Key(_nullable(_email)),
                    }
                )
            ),
            default=list,
        ),
        "programme": _Key(
            _mapping({"code": _Key(_choice(PROGRAMME_CODES), required=True), "name": _Key(_nullable(_text))}),
            required=True,
        ),
        "priority_axis": _Key(
            _mapping(
                {"number": _Key(_short(_text, 16), required=True), "title": _Key(_nullable(_text))},
                nullable=True,
            )
        ),
        "specific_objective": _Key(
            _mapping(
                {"code": _Key(_short(_text, 16), required=True), "title": _Key(_nullable(_text))},
                nullable=True,
            )
        ),
        "funds": _Key(_list_of(_choice(EU_FUND_CODES)), default=list),
        "currency": _Key(_nullable(_choice(CURRENCY_CODES))),
        "total_value": _Key(_nullable(_money)),
        "eligible_value": _Key(_nullable(_money)),
        "funding": _Key(
            _list_of(
                _mapping(
                    {
                        "source": _Key(_choice(FUNDING_SOURCE_CODES), required=True),
                        "amount": _Key(_nullable(_money)),
                        "share_pct": _Key(_nullable(_percent)),
                        "description": _Key(_nullable(_text)),
                        "contributor": _Key(_nullable(_text)),
                    }
                )
            ),
            default=list,
        ),
        "start_date": _Key(_nullable(_date)),
        "end_date": _Key(_nullable(_date)),
        "duration_months": _Key(_nullable(_count)),
        "target_group": _Key(
            _mapping({"size": _Key(_nullable(_count)), "description": _Key(_nullable(_text))}),
            default=lambda: {"size": None, "description": None},
        ),
        "location": _Key(_nullable(_text)),
        "objectives": _Key(
            _list_of(
                _mapping(
                    {
                        "kind": _Key(_choice(OBJECTIVE_KINDS), required=True),
                        "code": _Key(_nullable(_short(_text, 32))),
                        "text": _Key(_text, required=True),
                        "achieved": _Key(_nullable(_text)),
                        "indicators": _Key(_list_of(_INDICATOR), default=list),
                    }
                )
            ),
            default=list,
        ),
        "results": _Key(
            _list_of(
                _mapping(
                    {
                        "level": _Key(_choice(RESULT_LEVELS), required=True),
                        "code": _Key(_nullable(_short(_text, 32))),
                        "text": _Key(_text, required=True),
                        "serves": _Key(_nullable(_short(_text, 32))),
                        "indicators": _Key(_list_of(_INDICATOR), default=list),
                    }
                )
            ),
            default=list,
        ),
        "sources": _Key(
            _list_of(
                _mapping(
                    {
                        "file": _Key(_text, required=True),
                        "kind": _Key(_choice(DOCUMENT_KINDS), required=True),
                        "published": _Key(_nullable(_date)),
                        "publisher": _Key(_nullable(_text)),
                        "issuer": _Key(_nullable(_text)),
                        "title": _Key(_nullable(_text)),
                    }
                )
            ),
            default=list,
        ),
        "restated": _Key(
            _list_of(
                _mapping(
                    {
                        "source": _Key(_text, required=True),
                        "field": _Key(_text, required=True),
                        "value": _Key(_figure, required=True),
                    }
                )
            ),
            default=list,
        ),
        "joins": _Key(_nullable(_slug)),
        "releases": _Key(_list_of(_text), default=list),
        "evidence": _Key(lambda v, p: _evidence_shape(v, p), default=dict),
        "notes": _Key(_nullable(_text)),
    }
)

SEED_KEYS: tuple[str, ...] = (
    "slug", "title", "acronym", "codes", "status", "beneficiary", "partners", "contacts",
    "programme", "priority_axis", "specific_objective", "funds", "currency", "total_value",
    "eligible_value", "funding", "start_date", "end_date", "duration_months", "target_group",
    "location", "objectives", "results", "sources", "restated", "joins", "releases", "evidence", "notes",
)  # fmt: skip


def _evidence_shape(value: Any, path: str) -> dict[str, list[EvidenceQuote]]:
    """``field: quote`` | ``field: [quote, …]`` | ``field: {file, quote}`` → lists of {file, quote}."""
    if not isinstance(value, dict):
        raise _Invalid(path, f"must be a mapping of field → quote, not {_describe(value)}")
    shaped: dict[str, list[EvidenceQuote]] = {}
    for fld, quotes in value.items():
        child = _child_path(path, fld)
        items = quotes if isinstance(quotes, list) else [quotes]
        shaped[fld] = []
        for i, item in enumerate(items):
            item_path = _child_path(child, i) if isinstance(quotes, list) else child
            if isinstance(item, dict):
                checked = _mapping({"file": _Key(_text), "quote": _Key(_text, required=True)})(
                    item, item_path
                )
                assert checked is not None
                shaped[fld].append({"file": checked["file"], "quote": checked["quote"]})
            else:
                shaped[fld].append({"file": None, "quote": _text(item, item_path)})
    return dict(sorted(shaped.items()))


def validate_record(data: Any) -> SeedRecord:
    """Validate parsed seed data into a canonical record (raises ``_Invalid``)."""
    if data is None:
        raise _Invalid("", "the seed is empty")
    checked = _SEED(data, "")
    assert checked is not None
    # The validators above build the record key by key, so the type checker
    # cannot follow them; tests/test_record_types.py holds them to SeedRecord.
    record = cast(SeedRecord, checked)
    if record["currency"] is None and states_money(record):
        record["currency"] = DEFAULT_CURRENCY
    _check_relations(record)
    return record


# The currency of a seed that gives amounts but names none, as it has been since
# the first seed; a seed that gives no amount has no currency (null), since
# nothing in its release says one.
DEFAULT_CURRENCY = "RON"


def states_money(record: Mapping[str, Any]) -> bool:
    """Whether a record gives any amount: a total, an eligible value or a funding amount."""
    if record.get("total_value") is not None or record.get("eligible_value") is not None:
        return True
    return any(isinstance(f, Mapping) and f.get("amount") is not None for f in record.get("funding") or ())


def _check_relations(record: SeedRecord) -> None:
    start, end = record["start_date"], record["end_date"]
    if start and end and end < start:
        raise _Invalid("end_date", f"{end} is before start_date {start}")
    programme_codes = {
        r["code"] for r in record["results"] if r["level"] == "programme" and r["code"] is not None
    }
    for i, result in enumerate(record["results"]):
        if result["serves"] is None:
            continue
        if result["level"] != "project":
            raise _Invalid(f"results[{i}].serves", "only a project-level result serves another")
        if result["serves"] not in programme_codes:
            raise _Invalid(
                f"results[{i}].serves",
                f"no programme-level result with code {result['serves']!r} in this seed",
            )
    seen: dict[str, int] = {}
    for i, fund in enumerate(record["funds"]):
        if fund in seen:
            raise _Invalid(f"funds[{i}]", f"{fund} is listed twice")
        seen[fund] = i
    files = [s["file"] for s in record["sources"]]
    for i, name in enumerate(files):
        if name in files[:i]:
            raise _Invalid(f"sources[{i}].file", f"{name} is listed twice")
    for i, restated in enumerate(record["restated"]):
        if restated["source"] not in files:
            raise _Invalid(
                f"restated[{i}].source", f"{restated['source']!r} is not one of this seed's sources"
            )
        if restated["field"] not in RESTATABLE and not _RESTATABLE_FUNDING.fullmatch(restated["field"]):
            raise _Invalid(
                f"restated[{i}].field", f"{restated['field']!r} is not a figure a release restates"
            )
    if record["joins"] is not None and record["joins"] == record["slug"]:
        raise _Invalid("joins", "a seed cannot join itself")
    for fld in record["evidence"]:
        if _lookup(record, fld) is _MISSING:
            raise _Invalid(f"evidence.{fld}", "names no field of this seed")


_MISSING = object()
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# A whole field path: names joined by dots, list positions in brackets. Anything
# else ("", "title.", "a..b") names no field, whatever the parts would find.
_FIELD_PATH = re.compile(r"[A-Za-z_]+(?:\.[A-Za-z_]+|\[\d+\])*")


def _lookup(record: SeedRecord, path: str) -> Any:
    if not _FIELD_PATH.fullmatch(path):
        return _MISSING
    node: Any = record
    for name, index in _PATH_PART.findall(path):
        if name:
            if not isinstance(node, dict) or name not in node:
                return _MISSING
            node = node[name]
        else:
            i = int(index)
            if not isinstance(node, list) or i >= len(node):
                return _MISSING
            node = node[i]
    return node


# --------------------------------------------------------------------------- files


@dataclass
class SourceText:
    """A source release named by a seed, read and hashed."""

    file: str  # as named in the seed, relative to the seed's folder
    path: Path
    text: str
    sha256: str


@dataclass
class Seed:
    """A validated seed file: its record, where it came from, and its source texts."""

    path: Path
    label: str  # the file as shown in messages
    name: str  # the file's stable name, stored in the archive (projects.seed_file)
    record: SeedRecord
    lines: dict[str, int]
    sources: list[SourceText] = field(default_factory=list)
    evidence_spans: list[EvidenceSpan] = field(default_factory=list)
    releases: list[Path] = field(default_factory=list)  # the further releases joined in
    _fingerprint: tuple[tuple[str, int], str] | None = field(default=None, repr=False, compare=False)

    @property
    def slug(self) -> str:
        return self.record["slug"]

    def line_of(self, path: str) -> int | None:
        return _Lines(self.lines).line_of(path)

    def as_read_from(self, path: Path) -> Seed:
        """This seed as ``read_seed(path)`` reads it, when ``path`` holds the YAML
        this seed was read from and the folder beside it the same source files
        (a draft checked in a scratch folder, then written where it belongs)."""
        folder = path.parent.resolve()
        sources = [replace(source, path=(folder / source.file).resolve()) for source in self.sources]
        return replace(self, path=path, label=str(path), name=path.name, sources=sources)

    def fingerprint(self) -> str:
        """Changes whenever the record, a source text or the seed's file name changes.

        Computed once (a load asks several times, and it serialises the whole
        record); a validated seed is not edited afterwards.
        """
        key = (self.name, len(self.sources))
        if self._fingerprint is None or self._fingerprint[0] != key:
            digest = hashlib.sha256()
            digest.update(canonical_json(self.record).encode())
            digest.update(self.name.encode())
            for source in self.sources:
                digest.update(source.sha256.encode())
            self._fingerprint = (key, digest.hexdigest())
        return self._fingerprint[1]


@dataclass(frozen=True)
class EvidenceSpan:
    field: str
    ordinal: int
    source_index: int
    quote: str
    line: int
    char_start: int
    char_end: int


def canonical_json(record: SeedRecord) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)


def decode_source_bytes(data: bytes) -> str:
    """Source releases are kept as the text a reader sees: UTF-8 (with or without a
    byte-order mark) or, for files saved by older Windows editors, a legacy
    Central-European encoding."""
    try:
        from ..text import decode_release  # the extractor's encoding detection
    except ImportError:  # pragma: no cover - only before the extractor existed
        return data.decode("utf-8-sig")
    return decode_release(data)


def read_seed(path: Path, *, name: str | None = None, label: str | None = None) -> Seed:
    """Read, validate and resolve one seed file; raises ``SeedError``."""
    label = label or str(path)
    return parse_seed_text(read_seed_text(path, label), path=path, label=label, name=name or path.name)


def read_seed_text(path: Path, label: str) -> str:
    """A seed file's text: a regular file, bounded, UTF-8; raises ``SeedError``."""
    try:
        status = path.stat()
        # A FIFO or device would block or never end: only regular files are read.
        if not stat.S_ISREG(status.st_mode):
            raise SeedError([SeedProblem(label, None, None, "not a regular file")])
        size = status.st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(
                [SeedProblem(label, None, None, f"file is {size} bytes; the limit is {MAX_SEED_BYTES}")]
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_SEED_BYTES + 1)  # bounded even if the file grows meanwhile
        if len(raw) > MAX_SEED_BYTES:
            grown = f"file grew past the limit of {MAX_SEED_BYTES} bytes while being read"
            raise SeedError([SeedProblem(label, None, None, grown)])
    except OSError as exc:
        raise SeedError([SeedProblem(label, None, None, f"cannot read: {exc.strerror}")]) from None
    try:
        text = decode_seed_bytes(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SeedError([SeedProblem(label, line, None, f"not valid UTF-8 (byte {exc.start})")]) from None
    return text


def parse_seed_text(text: str, *, path: Path, label: str, name: str | None = None) -> Seed:
    """Validate seed YAML ``text`` as if read from ``path`` (sources resolve beside it)."""
    lines = _Lines()
    try:
        data, _ = parse_yaml(text, lines)
        record = validate_record(data)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "maximum nesting depth" in str(exc.problem):
            # libyaml from 0.2.6 on stops at a thousand levels of its own, and
            # can get there (looking ahead in flow style) before our limit is
            # met: the same refusal, in the same words.
            message = f"nested deeper than {MAX_DEPTH} levels"
            raise SeedError([SeedProblem(label, line, None, message)]) from None
        raise SeedError([SeedProblem(label, line, None, f"malformed YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:
        # Raised before any mark exists (a control character, say). libyaml's
        # position counts UTF-8 bytes, not characters; the first such character
        # in the text is the one it stopped at, so find that to name the line.
        index = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line = text.count("\n", 0, index) + 1 if index >= 0 else None
        shown = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        problem = SeedProblem(label, line, None, f"character {shown} is not allowed in YAML")
        raise SeedError([problem]) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())  # one line per problem
        raise SeedError([SeedProblem(label, None, None, f"malformed YAML: {message}")]) from None
    except RecursionError:
        raise SeedError([SeedProblem(label, None, None, "YAML nested too deeply")]) from None
    except _Invalid as exc:
        line = lines.line_of(exc.path)
        raise SeedError([SeedProblem(label, line, exc.path or None, exc.message)]) from None
    return _resolved(Seed(path=path, label=label, name=name or path.name, record=record, lines=dict(lines)))


def seed_from_data(
    data: Any,
    lines: Mapping[str, int],
    *,
    path: Path,
    label: str,
    name: str | None = None,
    source_bytes: Mapping[str, bytes],
) -> Seed:
    """The seed ``parse_seed_text`` reads from a text whose YAML gives ``data``
    with each field's line in ``lines``, for a caller that has both in memory
    already (ingest, which writes the YAML itself): validated alike, its sources
    taken from ``source_bytes`` (file name → bytes) instead of from files.

    Raises ``SeedError`` — not always with the words reading the text would
    give — for any seed that is not valid, or that joins releases or names a
    source not in ``source_bytes``: the caller reads the text for those.
    """
    known = _Lines(lines)
    try:
        record = validate_record(data)
    except _Invalid as exc:
        problem = SeedProblem(label, known.line_of(exc.path), exc.path or None, exc.message)
        raise SeedError([problem]) from None
    except RecursionError:
        raise SeedError([SeedProblem(label, None, None, "YAML nested too deeply")]) from None
    seed = Seed(path=path, label=label, name=name or path.name, record=record, lines=dict(lines))
    if record["releases"]:
        raise _problem(seed, "releases", "releases are joined from their files")
    return _resolved(seed, source_bytes)


def _resolved(seed: Seed, source_bytes: Mapping[str, bytes] | None = None) -> Seed:
    _join_releases(seed)
    _read_sources(seed, source_bytes)
    _locate_evidence(seed)
    return seed


def _join_releases(seed: Seed) -> None:
    """Join each further release the seed lists under ``releases`` into its
    record (``eufunds.seed.join``); each must name this project under ``joins``."""
    if not seed.record["releases"]:
        return  # most seeds: no folder to resolve (a system call per part of its path)
    folder = seed.path.parent.resolve()
    for i, name in enumerate(seed.record["releases"]):
        where = f"releases[{i}]"
        candidate = Path(name)
        target = (folder / candidate).resolve()
        if candidate.is_absolute() or not target.is_relative_to(folder):
            raise _problem(seed, where, f"{name!r} must be a seed file inside this seed's folder")
        label = f"{seed.label} → {name}"
        release_lines = _Lines()
        try:
            data, _ = parse_yaml(read_seed_text(target, label), release_lines)
            release = validate_record(data)
        except _Invalid as exc:
            problem = SeedProblem(label, release_lines.line_of(exc.path), exc.path or None, exc.message)
            raise SeedError([problem]) from None
        except yaml.YAMLError as exc:
            raise _problem(
                seed, where, f"{name!r} is not a readable seed: {' '.join(str(exc).split())}"
            ) from None
        if release["joins"] != seed.slug:
            said = "names no project" if release["joins"] is None else f"names {release['joins']!r}"
            raise _problem(seed, where, f"{name!r} {said} under `joins`, not this project ({seed.slug!r})")
        if release["releases"]:
            raise _problem(seed, where, f"{name!r} lists releases of its own; only a project's seed does")
        subfolder = candidate.parent
        if subfolder != Path("."):
            # The release's sources lie beside it; the joined record names them from here.
            for source in release["sources"]:
                source["file"] = str(subfolder / source["file"])
            for quotes in release["evidence"].values():
                for quote in quotes:
                    if quote["file"] is not None:
                        quote["file"] = str(subfolder / quote["file"])
        try:
            seed.record = join_release(seed.record, release)
        except JoinError as exc:
            raise _problem(seed, where, f"{name!r} cannot join: {exc.path}: {exc.message}") from None
        seed.releases.append(target)


def _problem(seed: Seed, path: str, message: str) -> SeedError:
    return SeedError([SeedProblem(seed.label, seed.line_of(path), path, message)])


def _read_sources(seed: Seed, given: Mapping[str, bytes] | None = None) -> None:
    """Read each source the seed names; with ``given``, take the bytes from
    there instead, each under a plain file name (see ``seed_from_data``)."""
    folder = seed.path.parent.resolve()
    for i, source in enumerate(seed.record["sources"]):
        where = f"sources[{i}].file"
        name = source["file"]
        candidate = Path(name)
        if candidate.is_absolute() or ".." in candidate.parts:
            raise _problem(seed, where, f"{name!r} must be a path inside the seed's folder")
        try:
            if given is not None:
                target, data = _given_bytes(folder, candidate, given, seed, where, name)
            else:
                target, data = _source_bytes(folder, candidate, seed, where, name)
        except (OSError, ValueError, RuntimeError) as exc:
            # A name with a NUL or past the system's length, a symlink loop, a
            # file that vanished or cannot be read: said, never raised.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise _problem(seed, where, f"source file {name!r} cannot be read: {reason}") from None
        try:
            text = decode_source_bytes(data)
        except UnicodeDecodeError:
            raise _problem(seed, where, f"source file {name!r} is not readable text") from None
        if "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            message = f"source file {name!r} holds a NUL character (line {line}); a release text has none"
            raise _problem(seed, where, message)
        seed.sources.append(
            SourceText(file=name, path=target, text=text, sha256=hashlib.sha256(data).hexdigest())
        )


def _source_bytes(folder: Path, candidate: Path, seed: Seed, where: str, name: str) -> tuple[Path, bytes]:
    target = (folder / candidate).resolve()
    # resolve() follows symlinks, so a link pointing out of the folder is caught here.
    if not target.is_relative_to(folder):
        raise _problem(seed, where, f"{name!r} leads outside the seed's folder")
    if not target.is_file():
        raise _problem(seed, where, f"source file {name!r} does not exist")
    size = target.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise _problem(seed, where, f"source file is {size} bytes; the limit is {MAX_SOURCE_BYTES}")
    with target.open("rb") as handle:
        data = handle.read(MAX_SOURCE_BYTES + 1)  # bounded even if the file grows meanwhile
    if len(data) > MAX_SOURCE_BYTES:
        raise _problem(seed, where, f"source file grew past the limit of {MAX_SOURCE_BYTES} bytes while read")
    return target, data


def _given_bytes(
    folder: Path, candidate: Path, given: Mapping[str, bytes], seed: Seed, where: str, name: str
) -> tuple[Path, bytes]:
    data = given.get(name)
    if data is None or candidate.name != name or name in ("", ".") or "\x00" in name:
        raise _problem(seed, where, f"source file {name!r} is not among the texts given")
    if len(data) > MAX_SOURCE_BYTES:
        raise _problem(seed, where, f"source file is {len(data)} bytes; the limit is {MAX_SOURCE_BYTES}")
    return folder / candidate, data


def quote_pattern(quote: str) -> re.Pattern[str]:
    """Match a quote in a text whatever its whitespace (line breaks, runs of
    spaces, non-breaking spaces)."""
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words))


# Whitespace other than a lone ASCII space: the only places where collapsing
# every run to one space moves the text (a release has a few dozen of them).
# The runs of ``\s{2,}|[^\S ]``, written so that most characters fail at the
# first test: the pattern is tried at every character of every release, and
# this form takes half the time.
_IRREGULAR_SPACE = re.compile(r"[^\S ]\s*| \s+")


@functools.lru_cache(maxsize=16)
def _collapsed(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with each whitespace run made one space; and, for each run that
    changed, where it sits in the collapsed text and how far the original has
    moved ahead after it."""
    positions: list[int] = []
    shifts: list[int] = []
    pieces: list[str] = []
    shift = kept_from = 0
    # One scan gives the runs and the collapsed text (``sub`` would be a second).
    for match in _IRREGULAR_SPACE.finditer(text):
        start, end = match.span()
        pieces += (text[kept_from:start], " ")
        kept_from = end
        positions.append(start - shift)
        shift += end - start - 1
        shifts.append(shift)
    pieces.append(text[kept_from:])
    return "".join(pieces), positions, shifts


def _original_offset(positions: list[int], shifts: list[int], at: int) -> int:
    """Where offset ``at`` of the collapsed text is in the original."""
    before = bisect.bisect_left(positions, at)  # runs that end before ``at``
    return at + (shifts[before - 1] if before else 0)


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Span of the first match of ``quote_pattern(quote)`` in ``text``.

    Same answer as the regular expression, found with one ``str.find`` in the
    whitespace-collapsed text: compiling a pattern per quote cost most of a
    load's time (thirty quotes a seed overflow ``re``'s cache).
    """
    words = quote.split()
    if not words:
        return (0, 0)
    needle = " ".join(words)
    collapsed, positions, shifts = _collapsed(text)
    at = collapsed.find(needle)
    if at < 0:
        return None
    # A match starts and ends on a word, never inside a collapsed run.
    return _original_offset(positions, shifts, at), _original_offset(positions, shifts, at + len(needle))


def _locate_evidence(seed: Seed) -> None:
    files = [s.file for s in seed.sources]
    # A quote found once is found at the same place again: a draft quotes one
    # sentence for each of the values read from it.
    found: dict[tuple[int, str], tuple[int, int, int] | None] = {}
    for fld, quotes in seed.record["evidence"].items():
        for ordinal, item in enumerate(quotes):
            where = f"evidence.{fld}"
            if not seed.sources:
                raise _problem(seed, where, "evidence needs a source in `sources`")
            if item["file"] is not None:
                if item["file"] not in files:
                    raise _problem(seed, where, f"{item['file']!r} is not one of this seed's sources")
                candidates = [files.index(item["file"])]
            else:
                candidates = list(range(len(seed.sources)))
            for index in candidates:
                key = (index, item["quote"])
                if key in found:
                    where_found = found[key]
                else:
                    text = seed.sources[index].text
                    span = find_quote(text, item["quote"])
                    where_found = found[key] = (text.count("\n", 0, span[0]) + 1, *span) if span else None
                if where_found:
                    line, start, end = where_found
                    seed.evidence_spans.append(
                        EvidenceSpan(
                            field=fld,
                            ordinal=ordinal,
                            source_index=index,
                            quote=item["quote"],
                            line=line,
                            char_start=start,
                            char_end=end,
                        )
                    )
                    break
            else:
                raise _problem(seed, where, f"quote not found in the source: {item['quote'][:80]!r}")
