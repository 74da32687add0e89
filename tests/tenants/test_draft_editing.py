"""Every part of a draft is editable through the API with If-Match, every plan read and write
carries the ETag, and a draft never submitted can be deleted."""

from __future__ import annotations

import json
from typing import Any

from mozaika.events.models import Event
from tests.factories import PlanFactory
from tests.support import TRZEBIEL, Api, adoption_form, complete_programme, put_programme

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def write(api: Api, method: str, path: str, body: Any, etag: str | None) -> Any:
    headers = {"Authorization": f"Bearer {api.token}", **({"If-Match": etag} if etag else {})}
    return api.client.generic(method, path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_the_title_and_period_change_with_if_match_and_the_etag_moves_on(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    url = f"{PLANS}/{created_plan['id']}"
    read = trzebiel_admin.get(url)
    assert read["ETag"] == f'"{created_plan["version"]}"'

    changed = write(trzebiel_admin, "PATCH", url, {"title": "Plan 2025-2028", "period_end": 2028}, read["ETag"])
    stale = write(trzebiel_admin, "PATCH", url, {"title": "Inny"}, read["ETag"])
    missing = write(trzebiel_admin, "PATCH", url, {"title": "Inny"}, None)

    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["title"], body["period_end"], body["valid_until"]) == ("Plan 2025-2028", 2028, "2028-12-31")
    assert changed["ETag"] == f'"{body["version"]}"' != read["ETag"]
    assert (stale.status_code, missing.status_code) == (409, 428)
    assert trzebiel_admin.get(url).json()["title"] == "Plan 2025-2028"


def test_a_period_that_would_leave_reported_values_outside_is_refused_naming_it(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    url = f"{PLANS}/{created_plan['id']}"  # the plan has values for 2025 and 2026

    refused = write(trzebiel_admin, "PATCH", url, {"period_start": 2026}, trzebiel_admin.get(url)["ETag"])

    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["period_start"]
    assert "2025" in refused.json()["errors"][0]["message"]
    assert trzebiel_admin.get(url).json()["period_start"] == 2025


def test_indicators_are_kept_by_id_added_and_removed_and_values_stay_with_theirs(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    url = f"{PLANS}/{created_plan['id']}"
    [kept] = created_plan["indicators"]
    edited = {k: kept[k] for k in ("area", "number", "name", "unit")} | {
        "id": kept["id"], "baseline_value": "10", "baseline_year": 2025, "target_value": "40", "target_year": 2027,
    }  # fmt: skip
    added = {"area": "family", "number": "2", "name": "Rodziny z asystentem", "unit": "rodziny",
             "baseline_value": "3", "baseline_year": 2025, "target_value": "8", "target_year": 2027}  # fmt: skip

    written = write(trzebiel_admin, "PUT", f"{url}/indicators", [edited, added], trzebiel_admin.get(url)["ETag"])

    assert written.status_code == 200, written.content
    indicators = written.json()["indicators"]
    assert [(i["id"] == kept["id"], i["name"], i["target_value"]) for i in indicators] == [
        (True, kept["name"], "40.00"), (False, "Rodziny z asystentem", "8.00")
    ]  # fmt: skip
    assert {v["year"] for v in indicators[0]["values"]} == {2025, 2026}  # its reported values stayed
    removed = write(trzebiel_admin, "PUT", f"{url}/indicators", [added], written["ETag"])
    assert [i["name"] for i in removed.json()["indicators"]] == ["Rodziny z asystentem"]


def test_indicator_edits_name_every_wrong_item(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    url = f"{PLANS}/{created_plan['id']}"
    foreign = {"id": 999_999, "area": "seniors", "name": "x", "unit": "osoby"}
    outside = {"area": "homelessness", "name": "y", "unit": "osoby"}

    refused = write(trzebiel_admin, "PUT", f"{url}/indicators", [foreign, outside], trzebiel_admin.get(url)["ETag"])

    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["indicators[0].id", "indicators[1].area"]
    assert len(trzebiel_admin.get(url).json()["indicators"]) == 1


def test_an_edit_of_a_returned_plan_makes_it_a_draft_again(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    url = f"{PLANS}/{created_plan['id']}"
    put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], complete_programme(), created_plan["version"])
    trzebiel_admin.post_json(f"{url}/submission", {})
    comment = {"path": "title", "text": "Tytuł niezgodny z uchwałą"}
    returned = lubuskie_reviewer.post_json(f"{url}/review", {"decision": "return", "comments": [comment]})

    edited = write(trzebiel_admin, "PATCH", url, {"title": "Plan poprawiony"}, returned["ETag"])

    assert edited.json()["status"] == "draft", edited.content
    assert Event.objects.filter(type="plan.updated", aggregate_id=str(created_plan["id"]),
                                payload__part="details").exists()  # fmt: skip


def test_a_draft_never_submitted_is_deleted_and_others_are_not(
    trzebiel_admin: Api, accepted_plan: dict[str, Any]
) -> None:
    draft = PlanFactory(teryt=TRZEBIEL)
    draft_url, accepted_url = f"{PLANS}/{draft.pk}", f"{PLANS}/{accepted_plan['id']}"
    refused = write(trzebiel_admin, "DELETE", accepted_url, None, trzebiel_admin.get(accepted_url)["ETag"])
    without_etag = write(trzebiel_admin, "DELETE", draft_url, None, None)

    deleted = write(trzebiel_admin, "DELETE", draft_url, None, trzebiel_admin.get(draft_url)["ETag"])

    assert (refused.status_code, without_etag.status_code, deleted.status_code) == (409, 428, 204)
    assert "only drafts are deleted" in refused.json()["detail"]
    assert trzebiel_admin.get(draft_url).status_code == 404
    assert Event.objects.filter(type="plan.deleted", aggregate_id=str(draft.pk)).exists()


def test_every_plan_write_answers_with_the_new_etag(trzebiel_admin: Api, accepted_plan: dict[str, Any]) -> None:
    url = f"{PLANS}/{accepted_plan['id']}"

    adopted = trzebiel_admin.post_form(f"{url}/adoption", adoption_form())

    assert adopted.status_code == 200, adopted.content
    assert adopted["ETag"] == f'"{adopted.json()["version"]}"' == trzebiel_admin.get(url)["ETag"]


def test_a_programme_may_not_drop_an_area_its_indicators_stand_in(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    programme = complete_programme()
    programme["areas"][0]["code"] = "family"  # the plan's indicator stands in seniors

    refused = put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], programme, created_plan["version"])

    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["areas"]
    assert "seniors" in refused.json()["errors"][0]["message"]


def test_a_new_last_year_keeps_the_first_day_of_force(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    url = f"{PLANS}/{created_plan['id']}"
    first = write(trzebiel_admin, "PATCH", url, {"valid_from": "2025-07-01"}, trzebiel_admin.get(url)["ETag"])

    longer = write(trzebiel_admin, "PATCH", url, {"period_end": 2028}, first["ETag"])

    assert (longer.json()["valid_from"], longer.json()["valid_until"]) == ("2025-07-01", "2028-12-31")
