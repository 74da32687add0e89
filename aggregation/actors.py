"""Aggregation's consumers: translate events into refreshes of the affected views."""

from __future__ import annotations

import dramatiq

from aggregation.consistency import views_verify
from aggregation.services import gmina_views_refresh
from mozaika.events.bus import EventEnvelope, event_consumer
from mozaika.scheduling import periodic


@event_consumer("plan.created", "plan.adopted", "document.archived", name="aggregation.refresh_views")
def refresh_views(event: EventEnvelope) -> None:
    gmina_views_refresh(teryt=event.teryt)


@dramatiq.actor(actor_name="aggregation.verify", queue_name="periodic", max_retries=0, time_limit=3_600_000)
def verify_views() -> None:
    views_verify(repair=False)


@periodic(name="aggregation.consistency", cron="0 2 * * *", description="nightly consistency check of the views")
def schedule_consistency_check() -> str:
    verify_views.send()
    return "enqueued"
