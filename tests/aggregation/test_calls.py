"""Funding calls through the API: definition with validated criteria, evaluation of every gmina
of the scope, re-evaluation when a gmina changes (with its event), results and exports, the
eligibility answer for a call and as of a past day, and the batch."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aggregation.calls.demo import demo_calls_load
from aggregation.calls.services import call_evaluate_all, call_rules, calls_evaluate_open
from aggregation.models import Call, CallEvaluation
from aggregation.views.drain import snapshot_mark_stale, snapshots_drain
from aggregation.views.refresh import snapshot_refresh, snapshot_row, snapshots_store
from mozaika.audit.log import Actor
from mozaika.audit.models import AuditEntry
from mozaika.events.models import Event
from mozaika.identity.authz import Action
from mozaika.identity.models import Scope
from mozaika.identity.tokens import api_client_create
from mozaika.tenancy import in_gmina
from tenants.demo.loader import OPERATOR_USERNAME
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import PlanDocument
from tenants.registry.selectors import gminas_in_scope
from tests.support import (
    KOSZALIN,
    KOSZALIN_LOCAL_ACT,
    KRAKOW,
    MINIMAL_PDF,
    TRZEBIEL,
    Api,
    adoption_form,
    call_body,
    koszalin_local_plan,
    with_acts,
)

CALLS = "/api/v1/calls"


def refresh(teryt: str) -> None:
    """What the worker does for a gmina's event."""
    with in_gmina(teryt):
        snapshot_refresh(teryt=teryt)


def problem_paths(response: Any) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]


@pytest.fixture
def fepz(operator: Api) -> dict[str, Any]:
    koszalin_local_plan()
    refresh(KOSZALIN)
    response = operator.post_json(CALLS, call_body())
    assert response.status_code == 201, response.content
    call_evaluate_all(code="FEPZ.06.19")  # the background job, run here
    result: dict[str, Any] = response.json()
    return result


def test_a_defined_call_is_listed_and_every_gmina_of_its_voivodeship_evaluated(operator: Api, fepz: Any) -> None:
    assert fepz["criteria"][3]["params"] == {"service_type": "care_at_home"}
    assert fepz["evaluations"]["evaluated"] == 0  # before the background job ran

    call = operator.get(f"{CALLS}/FEPZ.06.19").json()
    zachodniopomorskie = gminas_in_scope(voivodeship="32").count()
    assert call["evaluations"] == {"in_scope": zachodniopomorskie, "evaluated": zachodniopomorskie, "eligible": 1}
    assert [c["code"] for c in operator.get(CALLS, voivodeship="32").json()] == ["FEPZ.06.19"]
    assert operator.get(CALLS, voivodeship="12").json() == []
    assert operator.get(CALLS, open_on="2025-12-31").json() == []


def test_koszalin_is_eligible_with_the_points_of_the_services_it_plans(operator: Api, fepz: Any) -> None:
    answer = operator.get(f"/api/v1/eligibility/{KOSZALIN}", call="FEPZ.06.19", area="seniors", on="2026-03-02").json()

    assert (answer["eligible"], answer["decision"], answer["points"], answer["max_points"]) == (True, "eligible", 3, 5)
    assert [(c["code"], c["passed"]) for c in answer["criteria"]] == [
        ("applicant", True), ("D1", True), ("D2", True), ("D3", True), ("P1", True), ("P2", False)
    ]  # fmt: skip
    assert answer["evidence"]["act_number"] == KOSZALIN_LOCAL_ACT
    assert answer["evidence"]["kind"] == "lprusid"
    assert "mieszkanie wspomagane" in answer["criteria"][5]["reason_pl"]
    assert "supported_flat" in answer["criteria"][5]["reason_en"]


