"""Rollup arithmetic: plain functions over snapshot values, no database access.

Which plan counts for what:
- *in force*: an adopted plan whose act is in force on the day and whose period has not ended;
  area coverage and "share of gminas with a plan" count only such plans (what a call checks);
- the gmina's *current plan*: the one in force, else the newest plan still in preparation or
  awaiting its act, else the newest plan at all. Services (and so white spots), standard
  indicators and funding come from it: a service a gmina plans is not a white spot.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from tenants.plans.content_models import ServiceType
from tenants.plans.models import InterventionArea, PlanStatus
from tenants.plans.snapshot import GminaSnapshotData, PlanSnapshot

ENDED_STATUSES = (PlanStatus.EXPIRED, PlanStatus.SUPERSEDED)


class StandardIndicatorFacts(TypedDict):
    baseline: str | None
    target: str | None
    values: dict[str, str]


class GminaFacts(TypedDict):
    plans_by_status: dict[str, int]
    status: str
    in_force: bool
    period_start: int | None
    period_end: int | None
    areas_in_force: list[str]
    services: dict[str, str | None]  # service type -> planned capacity (summed), None if not given
    indicators: dict[str, StandardIndicatorFacts]  # standard code -> summed values
    funding: dict[str, dict[str, str]]  # source -> year ("" when the plan gives none) -> amount
    adopted_years: list[int]  # years covered by an adopted plan (time series)
    latest_report_year: int | None


def plan_in_force(plan: Mapping[str, Any], on: date) -> bool:
    """Adopted, in force from its act's date, until the end of the last year of its period."""
    act = plan.get("act")
    if plan["status"] != PlanStatus.ADOPTED or act is None:
        return False
    return date.fromisoformat(act["in_force_from"]) <= on <= date(plan["period_end"], 12, 31)


def _current_plan(plans: list[PlanSnapshot], today: date) -> PlanSnapshot | None:
    in_force = [p for p in plans if plan_in_force(p, today)]
    if in_force:
        return max(in_force, key=lambda p: p["act"]["in_force_from"] if p["act"] else "")
    ongoing = [p for p in plans if p["status"] not in ENDED_STATUSES]
    candidates = ongoing or plans
    # Snapshot plans are ordered newest period first.
    return candidates[0] if candidates else None


def _add(total: str | None, value: str | None) -> str | None:
    if value is None:
        return total
    return str(Decimal(total or "0") + Decimal(value))


def gmina_facts(snapshot: GminaSnapshotData, *, today: date) -> GminaFacts:
    plans = snapshot["plans"]
    current = _current_plan(plans, today)
    in_force = current is not None and plan_in_force(current, today)
    services: dict[str, str | None] = {}
    indicators: dict[str, StandardIndicatorFacts] = {}
    funding: dict[str, dict[str, str]] = defaultdict(dict)
    if current is not None:
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
        for line in current["funding"]:
            if line["amount"] is not None:
                year = str(line["year"] or "")
                funding[line["source"]][year] = _add(funding[line["source"]].get(year), line["amount"]) or "0"
    adopted = [p for p in plans if p["act"] is not None and p["status"] in (PlanStatus.ADOPTED, *ENDED_STATUSES)]
    return {
        "plans_by_status": dict(Counter(p["status"] for p in plans)),
        "status": current["status"] if current else "",
        "in_force": in_force,
        "period_start": current["period_start"] if current else None,
        "period_end": current["period_end"] if current else None,
        "areas_in_force": sorted(current["areas"]) if current and in_force else [],
        "services": services,
        "indicators": indicators,
        "funding": dict(funding),
        "adopted_years": sorted({y for p in adopted for y in range(p["period_start"], p["period_end"] + 1)}),
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


class CoverageOut(TypedDict):
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


class IndicatorRollup(TypedDict):
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


class RollupData(TypedDict):
    gminas: int
    gminas_with_snapshot: int
    plans_by_status: dict[str, int]
    gminas_by_current_status: dict[str, int]
    gminas_with_plan_in_force: int
    share_with_plan_in_force: float
    population_share_with_plan_in_force: float | None
    areas: dict[str, CoverageOut]
    services: dict[str, ServiceCoverage]
    indicators: dict[str, IndicatorRollup]
    funding: dict[str, dict[str, float]]
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


def _indicator_rollups(facts: list[GminaFacts]) -> dict[str, IndicatorRollup]:
    by_code: dict[str, list[StandardIndicatorFacts]] = defaultdict(list)
    for f in facts:
        for code, indicator in f["indicators"].items():
            by_code[code].append(indicator)
    out: dict[str, IndicatorRollup] = {}
    for code, indicators in sorted(by_code.items()):
        per_year: dict[str, list[Decimal]] = defaultdict(list)
        baseline = target = latest = Decimal(0)
        with_target = 0
        for indicator in indicators:
            for year, value in indicator["values"].items():
                per_year[year].append(Decimal(value))
            if indicator["baseline"] is not None and indicator["target"] is not None and indicator["values"]:
                with_target += 1
                baseline += Decimal(indicator["baseline"])
                target += Decimal(indicator["target"])
                latest += Decimal(indicator["values"][max(indicator["values"])])
        out[code] = {
            "years": {
                year: {
                    "gminas": len(values),
                    "sum": _number(sum(values, Decimal(0))),
                    "median": _number(statistics.median(values)),
                }
                for year, values in sorted(per_year.items())
            },
            "gminas_with_target": with_target,
            "baseline_sum": _number(baseline),
            "target_sum": _number(target),
            "latest_sum": _number(latest),
            "progress": round(float((latest - baseline) / (target - baseline)), 4) if target != baseline else None,
        }
    return out


def rollup_compute(rows: Iterable[GminaRow]) -> RollupData:
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
    funding: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    adopted_per_year: Counter[str] = Counter()
    reporting_per_year: Counter[str] = Counter()
    for f in facts:
        for source, planned in f["funding"].items():
            for year, amount in planned.items():
                funding[source][year] += Decimal(amount)
        adopted_per_year.update(str(year) for year in f["adopted_years"])
        reporting_per_year.update({y for i in f["indicators"].values() for y in i["values"]})
    funding_per_year: dict[str, Decimal] = defaultdict(Decimal)
    for by_year in funding.values():
        for year, planned_amount in by_year.items():
            if year:
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
        "areas": {
            area.value: {
                "gminas": (n := sum(1 for f in in_force if area.value in f["areas_in_force"])),
                "share": _share(n, len(rows)),
            }
            for area in InterventionArea
        },
        "services": services,
        "indicators": _indicator_rollups(facts),
        "funding": {
            source: {year: _number(amount) for year, amount in sorted(amounts.items())}
            for source, amounts in sorted(funding.items())
        },
        "years": years,
    }
