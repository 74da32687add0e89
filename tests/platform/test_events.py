"""The event backbone of the skeleton: events are written with the change, published to the
real broker after commit in the gmina's schema, republished by the relay, applied once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import dramatiq
import pytest
from django.db import connection, transaction
from django.utils import timezone
from dramatiq.middleware import Middleware

from aggregation.models import GminaSnapshot
from aggregation.views.actors import refresh_views
from aggregation.views.drain import snapshots_drain
from mozaika.broker import TENANT_SCHEMA_OPTION, TenantSchemaMiddleware
from mozaika.events.bus import EventEnvelope, _event_claim, event_record, events_relay
from mozaika.events.catalogue import EventType
from mozaika.events.models import ConsumedEvent, Event
from mozaika.tenancy import Teryt, in_gmina
from tenants.plans.actors import archive_documents
from tenants.plans.events import PLAN_ADOPTED, PLAN_CREATED
from tests.support import TRZEBIEL, in_own_connection, in_thread, payload_for, wait_until, waiting_for_a_lock


class EnqueuedMessages(Middleware):
    """Observes what the real broker accepted (after_enqueue runs once the broker has it)."""

    def __init__(self) -> None:
        self.messages: list[dramatiq.Message[Any]] = []

    def after_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        self.messages.append(message)


@pytest.fixture
def enqueued() -> Iterator[EnqueuedMessages]:
    broker = dramatiq.get_broker()
    spy = EnqueuedMessages()
    broker.middleware.append(spy)
    yield spy
    broker.middleware.remove(spy)


def record(type_: EventType = PLAN_CREATED) -> Event:
    return event_record(
        type=type_,
        teryt=TRZEBIEL,
        aggregate="plan",
        aggregate_id=1,
        aggregate_version=1,
        actor="test",
        payload=payload_for(type_),
    )


def test_events_are_published_after_commit_in_the_gminas_schema(
    db: None, enqueued: EnqueuedMessages, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks, in_gmina(TRZEBIEL):
        event = record(PLAN_ADOPTED)
    assert enqueued.messages == []  # nothing leaves before the commit

    for callback in callbacks:  # the commit; the schema context is long gone by now
        callback()

    assert connection.schema_name == "public"
    assert sorted(m.actor_name for m in enqueued.messages) == [
        "aggregation.refresh_views",
        "plans.archive_documents",
        "webhooks.fan_out",
    ]
    assert {m.options[TENANT_SCHEMA_OPTION] for m in enqueued.messages} == {Teryt(TRZEBIEL).schema_name}
    assert {m.args for m in enqueued.messages} == {(str(event.id),)}
    event.refresh_from_db()
    assert event.published_at is not None


def test_the_relay_republishes_only_old_unpublished_events(db: None, enqueued: EnqueuedMessages) -> None:
    stale, fresh, done = record(), record(), record()
    Event.objects.filter(pk__in=[stale.pk, done.pk]).update(occurred_at=timezone.now() - timedelta(minutes=1))
    Event.objects.filter(pk=done.pk).update(published_at=timezone.now())

    count = events_relay(older_than=timedelta(seconds=5))

    assert count == 1
    assert {m.args for m in enqueued.messages} == {(str(stale.id),)}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.published_at is not None
    assert fresh.published_at is None


def test_a_redelivered_event_is_applied_once(db: None) -> None:
    event = record()
    with in_gmina(TRZEBIEL):
        refresh_views.fn(str(event.id))
    assert snapshots_drain().refreshed.keys() == {TRZEBIEL}
    first = GminaSnapshot.objects.get(gmina_id=TRZEBIEL).refreshed_at
    with in_gmina(TRZEBIEL):
        refresh_views.fn(str(event.id))

    assert snapshots_drain().refreshed == {}  # the second delivery marked nothing stale
    assert GminaSnapshot.objects.get(gmina_id=TRZEBIEL).refreshed_at == first
    assert ConsumedEvent.objects.filter(event=event, consumer="aggregation.refresh_views").count() == 1


def test_a_claimed_event_reaches_its_handler_as_recorded(db: None) -> None:
    event = record(PLAN_ADOPTED)

    claimed, apply = _event_claim(consumer="claim-test", event_id=str(event.id), types=frozenset({PLAN_ADOPTED.name}))

    assert apply is True
    assert claimed == EventEnvelope.of(Event.objects.get(pk=event.pk))
    assert isinstance(claimed.payload, dict)
    assert claimed.payload == payload_for(PLAN_ADOPTED)


def test_a_consumer_ignores_events_it_does_not_subscribe_to_or_cannot_find(db: None) -> None:
    event = record(PLAN_CREATED)  # the archive consumer handles plan.adopted only

    archive_documents.fn(str(event.id))
    archive_documents.fn("00000000-0000-0000-0000-000000000000")

    assert not ConsumedEvent.objects.filter(consumer="plans.archive_documents").exists()


@pytest.mark.parametrize("outcome", ["processed", "failed", "skipped"])
def test_the_worker_middleware_activates_the_gmina_and_always_returns_to_public(db: None, outcome: str) -> None:
    middleware = TenantSchemaMiddleware()
    broker = dramatiq.get_broker()
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name="events",
        actor_name="x",
        args=(),
        kwargs={},
        options={TENANT_SCHEMA_OPTION: Teryt(TRZEBIEL).schema_name},
    )

    middleware.before_process_message(broker, message)
    assert connection.schema_name == Teryt(TRZEBIEL).schema_name
    if outcome == "skipped":
        middleware.after_skip_message(broker, message)
    else:
        middleware.after_process_message(
            broker, message, exception=RuntimeError("boom") if outcome == "failed" else None
        )

    assert connection.schema_name == "public"


def test_two_deliveries_racing_apply_the_event_once(db: None) -> None:
    """Two worker threads, each in its own connection, get the same event at once: the second
    waits for the first's transaction and then finds the event applied. (The event and record
    these threads commit are removed at the end.)"""
    first_recorded, first_may_commit = threading.Event(), threading.Event()
    RACED = frozenset({"plan.created"})
    outcomes: dict[str, bool] = {}
    created: list[Event] = []

    def first() -> None:
        with transaction.atomic():
            outcomes["first"] = _event_claim(consumer="race-test", event_id=str(created[0].id), types=RACED)[1]
            first_recorded.set()
            assert first_may_commit.wait(30)

    def second() -> None:
        with transaction.atomic():
            outcomes["second"] = _event_claim(consumer="race-test", event_id=str(created[0].id), types=RACED)[1]

    fields = {"type": "plan.created", "teryt": TRZEBIEL, "aggregate": "plan", "aggregate_id": "1",
              "aggregate_version": 1, "actor": "test"}  # fmt: skip
    in_thread(lambda: created.append(Event.objects.create(**fields)))
    try:
        one, two = threading.Thread(target=in_own_connection(first)), threading.Thread(target=in_own_connection(second))
        one.start()
        assert first_recorded.wait(30)
        two.start()
        wait_until(lambda: waiting_for_a_lock("INSERT INTO events_consumedevent"), timeout=30, what="the second")
        first_may_commit.set()
        one.join()
        two.join()

        assert outcomes == {"first": True, "second": False}
    finally:
        first_may_commit.set()
        in_thread(lambda: ConsumedEvent.objects.filter(consumer="race-test").delete())
        in_thread(lambda: Event.objects.filter(pk=created[0].pk).delete() if created else None)