def test_answers_explain_each_failure(operator: Api, fepz: Any) -> None:
    homeless = operator.get(f"/api/v1/eligibility/{KOSZALIN}", call="FEPZ.06.19", on="2027-01-04").json()
    assert homeless["eligible"] is False  # the local plan ended with 2026
    assert [c["code"] for c in homeless["criteria"] if not c["passed"] and c["type"] == "access"] == ["D2"]
    assert homeless["points"] == 0

    trzebiel = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", call="FEPZ.06.19").json()
    assert trzebiel["criteria"][0]["passed"] is False
    assert "32" in trzebiel["criteria"][0]["reason_en"]


def test_results_filter_sort_and_export(operator: Api, fepz: Any) -> None:
    eligible = operator.get(f"{CALLS}/FEPZ.06.19/results", eligible="true").json()
    assert [(r["teryt"], r["points"], r["applicant_kind"]) for r in eligible["items"]] == [
        (KOSZALIN, 3, "city_with_powiat_rights")
    ]
    others = operator.get(f"{CALLS}/FEPZ.06.19/results", eligible="false", limit=5, sort="-teryt").json()
    assert others["total"] == eligible["counts"]["in_scope"] - 1
    assert [r["teryt"] for r in others["items"]] == sorted((r["teryt"] for r in others["items"]), reverse=True)
    assert set(others["items"][0]["failed_criteria"]) >= {"D1", "D2", "D3"}

    exported = operator.get(f"{CALLS}/FEPZ.06.19/results", format="csv", eligible="true")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["TERYT", "Gmina", "Kod powiatu"]
    assert rows[1][0] == KOSZALIN
    assert rows[1][5] == "tak"
    assert rows[1][6] == "3"
    assert rows[1][rows[0].index("Rodzaj wnioskodawcy")] == "miasto na prawach powiatu"  # not a code

    workbook = load_workbook(io.BytesIO(operator.get(f"{CALLS}/FEPZ.06.19/results", format="xlsx").content))
    sheet = workbook.active
    assert sheet is not None
    koszalin = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == KOSZALIN)
    assert koszalin[6] == 3  # a number, not text


def test_a_call_change_is_re_evaluated(operator: Api, fepz: Any) -> None:
    body = call_body()
    del body["code"]
    body["criteria"][4]["params"] = {"service_type": "door_to_door"}

    changed = operator.put_json(f"{CALLS}/FEPZ.06.19", body)
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    call_evaluate_all(code="FEPZ.06.19")

    koszalin = CallEvaluation.objects.get(call__code="FEPZ.06.19", gmina_id=KOSZALIN)
    assert (koszalin.points, koszalin.call_version) == (5, 2)
    event = Event.objects.filter(type="eligibility.changed", teryt=KOSZALIN).latest("seq")
    assert event.payload["before"] == {"eligible": True, "points": 3}
    assert event.payload["after"] == {"eligible": True, "points": 5}


def test_a_gmina_change_re_evaluates_its_open_calls_and_records_the_change(
    operator: Api, trzebiel_admin: Api, accepted_plan: dict[str, Any]
) -> None:
    lubuskie = call_body(code="FELB.06.01", voivodeship="08")
    assert operator.post_json(CALLS, lubuskie).status_code == 201
    call_evaluate_all(code="FELB.06.01")
    assert CallEvaluation.objects.get(call__code="FELB.06.01", gmina_id=TRZEBIEL).eligible is False

    adopted = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption",
        adoption_form(act_date=timezone.localdate().isoformat()),
    )
    assert adopted.status_code == 200, adopted.content
    refresh(TRZEBIEL)

    evaluation = CallEvaluation.objects.get(call__code="FELB.06.01", gmina_id=TRZEBIEL)
    assert (evaluation.eligible, evaluation.version) == (True, 2)
    event = Event.objects.get(type="eligibility.changed", teryt=TRZEBIEL)
    assert event.payload["call"] == "FELB.06.01"
    assert (event.payload["before"]["eligible"], event.payload["after"]["eligible"]) == (False, True)
    assert event.aggregate_id == f"FELB.06.01/{TRZEBIEL}"

    refresh(TRZEBIEL)  # nothing changed: no second event
    assert Event.objects.filter(type="eligibility.changed", teryt=TRZEBIEL).count() == 1


