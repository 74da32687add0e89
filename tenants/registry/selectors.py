"""Reads of the territorial register (public schema)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from mozaika.errors import NotFound
from mozaika.queries import CompiledQuery
from mozaika.tenancy import Teryt
from tenants.models import TENANT_GMINA_KINDS, Gmina, GminaKind, Tenant
from tenants.registry.cache import registry_cache


def _gminas() -> QuerySet[Gmina]:
    return Gmina.objects.select_related("powiat", "voivodeship").annotate(
        provisioned=Exists(Tenant.objects.live().filter(code=OuterRef("teryt")))
    )


@dataclass(frozen=True)
class RegistryPlace:
    code: str
    name: str

    @property
    def is_city_with_powiat_rights(self) -> bool:
        return Teryt(self.code).is_city_with_powiat_rights


@dataclass(frozen=True)
class RegistryEntry:
    """One registry gmina with its powiat and voivodeship, as `GminaOut` shows it."""

    teryt: str
    name: str
    kind: str
    is_active: bool
    provisioned: bool
    powiat: RegistryPlace
    voivodeship: RegistryPlace

    def get_kind_display(self) -> str:
        return str(GminaKind(self.kind).label)


_ENTRY = CompiledQuery(
    lambda teryt: _gminas()
    .filter(teryt=teryt)
    .values_list("teryt", "name", "kind", "is_active", "provisioned", "powiat__code", "powiat__name",  # type: ignore[misc]
                 "voivodeship__code", "voivodeship__name")
)  # fmt: skip


def gmina_get(*, teryt: str) -> RegistryEntry:
    """The most frequent read of all: from the process's registry cache, else by SQL compiled
    once (`mozaika.queries`; compiling it was three quarters of the request's time)."""
    rows = registry_cache.get(teryt, lambda: _ENTRY.rows(teryt))
    if not rows:
        raise NotFound(f"{teryt} is not in the territorial registry.")
    code, name, kind, is_active, provisioned, powiat, powiat_name, voivodeship, voivodeship_name = rows[0]
    return RegistryEntry(code, name, kind, is_active, provisioned,
                         RegistryPlace(powiat, powiat_name), RegistryPlace(voivodeship, voivodeship_name))  # fmt: skip


def gmina_search(
    *, voivodeship: str | None = None, powiat: str | None = None, q: str | None = None, include_parts: bool = False
) -> QuerySet[Gmina]:
    gminas = _gminas().order_by("teryt")
    if not include_parts:
        gminas = gminas.filter(kind__in=TENANT_GMINA_KINDS)
    if voivodeship:
        gminas = gminas.filter(voivodeship_id=voivodeship)
    if powiat:
        gminas = gminas.filter(powiat_id=powiat)
    if q:
        gminas = gminas.filter(Q(name__icontains=q) | Q(teryt__startswith=q))
    return gminas


def gminas_in_scope(*, voivodeship: str | None, powiat: str | None = None, kind: str | None = None) -> QuerySet[Gmina]:
    """The active registry gminas (of the kinds that are tenants) of a voivodeship or the nation,
    optionally of one powiat or one kind."""
    gminas = Gmina.objects.filter(is_active=True, kind__in=TENANT_GMINA_KINDS)
    if voivodeship is not None:
        gminas = gminas.filter(voivodeship_id=voivodeship)
    if powiat is not None:
        gminas = gminas.filter(powiat_id=powiat)
    if kind is not None:
        gminas = gminas.filter(kind=kind)
    return gminas
