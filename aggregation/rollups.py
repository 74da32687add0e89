"""Rollup arithmetic: plain functions over snapshot values, no database access."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from tenants.plans.models import InterventionArea, PlanStatus


class AreaCounts(TypedDict):
    gminas_with_adopted_plan: int


class RollupData(TypedDict):
    gminas: int
    gminas_with_snapshot: int
    gminas_with_adopted_plan: int
    adopted_plans: int
    draft_plans: int
    areas: dict[str, AreaCounts]


def rollup_compute(*, gmina_count: int, snapshots: Iterable[dict[str, Any]]) -> RollupData:
    areas: dict[str, AreaCounts] = {a.value: {"gminas_with_adopted_plan": 0} for a in InterventionArea}
    with_snapshot = with_adopted = adopted = drafts = 0
    for snapshot in snapshots:
        with_snapshot += 1
        plans = snapshot.get("plans", [])
        adopted_plans = [p for p in plans if p["status"] == PlanStatus.ADOPTED]
        adopted += len(adopted_plans)
        drafts += sum(1 for p in plans if p["status"] == PlanStatus.DRAFT)
        if adopted_plans:
            with_adopted += 1
        covered = {area for plan in adopted_plans for area in plan["areas"]}
        for area in covered:
            areas.setdefault(area, {"gminas_with_adopted_plan": 0})["gminas_with_adopted_plan"] += 1
    return {
        "gminas": gmina_count,
        "gminas_with_snapshot": with_snapshot,
        "gminas_with_adopted_plan": with_adopted,
        "adopted_plans": adopted,
        "draft_plans": drafts,
        "areas": areas,
    }
