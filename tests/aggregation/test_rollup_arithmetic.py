"""Rollup arithmetic on hand-made facts: which plan counts, white spots, medians, progress,
population weighting."""

from __future__ import annotations

from datetime import date
from typing import Any

from aggregation.views.rollups import GminaFacts, GminaRow, gmina_facts, rollup_compute, white_spots
from tests.support import with_acts

TODAY = date(2026, 11, 23)


def plan(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "title": "Plan",
        "status": "adopted",
        "version": 3,
        "period_start": 2024,
        "period_end": 2029,
        "areas": ["seniors"],
        "act": {
            "kind": "council_resolution",
            "number": "X/1/2024",
            "date": "2024-06-27",
            "in_force_from": "2024-07-01",
        },
        "programme_areas": [],
        "services": [],
        "funding": [],
        "indicators": [],
        "latest_report_year": None,
        "documents": [],
        "findings": [],
    }
    base.update(overrides)
    return with_acts(base)


def facts(*plans: dict[str, Any]) -> GminaFacts:
    return gmina_facts({"teryt": "0811082", "plans": list(plans)}, today=TODAY)  # type: ignore[typeddict-item]


def indicator(code: str, baseline: str | None, target: str | None, values: dict[str, str]) -> dict[str, Any]:
    return {"area": "seniors", "number": "1", "name": "n", "unit": "osoby", "standard_code": code,
            "direction": "increase", "baseline": baseline, "baseline_year": 2024, "target": target,
            "target_year": 2029, "values": values}  # fmt: skip


def row(teryt: str, powiat: str, gmina_facts: GminaFacts | None, population: int | None = None) -> GminaRow:
    return GminaRow(teryt, f"Gmina {teryt}", powiat, "rural", population, gmina_facts)


def test_the_plan_in_force_counts_not_a_newer_draft() -> None:
    in_force = plan(services=[{"type": "respite_care", "name": "x", "area": "", "capacity": "4.00", "unit": ""}])
    newer_draft = plan(id=2, status="draft", act=None, period_start=2030, period_end=2035, areas=["family"])

    result = facts(newer_draft, in_force)

    assert result["in_force"] is True
    assert result["status"] == "adopted"
    assert result["areas_in_force"] == ["seniors"]
    assert result["services"] == {"respite_care": "4.00"}
    assert result["plans_by_status"] == {"draft": 1, "adopted": 1}


def test_without_a_plan_in_force_the_newest_ongoing_plan_is_current_but_covers_no_area() -> None:
    expired = plan(status="expired", period_start=2018, period_end=2023,
                   act={"kind": "council_resolution", "number": "I/1/2018", "date": "2018-01-10",
                        "in_force_from": "2018-01-10"})  # fmt: skip
    flat = {"type": "supported_flat", "name": "x", "area": "", "capacity": None, "unit": ""}
    draft = plan(id=2, status="draft", act=None, period_start=2025, period_end=2030, areas=["family"], services=[flat])

    result = facts(expired, draft)

    assert result["in_force"] is False
    assert result["status"] == "draft"
    assert result["areas_in_force"] == []
    # Services count from a plan in force only: a draft's plans are not yet the gmina's.
    assert result["services"] == {}
    assert result["adopted_years"] == list(range(2018, 2024))


def test_an_adopted_plan_whose_act_is_not_yet_in_force_is_not_in_force() -> None:
    future = plan(act={"kind": "council_resolution", "number": "X", "date": "2026-11-20",
                       "in_force_from": "2027-01-01"})  # fmt: skip
    assert facts(future)["in_force"] is False


def test_white_spots_are_gminas_without_the_service_and_powiats_where_no_gmina_has_it() -> None:
    respite = facts(plan(services=[{"type": "respite_care", "name": "x", "area": "", "capacity": None, "unit": ""}]))
    rows = [row("0811012", "0811", respite), row("0811022", "0811", facts()), row("0812012", "0812", None)]

    gminas, powiats = white_spots(rows, "respite_care")

    assert [g.teryt for g in gminas] == ["0811022", "0812012"]
    assert powiats == ["0812"]
    rollup = rollup_compute(rows)
    assert rollup["services"]["respite_care"] == {
        "gminas": 1,
        "capacity": None,
        "white_spot_gminas": 2,
        "white_spot_powiats": 1,
    }
    assert rollup["services"]["day_care_home"]["white_spot_powiats"] == 2


