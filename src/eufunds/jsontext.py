"""The one JSON policy: exact decimals as JSON numbers, dates as ISO strings.

A ``Decimal`` is written with its own digits (``624995.52``, ``0.1``) and never
passes through a binary float, so money and indicator values read back exactly
by any parser that keeps decimals (``json.loads(..., parse_float=Decimal)``).
Exports, ``show``/``list``/``stats --format json``, ``extract --format json``
and ``query --format json`` all write through here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def json_scalar(value: Any) -> str:
    """The JSON text of one scalar: None, bool, Decimal, int, float, date or text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    return json.dumps(str(value), ensure_ascii=False)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text for nested dicts and lists of scalars; with ``indent``, laid out
    as ``json.dumps(..., indent=indent)`` lays it out."""
    # The json module's C encoder writes the same text as the tree walk below
    # (same separators, same escapes, floats by repr) at a tenth of the cost, but
    # it knows no exact decimal, and it turns a non-text key or a text subclass
    # its own way: it takes a value only when every key is a str and every scalar
    # of a type it writes as the walk does; anything else takes the walk.
    decimals = _plain_decimals(value)
    if decimals is None:
        return _walk(value, indent, 0)
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=_decimal_marked)
    if decimals:
        # Each decimal came out as "\u0000<digits>\u0000"; when that escape occurs
        # nowhere else (no text holds a NUL or the escape's own letters), the
        # marks are taken off, leaving the digits as a JSON number.
        if text.count(_MARK_ESCAPED) != 2 * decimals:
            return _walk(value, indent, 0)
        text = text.replace('"' + _MARK_ESCAPED, "").replace(_MARK_ESCAPED + '"', "")
    return text


_MARK = "\x00"
_MARK_ESCAPED = "\\u0000"
_EXACT_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def _decimal_marked(value: Any) -> str:
    if isinstance(value, Decimal):
        return _MARK + format(value, "f") + _MARK
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError  # never: _plain_decimals let only these through


def _plain_decimals(value: Any) -> int | None:
    """How many decimals ``value`` holds, or None when the C encoder would not
    write it as ``_walk`` does."""
    count = 0
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is dict:
            for key, inner in item.items():
                if type(key) is not str:
                    return None
                pending.append(inner)
        elif kind is list or kind is tuple:
            pending.extend(item)
        elif kind is Decimal:
            count += 1
        elif kind not in _EXACT_SCALARS:
            return None
    return count


def _walk(value: Any, indent: int | None, level: int) -> str:
    if isinstance(value, dict):
        keys = [f"{json.dumps(str(k), ensure_ascii=False)}: " for k in value]
        values = [_walk(v, indent, level + 1) for v in value.values()]
        return _joined("{", "}", [k + v for k, v in zip(keys, values, strict=True)], indent, level)
    if isinstance(value, list | tuple):
        parts = [_walk(v, indent, level + 1) for v in value]
        return _joined("[", "]", parts, indent, level)
    return json_scalar(value)


def _joined(open_: str, close: str, parts: list[str], indent: int | None, level: int) -> str:
    if not parts:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(parts) + close
    inner = "\n" + " " * (indent * (level + 1))
    return open_ + inner + ("," + inner).join(parts) + "\n" + " " * (indent * level) + close
