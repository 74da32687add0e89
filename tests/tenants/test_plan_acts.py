"""A plan's life by the day, through the API: the adopting act (its date never in the future,
its entry into force possibly later), amendment, repeal, supersession, annulment and an
operator's withdrawal of a mistaken adoption — each kept on record, audited, evented, visible in
the plan's history — and what eligibility answers on the days around each act."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aggregation.views.refresh import rollup_refresh, snapshot_refresh
from mozaika.audit.models import AuditEntry
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea, PlanKind
from tests.factories import AdoptedPlanFactory
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, adoption_form

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def refresh() -> None:
    """What the worker does after the gmina's event."""
    with in_gmina(TRZEBIEL):
        snapshot_refresh(teryt=TRZEBIEL)
    for scope in ("voivodeship:08", "national"):
        rollup_refresh(scope=scope)


def document(name: str = "uchwala.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, "application/pdf")


def eligible(api: Api, on: str, area: str = "seniors") -> dict[str, Any]:
    answer: dict[str, Any] = api.get(f"/api/v1/eligibility/{TRZEBIEL}", area=area, on=on).json()
    return answer


def adopt(api: Api, plan_id: int, **form: Any) -> Any:
    return api.post_form(f"{PLANS}/{plan_id}/adoption", adoption_form(**form))


def acts(api: Api, plan_id: int) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = api.get(f"{PLANS}/{plan_id}/acts").json()
    return listed


def history(api: Api, plan_id: int) -> list[str]:
    return [e["type"] for e in api.get(f"{PLANS}/{plan_id}/history").json()]


def test_an_act_dated_in_the_future_is_422_naming_act_date_and_changes_nothing(
    trzebiel_admin: Api, accepted_plan: dict[str, Any]
) -> None:
    in_a_month = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = adopt(trzebiel_admin, accepted_plan["id"], act_date=in_a_month)

    assert response.status_code == 422, response.content
    assert [e["path"] for e in response.json()["errors"]] == ["act_date"]
    assert trzebiel_admin.get(f"{PLANS}/{accepted_plan['id']}").json()["status"] == "accepted"
    assert acts(trzebiel_admin, accepted_plan["id"]) == []


def test_a_plan_is_in_force_from_the_later_of_its_act_and_its_period(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    # A plan for 2025-2027 adopted on 2024-11-20: adopted, not in force before 1 January 2025.
    assert adopt(trzebiel_admin, accepted_plan["id"], act_date="2024-11-20").status_code == 200
    refresh()

    before = eligible(operator, "2024-12-20")
    assert before["eligible"] is False
    assert "not yet in force (comes into force on 2025-01-01" in before["criteria"][0]["reason_en"]
    assert "nie jest jeszcze w mocy (wchodzi w życie 2025-01-01" in before["criteria"][0]["reason_pl"]
    first_day, last_day, after = (
        eligible(operator, "2025-01-01"),
        eligible(operator, "2027-12-31"),
        eligible(operator, "2028-01-01"),
    )
    assert (first_day["eligible"], last_day["eligible"], after["eligible"]) == (True, True, False)
    assert "osoby starsze" in first_day["criteria"][1]["reason_pl"]  # Polish names, not codes
    assert "seniors" not in first_day["criteria"][1]["reason_pl"]
    evidence = first_day["evidence"]
    assert (evidence["valid_from"], evidence["valid_until"], evidence["force"]) == ("2025-01-01", "2027-12-31",
                                                                                    "in_force")  # fmt: skip
    assert evidence["governing_act"]["number"] == "XII/84/2024"
    assert evidence["version_sha256"] is not None


def test_vacatio_legis_adopted_not_yet_in_force_shows_apart_in_the_rollup(
    trzebiel_admin: Api, created_plan: dict[str, Any], operator: Api
) -> None:
    today = timezone.localdate()
    # Adopted yesterday, enters into force 14 days after publication.
    plan = AdoptedPlanFactory(teryt=TRZEBIEL, period_start=today.year, period_end=today.year + 3, indicators=[],
                              act_date=today - timedelta(days=1), in_force_from=today + timedelta(days=14))  # fmt: skip
    refresh()

    shown = trzebiel_admin.get(f"{PLANS}/{plan.pk}").json()
    assert (shown["status"], shown["force_today"]) == ("adopted", "not_yet_in_force")
    rollup = operator.get("/api/v1/regions/08/rollup").json()
    assert rollup["gminas_with_plan_in_force"] == 0
    assert rollup["gminas_with_plan_adopted_not_yet_in_force"] == 1
    assert eligible(operator, (today + timedelta(days=14)).isoformat())["eligible"] is True
    assert eligible(operator, (today + timedelta(days=13)).isoformat())["eligible"] is False


def test_amendment_repeal_and_annulment_are_acts_on_record(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    plan_id = accepted_plan["id"]
    assert adopt(trzebiel_admin, plan_id, act_date="2024-11-20").status_code == 200
    amended = trzebiel_admin.post_form(f"{PLANS}/{plan_id}/amendments", {
        "act_number": "XV/120/2025", "act_date": "2025-03-01", "in_force_from": "2025-03-15",
        "valid_until": "2029-12-31", "resolution": document("zmiana.pdf")})  # fmt: skip
    assert amended.status_code == 200, amended.content
    assert (amended.json()["valid_until"], amended.json()["period_end"]) == ("2029-12-31", 2029)
    refresh()

    # The amendment's text governs from its entry into force; the adopted text before.
    before_amendment, extended = eligible(operator, "2025-03-14"), eligible(operator, "2028-06-01")
    assert before_amendment["evidence"]["governing_act"]["number"] == "XII/84/2024"
    assert extended["eligible"] is True
    assert (extended["evidence"]["governing_act"]["kind"], extended["evidence"]["version"]) == ("amendment", 2)
    assert len(trzebiel_admin.get(f"{PLANS}/{plan_id}/versions").json()) == 2

    repealed = trzebiel_admin.post_form(f"{PLANS}/{plan_id}/repeal", {
        "act_number": "XX/150/2026", "act_date": "2026-05-01", "in_force_from": "2026-06-01",
        "resolution": document("uchylenie.pdf")})  # fmt: skip
    assert repealed.status_code == 200, repealed.content
    assert repealed.json()["status"] == "repealed"
    refresh()
    assert eligible(operator, "2026-05-31")["eligible"] is True
    ended = eligible(operator, "2026-06-01")
    assert ended["eligible"] is False
    assert "it was in force until 2026-05-31" in ended["criteria"][0]["reason_en"]
    assert ended["evidence"]["force_ended_on"] == "2026-06-01"
    assert ended["evidence"]["in_force_until"] == "2026-05-31"

    annulled = trzebiel_admin.post_form(f"{PLANS}/{plan_id}/annulment", {
        "decision_number": "NK-I.4131.77.2024", "decision_date": "2024-12-18",
        "decision_document": document("rozstrzygniecie.pdf")})  # fmt: skip
    assert annulled.status_code == 200, annulled.content
    assert annulled.json()["status"] == "annulled"
    refresh()
    void = eligible(operator, "2025-06-01")
    assert void["eligible"] is False  # void from the start: as if never in force
    assert "declared invalid" in void["criteria"][0]["reason_en"]

    assert [a["kind"] for a in acts(trzebiel_admin, plan_id)] == ["adoption", "amendment", "repeal", "annulment"]
    assert {"plan.adopted", "plan.amended", "plan.repealed", "plan.annulled"} <= set(history(operator, plan_id))
    audited = set(AuditEntry.objects.filter(teryt=TRZEBIEL, object_id=str(plan_id)).values_list("action", flat=True))
    assert {"plan.adopt", "plan.amend", "plan.repeal", "plan.annul"} <= audited
    documents = trzebiel_admin.get(f"{PLANS}/{plan_id}").json()["documents"]
    assert [d["kind"] for d in documents] == ["resolution", "resolution", "resolution", "supervisory_decision"]


def test_an_operator_withdraws_a_mistaken_adoption_which_stays_on_record(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    plan_id = accepted_plan["id"]
    assert adopt(trzebiel_admin, plan_id, act_number="XII/48/2024").status_code == 200  # a typo in the number
    [mistaken] = acts(trzebiel_admin, plan_id)
    withdrawal = f"{PLANS}/{plan_id}/acts/{mistaken['id']}/withdrawal"

    assert trzebiel_admin.post_json(withdrawal, {"reason": "pomyłka w numerze"}).status_code == 403
    assert operator.post_json(withdrawal, {"reason": ""}).status_code == 422
    withdrawn = operator.post_json(withdrawal, {"reason": "pomyłka w numerze uchwały"})

    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["status"], withdrawn.json()["act"]) == ("accepted", None)
    assert operator.post_json(withdrawal, {"reason": "again"}).status_code == 409
    corrected = adopt(trzebiel_admin, plan_id, act_number="XII/84/2024")
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["act"]["number"] == "XII/84/2024"
    on_record = acts(trzebiel_admin, plan_id)
    assert [(a["number"], a["withdrawal_reason"]) for a in on_record] == [
        ("XII/48/2024", "pomyłka w numerze uchwały"), ("XII/84/2024", "")
    ]  # fmt: skip
    assert "plan.act_withdrawn" in history(operator, plan_id)
    assert AuditEntry.objects.filter(action="plan.act.withdraw", teryt=TRZEBIEL).count() == 1


def test_a_successor_of_the_same_kind_supersedes_from_its_first_day_another_kind_does_not(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    plan_id = accepted_plan["id"]
    assert adopt(trzebiel_admin, plan_id, act_date="2024-11-20").status_code == 200
    cus = AdoptedPlanFactory(teryt=TRZEBIEL, kind=PlanKind.CUS_PROGRAMME, period_start=2025, period_end=2026,
                             act_date=date(2025, 2, 1))  # fmt: skip
    successor = AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2026, period_end=2030, valid_from=date(2026, 7, 1),
                                   areas=[InterventionArea.FAMILY], act_date=date(2026, 3, 1))  # fmt: skip
    refresh()

    assert trzebiel_admin.get(f"{PLANS}/{cus.pk}").json()["status"] == "adopted"  # another kind: untouched
    superseded = trzebiel_admin.get(f"{PLANS}/{plan_id}").json()
    assert superseded["status"] == "superseded"
    [_, supersession] = acts(trzebiel_admin, plan_id)
    assert (supersession["kind"], supersession["in_force_from"], supersession["successor_plan_id"]) == (
        "supersession", "2026-07-01", successor.pk)  # fmt: skip
    # Still in force until the day before the successor begins, although labelled superseded.
    assert eligible(operator, "2026-06-30")["eligible"] is True
    assert eligible(operator, "2026-07-01")["eligible"] is False  # the successor covers family, not seniors
    assert eligible(operator, "2026-07-01", area="family")["eligible"] is True


def test_a_repealed_plan_reports_the_years_it_was_in_force_and_an_annulled_one_nothing(
    trzebiel_admin: Api, accepted_plan: dict[str, Any]
) -> None:
    plan_id = accepted_plan["id"]
    assert adopt(trzebiel_admin, plan_id, act_date="2024-11-20").status_code == 200
    repealed = trzebiel_admin.post_form(f"{PLANS}/{plan_id}/repeal", {
        "act_number": "XX/150/2026", "act_date": "2026-05-01", "resolution": document("uchylenie.pdf")})  # fmt: skip
    assert repealed.json()["status"] == "repealed", repealed.content
    report = {"kind": "yearly", "year": 2025, "narrative": "Sprawozdanie za 2025 r."}

    filed = trzebiel_admin.post_json(f"{PLANS}/{plan_id}/reports", report)
    trzebiel_admin.post_form(f"{PLANS}/{plan_id}/annulment", {
        "decision_number": "NK-I.4131.77.2024", "decision_date": "2024-12-18",
        "decision_document": document("rozstrzygniecie.pdf")})  # fmt: skip
    refused = trzebiel_admin.post_json(f"{PLANS}/{plan_id}/reports", report | {"kind": "final"})

    assert filed.status_code == 201, filed.content
    assert refused.status_code == 409
    assert "annulled" in refused.json()["detail"]
