"""How a batch's rows, built as dicts, become the tuples a driver takes.

The loader builds each row as a dict of plain values; SQLAlchemy's executemany
would make a dict of processed parameters per row again. The driver paths
(SQLite's INSERT, PostgreSQL's COPY) take tuples instead, converted only in
the columns whose type asks for it (dates, indicator values), exactly as the
column type's bind processing would for an INSERT.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table


@dataclass(frozen=True)
class RowValues:
    """The values of given columns of a table, taken from each row in order."""

    take: Callable[[dict[str, Any]], Any]
    single: bool
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]

    @classmethod
    def of(cls, table: Table, keys: tuple[str, ...], dialect: Any) -> RowValues:
        conversions = []
        for i, key in enumerate(keys):
            process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                conversions.append((i, process))
        return cls(operator.itemgetter(*keys), len(keys) == 1, tuple(conversions))

    def of_rows(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        taken = list(map(self.take, rows))
        if self.single:
            taken = [(value,) for value in taken]
        if not self.conversions:
            return taken
        converted = []
        for row in taken:
            values = list(row)
            for i, process in self.conversions:
                values[i] = process(values[i])
            converted.append(tuple(values))
        return converted
