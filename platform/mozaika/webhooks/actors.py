"""Webhook workers: the consumer that turns each public event into deliveries, the actor that
attempts one delivery, and the once-a-minute sweep that re-sends deliveries whose message was
lost. Each only translates a message into a service call."""

from __future__ import annotations

import logging
from datetime import timedelta

import dramatiq

from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.bus import EventEnvelope, event_consumer
from mozaika.events.catalogue import catalogue
from mozaika.scheduling import periodic
from mozaika.tenancy import PUBLIC_SCHEMA
from mozaika.webhooks.services import deliveries_for_event, deliveries_overdue, delivery_attempt

logger = logging.getLogger(__name__)

QUEUE = "webhooks"
# A retry further ahead than this is left to the sweep rather than sent as a delayed message:
# RabbitMQ's consumer_timeout (30 minutes) breaks long-delayed messages (dramatiq #827).
LONGEST_MESSAGE_DELAY = timedelta(minutes=15)
# The sweep leaves alone what is due for less than this: its message is most likely on its way.
SWEEP_SLACK = timedelta(seconds=30)


@dramatiq.actor(actor_name="webhooks.deliver", queue_name=QUEUE, max_retries=0)
def deliver(delivery_id: str) -> None:
    """One attempt; the service schedules the next one itself (no dramatiq retries)."""
    delivery_attempt(delivery_id=delivery_id)


def delivery_send(delivery_id: str, *, delay: timedelta = timedelta(0)) -> None:
    if delay > LONGEST_MESSAGE_DELAY:
        return  # the sweep sends it when due
    deliver.send_with_options(
        args=(delivery_id,),
        delay=int(delay.total_seconds() * 1000) or None,
        **{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA},  # type: ignore[arg-type]
    )


def _fan_out(event: EventEnvelope) -> None:
    deliveries_for_event(event)


# Only the public event types: what API clients may read is all an endpoint can be sent.
fan_out = event_consumer(*[t for t in catalogue() if t.public], name="webhooks.fan_out", queue_name=QUEUE)(_fan_out)


@dramatiq.actor(actor_name="webhooks.sweep", queue_name="periodic", max_retries=0)
def sweep() -> None:
    overdue = deliveries_overdue(slack=SWEEP_SLACK)
    for delivery_id in overdue:
        delivery_send(delivery_id)
    if overdue:
        logger.info("webhook sweep re-sent %s overdue deliveries", len(overdue))


@periodic(name="webhooks.sweep", cron="* * * * *", description="re-send webhook deliveries whose message was lost")
def schedule_sweep() -> str:
    sweep.send_with_options(**{TENANT_SCHEMA_OPTION: PUBLIC_SCHEMA})  # type: ignore[arg-type]
    return "enqueued"
