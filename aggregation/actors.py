"""Aggregation's consumers: translate events into refreshes of the affected views."""

from __future__ import annotations

import dramatiq

from aggregation.consistency import views_verify
from aggregation.services import gmina_views_refresh
from mozaika.events.bus import EventEnvelope, event_consumer
from mozaika.scheduling import periodic

# Every event that changes what a gmina's snapshot holds.
VIEW_EVENTS = (
    "plan.created",
    "plan.updated",
    "plan.submitted",
    "plan.returned",
    "plan.accepted",
    "plan.adopted",
    "plan.superseded",
    "plan.expired",
    "indicator.reported",
    "indicator.corrected",
    "document.archived",
)


@event_consumer(*VIEW_EVENTS, name="aggregation.refresh_views")
def refresh_views(event: EventEnvelope) -> None:
    gmina_views_refresh(teryt=event.teryt, published_at=event.published_at)


@dramatiq.actor(actor_name="aggregation.verify", queue_name="periodic", max_retries=0, time_limit=3_600_000)
def verify_views() -> None:
    views_verify(repair=False)


@periodic(name="aggregation.consistency", cron="0 2 * * *", description="nightly consistency check of the views")
def schedule_consistency_check() -> str:
    verify_views.send()
    return "enqueued"
