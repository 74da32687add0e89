"""Rollup arithmetic: plain functions over snapshot values, no database access.

Which plan counts for what (only local plans, LPRUSiD: a CUS programme or a strategy is another
document, see `PlanKind`):
- *in force*: decided by `tenants.plans.lifecycle.validity` from the plan's period and acts on the day;
  area coverage, services (so white spots), standard indicators, funding and "share of gminas
  with a plan" come from the plan in force;
- *adopted, not yet in force* (vacatio legis, or a period starting later): counted apart, with
  its funding apart; drafts and submitted plans appear only in the status counts;
- the gmina's *current plan* (whose status a list shows): the one in force, else the adopted one
  not yet in force, else the newest plan still in preparation, else the newest plan at all.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

# typing_extensions' TypedDict: pydantic reads it as the API's shape on Python 3.11 too.
from typing_extensions import TypedDict

from tenants.models import StandardAggregation
from tenants.plans.lifecycle.validity import ForceState, force_begins, force_ends, force_on
from tenants.plans.models import ENDED_BY_ACT, InterventionArea, PlanKind, PlanStatus
from tenants.plans.programme.models import ServiceType
from tenants.plans.snapshot import GminaSnapshotData, PlanSnapshot

ENDED_STATUSES = (PlanStatus.EXPIRED, *ENDED_BY_ACT)
# Funding planned without a year is kept under this key (never an empty string).
NO_YEAR = "unspecified"


class StandardIndicatorFacts(TypedDict):
    baseline: str | None
    target: str | None
    values: dict[str, str]


class GminaFacts(TypedDict):
    plans_by_status: dict[str, int]
    status: str
    in_force: bool
    adopted_not_yet_in_force: bool
    period_start: int | None
    period_end: int | None
    areas_in_force: list[str]
    services: dict[str, str | None]  # service type -> planned capacity (summed), None if not given
    indicators: dict[str, StandardIndicatorFacts]  # standard code -> summed values
    funding: dict[str, dict[str, str]]  # source -> year (NO_YEAR when the plan gives none) -> amount
    funding_not_yet_in_force: dict[str, dict[str, str]]  # the same for an adopted plan not yet in force
    adopted_years: list[int]  # years on some day of which a plan was in force (time series)
    latest_report_year: int | None


def plan_force(plan: Mapping[str, Any], on: date) -> ForceState:
    """A snapshot plan's legal state on a day (`tenants.plans.lifecycle.validity` decides)."""
    return force_on(plan.get("acts", []), on)


def plan_in_force(plan: Mapping[str, Any], on: date) -> bool:
    return plan_force(plan, on) is ForceState.IN_FORCE


def _newest(plans: list[PlanSnapshot]) -> PlanSnapshot | None:
    return max(plans, key=lambda p: (p["act"]["in_force_from"] if p["act"] else "", p["valid_from"], p["id"]),
               default=None)  # fmt: skip


def _current_plan(plans: list[PlanSnapshot], today: date) -> tuple[PlanSnapshot | None, ForceState]:
    local = [p for p in plans if p.get("kind", PlanKind.LPRUSID) == PlanKind.LPRUSID]
    for state in (ForceState.IN_FORCE, ForceState.NOT_YET_IN_FORCE):
        found = _newest([p for p in local if plan_force(p, today) is state])
        if found is not None:
            return found, state
    ongoing = [p for p in local if p["status"] not in ENDED_STATUSES]
    candidates = ongoing or local
    # Snapshot plans are ordered newest period first.
    return (candidates[0], plan_force(candidates[0], today)) if candidates else (None, ForceState.NOT_ADOPTED)


def _add(total: str | None, value: str | None) -> str | None:
    if value is None:
        return total
    return str(Decimal(total or "0") + Decimal(value))


def _funding(plan: PlanSnapshot) -> dict[str, dict[str, str]]:
    funding: dict[str, dict[str, str]] = defaultdict(dict)
    for line in plan["funding"]:
        if line["amount"] is not None:
            year = str(line["year"]) if line["year"] is not None else NO_YEAR
            funding[line["source"]][year] = _add(funding[line["source"]].get(year), line["amount"]) or "0"
    return dict(funding)


def _years_in_force(plan: PlanSnapshot) -> range:
    begins, ends = force_begins(plan.get("acts", [])), force_ends(plan.get("acts", []))
    return range(begins.year, ends.year + 1) if begins and ends and ends >= begins else range(0)


