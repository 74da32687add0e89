"""Keeping snapshots and rollups current. Each refresh recomputes from the source under a
transaction-scoped advisory lock, so concurrent or repeated refreshes converge on the newest
state and an older computation can never overwrite a newer one."""

from __future__ import annotations

import zlib
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from aggregation.models import NATIONAL_SCOPE, GminaSnapshot, Rollup, voivodeship_scope
from aggregation.rollups import RollupData, rollup_compute
from tenants.models import TENANT_GMINA_KINDS, Gmina
from tenants.plans.snapshot import gmina_snapshot


def _lock(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


def _database_now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        row = cursor.fetchone()
    assert row is not None
    moment: datetime = row[0]
    return moment


def snapshot_refresh(*, teryt: str) -> GminaSnapshot:
    """Rebuild the gmina's snapshot; the gmina's schema must be active. `refreshed_at` is when
    the reading began (database clock): every change committed before it is in the snapshot."""
    with transaction.atomic():
        _lock(f"snapshot:{teryt}")
        read_at = _database_now()
        data = gmina_snapshot(teryt=teryt)
        snapshot, _ = GminaSnapshot.objects.update_or_create(
            teryt=teryt,
            defaults={"voivodeship": teryt[:2], "data": data, "refreshed_at": read_at},
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


def gmina_views_refresh(*, teryt: str, published_at: datetime | None = None) -> bool:
    """An event touched this gmina: its snapshot, its voivodeship and the nation, nothing else.

    Bursts coalesce: an event published (so committed) before the current snapshot's reading
    began is already in it, and the refresh that made it also refreshed the rollups; such an
    event changes nothing and is skipped. Returns whether a refresh ran."""
    with transaction.atomic():
        _lock(f"snapshot:{teryt}")
        if (
            published_at is not None
            and GminaSnapshot.objects.filter(teryt=teryt, refreshed_at__gte=published_at).exists()
        ):
            return False
        snapshot_refresh(teryt=teryt)
        rollup_refresh(voivodeship=teryt[:2])
        rollup_refresh(voivodeship=None)
    return True
