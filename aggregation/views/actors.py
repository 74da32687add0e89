"""The views' consumers: a gmina's events refresh its snapshot, then (coalesced) its rollups."""

from __future__ import annotations

import logging

import dramatiq
from django.db import transaction
from django.utils import timezone

from aggregation.models import StaleRollup
from aggregation.views.refresh import (
    rollup_refresh,
    rollup_refresh_delay_ms,
    rollups_refresh_stale,
    scopes_of,
    snapshot_refresh,
)
from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.bus import EventEnvelope, event_consumer
from mozaika.events.catalogue import snapshot_changing
from mozaika.metrics import VIEW_AGE_SECONDS
from mozaika.scheduling import periodic
from mozaika.tenancy import PUBLIC_SCHEMA
from tenants import events as tenancy_events  # noqa: F401  (their declarations complete the catalogue)
from tenants.plans import events as plan_events  # noqa: F401

logger = logging.getLogger(__name__)

# Every event that changes what a gmina's snapshot holds, as the catalogue says.
VIEW_EVENTS = tuple(snapshot_changing())


@dramatiq.actor(actor_name="aggregation.refresh_rollup", queue_name="rollups", max_retries=20)
def refresh_rollup(scope: str) -> None:
    marked_at = StaleRollup.objects.filter(scope=scope).values_list("marked_at", flat=True).first()
    if rollup_refresh(scope=scope) and marked_at is not None:
        VIEW_AGE_SECONDS.labels("rollup").observe((timezone.now() - marked_at).total_seconds())


def rollups_refresh_later(teryt: str) -> None:
    """At once after a quiet spell; within a burst, at the end of the coalescing period, so the
    burst's events in one voivodeship have marked its rollups stale several times before one
    refresh recomputes them (the later messages find nothing stale and do nothing)."""
    for scope in scopes_of(teryt):
        delay = rollup_refresh_delay_ms(scope)
        refresh_rollup.send_with_options(
            args=(scope,),
            delay=delay or None,
            **{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA},  # type: ignore[arg-type]
        )


@event_consumer(*VIEW_EVENTS, name="aggregation.refresh_views")
def refresh_views(event: EventEnvelope) -> None:
    if snapshot_refresh(teryt=event.teryt, published_at=event.published_at):
        VIEW_AGE_SECONDS.labels("snapshot").observe((timezone.now() - event.occurred_at).total_seconds())
        transaction.on_commit(lambda: rollups_refresh_later(event.teryt))


@dramatiq.actor(actor_name="aggregation.sweep_stale_rollups", queue_name="periodic", max_retries=0)
def sweep_stale_rollups() -> None:
    """A worker that died between a snapshot's commit and sending its rollup refresh left the
    rollups marked stale: recompute them."""
    refreshed = rollups_refresh_stale()
    if refreshed:
        logger.info("swept stale rollups: %s", ", ".join(refreshed))


@periodic(name="aggregation.stale_rollups", cron="* * * * *", description="recompute rollups left stale by a crash")
def schedule_stale_rollup_sweep() -> str:
    sweep_stale_rollups.send()
    return "enqueued"
