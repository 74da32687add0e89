"""Snapshots and rollups: an event's gmina is refreshed from its schema, then its region and
the nation; the arithmetic counts adopted plans per area."""

from __future__ import annotations

from typing import Any

from aggregation.models import GminaSnapshot, Rollup
from aggregation.views.refresh import gmina_views_refresh
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
