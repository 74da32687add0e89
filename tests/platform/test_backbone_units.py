"""The backbone's parts in one process: a triple delivery, the consistency check and its
repair, the event feed's cursor and scoping, the scheduler's jobs."""

from __future__ import annotations

from io import StringIO
from typing import Any

import dramatiq
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from aggregation.models import GminaSnapshot, Rollup
from aggregation.views.actors import refresh_views
from aggregation.views.consistency import views_verify
from aggregation.views.drain import snapshots_drain
from mozaika.audit.log import Actor
from mozaika.events.bus import event_record
from mozaika.events.models import ConsumedEvent, Event
from mozaika.identity.models import Scope
from mozaika.identity.tokens import api_client_create
from mozaika.scheduling import JOBS
from mozaika.tenancy import in_gmina
from tenants.plans.events import INDICATOR_REPORTED, PLAN_ADOPTED, PLAN_CREATED
from tests.support import KOSZALIN, KRAKOW, TRZEBIEL, Api, payload_for


def test_the_same_message_three_times_is_applied_once(db: None) -> None:
    event = event_record(type=PLAN_CREATED, teryt=TRZEBIEL, aggregate="plan", aggregate_id=1, aggregate_version=1,
                         actor="test", payload=payload_for(PLAN_CREATED))  # fmt: skip
    with in_gmina(TRZEBIEL):
        for _ in range(3):
            refresh_views.fn(str(event.id))
    snapshots_drain()
    assert ConsumedEvent.objects.filter(event=event).count() == 1
    assert GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).count() == 1


def test_the_consistency_check_finds_drift_and_repairs_it(db: None) -> None:
    views_verify(repair=True)  # the test database's views were never built by a worker
    assert not views_verify().found
    GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).update(data={"teryt": TRZEBIEL, "plans": []})
    Rollup.objects.filter(scope="national").update(data={"gminas": 0})

    found = views_verify()
    assert found.snapshots == [TRZEBIEL]
    assert "national" in found.rollups
    views_verify(repair=True)
    assert not views_verify().found


def test_the_feed_is_ordered_paged_and_scoped(db: None, operator: Api) -> None:
    kinds = [(PLAN_CREATED, TRZEBIEL), (PLAN_ADOPTED, KRAKOW), (PLAN_ADOPTED, TRZEBIEL),
             (INDICATOR_REPORTED, TRZEBIEL)]  # fmt: skip
    start = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for kind, teryt in kinds:
        event_record(type=kind, teryt=teryt, aggregate="plan", aggregate_id=1, aggregate_version=1, actor="t",
                     payload=payload_for(kind))  # fmt: skip
    _, secret = api_client_create(name="sowa", scopes=[Scope.EVENTS_READ], voivodeships=["08"],
                                  actor=Actor.system("test"))  # fmt: skip

    page = operator.get("/api/v1/events", after=start, limit=2).json()
    rest = operator.get("/api/v1/events", after=page["next_cursor"]).json()
    lubuskie = Api(secret).get("/api/v1/events", after=start).json()
    typed = operator.get("/api/v1/events", after=start, type="indicator.reported").json()

    assert [(e["type"], e["teryt"]) for e in page["events"] + rest["events"]] == [(k.name, t) for k, t in kinds]
    # A client sees its voivodeships' gminas, and of them only what concerns adopted plans.
    assert [(e["type"], e["teryt"]) for e in lubuskie["events"]] == [("plan.adopted", TRZEBIEL)]
    assert [e["type"] for e in typed["events"]] == ["indicator.reported"]
    assert [e["seq"] for e in page["events"]] == sorted(e["seq"] for e in page["events"])


def test_scheduled_jobs_are_registered_and_runnable(db: None, settings: Any) -> None:
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    assert {
        "plans.expire",
        "plans.reporting_reminders",
        "aggregation.consistency",
        "plans.verify_archive",
    } <= set(JOBS)
    assert "0 9 15 1 *" in out.getvalue()

    reminded = JOBS["plans.reporting_reminders"].run()

    assert reminded == 4
    reminders = Event.objects.filter(type="reporting.reminder")
    assert {e.teryt for e in reminders} == {TRZEBIEL, "0862011", KRAKOW, KOSZALIN}
    assert {e.payload["year"] for e in reminders} == {timezone.localdate().year - 1}
    assert JOBS["plans.reporting_reminders"].run() == 0  # once a year, however often the job runs


def test_a_queue_prefix_keeps_a_deployments_queues_apart_on_a_shared_broker() -> None:
    from django.core.exceptions import ImproperlyConfigured
    from dramatiq.brokers.stub import StubBroker

    from mozaika.broker import QueueNamespaceMiddleware

    broker = StubBroker()
    broker.add_middleware(QueueNamespaceMiddleware("deployment-a."))
    actor = dramatiq.actor(lambda: None, actor_name="prefixed", queue_name="events", broker=broker)

    actor.send()

    assert actor.queue_name == "deployment-a.events"
    assert broker.get_declared_queues() == {"deployment-a.events", "deployment-a.events.DQ"}
    assert broker.queues["deployment-a.events"].qsize() == 1
    with pytest.raises(ImproperlyConfigured, match="BROKER_QUEUE_PREFIX"):
        QueueNamespaceMiddleware("1; DROP")


def test_this_runs_actors_consume_only_this_runs_queues() -> None:
    prefix = settings.BROKER_QUEUE_PREFIX
    queues = {actor.queue_name for actor in dramatiq.get_broker().actors.values()}

    assert prefix.startswith("run")
    assert queues
    assert all(queue.startswith(prefix) for queue in queues), queues
