"""Where a tenant's data lives: its TERYT code names its PostgreSQL schema, in this one place.
No other code builds a schema name, and only names built here reach SQL as identifiers.

A TERYT code enters as text at the edge (a path, a payload, a message) and becomes a `Teryt`
there, once: what the code says (voivodeship, powiat, schema, city with powiat rights)
is read from it here and nowhere else. `in_gmina` is the one way into a gmina's schema, and
`assert_in_gmina` lets a service that works on one gmina check that it is in that gmina's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django_tenants.utils import schema_context

TERYT_GMINA_PATTERN = r"^[0-9]{7}$"
TERYT_POWIAT_PATTERN = r"^[0-9]{4}$"
VOIVODESHIP_PATTERN = r"^[0-9]{2}$"
TERYT_PATTERN = r"^([0-9]{7}|[0-9]{4})$"  # a gmina's or a powiat's
_GMINA = re.compile(TERYT_GMINA_PATTERN)
_POWIAT = re.compile(TERYT_POWIAT_PATTERN)
_SCHEMA = re.compile(r"^(g[0-9]{7}|p[0-9]{4})$")
PUBLIC_SCHEMA = "public"


# Powiat numbers from 61 up are cities with powiat rights (miasta na prawach powiatu).
_FIRST_CITY_POWIAT = 61


class Teryt(str):
    """A validated TERYT code: a gmina's (7 digits: voivodeship, powiat, gmina, kind) or a
    powiat's (4 digits). A `str`, so it goes into JSON, SQL parameters and the ORM unchanged."""

    __slots__ = ()

    def __new__(cls, code: str) -> Teryt:
        if isinstance(code, Teryt):
            return code
        if not isinstance(code, str) or not (_GMINA.match(code) or _POWIAT.match(code)):
            raise ValueError(f"not a TERYT gmina (7 digits) or powiat (4 digits) code: {code!r}")
        return super().__new__(cls, code)

    @property
    def voivodeship(self) -> str:
        return self[:2]

    @property
    def powiat(self) -> str:
        return self[:4]

    @property
    def is_gmina(self) -> bool:
        return len(self) == 7

    @property
    def is_city_with_powiat_rights(self) -> bool:
        return int(self[2:4]) >= _FIRST_CITY_POWIAT

    @property
    def schema_name(self) -> str:
        """`0811082` (gmina) -> `g0811082`; `0811` (powiat) -> `p0811`. PostgreSQL identifiers
        may not start with a digit, and the letter keeps gminas and powiats apart."""
        return ("g" if self.is_gmina else "p") + self


def in_voivodeships(voivodeships: Iterable[str], *, field: str = "teryt") -> Q:
    """Rows whose TERYT code (in `field`) lies in one of the voivodeships."""
    condition = Q()
    for code in sorted(voivodeships):
        condition |= Q(**{f"{field}__startswith": code})
    return condition


class WrongGminaSchema(RuntimeError):
    """A service asked to work on one gmina ran while another schema was active."""


@contextmanager
def in_gmina(teryt: str) -> Iterator[Teryt]:
    """Run the block in the gmina's (or powiat's) schema; the previous schema afterwards."""
    code = Teryt(teryt)
    with schema_context(code.schema_name):
        yield code


def search_path_set_by_hand() -> None:
    """After a raw `SET [LOCAL] search_path`: the connection no longer has the path the backend
    remembers setting (it sets it once per switch, `mozaika.database`), so the next query sets
    it again."""
    connection.search_path_set_schemas = None  # type: ignore[attr-defined]


def assert_in_gmina(teryt: str) -> Teryt:
    """The gmina a service was asked to work on, checked against the active schema: a service
    that takes a TERYT reads whatever schema is active, so the two must agree."""
    code = Teryt(teryt)
    active = connection.schema_name  # type: ignore[attr-defined]
    if active != code.schema_name:
        raise WrongGminaSchema(f"asked to work on {code}, but the active schema is {active!r}")
    return code


def is_tenant_schema_name(name: str) -> bool:
    return bool(_SCHEMA.match(name))


def quoted_schema(name: str) -> str:
    """The schema as an SQL identifier, refusing anything `Teryt.schema_name` would not produce."""
    if not is_tenant_schema_name(name):
        raise ValueError(f"not a tenant schema name: {name!r}")
    return f'"{name}"'


def union_over_gminas(select: str, teryts: Iterable[str]) -> str:
    """`select` (with `{s}` standing for the quoted schema) in every gmina's schema, joined by
    UNION ALL, each row prefixed with its TERYT (validated by `Teryt`: it is
    interpolated)."""
    return "\nUNION ALL\n".join(
        f"SELECT '{teryt}' AS teryt, q.* FROM ({select.format(s=quoted_schema(Teryt(teryt).schema_name))}) q"  # noqa: S608
        for teryt in teryts
    )


@contextmanager
def many_schema_cursor() -> Iterator[Any]:
    """A cursor, in a transaction, for queries over hundreds of schemas at once. Such a UNION ALL
    has a large estimated cost, so PostgreSQL's JIT compiles it: seconds to minutes of compiling
    for milliseconds of running (measured: 24 s vs 0.2 s for 100 schemas). JIT is off for the
    transaction only."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield cursor