def test_a_drain_of_gminas_in_several_voivodeships_evaluates_each_against_its_own_calls(
    operator: Api, fepz: Any
) -> None:
    lubuskie = call_body(code="FELB.06.01", voivodeship="08")
    assert operator.post_json(CALLS, lubuskie).status_code == 201
    CallEvaluation.objects.filter(gmina_id__in=[KOSZALIN, TRZEBIEL]).delete()
    for teryt in (KOSZALIN, TRZEBIEL, KRAKOW):
        snapshot_mark_stale(teryt=teryt, event_at=timezone.now())

    assert set(snapshots_drain().refreshed) == {KOSZALIN, TRZEBIEL, KRAKOW}

    evaluated = set(CallEvaluation.objects.values_list("call__code", "gmina_id").filter(
        gmina_id__in=[KOSZALIN, TRZEBIEL, KRAKOW]))  # fmt: skip
    assert evaluated == {("FEPZ.06.19", KOSZALIN), ("FELB.06.01", TRZEBIEL)}  # no open call covers Kraków
    assert CallEvaluation.objects.get(call__code="FEPZ.06.19", gmina_id=KOSZALIN).eligible is True


def test_the_nightly_job_re_evaluates_open_calls_only(operator: Api) -> None:
    koszalin_local_plan()
    refresh(KOSZALIN)
    assert operator.post_json(CALLS, call_body()).status_code == 201
    closed = call_body(code="FEPZ.06.01", opens_on="2025-01-01", deadline="2025-03-31")
    assert operator.post_json(CALLS, closed).status_code == 201

    runs = calls_evaluate_open()

    assert list(runs) == ["FEPZ.06.19"]
    assert runs["FEPZ.06.19"].evaluated == gminas_in_scope(voivodeship="32").count()
    assert not CallEvaluation.objects.filter(call__code="FEPZ.06.01").exists()


def test_a_closed_call_keeps_the_results_it_closed_with(operator: Api) -> None:
    refresh(KOSZALIN)
    # This call accepts a CUS programme: Koszalin's was in force when the call closed.
    cus = {"plan_kinds": ["lprusid", "cus_programme"]}
    criteria = [c | {"params": cus} if c["type"] == "access" else c for c in call_body()["criteria"]]
    closed = call_body(code="FEPZ.06.01", opens_on="2025-01-01", deadline="2025-03-31", criteria=criteria)
    assert operator.post_json(CALLS, closed).status_code == 201
    call_evaluate_all(code="FEPZ.06.01")
    evaluation = CallEvaluation.objects.get(call__code="FEPZ.06.01", gmina_id=KOSZALIN)

    assert evaluation.evaluated_on == date(2025, 3, 31)
    assert evaluation.eligible is True
    updated_at = evaluation.updated_at
    refresh(KOSZALIN)  # a closed call is not re-evaluated on a gmina's change
    assert CallEvaluation.objects.get(pk=evaluation.pk).updated_at == updated_at


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        pytest.param({"criteria": [{"code": "X", "name": "x", "type": "access", "rule": "horoscope"}]},
                     ["criteria[0].rule"], id="unknown-rule-kind"),
        pytest.param({"criteria": [{"code": "X", "name": "x", "type": "access", "rule": "area_indicators",
                                    "params": {"area": "pets", "min_count": 0}}]},
                     ["criteria[0].params.area", "criteria[0].params.min_count"], id="bad-params"),
        pytest.param({"criteria": [{"code": "X", "name": "x", "type": "bonus", "points": 0, "rule": "plan_adopted"},
                                   {"code": "X", "name": "y", "type": "access", "points": 2, "rule": "plan_adopted"}]},
                     ["criteria[0].code", "criteria[0].points", "criteria[1].code", "criteria[1].points"],
                     id="duplicates-and-points"),
        pytest.param({"deadline": "2025-12-31"}, ["deadline"], id="deadline-before-opening"),
        pytest.param({"voivodeship": "99"}, ["voivodeship"], id="unknown-voivodeship"),
        pytest.param({"code": "fepz 6.19"}, ["code"], id="malformed-code"),
        pytest.param({"applicant_kinds": ["gmina", "parish"]}, ["applicant_kinds[1]"], id="unknown-applicant-kind"),
        pytest.param({"criteria": []}, ["criteria"], id="no-criteria"),
    ],
)  # fmt: skip
def test_a_bad_definition_is_422_naming_the_field_and_stores_nothing(
    operator: Api, change: dict[str, Any], paths: list[str]
) -> None:
    response = operator.post_json(CALLS, call_body(**change))

    assert response.status_code == 422, response.content
    assert problem_paths(response) == paths
    assert not Call.objects.exists()


