"""Where a tenant's data lives: its TERYT code names its PostgreSQL schema, in this one place.
No other code builds a schema name, and only names built here reach SQL as identifiers."""

from __future__ import annotations

import re

TERYT_GMINA_PATTERN = r"^\d{7}$"
TERYT_POWIAT_PATTERN = r"^\d{4}$"
VOIVODESHIP_PATTERN = r"^\d{2}$"
_GMINA = re.compile(TERYT_GMINA_PATTERN)
_POWIAT = re.compile(TERYT_POWIAT_PATTERN)
_SCHEMA = re.compile(r"^(g\d{7}|p\d{4})$")
PUBLIC_SCHEMA = "public"


def schema_name_for(code: str) -> str:
    """`0811082` (gmina) -> `g0811082`; `0811` (powiat) -> `p0811`. PostgreSQL identifiers may
    not start with a digit, and the letter keeps gminas and powiats apart."""
    if _GMINA.match(code):
        return "g" + code
    if _POWIAT.match(code):
        return "p" + code
    raise ValueError(f"not a TERYT gmina (7 digits) or powiat (4 digits) code: {code!r}")


def is_tenant_schema_name(name: str) -> bool:
    return bool(_SCHEMA.match(name))


def quoted_schema(name: str) -> str:
    """The schema as an SQL identifier, refusing anything `schema_name_for` would not produce."""
    if not is_tenant_schema_name(name):
        raise ValueError(f"not a tenant schema name: {name!r}")
    return f'"{name}"'
