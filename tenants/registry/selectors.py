"""Reads of the territorial register (public schema)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from mozaika.errors import NotFound
from tenants.models import TENANT_GMINA_KINDS, Gmina, Tenant


def _gminas() -> QuerySet[Gmina]:
    return Gmina.objects.select_related("powiat", "voivodeship").annotate(
        provisioned=Exists(Tenant.objects.live().filter(code=OuterRef("teryt")))
    )


def gmina_get(*, teryt: str) -> Gmina:
    gmina: Gmina | None = _gminas().filter(teryt=teryt).first()
    if gmina is None:
        raise NotFound(f"{teryt} is not in the territorial registry.")
    return gmina


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
