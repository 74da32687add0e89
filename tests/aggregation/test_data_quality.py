"""Data quality (issue 20): each rule kind and the outlier method against hand-computed cases,
completeness against the due day, and the flags live with the snapshot, listed per gmina and
region for whoever may see the plans, and covered by `aggregation verify`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aggregation.models import GminaSnapshot
from aggregation.quality.checks import (
    RuleSpec,
    completeness,
    gmina_quality,
    modified_z,
    own_history_outliers,
)
from aggregation.quality.selectors import reporting_rates_of
from aggregation.views.consistency import views_verify
from mozaika.tenancy import in_gmina
from tests.aggregation.test_regional_views import refresh
from tests.factories import AdoptedPlanFactory
from tests.support import TRZEBIEL, Api

TODAY = date(2026, 12, 6)
RULES = [
    RuleSpec("VALUE.NOT_NEGATIVE", "non_negative", severity="error"),
    RuleSpec("TARGET.DIRECTION", "target_direction"),
    RuleSpec("FAMILIES.PER.ASSISTANT", "at_most_ratio", "FAMILY.SUPPORTED.FAMILIES", "FAMILY.ASSISTANTS", Decimal(15)),
]


def indicator(number: str, values: dict[str, str], *, code: str = "", baseline: str | None = None,
              target: str | None = None, direction: str = "increase",
              first_reported: dict[str, str] | None = None, ident: int | None = None) -> dict[str, Any]:  # fmt: skip
    return {"id": ident or int(number), "area": "family", "number": number, "name": "n", "unit": "osoby",
            "standard_code": code,
            "direction": direction, "baseline": baseline, "baseline_year": 2024 if baseline else None,
            "target": target, "target_year": 2029 if target else None, "values": values,
            "first_reported": first_reported or {year: f"{int(year) + 1}-01-15" for year in values}}  # fmt: skip


def plan(indicators: list[dict[str, Any]], *, reports: list[int] | None = None, status: str = "adopted",
         filed: dict[str, str] | None = None, registered_on: str = "2023-12-21") -> Any:  # fmt: skip
    years = reports or [int(year) for year in filed or {}]
    return {"id": 7, "status": status, "period_start": 2024, "period_end": 2029, "valid_until": "2029-12-31",
            "act": {"kind": "adoption", "number": "X/1/2024", "date": "2023-12-20", "in_force_from": "2024-01-01"},
            "yearly_report_years": years, "yearly_reports_filed": filed or {f"{y}": f"{y + 1}-02-01" for y in years},
            "registered_on": registered_on, "indicators": indicators}  # fmt: skip


def codes(flags: list[Any]) -> list[tuple[str, str | None, int | None]]:
    return [(f["code"], f["indicator"], f["year"]) for f in flags]


def test_values_below_zero_break_the_rule() -> None:
    adopted = plan([indicator("1", {"2024": "5", "2025": "-3"})], reports=[2024, 2025])
    flags = gmina_quality({"teryt": TRZEBIEL, "plans": [adopted]}, today=TODAY, rules=RULES)
    assert codes(flags) == [("VALUE.NOT_NEGATIVE", "1", 2025)]
    assert flags[0]["severity"] == "error"


def test_a_target_against_the_direction_breaks_the_rule() -> None:
    data = {"teryt": TRZEBIEL, "plans": [plan([
        indicator("1", {"2024": "1", "2025": "1"}, baseline="10", target="5", direction="increase"),
        indicator("2", {"2024": "1", "2025": "1"}, baseline="10", target="15", direction="decrease"),
        indicator("3", {"2024": "1", "2025": "1"}, baseline="10", target="20", direction="increase"),
        indicator("4", {"2024": "1", "2025": "1"}, baseline="10", target="2", direction="maintain"),
    ], reports=[2024, 2025])]}  # fmt: skip
    assert codes(gmina_quality(data, today=TODAY, rules=RULES)) == [("TARGET.DIRECTION", "1", 2029),
                                                                    ("TARGET.DIRECTION", "2", 2029)]  # fmt: skip


def test_families_per_assistant_at_most_fifteen_in_the_same_year() -> None:
    data = {"teryt": TRZEBIEL, "plans": [plan([
        indicator("1", {"2024": "2", "2025": "2"}, code="FAMILY.ASSISTANTS"),
        indicator("2", {"2024": "30", "2025": "31"}, code="FAMILY.SUPPORTED.FAMILIES"),
    ], reports=[2024, 2025])]}  # fmt: skip
    flags = gmina_quality(data, today=TODAY, rules=RULES)
    assert codes(flags) == [("FAMILIES.PER.ASSISTANT", None, 2025)]  # 30 = 2 x 15 is allowed; 31 is not
    assert flags[0]["value"] == "31"


SHARE = "RESIDENTS.SERVICES.SHARE"


def test_a_standards_yearly_sum_outside_its_range_breaks_the_rule() -> None:
    """Per plan and year, the values of the indicators mapped to the standard are added up:
    2024: 60 + 50 = 110 > 100 (flagged), 2025: 40 + 60 = 100 (the bound itself is allowed),
    2026: -1 + 0.5 = -0.5 < 0 (flagged), 2027: only 0 (allowed)."""
    data = {"teryt": TRZEBIEL, "plans": [plan([
        indicator("1", {"2024": "60", "2025": "40", "2026": "-1", "2027": "0"}, code=SHARE),
        indicator("2", {"2024": "50", "2025": "60", "2026": "0.5"}, code=SHARE),
        indicator("3", {"2024": "500"}, code="CARE.HOME.PERSONS"),  # another standard: not in the sum
    ], reports=[2024, 2025])]}  # fmt: skip
    rule = RuleSpec("share_in_percent", "within_range", SHARE, minimum=Decimal("0.00"), maximum=Decimal("100.00"))

    flags = [f for f in gmina_quality(data, today=TODAY, rules=[rule]) if f["kind"] == "rule"]

    assert [(f["code"], f["indicator"], f["year"], f["value"]) for f in flags] == [
        ("share_in_percent", None, 2024, "110"),
        ("share_in_percent", None, 2026, "-0.5"),
    ]
    assert flags[0]["standard_code"] == SHARE
    assert flags[0]["reason_en"] == f"2024: {SHARE} = 110 exceeds the maximum 100."
    assert flags[0]["reason_pl"] == f"2024: {SHARE} = 110 przekracza maksimum 100."
    assert flags[1]["reason_en"] == f"2026: {SHARE} = -0.5 is below the minimum 0."
    assert flags[1]["reason_pl"] == f"2026: {SHARE} = -0.5 jest poniżej minimum 0."


def test_a_range_open_on_one_side_limits_only_the_other() -> None:
    data = {"teryt": TRZEBIEL, "plans": [plan([
        indicator("1", {"2024": "-1000", "2025": "7.5", "2026": "7.51"}, code=SHARE),
    ], reports=[2024, 2025, 2026])]}  # fmt: skip
    at_most = RuleSpec("at_most_7_5", "within_range", SHARE, maximum=Decimal("7.5"))
    at_least = RuleSpec("at_least_7_51", "within_range", SHARE, minimum=Decimal("7.51"))

    def broken(rule: RuleSpec) -> list[tuple[str, str | None, int | None]]:
        return codes([f for f in gmina_quality(data, today=TODAY, rules=[rule]) if f["kind"] == "rule"])

    assert broken(at_most) == [("at_most_7_5", None, 2026)]
    assert broken(at_least) == [
        ("at_least_7_51", None, 2024),
        ("at_least_7_51", None, 2025),
    ]


def test_the_modified_z_score_is_0_6745_times_the_distance_from_the_median_over_the_mad() -> None:
    series = [Decimal(v) for v in ("10", "11", "12", "11", "50")]
    # median 11; absolute deviations 1, 0, 1, 0, 39: MAD 1
    assert modified_z(Decimal(50), series) == Decimal("0.6745") * 39
    assert modified_z(Decimal(10), series) == Decimal("-0.6745")
    assert modified_z(Decimal(9), [Decimal(v) for v in ("5", "5", "5", "5", "9")]) is None  # MAD 0: no scale


def test_a_year_that_stands_out_from_the_indicators_own_history_is_flagged() -> None:
    values = {"2024": "10", "2025": "11", "2026": "12", "2027": "11", "2028": "50"}
    flags = own_history_outliers(plan([indicator("1", values), indicator("2", {"2024": "1", "2025": "100"})]))
    assert codes(flags) == [("own_history", "1", 2028)]  # the second has too few years to judge
    assert "median 11" in flags[0]["reason_en"]
    assert "26.3" in flags[0]["reason_en"]


def test_a_plan_in_force_owes_each_past_years_report_and_values_by_the_due_day() -> None:
    adopted = plan([indicator("1", {"2024": "3"}), indicator("2", {"2024": "1", "2025": "2"})], reports=[2024])
    # 2024 and 2025 are due (31 March 2025 and 2026); 2026 is not yet.
    assert codes(completeness(adopted, today=TODAY)) == [("report_missing", None, 2025), ("value_missing", "1", 2025)]
    assert codes(completeness(adopted, today=date(2026, 3, 31))) == []  # due at the end of the day: not yet
    assert completeness(plan([], status="draft"), today=TODAY) == []


def test_what_was_filed_after_its_due_day_is_late_and_counts_against_the_on_time_rate() -> None:
    """Due: 2024's report and values by 31 March 2025, 2025's by 31 March 2026. Filed: 2024's report on
    31 March 2025 (on time, the due day included), 2025's on 1 April 2026 (late); indicator 1's 2024
    value on 1 April 2025 (late: first reported then, whatever a later correction), its 2025 value
    never (missing); indicator 2's both on time. Reports: 2 expected, 2 filed, 1 on time (0.5);
    values: 4 expected, 3 filed, 2 on time, 1 late, 1 missing (on time 2 / 4 = 0.5)."""
    adopted = plan([indicator("1", {"2024": "3"}, first_reported={"2024": "2025-04-01"}),
                    indicator("2", {"2024": "1", "2025": "2"}, first_reported={"2024": "2025-03-01",
                                                                               "2025": "2026-03-31"})],
                   filed={"2024": "2025-03-31", "2025": "2026-04-01"})  # fmt: skip

    flags = completeness(adopted, today=TODAY)
    rates = reporting_rates_of([adopted], today=TODAY, due=(3, 31))

    assert codes(flags) == [("value_late", "1", 2024), ("report_late", None, 2025), ("value_missing", "1", 2025)]
    assert [f["kind"] for f in flags] == ["timeliness", "timeliness", "completeness"]
    assert "2025-04-01" in flags[0]["reason_en"]
    assert "2025-03-31" in flags[0]["reason_en"]
    assert rates["reports"] == {"expected": 2, "filed": 2, "on_time": 1, "late": 1, "missing": 0, "due_before_entry": 0,
                                "completeness_rate": 1.0, "on_time_rate": 0.5}  # fmt: skip
    assert rates["values"] == {"expected": 4, "filed": 3, "on_time": 2, "late": 1, "missing": 1, "due_before_entry": 0,
                               "completeness_rate": 0.75, "on_time_rate": 0.5}  # fmt: skip


def test_what_was_due_before_the_plan_was_entered_in_mozaika_is_neither_on_time_nor_late() -> None:
    """A plan adopted in 2023 and entered on 10 May 2025: 2024's report and value (due 31 March 2025)
    could not have been filed on time here, so they count as filed but not in the on-time rate;
    2025's, due after the plan was entered, are judged (one on time, the value late)."""
    adopted = plan([indicator("1", {"2024": "3", "2025": "4"},
                              first_reported={"2024": "2025-05-12", "2025": "2026-05-01"})],
                   filed={"2024": "2025-05-12", "2025": "2026-03-02"}, registered_on="2025-05-10")  # fmt: skip

    rates = reporting_rates_of([adopted], today=TODAY, due=(3, 31))

    assert codes(completeness(adopted, today=TODAY)) == [("value_late", "1", 2025)]
    assert rates["reports"]["due_before_entry"] == 1
    assert rates["reports"]["on_time_rate"] == 1.0
    assert (rates["values"]["due_before_entry"], rates["values"]["late"], rates["values"]["on_time_rate"]) == (
        1,
        1,
        0.0,
    )
    assert rates["values"]["completeness_rate"] == 1.0


