"""The plan lifecycle through the API: submission freezes a hashed version, the region returns
it with comments or accepts it, a new adoption supersedes the old plan, ended plans expire."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from mozaika.audit.log import Actor
from mozaika.events.models import Event
from mozaika.tenancy import WrongGminaSchema, in_gmina
from tenants.plans.lifecycle.acts import plans_expire
from tenants.plans.lifecycle.review import plan_locked
from tenants.plans.models import Plan, PlanStatus
from tests.support import KOSZALIN, TRZEBIEL, Api, adoption_form, complete_programme, plan_body, put_programme

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def test_submission_is_refused_while_blocking_findings_remain(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()  # Trzebiel's document has no baselines or targets

    response = trzebiel_admin.post_json(f"{PLANS}/{demo['id']}/submission", {})

    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert {"areas[0].indicators", "areas[3].indicators"} <= paths
    assert trzebiel_admin.get(f"{PLANS}/{demo['id']}").json()["status"] == "draft"


def test_a_submission_freezes_a_version_with_its_hash(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], complete_programme(), created_plan["version"])

    submitted = trzebiel_admin.post_json(f"{PLANS}/{created_plan['id']}/submission", {}).json()
    frozen = trzebiel_admin.get(f"{PLANS}/{created_plan['id']}/versions/1").json()

    assert submitted["number"] == 1
    assert frozen["document"]["programme"]["areas"][0]["code"] == "seniors"
    assert frozen["sha256"] == submitted["sha256"]
    with in_gmina(TRZEBIEL):
        canonical = Plan.objects.get(pk=created_plan["id"]).versions.get(number=1).canonical
    assert hashlib.sha256(canonical.encode()).hexdigest() == submitted["sha256"]
    assert "Więcej usług opiekuńczych" in canonical  # Polish text kept as UTF-8, not escaped


def test_returned_with_comments_edited_resubmitted_and_diffed(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    plan_id = created_plan["id"]
    put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), created_plan["version"])
    trzebiel_admin.post_json(f"{PLANS}/{plan_id}/submission", {})

    returned = lubuskie_reviewer.post_json(
        f"{PLANS}/{plan_id}/review",
        {
            "decision": "return",
            "comments": [{"path": "programme.areas[0].goals[0]", "text": "Brak terminu realizacji"}],
        },
    )
    assert returned.json()["status"] == "returned"
    comments = trzebiel_admin.get(f"{PLANS}/{plan_id}/comments").json()
    assert [(c["path"], c["version_number"]) for c in comments] == [("programme.areas[0].goals[0]", 1)]

    edited = complete_programme()
    edited["areas"][0]["goals"][0]["specific_goals"][0]["actions"][0]["timeframe"] = "2025-2026"
    after_edit = put_programme(trzebiel_admin, TRZEBIEL, plan_id, edited, returned.json()["version"]).json()
    assert after_edit["status"] == "draft"
    assert trzebiel_admin.post_json(f"{PLANS}/{plan_id}/submission", {}).json()["number"] == 2

    diff = trzebiel_admin.get(f"{PLANS}/{plan_id}/versions/1/diff/2").json()
    assert diff == [
        {
            "path": "programme.areas[0].goals[0].specific_goals[0].actions[0].timeframe",
            "change": "changed",
            "before": "",
            "after": "2025-2026",
        }
    ]


def test_a_reviewer_cannot_review_a_draft_it_cannot_see(trzebiel_admin: Api, lubuskie_reviewer: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    response = lubuskie_reviewer.post_json(f"{PLANS}/{demo['id']}/review", {"decision": "accept"})
    # The reviewer cannot even see a draft: it is as absent as a missing plan.
    assert response.status_code == 404


def test_a_return_needs_a_comment(trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]) -> None:
    put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], complete_programme(), created_plan["version"])
    trzebiel_admin.post_json(f"{PLANS}/{created_plan['id']}/submission", {})

    response = lubuskie_reviewer.post_json(f"{PLANS}/{created_plan['id']}/review", {"decision": "return"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "comments"


def test_a_new_adoption_supersedes_the_old_plan_and_ended_plans_expire(
    trzebiel_admin: Api, lubuskie_reviewer: Api, accepted_plan: dict[str, Any]
) -> None:
    trzebiel_admin.post_form(f"{PLANS}/{accepted_plan['id']}/adoption", adoption_form())
    newer = trzebiel_admin.post_json(PLANS, plan_body(title="Plan 2025-2028", period_start=2025, period_end=2028))
    newer_id = newer.json()["id"]
    put_programme(trzebiel_admin, TRZEBIEL, newer_id, complete_programme(), newer.json()["version"])
    trzebiel_admin.post_json(f"{PLANS}/{newer_id}/submission", {})
    lubuskie_reviewer.post_json(f"{PLANS}/{newer_id}/review", {"decision": "accept"})

    trzebiel_admin.post_form(
        f"{PLANS}/{newer_id}/adoption", adoption_form(act_number="XX/1/2026", act_date="2026-01-15")
    )

    assert trzebiel_admin.get(f"{PLANS}/{accepted_plan['id']}").json()["status"] == "superseded"
    assert trzebiel_admin.get(f"{PLANS}/{newer_id}").json()["status"] == "adopted"
    assert Event.objects.filter(type="plan.superseded", aggregate_id=str(accepted_plan["id"])).exists()
    with in_gmina(TRZEBIEL):
        expired = plans_expire(teryt=TRZEBIEL, today=date(2029, 1, 1), actor=Actor.system("scheduler"))
        assert expired == [newer_id]
        assert Plan.objects.get(pk=newer_id).status == PlanStatus.EXPIRED


def test_a_diagnosis_edit_returns_a_returned_plan_to_draft_and_enters_its_history(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    plan_id = created_plan["id"]
    put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), created_plan["version"])
    trzebiel_admin.post_json(f"{PLANS}/{plan_id}/submission", {})
    comment = {"path": "diagnosis", "text": "Brak danych o DPS"}
    lubuskie_reviewer.post_json(f"{PLANS}/{plan_id}/review", {"decision": "return", "comments": [comment]})
    url = f"{PLANS}/{plan_id}/diagnosis"
    etag = trzebiel_admin.get(url)["ETag"]
    body = {"sections": [], "figures": [{"name": "Mieszkańcy DPS", "value": "14", "unit": "osoby", "year": 2023}]}

    written = trzebiel_admin.client.put(
        url,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {trzebiel_admin.token}", "If-Match": etag},
    )

    assert written.status_code == 200, written.content
    assert trzebiel_admin.get(f"{PLANS}/{plan_id}").json()["status"] == "draft"
    history = trzebiel_admin.get(f"{PLANS}/{plan_id}/history").json()
    assert [(e["type"], e["payload"].get("part")) for e in history][-1] == ("plan.updated", "diagnosis")


def test_a_write_to_one_gminas_plan_refuses_to_run_in_another_gminas_schema(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    with in_gmina(KOSZALIN), transaction.atomic(), pytest.raises(WrongGminaSchema):
        plan_locked(teryt=TRZEBIEL, plan_id=demo["id"])
