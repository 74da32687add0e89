"""The one function through which anything outside a gmina reads its plans: a JSON-ready value
built from the active gmina schema. `aggregation` stores it; it never opens the tables itself."""

from __future__ import annotations

from typing import TypedDict

from tenants.plans.selectors import plan_list


class ActSnapshot(TypedDict):
    kind: str
    number: str
    date: str
    in_force_from: str


class DocumentSnapshot(TypedDict):
    id: int
    kind: str
    sha256: str
    status: str
    archive_key: str


class IndicatorSnapshot(TypedDict):
    area: str
    number: str
    name: str
    unit: str
    baseline: str | None
    target: str | None
    values: dict[str, str]


class PlanSnapshot(TypedDict):
    id: int
    title: str
    status: str
    version: int
    period_start: int
    period_end: int
    areas: list[str]
    act: ActSnapshot | None
    documents: list[DocumentSnapshot]
    indicators: list[IndicatorSnapshot]


class GminaSnapshotData(TypedDict):
    teryt: str
    plans: list[PlanSnapshot]


def gmina_snapshot(*, teryt: str) -> GminaSnapshotData:
    plans: list[PlanSnapshot] = []
    for plan in plan_list():
        act: ActSnapshot | None = None
        if plan.act_date is not None and plan.in_force_from is not None:
            act = {
                "kind": plan.act_kind,
                "number": plan.act_number,
                "date": plan.act_date.isoformat(),
                "in_force_from": plan.in_force_from.isoformat(),
            }
        plans.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "status": plan.status,
                "version": plan.version,
                "period_start": plan.period_start,
                "period_end": plan.period_end,
                "areas": list(plan.areas),
                "act": act,
                "documents": [
                    {
                        "id": d.pk,
                        "kind": d.kind,
                        "sha256": d.sha256,
                        "status": d.status,
                        "archive_key": d.archive_key,
                    }
                    for d in plan.documents.all()
                ],
                "indicators": [
                    {
                        "area": i.area,
                        "number": i.number,
                        "name": i.name,
                        "unit": i.unit,
                        "baseline": None if i.baseline_value is None else str(i.baseline_value),
                        "target": None if i.target_value is None else str(i.target_value),
                        "values": {str(v.year): str(v.value) for v in i.values.all()},
                    }
                    for i in plan.indicators.all()
                ],
            }
        )
    return {"teryt": teryt, "plans": plans}
