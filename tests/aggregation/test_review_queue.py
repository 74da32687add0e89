"""The review queue catches what a reviewer would (issue 20): the submission number, not the edit
counter; what changed since the previous submission; an adopted plan for the same days;
indicators mapped to no standard; and comments only on places the plan has."""

from __future__ import annotations

import csv
import io
from typing import Any

from mozaika.tenancy import in_gmina
from tests.aggregation.test_regional_views import refresh
from tests.factories import AdoptedPlanFactory
from tests.support import TRZEBIEL, Api, complete_programme, put_programme

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"
QUEUE = "/api/v1/regions/08/review-queue"


def _submitted(admin: Api, plan: dict[str, Any], programme: dict[str, Any] | None = None) -> dict[str, Any]:
    written = put_programme(admin, TRZEBIEL, plan["id"], programme or complete_programme(), plan["version"])
    assert written.status_code == 200, written.content
    submitted = admin.post_json(f"{PLANS}/{plan['id']}/submission", {})
    assert submitted.status_code == 200, submitted.content
    refresh(TRZEBIEL)
    return written.json()


def _queued(reviewer: Api, plan_id: int) -> dict[str, Any]:
    [item] = [q for q in reviewer.get(QUEUE).json() if q["plan_id"] == plan_id]
    return item


def test_a_second_submission_shows_its_number_and_what_changed(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    _submitted(trzebiel_admin, created_plan)
    first = _queued(lubuskie_reviewer, created_plan["id"])
    assert (first["submission"], first["changes_since_previous_submission"], first["changed_paths"]) == (1, None, None)

    comment = {"path": "programme.areas[0].goals[0]", "text": "Brak terminu"}
    returned = lubuskie_reviewer.post_json(
        f"{PLANS}/{created_plan['id']}/review", {"decision": "return", "comments": [comment]}
    )
    assert returned.status_code == 200, returned.content
    edited = complete_programme()
    edited["areas"][0]["goals"][0]["specific_goals"][0]["actions"][0]["timeframe"] = "2025-2026"
    _submitted(trzebiel_admin, returned.json(), edited)

    second = _queued(lubuskie_reviewer, created_plan["id"])
    assert second["submission"] == 2
    assert second["version"] > second["submission"]  # the ETag moved with every edit
    assert second["changes_since_previous_submission"] == [
        {"path": "programme.areas[0].goals[0].specific_goals[0].actions[0].timeframe", "change": "changed"}
    ]
    assert second["changed_paths"] == 1


def test_a_plan_for_days_an_adopted_plan_covers_is_flagged(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    with in_gmina(TRZEBIEL):
        adopted = AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2025)
        AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2019, period_end=2021)  # ended before: no flag
    _submitted(trzebiel_admin, created_plan)  # 2025-2027

    item = _queued(lubuskie_reviewer, created_plan["id"])

    assert "overlaps_adopted_plan" in item["flags"]
    assert [o["plan_id"] for o in item["overlaps_adopted"]] == [adopted.pk]
    assert item["overlaps_adopted"][0]["valid_until"] == "2025-12-31"


def test_indicators_mapped_to_no_standard_are_flagged(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    _submitted(trzebiel_admin, created_plan)

    item = _queued(lubuskie_reviewer, created_plan["id"])

    unmapped = [i["number"] for i in created_plan["indicators"] if not i["standard_code"]]
    assert unmapped, "the sample plan must have an unmapped indicator for this test to mean anything"
    assert item["indicators_without_standard"] == unmapped
    assert "indicators_without_standard" in item["flags"]
    assert "overlaps_adopted_plan" not in item["flags"]


def test_the_queue_export_shows_the_submission_and_the_flags(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    _submitted(trzebiel_admin, created_plan)

    rows = list(csv.DictReader(io.StringIO(lubuskie_reviewer.get(QUEUE, format="csv").content.decode("utf-8-sig")),
                               delimiter=";"))  # fmt: skip

    [row] = [r for r in rows if r["Nr planu"] == str(created_plan["id"])]
    assert row["Złożenie nr"] == "1"
    assert "wskaźniki bez standardu" in row["Do sprawdzenia"]
    assert "Wersja" not in row


def test_a_comment_must_name_a_place_the_plan_has(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    _submitted(trzebiel_admin, created_plan)
    review = f"{PLANS}/{created_plan['id']}/review"

    refused = lubuskie_reviewer.post_json(review, {"decision": "return", "comments": [
        {"path": "programme.areas[0].goals[0]", "text": "Dobrze"},
        {"path": "cokolwiek[99]", "text": "?"},
        {"path": "programme.areas[99]", "text": "?"},
        {"path": "indicators[0].name.", "text": "?"},
    ]})  # fmt: skip

    assert refused.status_code == 422, refused.content
    assert [e["path"] for e in refused.json()["errors"]] == ["comments[1].path", "comments[2].path", "comments[3].path"]
    assert trzebiel_admin.get(f"{PLANS}/{created_plan['id']}").json()["status"] == "submitted"  # nothing changed
    accepted = lubuskie_reviewer.post_json(review, {"decision": "return", "comments": [
        {"path": "indicators[0].target", "text": "Za nisko"}, {"path": "title", "text": "Tytuł"}]})  # fmt: skip
    assert accepted.status_code == 200, accepted.content
