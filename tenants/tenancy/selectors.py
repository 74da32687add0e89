"""Reads of the tenants (public schema)."""

from __future__ import annotations

from mozaika.errors import Gone, NotFound
from tenants.models import Tenant


def tenant_get(*, code: str) -> Tenant:
    """An active tenant: unknown codes are 404, deprovisioned ones 410."""
    tenant: Tenant | None = Tenant.objects.select_related("voivodeship").filter(code=code).first()
    if tenant is None:
        raise NotFound(f"{code} is not a Mozaika tenant.")
    if not tenant.is_active:
        raise Gone(f"Tenant {code} was deprovisioned; its data is in the archive.")
    return tenant
