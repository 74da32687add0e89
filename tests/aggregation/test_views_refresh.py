"""Snapshots and rollups: an event's gmina is refreshed from its schema, then its region and
the nation; the arithmetic counts adopted plans per area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from dramatiq import Worker
from dramatiq.brokers.stub import StubBroker

from aggregation.models import GminaSnapshot, Rollup, voivodeship_scope
from aggregation.views.refresh import gmina_views_refresh, rollup_refresh_delay_ms
from mozaika.broker import WorkerPollingMiddleware
from mozaika.tenancy import in_gmina
from tests.support import KRAKOW, TRZEBIEL, Api, adoption_form


def test_refresh_after_adoption_counts_the_plan_in_its_region_and_the_nation(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    adopted = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption", adoption_form()
    )
    assert adopted.status_code == 200, adopted.content

    with in_gmina(TRZEBIEL):
        gmina_views_refresh(teryt=TRZEBIEL)

    snapshot = GminaSnapshot.objects.get(gmina_id=TRZEBIEL)
    assert {p["status"] for p in snapshot.data["plans"]} == {"draft", "adopted"}
    region = operator.get("/api/v1/regions/08/rollup").json()
    assert region["gminas"] == 82  # lubuskie's gminas in the TERC register
    assert region["gminas_with_plan_in_force"] == 1
    assert region["plans_by_status"]["adopted"] == 1
    assert region["areas"]["seniors"]["gminas"] == 1
    assert region["areas"]["homelessness"]["gminas"] == 0
    assert region["refreshed_at"] is not None
    national = operator.get("/api/v1/national/rollup").json()
    assert national["gminas"] == 2477
    assert national["gminas_with_plan_in_force"] == 1
    assert set(Rollup.objects.values_list("scope", flat=True)) == {"voivodeship:08", "national"}


def test_a_region_with_no_events_yet_answers_from_the_registry(operator: Api) -> None:
    response = operator.get("/api/v1/regions/12/rollup")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "małopolskie"
    assert body["gminas"] == 182
    assert body["gminas_with_plan_in_force"] == 0
    assert body["refreshed_at"] is None


def test_an_unknown_voivodeship_is_404_and_a_malformed_one_422(operator: Api) -> None:
    assert operator.get("/api/v1/regions/03/rollup").status_code == 404  # codes are even numbers
    assert operator.get("/api/v1/regions/8/rollup").status_code == 422


def test_refreshing_one_gmina_leaves_other_regions_alone(created_plan: dict[str, Any]) -> None:
    with in_gmina(KRAKOW):
        gmina_views_refresh(teryt=KRAKOW)

    assert set(Rollup.objects.values_list("scope", flat=True)) == {"voivodeship:12", "national"}
    assert list(GminaSnapshot.objects.values_list("gmina_id", flat=True)) == [KRAKOW]


def test_a_rollup_quiet_for_longer_than_the_coalescing_period_is_refreshed_at_once(db: None, settings: Any) -> None:
    lubuskie, zachodniopomorskie, malopolskie = (voivodeship_scope(v) for v in ("08", "32", "12"))
    settings.ROLLUP_COALESCE_MS = 250
    Rollup.objects.update_or_create(scope=lubuskie, defaults={"data": {}, "refreshed_at": timezone.now()})
    Rollup.objects.update_or_create(
        scope=zachodniopomorskie, defaults={"data": {}, "refreshed_at": timezone.now() - timedelta(seconds=5)}
    )
    Rollup.objects.filter(scope=malopolskie).delete()

    just_computed = rollup_refresh_delay_ms(lubuskie)

    assert 0 < just_computed <= 250  # within a burst: the rest of the period
    assert rollup_refresh_delay_ms(zachodniopomorskie) == 0  # after a quiet spell: at once
    assert rollup_refresh_delay_ms(malopolskie) == 0  # never computed


def test_workers_look_for_due_delayed_messages_as_often_as_configured() -> None:
    broker = StubBroker()
    broker.add_middleware(WorkerPollingMiddleware(40))
    broker.declare_queue("events")
    worker = Worker(broker, worker_threads=1)
    worker.start()
    try:
        assert worker.worker_timeout == 40
        assert {consumer.worker_timeout for consumer in worker.consumers.values()} == {40}
    finally:
        worker.stop()
