"""Where a gmina's data lives: its TERYT code names its PostgreSQL schema, in this one place."""

from __future__ import annotations

import re

TERYT_GMINA_PATTERN = r"^\d{7}$"
VOIVODESHIP_PATTERN = r"^\d{2}$"
_TERYT_GMINA = re.compile(TERYT_GMINA_PATTERN)
SCHEMA_PREFIX = "g"
PUBLIC_SCHEMA = "public"


def schema_name_for(teryt: str) -> str:
    """`0811082` -> `g0811082`: PostgreSQL identifiers may not start with a digit."""
    if not _TERYT_GMINA.match(teryt):
        raise ValueError(f"not a 7-digit TERYT gmina code: {teryt!r}")
    return SCHEMA_PREFIX + teryt


def teryt_for_schema(schema_name: str) -> str | None:
    if schema_name.startswith(SCHEMA_PREFIX) and _TERYT_GMINA.match(schema_name[1:]):
        return schema_name[1:]
    return None