def test_filing_what_was_due_before_entry_does_not_move_the_on_time_rate() -> None:
    """Entered on 1 June 2026: 2024's and 2025's reports were due before, 2026's after (filed on time)."""
    later = date(2027, 5, 1)
    missing_old = plan([], filed={"2026": "2027-03-01"}, registered_on="2026-06-01")
    filed_old = plan([], filed={"2024": "2026-07-01", "2025": "2026-07-01", "2026": "2027-03-01"},
                     registered_on="2026-06-01")  # fmt: skip

    before = reporting_rates_of([missing_old], today=later, due=(3, 31))["reports"]
    after = reporting_rates_of([filed_old], today=later, due=(3, 31))["reports"]

    assert (before["on_time_rate"], before["completeness_rate"], before["due_before_entry"]) == (1.0, 0.3333, 2)
    assert (after["on_time_rate"], after["completeness_rate"], after["late"]) == (1.0, 1.0, 0)


def test_nothing_owed_has_no_rate() -> None:
    rates = reporting_rates_of([plan([], status="draft")], today=TODAY, due=(3, 31))
    assert rates["reports"]["expected"] == 0
    assert rates["reports"]["on_time_rate"] is None
    assert rates["reports"]["completeness_rate"] is None


def test_flags_live_with_the_snapshot_for_those_who_may_see_the_plan(
    trzebiel_admin: Api, lubuskie_reviewer: Api, operator: Api, voivodeship_reviewer: Api
) -> None:
    with in_gmina(TRZEBIEL):
        AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2029)
    refresh(TRZEBIEL)

    own = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/data-quality").json()
    region = lubuskie_reviewer.get("/api/v1/regions/08/data-quality").json()

    missing = [f for f in own["flags"] if f["code"] == "report_missing"]
    assert {f["year"] for f in missing} == {2025}  # adopted on 1 June 2025: 2025 is owed, 2024 not
    assert own["counts"]["completeness"] == len([f for f in own["flags"] if f["kind"] == "completeness"]) > 0
    [row] = [g for g in region["gminas"] if g["teryt"] == TRZEBIEL]
    assert row["counts"] == own["counts"]
    assert region["powiats"]["0811"]["completeness"] >= own["counts"]["completeness"]
    assert operator.get("/api/v1/regions/32/data-quality").status_code == 200
    assert trzebiel_admin.get("/api/v1/regions/08/data-quality").status_code == 403


