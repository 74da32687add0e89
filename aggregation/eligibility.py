"""Is gmina X eligible on date D for a project in area Z? Answered from the public snapshot,
with the reasons and the evidence (the adopting act and its archived document)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aggregation.models import GminaSnapshot
from aggregation.rollups import plan_in_force
from mozaika.errors import NotFound
from tenants.models import Tenant
from tenants.plans.models import DocumentKind, InterventionArea, PlanStatus


@dataclass(frozen=True)
class Evidence:
    plan_id: int
    plan_title: str
    period_start: int
    period_end: int
    act: dict[str, str]
    document_sha256: str | None
    document_status: str | None
    document_key: str | None


@dataclass(frozen=True)
class EligibilityAnswer:
    teryt: str
    area: InterventionArea
    on: date
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    evidence: Evidence | None = None


def _evidence(plan: dict[str, Any]) -> Evidence:
    resolution = next((d for d in plan["documents"] if d["kind"] == DocumentKind.RESOLUTION), None)
    return Evidence(
        plan_id=plan["id"],
        plan_title=plan["title"],
        period_start=plan["period_start"],
        period_end=plan["period_end"],
        act=plan["act"],
        document_sha256=resolution["sha256"] if resolution else None,
        document_status=resolution["status"] if resolution else None,
        document_key=resolution["archive_key"] or None if resolution else None,
    )


def eligibility_check(*, teryt: str, area: InterventionArea, on: date) -> EligibilityAnswer:
    if not Tenant.objects.filter(code=teryt).exists():
        raise NotFound(f"Gmina {teryt} is not a Mozaika tenant.")
    snapshot = GminaSnapshot.objects.filter(gmina_id=teryt).first()
    plans: list[dict[str, Any]] = snapshot.data["plans"] if snapshot else []
    adopted = [p for p in plans if p["status"] == PlanStatus.ADOPTED]
    if not adopted:
        return EligibilityAnswer(teryt, area, on, False, [f"Gmina {teryt} has no adopted plan."])
    in_force = [p for p in adopted if plan_in_force(p, on)]
    if not in_force:
        periods = ", ".join(
            f"'{p['title']}' in force {p['act']['in_force_from']} to {p['period_end']}-12-31" for p in adopted
        )
        return EligibilityAnswer(teryt, area, on, False, [f"No adopted plan is in force on {on}: {periods}."])
    covering = [p for p in in_force if area.value in p["areas"]]
    if not covering:
        plan = in_force[0]
        return EligibilityAnswer(
            teryt,
            area,
            on,
            False,
            [f"Plan '{plan['title']}' is in force on {on} but does not cover the area '{area.value}'."],
            _evidence(plan),
        )
    plan = max(covering, key=lambda p: p["act"]["in_force_from"])
    act = plan["act"]
    reasons = [
        f"Plan '{plan['title']}' ({plan['period_start']}-{plan['period_end']}) was adopted by "
        f"{act['kind'].replace('_', ' ')} {act['number']} of {act['date']}.",
        f"It is in force on {on} (from {act['in_force_from']} to {plan['period_end']}-12-31).",
        f"It covers the area '{area.value}'.",
    ]
    evidence = _evidence(plan)
    if evidence.document_status != "archived":
        reasons.append("The adopting act's document is not archived yet.")
    return EligibilityAnswer(teryt, area, on, True, reasons, evidence)
