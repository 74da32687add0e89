"""Each rule kind, passing and failing, as a plain function of a situation (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from aggregation.calls.compliance import Criterion, CriterionType, call_criteria, evaluate
from aggregation.calls.criteria import (
    RULE_KINDS,
    Applicant,
    ApplicantKind,
    CallTerms,
    Project,
    Situation,
    criterion_params_errors,
)
from aggregation.plan_facts import plan_facts
from tests.support import with_acts

SHA = "ab" * 32
TERMS = CallTerms(
    code="FEPZ.06.19",
    voivodeship="32",
    opens_on=date(2026, 10, 1),
    deadline=date(2027, 1, 29),
    applicant_kinds=(ApplicantKind.GMINA, ApplicantKind.CITY_WITH_POWIAT_RIGHTS),
    areas=("seniors", "disability"),
)
KOSZALIN = Applicant("3261011", "Koszalin", ApplicantKind.CITY_WITH_POWIAT_RIGHTS)


def plan(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "title": "Plan",
        "status": "adopted",
        "version": 4,
        "period_start": 2024,
        "period_end": 2030,
        "areas": ["seniors", "family"],
        "act": {
            "kind": "council_resolution",
            "number": "XX/1/2024",
            "date": "2024-05-20",
            "in_force_from": "2024-06-01",
        },
        "programme_areas": [
            {
                "code": "seniors",
                "name": "",
                "general_goals": 1,
                "specific_goals": 1,
                "actions": 2,
                "action_numbers": ["1.1.1", "1.1.2"],
            },
        ],
        "services": [{"type": "care_at_home", "name": "Usługi", "area": "seniors", "capacity": "10", "unit": "os."}],
        "funding": [],
        "indicators": [
            {
                "area": "seniors",
                "number": "1",
                "name": "a",
                "unit": "os.",
                "standard_code": "",
                "direction": "increase",
                "baseline": "1",
                "baseline_year": 2023,
                "target": "5",
                "target_year": 2030,
                "values": {"2024": "2", "2025": "3"},
            },
            {
                "area": "seniors",
                "number": "2",
                "name": "b",
                "unit": "os.",
                "standard_code": "",
                "direction": "increase",
                "baseline": "1",
                "baseline_year": 2023,
                "target": None,
                "target_year": None,
                "values": {"2024": "2"},
            },
        ],
        "latest_report_year": 2025,
        "yearly_report_years": [2024, 2025],
        "frozen_version": {"number": 2, "sha256": SHA},
        "documents": [{"id": 1, "kind": "resolution", "sha256": SHA, "status": "archived", "archive_key": "k"}],
        "findings": [],
    }
    return with_acts(base | overrides)


def check(rule: str, params: dict[str, Any], *, plans: list[dict[str, Any]] | None = None, **situation: Any) -> bool:
    kind = RULE_KINDS[rule]
    snapshot_plans = [plan()] if plans is None else plans
    setting: dict[str, Any] = {"applicant": KOSZALIN, "plans": [plan_facts(p) for p in snapshot_plans],  # type: ignore[arg-type]
                               "on": date(2026, 11, 23), "call": TERMS} | situation  # fmt: skip
    outcome = kind.check(Situation(**setting), kind.parse(params))
    assert outcome.reason_pl
    assert outcome.reason_en
    return outcome.passed


def test_applicant_kind_admits_the_call_territory_and_kinds() -> None:
    assert check("applicant_kind", {})
    assert not check("applicant_kind", {}, applicant=Applicant("0811082", "Trzebiel", ApplicantKind.GMINA))
    national_for_gminas = CallTerms("FERS.04.12", None, date(2026, 1, 1), date(2027, 1, 1), (ApplicantKind.GMINA,), ())
    assert not check("applicant_kind", {}, call=national_for_gminas)
    assert check(
        "applicant_kind", {}, call=national_for_gminas, applicant=Applicant("0811082", "T", ApplicantKind.GMINA)
    )


def test_plan_adopted_by_a_resolution_before_a_day() -> None:
    assert check("plan_adopted", {"by": "deadline"})
    assert not check("plan_adopted", {"by": "2024-05-19"})
    other_act = plan(act={"kind": "other", "number": "Z/1", "date": "2024-05-20", "in_force_from": "2024-06-01"})
    assert not check("plan_adopted", {}, plans=[other_act])
    assert check("plan_adopted", {"act_kind": "any"}, plans=[other_act])
    assert not check("plan_adopted", {}, plans=[plan(status="draft", act=None)])


def test_plan_in_force_on_a_day_or_throughout_a_period() -> None:
    assert check("plan_in_force", {})
    assert not check("plan_in_force", {"on": "2024-05-31"})
    assert check("plan_in_force", {"from": "2027-01-01", "until": "2030-12-31"})
    assert not check("plan_in_force", {"from": "2027-01-01", "until": "2031-01-01"})
    successor = plan(id=2, period_start=2031, period_end=2035,
                     act={"kind": "council_resolution", "number": "Y", "date": "2030-12-01",
                          "in_force_from": "2031-01-01"})  # fmt: skip
    assert check("plan_in_force", {"from": "2027-01-01", "until": "2033-12-31"}, plans=[plan(), successor])
    late_act = {"kind": "council_resolution", "number": "Y", "date": "2031-02-01", "in_force_from": "2031-02-01"}
    late = plan(id=2, period_start=2031, period_end=2035, act=late_act)
    assert not check("plan_in_force", {"from": "2027-01-01", "until": "2033-12-31"}, plans=[plan(), late])
    assert not check("plan_in_force", {}, plans=[plan(status="superseded", ended_on="2025-01-01")])
    # The status is a label: a superseded plan was in force until its successor began.
    assert check("plan_in_force", {"on": "2024-12-31"}, plans=[plan(status="superseded", ended_on="2025-01-01")])


def test_plan_period_covers_a_year() -> None:
    assert check("plan_period_covers_year", {"year": 2030})
    assert not check("plan_period_covers_year", {"year": 2031})
    assert not check("plan_period_covers_year", {"year": 2025}, plans=[])


def test_plan_covers_the_project_area_or_any_of_the_calls() -> None:
    assert check("plan_covers_area", {"area": "family"})
    assert not check("plan_covers_area", {"area": "homelessness"})
    assert check("plan_covers_area", {}, project=Project(areas=("seniors",)))
    assert not check("plan_covers_area", {}, project=Project(areas=("seniors", "disability")))
    assert check("plan_covers_area", {})  # no project: one of the call's areas (seniors) will do


def test_area_indicators_with_baseline_and_target() -> None:
    assert check("area_indicators", {"area": "seniors", "min_count": 1})
    assert not check("area_indicators", {"area": "seniors", "min_count": 2})  # the second has no target
    assert not check("area_indicators", {"area": "family", "min_count": 1})


def test_service_planned() -> None:
    assert check("service_planned", {"service_type": "care_at_home"})
    assert not check("service_planned", {"service_type": "supported_flat"})


def test_monitoring_values_for_every_finished_year() -> None:
    assert not check("monitoring_values_complete", {})  # indicator 2 has no 2025 value
    assert check("monitoring_values_complete", {}, on=date(2025, 6, 1))  # only 2024 has finished
    assert check("monitoring_values_complete", {}, on=date(2024, 6, 1))  # nothing has finished


def test_yearly_report_for_the_previous_or_a_given_year() -> None:
    assert check("yearly_report_filed", {})  # 2025 filed
    assert not check("yearly_report_filed", {}, on=date(2027, 3, 1))  # 2026 not filed
    assert not check("yearly_report_filed", {"year": 2026})
    assert check("yearly_report_filed", {}, on=date(2024, 8, 1))  # 2023 is before the plan: not due


def test_resolution_archived() -> None:
    assert check("resolution_archived", {})
    pending = plan(documents=[{"id": 1, "kind": "resolution", "sha256": SHA, "status": "pending", "archive_key": ""}])
    assert not check("resolution_archived", {}, plans=[pending])


def test_project_within_plan() -> None:
    assert check("project_within_plan", {}, project=Project(areas=("seniors",), actions=("1.1.2",)))
    assert not check("project_within_plan", {}, project=Project(areas=("seniors",), actions=("9.9",)))
    assert not check("project_within_plan", {}, project=Project(areas=("homelessness",), actions=("1.1.1",)))
    assert not check("project_within_plan", {}, project=Project(areas=("seniors",)))
    assert check("project_within_plan", {"require_actions": False}, project=Project(areas=("seniors",)))


def test_every_rule_kind_is_tested_here() -> None:
    tested = {
        "applicant_kind", "plan_adopted", "plan_in_force", "plan_period_covers_year", "plan_covers_area",
        "area_indicators", "service_planned", "monitoring_values_complete", "yearly_report_filed",
        "resolution_archived", "project_within_plan",
    }  # fmt: skip
    assert set(RULE_KINDS) == tested


@pytest.mark.parametrize(
    ("rule", "params", "path"),
    [
        ("no_such_rule", {}, "criteria[0].rule"),
        ("area_indicators", {"area": "seniors"}, "criteria[0].params.min_count"),
        ("area_indicators", {"area": "pets", "min_count": 1}, "criteria[0].params.area"),
        ("area_indicators", {"min_count": 0}, "criteria[0].params.min_count"),
        ("service_planned", {"service_type": "spa"}, "criteria[0].params.service_type"),
        ("plan_in_force", {"on": "2026-13-01"}, "criteria[0].params.on"),
        ("plan_in_force", {"from": "2027-01-01"}, "criteria[0].params"),
        ("plan_in_force", {"on": "deadline", "from": "2027-01-01", "until": "2028-01-01"}, "criteria[0].params"),
        ("plan_period_covers_year", {"year": 1900}, "criteria[0].params.year"),
        ("resolution_archived", {"unexpected": 1}, "criteria[0].params.unexpected"),
    ],
)
def test_bad_parameters_are_named_by_path(rule: str, params: dict[str, Any], path: str) -> None:
    errors = criterion_params_errors(rule, params, "criteria[0]")

    assert [e.path for e in errors][:1] == [path]


def test_decision_access_all_pass_then_bonus_points() -> None:
    raw = [
        {"code": "D1", "name": "w mocy", "type": "access", "points": 0, "rule": "plan_in_force", "params": {}},
        {"code": "P1", "name": "usługi", "type": "bonus", "points": 3, "rule": "service_planned",
         "params": {"service_type": "care_at_home"}},
        {"code": "P2", "name": "mieszkania", "type": "bonus", "points": 2, "rule": "service_planned",
         "params": {"service_type": "supported_flat"}},
    ]  # fmt: skip
    criteria = call_criteria(raw)
    assert criteria[0].code == "applicant"  # every call checks who applies

    facts = [plan_facts(plan())]  # type: ignore[arg-type]
    eligible = evaluate(Situation(KOSZALIN, facts, date(2026, 11, 23), TERMS), criteria)
    assert (eligible["eligible"], eligible["points"], eligible["max_points"]) == (True, 3, 5)

    lapsed = evaluate(Situation(KOSZALIN, facts, date(2031, 1, 2), TERMS), criteria)
    assert (lapsed["eligible"], lapsed["points"]) == (False, 0)  # points only for the eligible
    assert [c["passed"] for c in lapsed["criteria"]] == [True, False, True, False]


def test_criterion_parse_reads_what_was_stored() -> None:
    criterion = Criterion.parse(
        {
            "code": "P",
            "name": "n",
            "type": "bonus",
            "points": 2,
            "rule": "yearly_report_filed",
            "params": {"year": 2025},
        }
    )
    assert criterion.type is CriterionType.BONUS
    assert criterion.params.year == 2025