def test_filing_days_come_from_the_first_filing_as_the_local_day(trzebiel_admin: Api, lubuskie_reviewer: Api) -> None:
    """Through the real reporting services and the snapshot's SQL. The clock cannot be moved here, so
    the recorded moments are set as history would have left them (the services stamp `now`)."""
    from django.utils import timezone as tz

    from tenants.plans.models import ImplementationReport, IndicatorValue, InterventionArea, Plan, ReportKind
    from tenants.plans.reporting import indicator_value_report, report_file
    from tests.factories import FACTORY

    def moment(text: str) -> Any:
        return tz.datetime.fromisoformat(text)

    with in_gmina(TRZEBIEL):
        adopted = AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2029,
                                     areas=[InterventionArea.SENIORS, InterventionArea.FAMILY])  # fmt: skip
        Plan.objects.filter(pk=adopted.pk).update(created_at=moment("2025-05-01T10:00:00+00:00"))
        first, second = adopted.indicators.order_by("id")
        for indicator, value in ((first, "5"), (second, "7")):
            indicator_value_report(teryt=TRZEBIEL, plan_id=adopted.pk, indicator_id=indicator.pk, year=2025,
                                   value=Decimal(value), note="", actor=FACTORY)  # fmt: skip
        # Late: 10 April 2026. A correction today does not move the day it was first reported.
        IndicatorValue.objects.filter(indicator=first).update(reported_at=moment("2026-04-10T09:00:00+00:00"))
        indicator_value_report(teryt=TRZEBIEL, plan_id=adopted.pk, indicator_id=first.pk, year=2025,
                               value=Decimal(6), note="korekta", actor=FACTORY)  # fmt: skip
        # 31 March 2026, 22:30 UTC is 1 April, 00:30 in Warsaw: late by the local day.
        IndicatorValue.objects.filter(indicator=second).update(reported_at=moment("2026-03-31T22:30:00+00:00"))
        report_file(teryt=TRZEBIEL, plan_id=adopted.pk, kind=ReportKind.YEARLY, year=2025, narrative="n",
                    actor=FACTORY)  # fmt: skip
        ImplementationReport.objects.filter(plan=adopted).update(filed_at=moment("2026-03-20T12:00:00+00:00"))
    refresh(TRZEBIEL)

    own = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/data-quality").json()
    region = lubuskie_reviewer.get("/api/v1/regions/08/data-quality").json()

    late = {f["indicator"]: f for f in own["flags"] if f["code"] == "value_late"}
    assert set(late) == {first.number, second.number}
    assert "2026-04-10" in late[first.number]["reason_en"]
    assert late[first.number]["value"] == "6.00"
    assert "2026-04-01" in late[second.number]["reason_en"]
    assert not [f for f in own["flags"] if f["code"] in ("report_missing", "report_late")]
    assert own["reporting"]["reports"] == {"expected": 1, "filed": 1, "on_time": 1, "late": 0, "missing": 0,
                                           "due_before_entry": 0, "completeness_rate": 1.0,
                                           "on_time_rate": 1.0}  # fmt: skip
    assert own["reporting"]["values"] == {"expected": 2, "filed": 2, "on_time": 0, "late": 2, "missing": 0,
                                          "due_before_entry": 0, "completeness_rate": 1.0,
                                          "on_time_rate": 0.0}  # fmt: skip
    [row] = [g for g in region["gminas"] if g["teryt"] == TRZEBIEL]
    assert row["reporting"] == own["reporting"]
    assert region["powiat_reporting"]["0811"]["values"]["late"] >= 2
    assert region["reporting"]["reports"]["on_time"] >= 1


