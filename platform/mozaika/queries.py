"""ORM queries compiled to SQL once. Django compiles a queryset on every evaluation, which for a
small lookup with a join and a subquery costs more than running it; the hottest reads build
their query with the ORM (so its rules stay where they are written) and run the SQL it made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

_MARKER = "\x00mozaika-parameter\x00"


class CompiledQuery:
    """`build(value)` returns a `values_list` queryset; `rows(value)` runs its SQL with `value`
    where `build` put it (exact lookups only: a transformed value, as in `__startswith`, would
    not be found, and is refused when compiling)."""

    def __init__(self, build: Callable[[str], QuerySet[Any, Any]]) -> None:
        self._build = build
        self._compiled: tuple[str, tuple[Any, ...], list[int]] | None = None

    def _compile(self) -> tuple[str, tuple[Any, ...], list[int]]:
        if self._compiled is None:
            sql, params = self._build(_MARKER).query.sql_with_params()
            positions = [i for i, param in enumerate(params) if param == _MARKER]
            if not positions:
                raise ValueError("the query does not use its value as given (only exact lookups can be compiled once)")
            self._compiled = sql, tuple(params), positions
        return self._compiled

    def rows(self, value: str) -> list[tuple[Any, ...]]:
        sql, params, positions = self._compile()
        values = list(params)
        for position in positions:
            values[position] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return list(cursor.fetchall())