def gmina_facts(snapshot: GminaSnapshotData, *, today: date) -> GminaFacts:
    plans = snapshot["plans"]
    current, state = _current_plan(plans, today)
    in_force = state is ForceState.IN_FORCE
    services: dict[str, str | None] = {}
    indicators: dict[str, StandardIndicatorFacts] = {}
    if current is not None and in_force:
        for service in current["services"]:
            services[service["type"]] = _add(services.get(service["type"]), service["capacity"])
        for indicator in current["indicators"]:
            if not indicator["standard_code"]:
                continue
            facts = indicators.setdefault(indicator["standard_code"], {"baseline": None, "target": None, "values": {}})
            facts["baseline"] = _add(facts["baseline"], indicator["baseline"])
            facts["target"] = _add(facts["target"], indicator["target"])
            for year, value in indicator["values"].items():
                facts["values"][year] = _add(facts["values"].get(year), value) or "0"
    local = [p for p in plans if p.get("kind", PlanKind.LPRUSID) == PlanKind.LPRUSID]
    return {
        "plans_by_status": dict(Counter(p["status"] for p in plans)),
        "status": current["status"] if current else "",
        "in_force": in_force,
        "adopted_not_yet_in_force": state is ForceState.NOT_YET_IN_FORCE,
        "period_start": current["period_start"] if current else None,
        "period_end": current["period_end"] if current else None,
        "areas_in_force": sorted(current["areas"]) if current and in_force else [],
        "services": services,
        "indicators": indicators,
        "funding": _funding(current) if current and in_force else {},
        "funding_not_yet_in_force": _funding(current) if current and state is ForceState.NOT_YET_IN_FORCE else {},
        "adopted_years": sorted({y for p in local for y in _years_in_force(p)}),
        "latest_report_year": max((p["latest_report_year"] for p in plans if p["latest_report_year"]), default=None),
    }


@dataclass(frozen=True)
class GminaRow:
    """A registry gmina in the rollup's scope, with its facts when it has a snapshot."""

    teryt: str
    name: str
    powiat: str
    kind: str
    population: int | None
    facts: GminaFacts | None


class Coverage(TypedDict):
    gminas: int
    share: float


class ServiceCoverage(TypedDict):
    gminas: int
    capacity: float | None
    white_spot_gminas: int
    white_spot_powiats: int


class IndicatorYear(TypedDict):
    gminas: int
    sum: float
    median: float
    # For a standard that adds up as a mean weighted by population (a rate, a share of residents):
    # over the gminas whose population is known; None for the others.
    weighted_mean: float | None


class IndicatorRollup(TypedDict):
    aggregation: str  # the standard's (`GET /indicator-standards`): sum, weighted_mean or share
    gminas: int  # how many gminas contribute to the figures (their plan in force maps the standard)
    years: dict[str, IndicatorYear]
    gminas_with_target: int
    baseline_sum: float
    target_sum: float
    latest_sum: float
    progress: float | None  # (latest - baseline) / (target - baseline), over gminas with all three


class YearRollup(TypedDict):
    gminas_with_adopted_plan: int
    funding: float
    gminas_reporting_indicators: int


class YearRow(YearRollup):
    """One year of a scope's time series."""

    year: int


class RollupData(TypedDict):
    gminas: int
    gminas_with_snapshot: int
    plans_by_status: dict[str, int]
    gminas_by_current_status: dict[str, int]
    gminas_with_plan_in_force: int
    share_with_plan_in_force: float
    population_share_with_plan_in_force: float | None
    gminas_with_plan_adopted_not_yet_in_force: Annotated[
        int, Field(description="adopted plans whose entry into force or period lies ahead (vacatio legis)")
    ]
    areas: dict[str, Coverage]
    services: dict[str, ServiceCoverage]
    indicators: dict[str, IndicatorRollup]
    funding: Annotated[
        dict[str, dict[str, float]],
        Field(description="plans in force: funding source -> year ('unspecified' when the plan gives none) -> zł"),
    ]
    funding_not_yet_in_force: Annotated[
        dict[str, dict[str, float]], Field(description="the same for adopted plans not yet in force")
    ]
    years: dict[str, YearRollup]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _number(value: Decimal) -> float:
    return float(round(value, 2))


def white_spots(rows: Iterable[GminaRow], service_type: str) -> tuple[list[GminaRow], list[str]]:
    """The gminas whose current plan has no service of the type, and the powiats none of whose
    gminas (in the rows) has one."""
    rows = list(rows)
    missing = [r for r in rows if r.facts is None or service_type not in r.facts["services"]]
    served_powiats = {r.powiat for r in rows if r.facts is not None and service_type in r.facts["services"]}
    return missing, sorted({r.powiat for r in rows} - served_powiats)


SUM, WEIGHTED_MEAN = StandardAggregation.SUM.value, StandardAggregation.WEIGHTED_MEAN.value


def _weighted(values: list[tuple[Decimal, int | None]]) -> float | None:
    known = [(value, people) for value, people in values if people]
    total = sum(people for _, people in known)
    return _number(sum((value * people for value, people in known), Decimal(0)) / total) if total else None


