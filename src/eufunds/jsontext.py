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


def to_json(value: Any, *, indent: int | None = None, _level: int = 0) -> str:
    """JSON text for nested dicts and lists of scalars; with ``indent``, laid out
    as ``json.dumps(..., indent=indent)`` lays it out."""
    if isinstance(value, dict):
        keys = [f"{json.dumps(str(k), ensure_ascii=False)}: " for k in value]
        values = [to_json(v, indent=indent, _level=_level + 1) for v in value.values()]
        return _joined("{", "}", [k + v for k, v in zip(keys, values, strict=True)], indent, _level)
    if isinstance(value, list | tuple):
        parts = [to_json(v, indent=indent, _level=_level + 1) for v in value]
        return _joined("[", "]", parts, indent, _level)
    return json_scalar(value)


def _joined(open_: str, close: str, parts: list[str], indent: int | None, level: int) -> str:
    if not parts:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(parts) + close
    inner = "\n" + " " * (indent * (level + 1))
    return open_ + inner + ("," + inner).join(parts) + "\n" + " " * (indent * level) + close
