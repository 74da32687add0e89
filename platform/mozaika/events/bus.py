"""Recording, publishing and consuming domain events.

- `event_record` appends the event in the caller's transaction and publishes it after commit.
- `publish_event` sends it to every consumer subscribed to its type, in the gmina's schema.
- `events_relay` republishes events that stayed unpublished (a crash between commit and send).
- `event_consumer` declares a dramatiq actor that applies an event at most once per consumer.
Event types are members of the catalogue (`mozaika.events.catalogue`), never bare names.
Delivery is at-least-once; effects in the database are exactly-once.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import dramatiq
from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Now
from django.utils import timezone

from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.catalogue import EventType, event_type_named
from mozaika.events.models import ConsumedEvent, Event
from mozaika.logs import REQUEST_ID_OPTION, current_request_id
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
    type: EventType,
    teryt: str,
    aggregate: str,
    aggregate_id: str | int,
    aggregate_version: int,
    actor: str,
    payload: dict[str, Any],
) -> Event:
    """Append an event in the current transaction; it is published once that commits."""
    if event_type_named(type.name) is not type:
        raise ValueError(f"event type {type.name!r} is not the catalogue's")
    problems = type.payload_problems(payload)
    if problems:
        raise ValueError(f"{type.name} payload does not follow {type.payload.__name__}: {', '.join(problems)}")
    event = Event.objects.create(
        type=type.name,
        teryt=teryt,
        aggregate=aggregate,
        aggregate_id=str(aggregate_id),
        aggregate_version=aggregate_version,
        actor=actor,
        payload=payload,
        request_id=current_request_id(),
    )
    event_id = event.id  # captured now: the callback runs after this frame's schema context is gone
    transaction.on_commit(lambda: publish_event_safely(event_id))
    return event


def publish_event(event: Event) -> None:
    schema = Teryt(event.teryt).schema_name if event.teryt else PUBLIC_SCHEMA
    for consumer in _subscribers.get(event.type, []):
        # The UUID, not the seq: a message can never name another database's event.
        options: dict[str, Any] = {TENANT_SCHEMA_OPTION: schema, REQUEST_ID_OPTION: event.request_id}
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


def subscribers_of(event_type: EventType) -> list[str]:
    """The names of the consumers subscribed to `event_type`."""
    return [actor.actor_name for actor in _subscribers.get(event_type.name, [])]


_EVENT_COLUMNS = ("id", "seq", "type", "teryt", "aggregate", "aggregate_id", "aggregate_version", "occurred_at",
                  "actor", "payload", "payload_version", "published_at")  # fmt: skip

# The event, and whether this delivery is the one that applies it, in one round trip: the record
# of its consumption is inserted unless one exists. A concurrent duplicate waits on the insert
# until the first delivery's transaction ends, then finds its record (or, if that one rolled
# back, inserts its own).
_CLAIM_CTE = f"""
    WITH event AS (SELECT {", ".join(_EVENT_COLUMNS)} FROM {Event._meta.db_table} WHERE id = %s),
    claimed AS (
        INSERT INTO {ConsumedEvent._meta.db_table} (consumer, event_id, consumed_at)
        SELECT %s, seq, now() FROM event WHERE type = ANY(%s)
        ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id)"""  # noqa: S608 - our tables and columns
_CLAIM_SQL = f"{_CLAIM_CTE}\n    SELECT event.*, EXISTS (SELECT 1 FROM claimed) FROM event"  # noqa: S608 - our tables


def _event_claim(*, consumer: str, event_id: str, types: frozenset[str]) -> tuple[EventEnvelope | None, bool]:
    """In the caller's transaction: the event (None if there is none of that id), and whether
    `consumer` is to apply it now (it is of `types` and was not applied before)."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [event_id, consumer, sorted(types)])
        row = cursor.fetchone()
    if row is None:
        return None, False
    fields = dict(zip(_EVENT_COLUMNS, row[:-1], strict=True))
    fields["id"] = str(fields["id"])
    # Django's PostgreSQL backend reads jsonb as text (its JSONField decodes it); so must we.
    fields["payload"] = json.loads(fields["payload"]) if isinstance(fields["payload"], str) else fields["payload"]
    return EventEnvelope(**fields), bool(row[-1])


