"""A fresh gmina, built by the factories: what its admin, its voivodeship's reviewer and a
funding system may do with it, stated with nothing but what each test needs."""

from __future__ import annotations

from tenants.plans.models import InterventionArea
from tests.conftest import GminaAdmin
from tests.factories import PlanFactory
from tests.support import TRZEBIEL, Api, complete_programme, put_programme


def test_a_fresh_gminas_admin_sees_its_own_plans_and_no_other_gminas(fresh_gmina_admin: GminaAdmin) -> None:
    own = PlanFactory(teryt=fresh_gmina_admin.teryt, areas=[InterventionArea.FAMILY])
    PlanFactory(teryt=TRZEBIEL)

    listed = fresh_gmina_admin.api.get(f"/api/v1/gminas/{fresh_gmina_admin.teryt}/plans").json()
    foreign = fresh_gmina_admin.api.get(f"/api/v1/gminas/{TRZEBIEL}/plans")

    assert [(p["id"], p["areas"]) for p in listed] == [(own.pk, ["family"])]
    assert foreign.status_code == 403


def test_the_voivodeships_reviewer_accepts_what_the_fresh_gmina_submits(
    fresh_gmina_admin: GminaAdmin, voivodeship_reviewer: Api
) -> None:
    plan = PlanFactory(teryt=fresh_gmina_admin.teryt)
    url = f"/api/v1/gminas/{fresh_gmina_admin.teryt}/plans/{plan.pk}"
    put_programme(fresh_gmina_admin.api, fresh_gmina_admin.teryt, plan.pk, complete_programme(), plan.version)

    submitted = fresh_gmina_admin.api.post_json(f"{url}/submission", {})
    accepted = voivodeship_reviewer.post_json(f"{url}/review", {"decision": "accept"})

    assert submitted.status_code == 200, submitted.content
    assert accepted.json()["status"] == "accepted"


def test_a_funding_system_reads_the_fresh_gminas_eligibility_not_its_draft(
    fresh_gmina_admin: GminaAdmin, funding_system: Api
) -> None:
    plan = PlanFactory(teryt=fresh_gmina_admin.teryt)

    answer = funding_system.get(f"/api/v1/eligibility/{fresh_gmina_admin.teryt}", area="seniors")
    draft = funding_system.get(f"/api/v1/gminas/{fresh_gmina_admin.teryt}/plans/{plan.pk}")

    assert answer.status_code == 200, answer.content
    assert answer.json()["eligible"] is False
    assert draft.status_code in (403, 404)