def test_an_api_process_keeps_call_rules_briefly_and_forgets_them_on_its_own_change(
    operator: Api, fepz: Any, settings: Any
) -> None:
    settings.CALL_CACHE_SECONDS = 60.0
    assert call_rules("FEPZ.06.19").criteria[-1].params.service_type == "supported_flat"
    Call.objects.filter(code="FEPZ.06.19").update(criteria=[])  # another process's change, unseen here
    assert len(call_rules("FEPZ.06.19").criteria) == 6
    body = call_body()
    del body["code"]
    body["criteria"] = body["criteria"][:2]
    assert operator.put_json(f"{CALLS}/FEPZ.06.19", body).status_code == 200  # this process's change
    assert [c.code for c in call_rules("FEPZ.06.19").criteria] == ["applicant", "D1", "D2"]


def test_duplicate_code_is_409_and_unknown_call_404(operator: Api, fepz: Any) -> None:
    assert operator.post_json(CALLS, call_body()).status_code == 409
    body = call_body()
    del body["code"]
    assert operator.put_json(f"{CALLS}/FEXX.01.01", body).status_code == 404
    assert operator.get(f"{CALLS}/FEXX.01.01/results").status_code == 404
    assert "FEXX.01.01" in operator.get(f"{CALLS}/FEXX.01.01").json()["detail"]


def test_a_reviewer_defines_calls_of_their_own_voivodeship_only(lubuskie_reviewer: Api) -> None:
    assert lubuskie_reviewer.post_json(CALLS, call_body(code="FELB.06.02", voivodeship="08")).status_code == 201
    assert lubuskie_reviewer.post_json(CALLS, call_body()).status_code == 403
    assert lubuskie_reviewer.post_json(CALLS, call_body(code="FERS.04.12", voivodeship=None)).status_code == 403
    body = call_body(voivodeship="32")
    del body["code"]
    assert lubuskie_reviewer.put_json(f"{CALLS}/FELB.06.02", body).status_code == 403  # moving it away
    assert Call.objects.get(code="FELB.06.02").voivodeship_id == "08"


def given_snapshot(read_at: datetime, plans: list[dict[str, Any]]) -> None:
    data: Any = {"teryt": TRZEBIEL, "plans": plans}
    snapshots_store([snapshot_row(teryt=TRZEBIEL, data=data, read_at=read_at, today=read_at.date())])


def adopted(
    plan_id: int, status: str, areas: list[str], in_force_from: str, sha: str, ended_on: str | None = None
) -> dict[str, Any]:
    return with_acts({
        "id": plan_id, "title": f"Plan {plan_id}", "status": status, "version": 3, "period_start": 2024,
        "period_end": 2030, "areas": areas,
        "act": {"kind": "council_resolution", "number": f"{plan_id}/2024", "date": in_force_from,
                "in_force_from": in_force_from},
        "programme_areas": [], "services": [], "funding": [], "indicators": [], "latest_report_year": None,
        "yearly_report_years": [], "frozen_version": {"number": 1, "sha256": sha}, "documents": [], "findings": [],
        **({"ended_on": ended_on} if ended_on else {}),
    })  # fmt: skip