def test_verify_finds_flags_that_differ_from_the_data(db: None) -> None:
    with in_gmina(TRZEBIEL):
        AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2029)
    refresh(TRZEBIEL)
    views_verify(repair=True)
    assert not views_verify().found

    GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).update(quality=[])

    assert TRZEBIEL in views_verify().snapshots


def test_the_review_queue_flags_a_submitted_plans_questionable_values(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    from tests.support import complete_programme, put_programme

    plans = f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}"
    edits = [{**i, "target_value": "1", "baseline_value": "12", "direction": "increase"}
             for i in created_plan["indicators"]]  # fmt: skip
    headers = {**trzebiel_admin._headers(), "If-Match": f'"{created_plan["version"]}"'}
    edited = trzebiel_admin.client.put(f"{plans}/indicators", edits, content_type="application/json", headers=headers)
    assert edited.status_code == 200, edited.content
    put_programme(trzebiel_admin, TRZEBIEL, created_plan["id"], complete_programme(), edited.json()["version"])
    assert trzebiel_admin.post_json(f"{plans}/submission", {}).status_code == 200
    refresh(TRZEBIEL)

    [item] = [
        q for q in lubuskie_reviewer.get("/api/v1/regions/08/review-queue").json() if q["plan_id"] == created_plan["id"]
    ]

    assert "data_quality" in item["flags"]
    assert {f["code"] for f in item["data_quality"]} == {"TARGET.DIRECTION"}


