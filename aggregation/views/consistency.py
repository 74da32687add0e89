"""Rebuild and verify: recompute every snapshot and rollup from the tenants' own data, then
either store the result (rebuild) or compare it with what the events built incrementally and
report every difference by path (verify).

Schemas are read in batches, one UNION ALL query per table and batch (`gmina_snapshots`); the
connection is reopened every few batches because PostgreSQL caches the catalog entries of every
table a connection touches (see STACK-NOTES: thousands of schemas grow a backend to gigabytes)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from aggregation.models import NATIONAL_SCOPE, GminaSnapshot, Rollup, voivodeship_of_scope, voivodeship_scope
from aggregation.quality.peers import peer_outliers_compute, peer_outliers_stored
from aggregation.quality.rules import quality_rules
from aggregation.views.refresh import (
    database_now,
    gmina_rows,
    rollup_refresh,
    snapshot_row,
    snapshots_store,
)
from aggregation.views.rollups import GminaFacts, GminaRow, rollup_compute
from mozaika.tenancy import Teryt
from tenants.models import Tenant
from tenants.plans.lifecycle.versions import structural_diff
from tenants.plans.snapshot import gmina_snapshots
from tenants.registry.standards import standard_aggregations

logger = logging.getLogger(__name__)
SCHEMAS_PER_BATCH = 100
PEER_OUTLIERS = "peer-outliers"  # the target of a difference in the stored peer outliers
RECYCLE_CONNECTION_EVERY = 1000  # schemas


@dataclass(frozen=True)
class Difference:
    target: str  # a TERYT or a rollup scope
    path: str  # "" when the whole stored value is missing
    stored: Any
    fresh: Any


@dataclass
class Drift:
    checked_snapshots: int = 0
    checked_rollups: int = 0
    differences: list[Difference] = field(default_factory=list)
    repaired: bool = False

    @property
    def snapshots(self) -> list[str]:
        return sorted({d.target for d in self.differences if d.target.isdigit()})

    @property
    def rollups(self) -> list[str]:
        return sorted({d.target for d in self.differences if not d.target.isdigit()})

    @property
    def found(self) -> bool:
        return bool(self.differences)


def _compare(drift: Drift, target: str, stored: Any, fresh: Any) -> None:
    if stored is None:
        drift.differences.append(Difference(target, "", None, "(missing)"))
        return
    for change in structural_diff(stored, fresh):
        drift.differences.append(Difference(target, change.path, change.before, change.after))


def views_rebuild(
    *, voivodeship: str | None = None, verify: bool = False, progress: Callable[[int], None] | None = None
) -> Drift:
    """Recompute from the tenant schemas; store (and clear stale marks) unless `verify`, which
    only compares. `progress` is called with the number of gminas done in each batch."""
    drift = Drift(repaired=not verify)
    tenants = Tenant.objects.live_gminas()
    if voivodeship:
        tenants = tenants.filter(voivodeship_id=voivodeship)
    codes = list(tenants.order_by("code").values_list("code", flat=True))
    today, rules = timezone.localdate(), quality_rules()
    fresh_facts: dict[str, GminaFacts] = {}
    for start in range(0, len(codes), SCHEMAS_PER_BATCH):
        batch = codes[start : start + SCHEMAS_PER_BATCH]
        read_at = database_now()
        rows = [snapshot_row(teryt=teryt, data=data, read_at=read_at, today=today, rules=rules)
                for teryt, data in gmina_snapshots(batch).items()]  # fmt: skip
        if verify:
            stored = {s.gmina_id: s for s in GminaSnapshot.objects.filter(gmina_id__in=batch)}
            for row in rows:
                old = stored.get(row.gmina_id)
                _compare(drift, row.gmina_id,
                         None if old is None else {"data": old.data, "facts": old.facts, "quality": old.quality,
                                                   "quality_summary": old.quality_summary},
                         {"data": row.data, "facts": row.facts, "quality": row.quality,
                          "quality_summary": row.quality_summary})  # fmt: skip
        else:
            snapshots_store(rows)
        fresh_facts.update((row.gmina_id, row.facts) for row in rows)
        drift.checked_snapshots += len(rows)
        if progress is not None:
            progress(len(rows))
        if (start // SCHEMAS_PER_BATCH + 1) % (RECYCLE_CONNECTION_EVERY // SCHEMAS_PER_BATCH) == 0:
            connection.close()
    _rebuild_rollups(drift, voivodeship, fresh_facts, verify=verify)
    if drift.found:
        logger.warning("views %s: %d difference(s) in %d snapshot(s), %d rollup(s)", "verify" if verify else "rebuild",
                       len(drift.differences), len(drift.snapshots), len(drift.rollups))  # fmt: skip
    return drift


def _rebuild_rollups(
    drift: Drift, voivodeship: str | None, fresh_facts: dict[str, GminaFacts], *, verify: bool
) -> None:
    """Rebuild: each rollup recomputed from the stored snapshots under its lock (they are the
    newest, an event may have refreshed one meanwhile). Verify: from the fresh facts in memory,
    so it needs no writes. One voivodeship's rebuild touches its own rollup and the nation's."""
    regions = [voivodeship] if voivodeship else sorted({Teryt(t).voivodeship for t in fresh_facts} | _stored_regions())
    scopes = [*(voivodeship_scope(code) for code in regions), NATIONAL_SCOPE]
    if not verify:
        for scope in scopes:
            rollup_refresh(scope=scope, only_if_stale=False)
            drift.checked_rollups += 1
        return
    rows = [
        GminaRow(r.teryt, r.name, r.powiat, r.kind, r.population, fresh_facts.get(r.teryt, r.facts))
        for r in gmina_rows(voivodeship=None)
    ]
    stored = dict(Rollup.objects.filter(scope__in=scopes).values_list("scope", "data"))
    aggregations = standard_aggregations()
    for scope in scopes:
        scope_rows = (
            rows
            if scope == NATIONAL_SCOPE
            else [r for r in rows if voivodeship_scope(Teryt(r.teryt).voivodeship) == scope]
        )
        fresh = rollup_compute(scope_rows, aggregations)
        drift.checked_rollups += 1
        # No stored rollup where no gmina has a snapshot is no drift: reads compute it then.
        if scope in stored or fresh["gminas_with_snapshot"]:
            _compare(drift, scope, stored.get(scope), fresh)
    # Stored with the national rollup, from the nation's rows.
    _compare(drift, PEER_OUTLIERS, peer_outliers_stored(), peer_outliers_compute(rows))


def _stored_regions() -> set[str]:
    scopes = Rollup.objects.values_list("scope", flat=True)
    return {code for scope in scopes if (code := voivodeship_of_scope(scope)) is not None}


def views_verify(*, voivodeship: str | None = None, repair: bool = False) -> Drift:
    """Compare; with `repair`, rebuild what differs (the whole scope: rebuilding is cheap)."""
    drift = views_rebuild(voivodeship=voivodeship, verify=True)
    if repair and drift.found:
        views_rebuild(voivodeship=voivodeship)
        drift.repaired = True
    return drift