def _subscribed(
    consume: Callable[[str], None], *, name: str, queue_name: str, types: Iterable[str]
) -> dramatiq.Actor[Any, Any]:
    """`consume` as the actor `name`, with the events' retry policy, subscribed to `types`."""
    consume.__name__ = name
    actor: dramatiq.Actor[Any, Any] = dramatiq.actor(
        actor_name=name,
        queue_name=queue_name,
        max_retries=settings.EVENT_MAX_RETRIES,
        min_backoff=settings.EVENT_MIN_BACKOFF_MS,
        max_backoff=settings.EVENT_MAX_BACKOFF_MS,
    )(consume)
    for event_type in types:
        _subscribers[event_type].append(actor)
    return actor


def event_consumer(
    *event_types: EventType, name: str, transactional: bool = True, queue_name: str = "events"
) -> Callable[[EventHandler], dramatiq.Actor[Any, Any]]:
    """Declare `handler` as the consumer `name` of `event_types`.

    The handler runs inside one transaction together with the record that it has consumed the
    event; a second delivery (or a concurrent duplicate) finds that record and changes nothing.
    A handler that commits in steps of its own (`transactional=False`) must be idempotent: it
    runs again if the worker dies before the record is written.
    The gmina's schema is already active (see `mozaika.broker.TenantSchemaMiddleware`)."""
    names = frozenset(t.name for t in event_types)

    def declare(handler: EventHandler) -> dramatiq.Actor[Any, Any]:
        def consume(event_id: str) -> None:
            if not transactional:
                consume_in_steps(event_id)
                return
            with transaction.atomic():
                event, apply = _event_claim(consumer=name, event_id=event_id, types=names)
                if event is None or event.type not in names:
                    logger.warning("%s: no event %s of types %s here; ignored", name, event_id, sorted(names))
                    return
                if not apply:
                    return  # applied before, or concurrently by a transaction that committed first
                handler(event)
            logger.info("%s applied %s #%s in %s", name, event.type, event.seq, event.teryt or "public")

        def consume_in_steps(event_id: str) -> None:
            event = Event.objects.filter(id=event_id).first()
            if event is None or event.type not in names:
                logger.warning("%s: no event %s of types %s here; ignored", name, event_id, sorted(names))
                return
            if not ConsumedEvent.objects.filter(consumer=name, event=event).exists():
                handler(EventEnvelope.of(event))
                ConsumedEvent.objects.get_or_create(consumer=name, event=event)
                logger.info("%s applied %s #%s in %s", name, event.type, event.seq, event.teryt or "public")

        return _subscribed(consume, name=name, queue_name=queue_name, types=names)

    return declare


def event_consumer_in_sql(
    *event_types: EventType, name: str, effect: str, after: Callable[[], None], queue_name: str = "events"
) -> dramatiq.Actor[Any, Any]:
    """Declare the consumer `name` of `event_types` whose whole effect is one SQL statement,
    `effect`, over the relation `applied` (the event's columns, one row when this delivery
    applies it, none otherwise); PostgreSQL runs a data-modifying WITH clause whether or not the
    query reads it. Claiming the event and applying it are then one statement in
    its own transaction, a round trip instead of a transaction's five: the views' consumer,
    which every snapshot-changing event goes through, only marks a gmina stale. `after` runs
    once the statement has committed, whether or not it applied the event."""
    names = sorted(t.name for t in event_types)
    statement = f"""{_CLAIM_CTE},
        applied AS (SELECT event.* FROM event JOIN claimed ON claimed.event_id = event.seq),
        effect AS ({effect})
        SELECT event.seq, event.type, event.teryt, EXISTS (SELECT 1 FROM claimed) FROM event"""  # noqa: S608 - our tables; `effect` is the declaring module's constant

    def consume(event_id: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, [event_id, name, names])
            row = cursor.fetchone()
        if row is None or row[1] not in names:
            logger.warning("%s: no event %s of types %s here; ignored", name, event_id, names)
        elif row[3]:
            logger.info("%s applied %s #%s in %s", name, row[1], row[0], row[2] or "public")
        after()

    return _subscribed(consume, name=name, queue_name=queue_name, types=names)
