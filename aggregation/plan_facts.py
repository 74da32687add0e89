"""What a call's criteria look at in a gmina's plans: a compact reading of its snapshot, stored
beside it (`GminaSnapshot.plan_facts`) so that answering a thousand gminas reads a fraction of
the bytes and objects (the indicators' names, units and values make up most of a snapshot)."""

from __future__ import annotations

from collections import Counter
from typing import Any, TypedDict

from tenants.plans.lifecycle.validity import ActKind
from tenants.plans.models import DocumentKind
from tenants.plans.snapshot import (
    DocumentSnapshot,
    FrozenVersionSnapshot,
    GminaSnapshotData,
    PlanIdentity,
    PlanSnapshot,
)

# Snapshots stored before documents carried their type held only PDFs.
LEGACY_DOCUMENT_TYPE = "application/pdf"


class DocumentFacts(TypedDict):
    sha256: str
    status: str
    archive_key: str
    content_type: str


class PlanFacts(PlanIdentity):
    frozen_version: FrozenVersionSnapshot | None
    action_numbers: list[str]
    service_types: list[str]
    measured_indicators: dict[str, int]  # area -> indicators with a baseline and a target
    missing_values: list[tuple[str, int]]  # (indicator, year of the period) without a current value
    yearly_report_years: list[int]
    resolution: DocumentFacts | None  # the adopting resolution's document


def _adopting_resolution(plan: PlanSnapshot) -> DocumentSnapshot | None:
    """The adopting act's document; for an adoption registered without one, a resolution uploaded
    later that no other act (an amendment, a repeal) claims."""
    adoption = next((a for a in plan["acts"] if a["kind"] in (ActKind.ADOPTION, ActKind.REGISTRATION)), None)
    if adoption is not None and adoption["document"] is not None:
        return next((d for d in plan["documents"] if d["id"] == adoption["document"]), None)
    claimed = {a["document"] for a in plan["acts"] if a["document"] is not None}
    return next((d for d in plan["documents"] if d["kind"] == DocumentKind.RESOLUTION and d["id"] not in claimed),
                None)  # fmt: skip


def legacy_completed(plan: Any) -> Any:
    """A plan (snapshot or facts) stored before plans had days, kinds and acts (plans.0007):
    completed as the migration completes the tenant data — the period by the day from its years,
    an adopting act for an adopted plan — so that past answers read from old records keep their
    meaning (then, only an adopted plan could be in force). Current ones are returned as they are."""
    if "acts" in plan:
        return plan
    done = dict(plan)
    done.setdefault("kind", "lprusid")
    done.setdefault("valid_from", f"{plan['period_start']}-01-01")
    done.setdefault("valid_until", f"{plan['period_end']}-12-31")
    act, frozen = plan.get("act"), plan.get("frozen_version")
    done["acts"] = (
        [{"kind": "adoption", "number": act["number"], "date": act["date"], "in_force_from": act["in_force_from"],
          "valid_from": done["valid_from"], "valid_until": done["valid_until"],
          "version": frozen["number"] if frozen else None, "version_sha256": frozen["sha256"] if frozen else None,
          "document": None}]
        if act is not None and plan.get("status") == "adopted"
        else []
    )  # fmt: skip
    return done


def plan_facts(plan: PlanSnapshot) -> PlanFacts:
    plan = legacy_completed(plan)
    resolution = _adopting_resolution(plan)
    return {
        "id": plan["id"],
        "title": plan["title"],
        "kind": plan["kind"],
        "status": plan["status"],
        "period_start": plan["period_start"],
        "period_end": plan["period_end"],
        "valid_from": plan["valid_from"],
        "valid_until": plan["valid_until"],
        "areas": plan["areas"],
        "act": plan["act"],
        "acts": plan["acts"],
        "frozen_version": plan.get("frozen_version"),
        "action_numbers": [n for area in plan["programme_areas"] for n in area.get("action_numbers", [])],
        "service_types": sorted({s["type"] for s in plan["services"]}),
        "measured_indicators": dict(
            Counter(i["area"] for i in plan["indicators"] if i["baseline"] is not None and i["target"] is not None)
        ),
        "missing_values": [
            (i["number"] or i["name"], year)
            for year in range(plan["period_start"], plan["period_end"] + 1)
            for i in plan["indicators"]
            if str(year) not in i["values"]
        ],
        "yearly_report_years": plan.get("yearly_report_years", []),
        "resolution": {"sha256": resolution["sha256"], "status": resolution["status"],
                       "archive_key": resolution["archive_key"],
                       "content_type": resolution.get("content_type", LEGACY_DOCUMENT_TYPE)} if resolution else None,
    }  # fmt: skip


def gmina_plan_facts(data: GminaSnapshotData | None) -> list[PlanFacts]:
    return [plan_facts(plan) for plan in data["plans"]] if data else []