def test_an_answer_names_the_day_and_the_knowledge_it_used(operator: Api) -> None:
    first = adopted(1, "adopted", ["seniors"], "2024-06-01", "a" * 64)
    given_snapshot(timezone.make_aware(datetime(2025, 1, 10, 12)), [first])
    replaced = adopted(1, "superseded", ["seniors"], "2024-06-01", "a" * 64, ended_on="2025-06-01")
    successor = adopted(2, "adopted", ["family"], "2025-06-01", "b" * 64)
    given_snapshot(timezone.make_aware(datetime(2025, 6, 1, 12)), [successor, replaced])

    def ask(on: str, **known: str) -> dict[str, Any]:
        answer: dict[str, Any] = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on=on,
                                              **known).json()  # fmt: skip
        return answer

    then = ask("2025-03-01", as_known_at="2025-02-01T00:00:00+01:00")
    assert (then["on"], then["as_known_at"]) == ("2025-03-01", "2025-02-01T00:00:00+01:00")
    assert then["eligible"] is True
    assert then["evidence"]["version_sha256"] == "a" * 64
    assert then["data_as_of"].startswith("2025-01-10")
    # As known now, the first plan was in force on that day too: superseded only from 2025-06-01.
    now = ask("2025-03-01")
    assert now["eligible"] is True
    assert now["as_known_at"] >= then["data_as_of"]
    later = ask("2025-07-01")
    assert later["eligible"] is False
    assert later["evidence"]["version_sha256"] == "b" * 64
    assert later["data_as_of"].startswith("2025-06-01")
    # Before Mozaika knew anything of the gmina's plans: nothing was known, so no plan.
    unknown = ask("2024-12-01", as_known_at="2025-01-01T00:00:00Z")
    assert (unknown["eligible"], unknown["data_as_of"], unknown["evidence"]) == (False, None, None)


def test_an_answer_for_a_day_and_a_moment_never_changes(operator: Api) -> None:
    given_snapshot(timezone.make_aware(datetime(2025, 1, 10, 12)), [adopted(1, "adopted", ["seniors"], "2024-06-01",
                                                                            "a" * 64)])  # fmt: skip
    question = {"area": "seniors", "on": "2025-03-01", "as_known_at": "2025-02-01T00:00:00Z"}

    def ask() -> dict[str, Any]:
        answer: dict[str, Any] = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", **question).json()
        answer.pop("document_link")
        return answer

    before = ask()
    # Later knowledge: the voivode annulled the adopting resolution (void from the start).
    annulled = {"id": 1, "title": "Plan 1", "status": "annulled", "version": 4, "period_start": 2024,
                "period_end": 2030, "areas": ["seniors"], "annulled": True,
                "act": {"kind": "council_resolution", "number": "1/2024", "date": "2024-06-01",
                        "in_force_from": "2024-06-01"},
                "programme_areas": [], "services": [], "funding": [], "indicators": [], "latest_report_year": None,
                "yearly_report_years": [], "frozen_version": None, "documents": [], "findings": []}  # fmt: skip
    given_snapshot(timezone.make_aware(datetime(2025, 2, 15, 12)), [with_acts(annulled)])
    given_snapshot(timezone.make_aware(datetime(2025, 3, 1, 12)), [])

    assert ask() == before
    assert before["eligible"] is True
    after = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-03-01",
                         as_known_at="2025-02-20T00:00:00Z").json()  # fmt: skip
    assert after["eligible"] is False
    assert "declared invalid" in after["criteria"][0]["reason_en"]


