"""The views' consumers: a gmina's events mark its snapshot stale; drains refresh stale
snapshots many at a time, then (coalesced) their rollups."""

from __future__ import annotations

import logging

import dramatiq
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aggregation.models import StaleRollup, StaleSnapshot
from aggregation.quality.events import QUALITY_RULE_CHANGED
from aggregation.views.drain import MARK_APPLIED_EVENT_SQL, snapshots_drain, snapshots_drain_request
from aggregation.views.refresh import (
    rollup_refresh,
    rollup_refresh_delay_ms,
    rollups_mark_stale,
    rollups_refresh_stale,
    scope_of,
    snapshots_quality_recompute,
)
from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.bus import EventEnvelope, event_consumer, event_consumer_in_sql
from mozaika.events.catalogue import snapshot_changing
from mozaika.metrics import VIEW_AGE_SECONDS
from mozaika.scheduling import periodic
from mozaika.tenancy import PUBLIC_SCHEMA
from tenants import events as tenancy_events
from tenants.models import Voivodeship
from tenants.plans import events as plan_events  # noqa: F401

logger = logging.getLogger(__name__)

# Every event that changes what a gmina's snapshot holds, as the catalogue says.
VIEW_EVENTS = tuple(snapshot_changing())
# A drain that found as many drains running as allowed tries again this much later.
_BUSY_RETRY_MS = 200


@dramatiq.actor(actor_name="aggregation.refresh_rollup", queue_name="rollups", max_retries=20)
def refresh_rollup(scope: str) -> None:
    marked_at = StaleRollup.objects.filter(scope=scope).values_list("marked_at", flat=True).first()
    if rollup_refresh(scope=scope) and marked_at is not None:
        VIEW_AGE_SECONDS.labels("rollup").observe((timezone.now() - marked_at).total_seconds())


def rollups_refresh_later(scopes: list[str]) -> None:
    """At once after a quiet spell; within a burst, at the end of the coalescing period, so the
    burst's events in one voivodeship have marked its rollups stale several times before one
    refresh recomputes them (the later messages find nothing stale and do nothing)."""
    for scope in scopes:
        delay = rollup_refresh_delay_ms(scope)
        refresh_rollup.send_with_options(
            args=(scope,),
            delay=delay or None,
            **{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA},  # type: ignore[arg-type]
        )


def drain_snapshots_when_needed() -> None:
    if snapshots_drain_request():
        drain_snapshots.send_with_options(**{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA})  # type: ignore[arg-type]


@dramatiq.actor(actor_name="aggregation.drain_snapshots", queue_name="snapshots", max_retries=20, priority=10)
def drain_snapshots() -> None:
    """Refresh a batch of stale snapshots, then (coalesced) their rollups; a full batch sends the
    next drain at once, a drain that found every slot taken tries again shortly."""
    run = snapshots_drain()
    now = timezone.now()
    for first_event_at in run.refreshed.values():
        VIEW_AGE_SECONDS.labels("snapshot").observe((now - first_event_at).total_seconds())
    if run.refreshed:
        rollups_refresh_later(run.scopes)
    if run.more or run.busy:
        drain_snapshots.send_with_options(
            delay=_BUSY_RETRY_MS if run.busy else None,
            **{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA},  # type: ignore[arg-type]
        )


# An event marks its gmina's snapshot stale; a drain reads it with others (`aggregation.views.drain`).
refresh_views = event_consumer_in_sql(
    *VIEW_EVENTS, name="aggregation.refresh_views", effect=MARK_APPLIED_EVENT_SQL, after=drain_snapshots_when_needed
)


@event_consumer(tenancy_events.POPULATIONS_LOADED, tenancy_events.STANDARDS_LOADED, name="aggregation.reweigh_rollups")
def reweigh_rollups(event: EventEnvelope) -> None:
    """New populations change every share weighted by people, a new catalogue edition how
    standards add up: every rollup is recomputed."""
    scopes = [scope_of(None), *(scope_of(code) for code in Voivodeship.objects.values_list("code", flat=True))]
    rollups_mark_stale(scopes)
    transaction.on_commit(lambda: rollups_refresh_later(scopes))


@event_consumer(QUALITY_RULE_CHANGED, name="aggregation.recompute_quality", transactional=False,
                queue_name="evaluations")  # fmt: skip
def recompute_quality(event: EventEnvelope) -> None:
    """A rule created or changed: every stored snapshot's flags from its stored data. Batches
    commit one by one and recomputing again gives the same flags: safe to repeat if the worker
    dies before the event is marked consumed. Rollups hold no flags; nothing else follows."""
    run = snapshots_quality_recompute()
    logger.info("rule %s v%s: flags of %d snapshots recomputed, %d changed", event.payload["code"],
                event.payload["version"], run.checked, run.changed)  # fmt: skip


@dramatiq.actor(actor_name="aggregation.sweep_stale_rollups", queue_name="periodic", max_retries=0)
def sweep_stale_rollups() -> None:
    """A worker that died between a change's commit and the message that follows it left
    snapshots or rollups marked stale, or a gmina's reading failed and is due again: drain them
    (the drains send their rollups' refreshes), and recompute stale rollups."""
    if StaleSnapshot.objects.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=timezone.now())).exists():
        drain_snapshots.send_with_options(**{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA})  # type: ignore[arg-type]
    refreshed = rollups_refresh_stale()
    if refreshed:
        logger.info("swept stale rollups: %s", ", ".join(refreshed))


@periodic(name="aggregation.stale_rollups", cron="* * * * *", description="recompute rollups left stale by a crash")
def schedule_stale_rollup_sweep() -> str:
    sweep_stale_rollups.send()
    return "enqueued"
