"""What a call's criteria look at in a gmina's plans: a compact reading of its snapshot, stored
beside it (`GminaSnapshot.plan_facts`) so that answering a thousand gminas reads about a fifth
of the bytes (the indicators' names, units and values make up most of a snapshot)."""

from __future__ import annotations

from typing import TypedDict

from tenants.plans.models import DocumentKind
from tenants.plans.snapshot import ActSnapshot, FrozenVersionSnapshot, GminaSnapshotData, PlanSnapshot


class IndicatorFacts(TypedDict):
    label: str  # its number in the plan, else its name
    area: str
    measured: bool  # a baseline and a target are given
    missing_years: list[int]  # the years of the plan's period without a current value


class DocumentFacts(TypedDict):
    sha256: str
    status: str
    archive_key: str


class PlanFacts(TypedDict):
    id: int
    title: str
    status: str
    period_start: int
    period_end: int
    areas: list[str]
    act: ActSnapshot | None
    frozen_version: FrozenVersionSnapshot | None
    action_numbers: list[str]
    service_types: list[str]
    indicators: list[IndicatorFacts]
    yearly_report_years: list[int]
    resolution: DocumentFacts | None  # the adopting resolution's document


def plan_facts(plan: PlanSnapshot) -> PlanFacts:
    resolution = next((d for d in plan["documents"] if d["kind"] == DocumentKind.RESOLUTION), None)
    return {
        "id": plan["id"],
        "title": plan["title"],
        "status": plan["status"],
        "period_start": plan["period_start"],
        "period_end": plan["period_end"],
        "areas": plan["areas"],
        "act": plan["act"],
        "frozen_version": plan.get("frozen_version"),
        "action_numbers": [n for area in plan["programme_areas"] for n in area.get("action_numbers", [])],
        "service_types": sorted({s["type"] for s in plan["services"]}),
        "indicators": [
            {
                "label": i["number"] or i["name"],
                "area": i["area"],
                "measured": i["baseline"] is not None and i["target"] is not None,
                "missing_years": [
                    y for y in range(plan["period_start"], plan["period_end"] + 1) if str(y) not in i["values"]
                ],
            }
            for i in plan["indicators"]
        ],
        "yearly_report_years": plan.get("yearly_report_years", []),
        "resolution": {"sha256": resolution["sha256"], "status": resolution["status"],
                       "archive_key": resolution["archive_key"]} if resolution else None,
    }  # fmt: skip


def gmina_plan_facts(data: GminaSnapshotData | None) -> list[PlanFacts]:
    return [plan_facts(plan) for plan in data["plans"]] if data else []
