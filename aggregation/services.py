"""Keeping snapshots and rollups current. Each refresh recomputes from the source under a
transaction-scoped advisory lock, so concurrent or repeated refreshes converge on the newest
state and an older computation can never overwrite a newer one."""

from __future__ import annotations

import zlib

from django.db import connection, transaction
from django.utils import timezone

from aggregation.models import NATIONAL_SCOPE, GminaSnapshot, Rollup, voivodeship_scope
from aggregation.rollups import RollupData, rollup_compute
from tenants.models import TENANT_GMINA_KINDS, Gmina
from tenants.plans.snapshot import gmina_snapshot


def _lock(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


def snapshot_refresh(*, teryt: str) -> GminaSnapshot:
    """Rebuild the gmina's snapshot; the gmina's schema must be active."""
    with transaction.atomic():
        _lock(f"snapshot:{teryt}")
        data = gmina_snapshot(teryt=teryt)
        snapshot, _ = GminaSnapshot.objects.update_or_create(
            teryt=teryt,
            defaults={"voivodeship": teryt[:2], "data": data, "refreshed_at": timezone.now()},
        )
    return snapshot


def rollup_data(*, voivodeship: str | None) -> RollupData:
    gminas = Gmina.objects.filter(is_active=True, kind__in=TENANT_GMINA_KINDS)
    snapshots = GminaSnapshot.objects.all()
    if voivodeship is not None:
        gminas = gminas.filter(voivodeship_id=voivodeship)
        snapshots = snapshots.filter(voivodeship=voivodeship)
    return rollup_compute(gmina_count=gminas.count(), snapshots=snapshots.values_list("data", flat=True).iterator())


def rollup_refresh(*, voivodeship: str | None) -> Rollup:
    scope = NATIONAL_SCOPE if voivodeship is None else voivodeship_scope(voivodeship)
    with transaction.atomic():
        _lock(f"rollup:{scope}")
        rollup, _ = Rollup.objects.update_or_create(
            scope=scope, defaults={"data": rollup_data(voivodeship=voivodeship), "refreshed_at": timezone.now()}
        )
    return rollup


def gmina_views_refresh(*, teryt: str) -> None:
    """An event touched this gmina: its snapshot, its voivodeship and the nation, nothing else."""
    snapshot_refresh(teryt=teryt)
    rollup_refresh(voivodeship=teryt[:2])
    rollup_refresh(voivodeship=None)