def test_a_value_far_from_its_peers_per_resident_is_flagged(db: None, operator: Api) -> None:
    """Six rural lubuskie gminas of under 5 000 residents report the same standard for 2025: five
    at about 10 per 1 000 residents, one at 100. Hand-computed: rates 10, 10, 10, 11, 9, 100 per
    1 000; median 10, MAD 0.5 (deviations 0, 0, 0, 1, 1, 90); z = 0.6745 x 90 / 0.5 = 121.4.
    The outliers are stored with the national rollup and compared by verify."""
    from aggregation.models import NATIONAL_SCOPE
    from aggregation.quality.peers import peer_outliers
    from aggregation.views.consistency import PEER_OUTLIERS
    from aggregation.views.refresh import rollup_refresh
    from aggregation.views.rollups import gmina_facts
    from tenants.models import Gmina

    peers = list(Gmina.objects.filter(voivodeship_id="08", kind="rural").order_by("teryt")[:6])
    values = ["40", "40", "40", "44", "36", "400"]
    for gmina, value in zip(peers, values, strict=True):
        gmina.population = 4000
        gmina.save(update_fields=["population"])
        facts = {
            **gmina_facts({"teryt": gmina.teryt, "plans": []}, today=TODAY),
            "indicators": {"CARE.HOME.PERSONS": {"baseline": None, "target": None, "values": {"2025": value}}},
        }
        GminaSnapshot.objects.update_or_create(gmina=gmina, defaults={
            "voivodeship": "08", "data": {"teryt": gmina.teryt, "plans": []}, "facts": facts,
            "refreshed_at": "2026-12-01T00:00:00+00:00"})  # fmt: skip
    assert peer_outliers(voivodeship="08") == []  # nothing until the national rollup is recomputed

    rollup_refresh(scope=NATIONAL_SCOPE, only_if_stale=False)

    [outlier] = peer_outliers(voivodeship="08")
    assert (outlier["teryt"], outlier["per_1000"], outlier["peers"]) == (peers[5].teryt, "100.00", 6)
    assert outlier["peer_median_per_1000"] == "10.00"
    assert "z = 121.4" in outlier["reason_en"]
    answer = operator.get("/api/v1/regions/08/data-quality").json()
    assert [o["teryt"] for o in answer["peer_outliers"]] == [peers[5].teryt]
    assert operator.get(f"/api/v1/gminas/{peers[5].teryt}/data-quality").json()["peer_outliers"][0]["year"] == 2025
    assert peer_outliers(voivodeship="32") == []  # the voivodeship's own gminas only
    # A peer's value changes and nobody recomputes: verify sees the stored outliers differ.
    GminaSnapshot.objects.filter(gmina=peers[5]).update(facts={**facts, "indicators": {}})
    assert any(d.target == PEER_OUTLIERS for d in views_verify().differences)