@pytest.mark.parametrize(
    "moment",
    [pytest.param("2999-01-01T00:00:00Z", id="future"), pytest.param("2025-01-01T00:00:00", id="no-offset")],
)
def test_a_moment_of_knowledge_in_the_future_or_without_offset_is_422(operator: Api, moment: str) -> None:
    response = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", as_known_at=moment)

    assert response.status_code == 422, response.content
    assert problem_paths(response) == ["as_known_at"]


BATCH = "/api/v1/eligibility:batch"


def test_the_batch_answers_in_order(operator: Api, fepz: Any) -> None:
    response = operator.post_json(
        BATCH, {"call": "FEPZ.06.19", "items": [{"teryt": KOSZALIN, "area": "seniors"}, {"teryt": TRZEBIEL}]}
    )

    assert response.status_code == 200, response.content
    answers = response.json()["answers"]
    assert [(a["teryt"], a["eligible"], a["points"]) for a in answers] == [(KOSZALIN, True, 3), (TRZEBIEL, False, 0)]


def test_batch_bad_input(operator: Api, fepz: Any) -> None:
    too_many = {"call": "FEPZ.06.19", "items": [{"teryt": f"32{n:05d}"} for n in range(1001)]}
    assert problem_paths(operator.post_json(BATCH, too_many))[:1] == ["items"]

    duplicates = operator.post_json(BATCH, {"call": "FEPZ.06.19", "items": [
        {"teryt": KOSZALIN}, {"teryt": TRZEBIEL}, {"teryt": KOSZALIN}]})  # fmt: skip
    assert duplicates.status_code == 422
    assert problem_paths(duplicates) == ["items[0].teryt", "items[2].teryt"]

    unknown = operator.post_json(BATCH, {"call": "FEPZ.06.19", "items": [{"teryt": KOSZALIN}, {"teryt": "3299991"}]})
    assert unknown.status_code == 422
    assert "3299991" in unknown.json()["detail"]
    assert problem_paths(unknown) == ["items[1].teryt"]

    unknown_call = operator.post_json(BATCH, {"call": "FEXX.01.01", "items": [{"teryt": KOSZALIN}]})
    assert (unknown_call.status_code, problem_paths(unknown_call)) == (422, ["call"])

    without_area = operator.post_json(BATCH, {"items": [{"teryt": KOSZALIN}]})
    assert problem_paths(without_area) == ["items[0].area"]

    wrong_area = operator.post_json(BATCH, {"call": "FEPZ.06.19", "items": [{"teryt": KOSZALIN, "area": "family"}]})
    assert problem_paths(wrong_area) == ["items[0].area"]
    assert problem_paths(operator.post_json(BATCH, {"items": []})) == ["items"]


def test_a_client_may_ask_only_about_its_voivodeships(db: None, fepz: Any) -> None:
    _, secret = api_client_create(name="wod", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["32"],
                                  actor=Actor.system("test"))  # fmt: skip
    client = Api(secret)

    refused = client.post_json(BATCH, {"call": "FEPZ.06.19", "items": [{"teryt": KOSZALIN}, {"teryt": KRAKOW}]})
    assert refused.status_code == 403
    assert KRAKOW in refused.json()["detail"]
    assert KOSZALIN not in refused.json()["detail"]
    assert client.post_json(BATCH, {"call": "FEPZ.06.19", "items": [{"teryt": KOSZALIN}]}).status_code == 200
    assert Action.ELIGIBILITY_READ.value in refused.json()["detail"]


def test_the_link_in_an_answer_downloads_the_resolution_and_is_audited(
    operator: Api, trzebiel_admin: Api, accepted_plan: dict[str, Any]
) -> None:
    trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption", adoption_form())
    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get()
        document_archive(teryt=TRZEBIEL, document_id=document.pk, actor=Actor.system("test"))  # the worker's job
    refresh(TRZEBIEL)

    answer = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-03-01").json()
    url = answer["document_link"]["url"]
    download = Api(None).get(url.removeprefix("http://testserver"))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    entry = AuditEntry.objects.filter(action="document.download").latest("id")
    assert (entry.actor_name, entry.teryt) == (OPERATOR_USERNAME, TRZEBIEL)
    assert Api(None).get(url.removeprefix("http://testserver")[:-3] + "xyz").status_code == 404


