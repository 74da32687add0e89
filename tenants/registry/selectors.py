"""Reads of the registry and the tenants (public schema)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from mozaika.errors import Gone, NotFound
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


def tenant_get(*, code: str) -> Tenant:
    """An active tenant: unknown codes are 404, deprovisioned ones 410."""
    tenant: Tenant | None = Tenant.objects.select_related("voivodeship").filter(code=code).first()
    if tenant is None:
        raise NotFound(f"{code} is not a Mozaika tenant.")
    if not tenant.is_active:
        raise Gone(f"Tenant {code} was deprovisioned; its data is in the archive.")
    return tenant
