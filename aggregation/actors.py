"""Aggregation's consumers: translate events into refreshes of the affected views."""

from __future__ import annotations

from aggregation.services import gmina_views_refresh
from mozaika.events.bus import EventEnvelope, event_consumer


@event_consumer("plan.created", "plan.adopted", "document.archived", name="aggregation.refresh_views")
def refresh_views(event: EventEnvelope) -> None:
    gmina_views_refresh(teryt=event.teryt)