def test_outliers_of_several_peer_groups_come_in_the_order_they_are_stored() -> None:
    """Verify compares lists in order: rural peers in 32 and urban peers in 02 each have an outlier;
    computed and stored lists must both go by standard, year and TERYT."""
    from aggregation.quality.peers import peer_outliers_compute
    from aggregation.views.rollups import GminaRow

    def row(teryt: str, kind: str, value: str) -> GminaRow:
        facts = {"indicators": {"CARE.HOME.PERSONS": {"baseline": None, "target": None, "values": {"2025": value}}}}
        return GminaRow(teryt, teryt, teryt[:4], kind, 4000, facts)  # type: ignore[arg-type]

    rows = [row(f"32040{i}2", "rural", v) for i, v in enumerate(["40", "40", "40", "44", "36", "400"])]
    rows += [row(f"02050{i}1", "urban", v) for i, v in enumerate(["40", "40", "40", "44", "36", "400"])]

    found = peer_outliers_compute(rows)

    assert [o["teryt"] for o in found] == ["0205051", "3204052"]


def test_the_regions_counts_come_from_the_stored_summary_for_each_party(
    trzebiel_admin: Api, lubuskie_reviewer: Api, operator: Api
) -> None:
    """A draft's flags count for the operator and the gmina, not for the region's reviewer; the
    region reads each snapshot's stored summary, and one stored before summaries is computed whole."""
    from django.utils import timezone as tz

    from aggregation.quality.rules import report_due
    from aggregation.quality.selectors import quality_summary
    from tenants.plans.reporting import indicator_value_report
    from tests.factories import FACTORY, PlanFactory

    with in_gmina(TRZEBIEL):
        AdoptedPlanFactory(teryt=TRZEBIEL, period_start=2024, period_end=2029)
        draft = PlanFactory(teryt=TRZEBIEL, period_start=2030, period_end=2032)
        indicator = draft.indicators.get()
        indicator_value_report(teryt=TRZEBIEL, plan_id=draft.pk, indicator_id=indicator.pk, year=2030,
                               value=Decimal(1), note="", actor=FACTORY)  # fmt: skip
        # A target below the baseline of an indicator that should increase: the rule questions it.
        draft.indicators.update(baseline_value=Decimal(10), target_value=Decimal(1), direction="increase")
    refresh(TRZEBIEL)
    stored = GminaSnapshot.objects.get(gmina_id=TRZEBIEL)

    def row(api: Api) -> dict[str, int]:
        [found] = [g for g in api.get("/api/v1/regions/08/data-quality").json()["gminas"] if g["teryt"] == TRZEBIEL]
        return found["counts"]  # type: ignore[no-any-return]

    as_operator, as_reviewer = row(operator), row(lubuskie_reviewer)
    own = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/data-quality").json()

    assert as_operator["rule"] == own["counts"]["rule"] == as_reviewer["rule"] + 1  # the draft's target
    assert as_operator == stored.quality_summary["counts"]["all"]
    assert as_reviewer == stored.quality_summary["counts"]["submitted"]
    assert stored.quality_summary == quality_summary(
        stored.data, stored.quality, today=tz.localdate(), due=report_due()
    )
    GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).update(quality_summary={})  # as stored before summaries
    assert row(lubuskie_reviewer) == as_reviewer
    assert row(operator) == as_operator