def test_standard_indicators_sum_median_and_progress_against_targets() -> None:
    rows = [
        row("0811012", "0811", facts(plan(indicators=[indicator("OS.1", "10", "30", {"2025": "20"})]))),
        row("0811022", "0811", facts(plan(indicators=[indicator("OS.1", "0", "10", {"2025": "2", "2026": "5"})]))),
        row("0811032", "0811", facts(plan(indicators=[indicator("OS.1", None, None, {"2025": "100"})]))),
        row("0811042", "0811", facts(plan(indicators=[indicator("", "1", "2", {"2025": "999"})]))),  # no code
    ]

    result = rollup_compute(rows)["indicators"]

    assert set(result) == {"OS.1"}
    assert result["OS.1"]["years"]["2025"] == {"gminas": 3, "sum": 122.0, "median": 20.0, "weighted_mean": None}
    assert result["OS.1"]["years"]["2026"] == {"gminas": 1, "sum": 5.0, "median": 5.0, "weighted_mean": None}
    assert (result["OS.1"]["aggregation"], result["OS.1"]["gminas"]) == ("sum", 3)  # the gminas contributing
    # Over the two gminas with baseline and target: latest 20 + 5 from baselines 10 + 0 to 30 + 10.
    assert result["OS.1"]["gminas_with_target"] == 2
    assert result["OS.1"]["progress"] == round((25 - 10) / (40 - 10), 4)


def test_a_rate_standard_is_a_mean_weighted_by_population_over_gminas_whose_population_is_known() -> None:
    rows = [
        row("0811012", "0811", facts(plan(indicators=[indicator("RATE", None, None, {"2025": "10"})])), 1000),
        row("0811022", "0811", facts(plan(indicators=[indicator("RATE", None, None, {"2025": "40"})])), 3000),
        row("0811032", "0811", facts(plan(indicators=[indicator("RATE", None, None, {"2025": "90"})])), None),
    ]

    result = rollup_compute(rows, {"RATE": "weighted_mean"})["indicators"]["RATE"]

    # (10 * 1000 + 40 * 3000) / 4000; the gmina of unknown population is counted, not weighed.
    assert result["years"]["2025"]["weighted_mean"] == 32.5
    assert result["years"]["2025"]["gminas"] == 3
    assert (result["aggregation"], result["progress"]) == ("weighted_mean", None)


def test_share_weighted_by_population_only_when_every_population_is_known() -> None:
    in_force = facts(plan())
    known = [row("0811012", "0811", in_force, 1000), row("0811022", "0811", facts(), 3000)]
    result = rollup_compute(known)
    assert result["share_with_plan_in_force"] == 0.5
    assert result["population_share_with_plan_in_force"] == 0.25
    assert rollup_compute([*known, row("0811032", "0811", None)])["population_share_with_plan_in_force"] is None


def test_funding_and_years_add_up_across_gminas() -> None:
    funded = plan(funding=[{"source": "gmina_budget", "year": 2025, "amount": "100.50"},
                           {"source": "gmina_budget", "year": None, "amount": "7"},
                           {"source": "fers", "year": 2025, "amount": "50"}])  # fmt: skip
    rows = [row("0811012", "0811", facts(funded)), row("0811022", "0811", facts(funded))]

    result = rollup_compute(rows)

    assert result["funding"] == {"fers": {"2025": 100.0}, "gmina_budget": {"2025": 201.0, "unspecified": 14.0}}
    assert result["years"]["2025"] == {"gminas_with_adopted_plan": 2, "funding": 301.0,
                                       "gminas_reporting_indicators": 0}  # fmt: skip
    assert result["years"]["2029"]["funding"] == 0.0
    assert result["plans_by_status"]["adopted"] == 2
    assert result["areas"]["seniors"] == {"gminas": 2, "share": 1.0}
