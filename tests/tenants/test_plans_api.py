"""A gmina's plans through the API: create, read, adopt with the resolution PDF."""

from __future__ import annotations

import hashlib
from typing import Any

from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.models import ArchiveStatus, Plan, PlanDocument
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, adoption_form, complete_programme, put_programme


def adopt(api: Api, plan_id: int, **overrides: Any) -> Any:
    return api.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/adoption", adoption_form(**overrides))


def test_created_plan_reads_back_with_its_indicators_and_values(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    response = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}")

    assert response.status_code == 200
    plan = response.json()
    assert plan["status"] == "draft"
    assert plan["areas"] == ["seniors", "family"]
    [indicator] = plan["indicators"]
    assert [(v["year"], v["value"]) for v in indicator["values"]] == [(2025, "12.00"), (2026, "18.00")]
    assert indicator["values"][0]["reported_by"] == "demo-trzebiel-admin"


def test_demo_plan_keeps_the_documents_indicator_numbering(trzebiel_admin: Api) -> None:
    [plan] = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans").json()

    family_numbers = [i["number"] for i in plan["indicators"] if i["area"] == "family"]
    assert plan["period_start"] == 2024
    assert plan["period_end"] == 2029
    assert family_numbers[:4] == ["1", "2", "4", "5"]  # the document skips 3
    assert len(plan["indicators"]) == 29


def test_adoption_records_the_act_the_pending_document_and_one_event(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], local_archive: Any
) -> None:
    created_plan = accepted_plan
    response = adopt(trzebiel_admin, created_plan["id"])

    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["status"] == "adopted"
    assert plan["act"] == {
        "kind": "council_resolution",
        "number": "XII/84/2024",
        "date": "2024-06-27",
        "in_force_from": "2024-06-27",
    }
    [document] = plan["documents"]
    assert document["status"] == ArchiveStatus.PENDING
    assert document["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert document["original_name"] == "Uchwała XII-84-2024.pdf"
    [event] = Event.objects.filter(type="plan.adopted", aggregate_id=str(created_plan["id"]))
    assert event.teryt == TRZEBIEL
    assert event.aggregate_version == plan["version"] == accepted_plan["version"] + 1
    assert event.payload["documents"][0]["sha256"] == document["sha256"]
    staged = list((local_archive / "staging").iterdir())
    assert [p.read_bytes() for p in staged] == [MINIMAL_PDF]


def test_adopting_an_adopted_plan_is_a_conflict_and_stages_nothing(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], local_archive: Any
) -> None:
    created_plan = accepted_plan
    assert adopt(trzebiel_admin, created_plan["id"]).status_code == 200

    response = adopt(trzebiel_admin, created_plan["id"], act_number="XIII/90/2024")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["errors"] == [{"path": "status", "message": "allowed transitions: expire, supersede"}]
    assert len(list((local_archive / "staging").iterdir())) == 1
    with in_gmina(TRZEBIEL):
        assert Plan.objects.get(pk=created_plan["id"]).act_number == "XII/84/2024"
        assert PlanDocument.objects.filter(plan_id=created_plan["id"]).count() == 1


def test_a_draft_cannot_be_adopted_and_the_allowed_transitions_are_listed(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    response = adopt(trzebiel_admin, created_plan["id"])

    assert response.status_code == 409
    assert response.json()["errors"] == [{"path": "status", "message": "allowed transitions: submit"}]


def test_a_plans_eu_project_may_name_any_call_mozaika_accepts(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    programme = complete_programme()
    project = {"call_code": "FERS.04.12-IP.01", "title": "Usługi w społeczności", "status": "planned"}
    programme["eu_projects"] = [project]

    written = put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], programme, created_plan["version"])
    bad = put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], programme | {"eu_projects": [
        {"call_code": "fers 04", "title": "x", "status": "planned"}]}, written.json()["version"])  # fmt: skip

    assert written.status_code == 200, written.content
    read = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/programme").json()
    assert read["eu_projects"] == [project | {"value": None}]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "eu_projects[0].call_code"
