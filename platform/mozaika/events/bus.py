"""Recording, publishing and consuming domain events.

- `event_record` appends the event in the caller's transaction and publishes it after commit.
- `publish_event` sends it to every consumer subscribed to its type, in the gmina's schema.
- `events_relay` republishes events that stayed unpublished (a crash between commit and send).
- `event_consumer` declares a dramatiq actor that applies an event at most once per consumer.
Delivery is at-least-once; effects in the database are exactly-once.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import dramatiq
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Now
from django.utils import timezone

from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.models import ConsumedEvent, Event
from mozaika.tenancy import PUBLIC_SCHEMA, Teryt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventEnvelope:
    id: str
    seq: int
    type: str
    teryt: str
    aggregate: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: datetime
    actor: str
    payload: dict[str, Any]
    payload_version: int
    published_at: datetime | None = None

    @classmethod
    def of(cls, event: Event) -> EventEnvelope:
        return cls(
            id=str(event.id),
            seq=event.seq,
            type=event.type,
            teryt=event.teryt,
            aggregate=event.aggregate,
            aggregate_id=event.aggregate_id,
            aggregate_version=event.aggregate_version,
            occurred_at=event.occurred_at,
            actor=event.actor,
            payload=event.payload,
            payload_version=event.payload_version,
            published_at=event.published_at,
        )


EventHandler = Callable[[EventEnvelope], None]
_subscribers: dict[str, list[dramatiq.Actor[Any, Any]]] = defaultdict(list)


def event_record(
    *,
    type: str,
    teryt: str,
    aggregate: str,
    aggregate_id: str | int,
    aggregate_version: int,
    actor: str,
    payload: dict[str, Any],
) -> Event:
    """Append an event in the current transaction; it is published once that commits."""
    event = Event.objects.create(
        type=type,
        teryt=teryt,
        aggregate=aggregate,
        aggregate_id=str(aggregate_id),
        aggregate_version=aggregate_version,
        actor=actor,
        payload=payload,
    )
    event_id = event.id  # captured now: the callback runs after this frame's schema context is gone
    transaction.on_commit(lambda: publish_event_safely(event_id))
    return event


def publish_event(event: Event) -> None:
    schema = Teryt(event.teryt).schema_name if event.teryt else PUBLIC_SCHEMA
    for consumer in _subscribers.get(event.type, []):
        # The UUID, not the seq: a message can never name another database's event.
        options: dict[str, Any] = {TENANT_SCHEMA_OPTION: schema}
        consumer.send_with_options(args=(str(event.id),), **options)
    # The database's clock: consumers compare it with the time their reading began.
    Event.objects.filter(seq=event.seq, published_at__isnull=True).update(published_at=Now())


def publish_event_safely(event_id: uuid.UUID) -> None:
    """After commit: a broker failure must not fail the request; the relay will retry."""
    if settings.FAULT_INJECTION == "crash_before_publish":
        os._exit(70)  # tests only: the process dies after commit, before publishing
    try:
        publish_event(Event.objects.get(id=event_id))
    except Exception:
        logger.exception("event %s not published; the relay will republish it", event_id)


def events_relay(*, older_than: timedelta, batch_size: int = 500) -> int:
    """Republish events committed more than `older_than` ago and never published."""
    published = 0
    cutoff = timezone.now() - older_than
    while True:
        with transaction.atomic():
            batch = list(
                Event.objects.select_for_update(skip_locked=True)
                .filter(published_at__isnull=True, occurred_at__lt=cutoff)
                .order_by("seq")[:batch_size]
            )
            for event in batch:
                publish_event(event)
        published += len(batch)
        if len(batch) < batch_size:
            return published


# Event types anyone with the feed's scope may read: those about adopted plans (their acts) and
# eligibility. Everything else (drafts being written, submissions, reviews) stays inside the
# gmina, the region and the operators. Domain packages declare theirs at import.
PUBLIC_EVENT_TYPES: set[str] = set()


def events_public(*types: str) -> tuple[str, ...]:
    PUBLIC_EVENT_TYPES.update(types)
    return types


def event_consumer(*event_types: str, name: str) -> Callable[[EventHandler], dramatiq.Actor[Any, Any]]:
    """Declare `handler` as the consumer `name` of `event_types`.

    The handler runs inside one transaction together with the record that it has consumed the
    event; a second delivery (or a concurrent duplicate) finds that record and changes nothing.
    The gmina's schema is already active (see `mozaika.broker.TenantSchemaMiddleware`)."""

    def declare(handler: EventHandler) -> dramatiq.Actor[Any, Any]:
        def consume(event_id: str) -> None:
            event = Event.objects.filter(id=event_id).first()
            if event is None or event.type not in event_types:
                logger.warning("%s: no event %s of types %s here; ignored", name, event_id, event_types)
                return
            try:
                with transaction.atomic():
                    if ConsumedEvent.objects.filter(consumer=name, event=event).exists():
                        return
                    handler(EventEnvelope.of(event))
                    ConsumedEvent.objects.create(consumer=name, event=event)
            except IntegrityError:
                if ConsumedEvent.objects.filter(consumer=name, event=event).exists():
                    logger.info("%s: event %s was applied concurrently", name, event_id)
                    return
                raise

        consume.__name__ = name
        actor: dramatiq.Actor[Any, Any] = dramatiq.actor(
            actor_name=name,
            queue_name="events",
            max_retries=settings.EVENT_MAX_RETRIES,
            min_backoff=settings.EVENT_MIN_BACKOFF_MS,
            max_backoff=settings.EVENT_MAX_BACKOFF_MS,
        )(consume)
        for event_type in event_types:
            _subscribers[event_type].append(actor)
        return actor

    return declare