def _indicator_rollups(rows: list[GminaRow], aggregations: Mapping[str, str]) -> dict[str, IndicatorRollup]:
    by_code: dict[str, list[tuple[StandardIndicatorFacts, int | None]]] = defaultdict(list)
    for row in rows:
        for code, indicator in (row.facts["indicators"] if row.facts else {}).items():
            by_code[code].append((indicator, row.population))
    out: dict[str, IndicatorRollup] = {}
    for code, indicators in sorted(by_code.items()):
        aggregation = aggregations.get(code, SUM)
        per_year: dict[str, list[tuple[Decimal, int | None]]] = defaultdict(list)
        baseline = target = latest = Decimal(0)
        with_target = 0
        for indicator, people in indicators:
            for year, value in indicator["values"].items():
                per_year[year].append((Decimal(value), people))
            if indicator["baseline"] is not None and indicator["target"] is not None and indicator["values"]:
                with_target += 1
                baseline += Decimal(indicator["baseline"])
                target += Decimal(indicator["target"])
                latest += Decimal(indicator["values"][max(indicator["values"])])
        out[code] = {
            "aggregation": aggregation,
            "gminas": len(indicators),
            "years": {
                year: {
                    "gminas": len(values),
                    "sum": _number(sum((v for v, _ in values), Decimal(0))),
                    "median": _number(statistics.median(v for v, _ in values)),
                    "weighted_mean": _weighted(values) if aggregation == WEIGHTED_MEAN else None,
                }
                for year, values in sorted(per_year.items())
            },
            "gminas_with_target": with_target,
            "baseline_sum": _number(baseline),
            "target_sum": _number(target),
            "latest_sum": _number(latest),
            # Progress of a sum; a mean's progress is read from its years.
            "progress": round(float((latest - baseline) / (target - baseline)), 4)
            if target != baseline and aggregation == SUM
            else None,
        }
    return out


def _funding_sum(plans: Iterable[dict[str, dict[str, str]]]) -> dict[str, dict[str, Decimal]]:
    funding: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for planned in plans:
        for source, by_year in planned.items():
            for year, amount in by_year.items():
                funding[source][year] += Decimal(amount)
    return funding


def _funding_out(funding: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, float]]:
    return {
        source: {year: _number(amount) for year, amount in sorted(amounts.items())}
        for source, amounts in sorted(funding.items())
    }


def rollup_compute(rows: Iterable[GminaRow], aggregations: Mapping[str, str] | None = None) -> RollupData:
    """The rollup of the rows; `aggregations` (standard code -> how it adds up, from the catalogue)
    defaults to sums."""
    rows = list(rows)
    facts = [r.facts for r in rows if r.facts is not None]
    in_force = [f for f in facts if f["in_force"]]
    weighted: float | None = None
    if rows and all(r.population is not None for r in rows):
        total = sum(r.population or 0 for r in rows)
        covered = sum(r.population or 0 for r in rows if r.facts is not None and r.facts["in_force"])
        weighted = round(covered / total, 4) if total else None
    services: dict[str, ServiceCoverage] = {}
    for service_type in ServiceType:
        having = [f["services"][service_type.value] for f in facts if service_type.value in f["services"]]
        capacities = [Decimal(c) for c in having if c is not None]
        missing, powiats = white_spots(rows, service_type.value)
        services[service_type.value] = {
            "gminas": len(having),
            "capacity": _number(sum(capacities, Decimal(0))) if capacities else None,
            "white_spot_gminas": len(missing),
            "white_spot_powiats": len(powiats),
        }
    funding = _funding_sum(f["funding"] for f in facts)
    adopted_per_year: Counter[str] = Counter()
    reporting_per_year: Counter[str] = Counter()
    for f in facts:
        adopted_per_year.update(str(year) for year in f["adopted_years"])
        reporting_per_year.update({y for i in f["indicators"].values() for y in i["values"]})
    funding_per_year: dict[str, Decimal] = defaultdict(Decimal)
    for by_year in funding.values():
        for year, planned_amount in by_year.items():
            if year != NO_YEAR:
                funding_per_year[year] += planned_amount
    years: dict[str, YearRollup] = {
        year: {
            "gminas_with_adopted_plan": adopted_per_year[year],
            "funding": _number(funding_per_year.get(year, Decimal(0))),
            "gminas_reporting_indicators": reporting_per_year[year],
        }
        for year in sorted(set(adopted_per_year) | set(reporting_per_year) | set(funding_per_year))
    }
    statuses: Counter[str] = Counter()
    for f in facts:
        statuses.update(f["plans_by_status"])
    return {
        "gminas": len(rows),
        "gminas_with_snapshot": len(facts),
        "plans_by_status": {s.value: statuses.get(s.value, 0) for s in PlanStatus},
        "gminas_by_current_status": dict(sorted(Counter(f["status"] for f in facts if f["status"]).items())),
        "gminas_with_plan_in_force": len(in_force),
        "share_with_plan_in_force": _share(len(in_force), len(rows)),
        "population_share_with_plan_in_force": weighted,
        "gminas_with_plan_adopted_not_yet_in_force": sum(1 for f in facts if f.get("adopted_not_yet_in_force")),
        "areas": {
            area.value: {
                "gminas": (n := sum(1 for f in in_force if area.value in f["areas_in_force"])),
                "share": _share(n, len(rows)),
            }
            for area in InterventionArea
        },
        "services": services,
        "indicators": _indicator_rollups(rows, aggregations or {}),
        "funding": _funding_out(funding),
        "funding_not_yet_in_force": _funding_out(_funding_sum(f.get("funding_not_yet_in_force", {}) for f in facts)),
        "years": years,
    }
