"""Who is calling: a person (with role grants) or an API client (with scopes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mozaika.identity.models import Role


class PrincipalKind(StrEnum):
    PERSON = "person"
    CLIENT = "client"
    SYSTEM = "system"


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str  # a gmina's TERYT, a voivodeship's code, or "" for the whole country


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: int
    name: str
    grants: frozenset[Grant] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    # An API client's voivodeships; None: nationwide (and always None for people).
    voivodeships: frozenset[str] | None = None
    # Identifies the credential in rate limits and logs without revealing it.
    credential: str = ""

    def has_role(self, role: Role, scope: str = "") -> bool:
        return Grant(role, scope) in self.grants
