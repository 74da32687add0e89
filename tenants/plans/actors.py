"""The plan domain's consumers: they translate events into service calls, nothing more."""

from __future__ import annotations

from mozaika.audit.log import Actor
from mozaika.events.bus import EventEnvelope, event_consumer
from tenants.plans.services import document_archive

WORKER_ACTOR = Actor.system("worker:archive")


@event_consumer("plan.adopted", name="plans.archive_documents")
def archive_documents(event: EventEnvelope) -> None:
    for document in event.payload.get("documents", []):
        document_archive(teryt=event.teryt, document_id=document["id"], actor=WORKER_ACTOR)
