"""The consistency check: recompute every snapshot and rollup from the tenants' own data and
compare with what the events built incrementally. Drift is reported and, when asked, repaired.
A loop over schemas, so it reopens its connection every so often (catalog cache growth)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from aggregation.models import NATIONAL_SCOPE, GminaSnapshot, Rollup, voivodeship_scope
from aggregation.services import rollup_data
from tenants.models import Tenant, TenantKind, Voivodeship
from tenants.plans.snapshot import gmina_snapshot

logger = logging.getLogger(__name__)
RECYCLE_CONNECTION_EVERY = 200


@dataclass
class Drift:
    checked_snapshots: int = 0
    checked_rollups: int = 0
    snapshots: list[str] = field(default_factory=list)  # TERYT codes that differ or are missing
    rollups: list[str] = field(default_factory=list)  # scopes that differ or are missing
    repaired: bool = False

    @property
    def found(self) -> bool:
        return bool(self.snapshots or self.rollups)


def views_verify(
    *, voivodeship: str | None = None, repair: bool = False, progress: Callable[[str], None] | None = None
) -> Drift:
    drift = Drift(repaired=repair)
    tenants = Tenant.objects.filter(kind=TenantKind.GMINA, is_active=True, schema_dropped_at__isnull=True)
    if voivodeship:
        tenants = tenants.filter(voivodeship_id=voivodeship)
    stored = {s.teryt: s.data for s in GminaSnapshot.objects.all()}
    for done, tenant in enumerate(tenants.order_by("code"), start=1):
        with tenant_context(tenant):
            fresh = gmina_snapshot(teryt=tenant.code)
        drift.checked_snapshots += 1
        if stored.get(tenant.code) != fresh:
            drift.snapshots.append(tenant.code)
            if repair:
                GminaSnapshot.objects.update_or_create(
                    teryt=tenant.code,
                    defaults={"voivodeship": tenant.code[:2], "data": fresh, "refreshed_at": timezone.now()},
                )
        if progress is not None:
            progress(tenant.code)
        if done % RECYCLE_CONNECTION_EVERY == 0:
            connection.close()
    regions = [voivodeship] if voivodeship else list(Voivodeship.objects.values_list("code", flat=True))
    for scope, code in [*((voivodeship_scope(v), v) for v in regions), (NATIONAL_SCOPE, None)]:
        fresh_rollup = rollup_data(voivodeship=code)
        current = Rollup.objects.filter(scope=scope).values_list("data", flat=True).first()
        drift.checked_rollups += 1
        # No stored rollup (nothing happened there yet) is no drift: reads compute it then.
        if current is None and repair:
            Rollup.objects.create(scope=scope, data=fresh_rollup, refreshed_at=timezone.now())
        elif current is not None and current != fresh_rollup:
            drift.rollups.append(scope)
            if repair:
                Rollup.objects.update_or_create(
                    scope=scope, defaults={"data": fresh_rollup, "refreshed_at": timezone.now()}
                )
    if drift.found:
        logger.warning("consistency check: %d snapshot(s), %d rollup(s) differ%s", len(drift.snapshots),
                       len(drift.rollups), " (repaired)" if repair else "")  # fmt: skip
    return drift