def test_the_demo_calls_are_valid_and_evaluate(db: None) -> None:
    assert demo_calls_load(Actor.system("test")) == 2
    assert demo_calls_load(Actor.system("test")) == 0
    refresh(KOSZALIN)
    run = call_evaluate_all(code="FEPZ.06.19")
    assert run.evaluated == gminas_in_scope(voivodeship="32").count()
    koszalin = CallEvaluation.objects.get(call__code="FEPZ.06.19", gmina_id=KOSZALIN)
    assert [c["code"] for c in koszalin.result["criteria"] if c["type"] == "access"] == ["applicant", "D1", "D2", "D3"]
    assert call_evaluate_all(code="FEMP.06.33").evaluated == gminas_in_scope(voivodeship="12").count()


def test_results_as_of_a_day_and_a_moment_are_computed_from_the_records(operator: Api, fepz: Any) -> None:
    moment = timezone.now().isoformat()
    during = operator.get(f"{CALLS}/FEPZ.06.19/results", on="2026-03-02", as_known_at=moment, eligible="true").json()
    assert [(r["teryt"], r["points"], r["evaluated_on"]) for r in during["items"]] == [(KOSZALIN, 3, "2026-03-02")]
    after = operator.get(f"{CALLS}/FEPZ.06.19/results", on="2027-01-04", eligible="true").json()
    assert after["items"] == []  # the local plan ended with 2026
    before_anything = operator.get(f"{CALLS}/FEPZ.06.19/results", on="2026-03-02", eligible="true",
                                   as_known_at="2020-01-01T00:00:00Z").json()  # fmt: skip
    assert before_anything["total"] == 0
    exported = operator.get(f"{CALLS}/FEPZ.06.19/results", format="csv", on="2026-03-02", eligible="true")
    assert exported.content.decode("utf-8-sig").splitlines()[1].startswith(KOSZALIN)


def test_records_kept_before_plans_had_days_and_acts_still_answer(operator: Api) -> None:
    """A snapshot recorded before plans.0007 (no kind, days or acts) reads as the migration
    completes tenant data: an adopted plan in force over its years from its act's entry into force."""
    old: dict[str, Any] = {
        "id": 1, "title": "Plan 1", "status": "adopted", "version": 3, "period_start": 2024, "period_end": 2030,
        "areas": ["seniors"], "act": {"kind": "council_resolution", "number": "1/2024", "date": "2024-06-01",
                                      "in_force_from": "2024-06-01"},
        "programme_areas": [], "services": [], "funding": [], "indicators": [], "latest_report_year": None,
        "yearly_report_years": [], "frozen_version": {"number": 1, "sha256": "a" * 64}, "documents": [],
        "findings": [],
    }  # fmt: skip
    given_snapshot(timezone.make_aware(datetime(2025, 1, 10, 12)), [old])
    # ...and the compact facts stored beside the snapshot in their earlier shape too.
    from aggregation.models import GminaSnapshot

    snapshot = GminaSnapshot.objects.get(gmina_id=TRZEBIEL)
    earlier = [{k: v for k, v in f.items() if k not in ("kind", "valid_from", "valid_until", "acts")}
               for f in snapshot.plan_facts]  # fmt: skip
    GminaSnapshot.objects.filter(pk=snapshot.pk).update(plan_facts=earlier)

    answer = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-03-01").json()

    assert answer["eligible"] is True
    assert answer["evidence"]["version_sha256"] == "a" * 64
    before = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2024-05-31").json()
    assert before["eligible"] is False
