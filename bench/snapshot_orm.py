"""The straightforward way to build a gmina's snapshot, kept as the benchmark's baseline and as
a cross-check in the tests: the active schema's plans through ordinary ORM access, one plan at
a time, related rows through the plan's managers (no prefetching)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from tenants.plans.lifecycle.versions import structural_diff
from tenants.plans.models import Plan, PlanStatus, ReportKind
from tenants.plans.programme.completeness import completeness_check
from tenants.plans.snapshot import GminaSnapshotData, PlanSnapshot


def _changes(plan: Plan) -> list[dict[str, str]] | None:
    versions = list(plan.versions.order_by("number"))
    if len(versions) < 2:
        return None
    before, after = (json.loads(v.canonical) for v in versions[-2:])
    return [{"path": c.path, "change": c.change} for c in structural_diff(before, after)]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def snapshot_by_orm(*, teryt: str) -> GminaSnapshotData:
    plans: list[PlanSnapshot] = []
    for plan in Plan.objects.all():
        act = None
        if plan.act_date is not None and plan.in_force_from is not None:
            act = {"kind": plan.act_kind, "number": plan.act_number, "date": plan.act_date.isoformat(),
                   "in_force_from": plan.in_force_from.isoformat()}  # fmt: skip
        areas = []
        for area in plan.plan_areas.all():
            goals = area.goals.all()
            areas.append(
                {
                    "code": area.code,
                    "name": area.name,
                    "general_goals": goals.count(),
                    "specific_goals": sum(g.specific_goals.count() for g in goals),
                    "actions": sum(sg.actions.count() for g in goals for sg in g.specific_goals.all()),
                    "action_numbers": [
                        a.number for g in goals for sg in g.specific_goals.all() for a in sg.actions.all() if a.number
                    ],
                }
            )
        indicators = []
        for i in plan.indicators.all():
            current = i.values.filter(superseded_at__isnull=True).order_by("year")
            indicators.append(
                {
                    "id": i.pk,
                    "area": i.area,
                    "number": i.number,
                    "name": i.name,
                    "unit": i.unit,
                    "standard_code": i.standard_code,
                    "direction": i.direction,
                    "baseline": _text(i.baseline_value),
                    "baseline_year": i.baseline_year,
                    "target": _text(i.target_value),
                    "target_year": i.target_year,
                    "values": {str(v.year): str(v.value) for v in current},
                    "first_reported": {
                        str(year): timezone.localdate(first).isoformat()
                        for year, first in i.values.values_list("year")
                        .annotate(first=Min("reported_at"))
                        .order_by("year")
                    },
                }
            )
        plans.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "kind": plan.kind,
                "status": plan.status,
                "version": plan.version,
                "period_start": plan.period_start,
                "period_end": plan.period_end,
                "valid_from": plan.valid_from.isoformat(),
                "valid_until": plan.valid_until.isoformat(),
                "areas": list(plan.areas),
                "act": act,  # type: ignore[typeddict-item]
                "acts": [
                    {
                        "kind": a.kind,
                        "number": a.number,
                        "date": a.date.isoformat(),
                        "in_force_from": a.in_force_from.isoformat(),
                        "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                        "valid_until": a.valid_until.isoformat() if a.valid_until else None,
                        "version": a.version_number,
                        "version_sha256": a.version_sha256 or None,
                        "document": a.document_id,
                    }
                    for a in plan.acts.filter(withdrawn_at__isnull=True).order_by("id")
                ],
                "programme_areas": areas,  # type: ignore[typeddict-item]
                "services": [
                    {"type": s.type, "name": s.name, "area": s.area, "capacity": _text(s.capacity), "unit": s.unit}
                    for s in plan.services.all()
                ],
                "funding": [
                    {"source": f.source, "year": f.year, "amount": _text(f.amount)} for f in plan.funding.all()
                ],
                "indicators": indicators,  # type: ignore[typeddict-item]
                "latest_report_year": plan.reports.aggregate(latest=Max("year"))["latest"],
                "yearly_report_years": [r.year for r in plan.reports.filter(kind=ReportKind.YEARLY)],
                "yearly_reports_filed": {
                    str(r.year): timezone.localdate(r.filed_at).isoformat()
                    for r in plan.reports.filter(kind=ReportKind.YEARLY)
                },
                "registered_on": timezone.localdate(plan.created_at).isoformat(),
                "explanations": [
                    {
                        "indicator_id": e.indicator_id,
                        "indicator": e.indicator.number if e.indicator else None,
                        "year": e.year,
                        "text": e.text,
                        "explained_on": timezone.localdate(e.explained_at).isoformat(),
                    }
                    for e in plan.explanations.filter(superseded_at__isnull=True).order_by("id")
                ],
                "frozen_version": {"number": last.number, "sha256": last.sha256}
                if (last := plan.versions.last()) is not None
                else None,
                "documents": [
                    {
                        "id": d.pk,
                        "kind": d.kind,
                        "sha256": d.sha256,
                        "status": d.status,
                        "archive_key": d.archive_key,
                        "content_type": d.content_type,
                    }
                    for d in plan.documents.all()
                ],
                "findings": [
                    {
                        "path": f.path,
                        "severity": f.severity.value,
                        "code": f.code,
                        "message_pl": f.message_pl,
                        "message_en": f.message_en,
                    }
                    for f in completeness_check(plan=plan)
                ]
                if plan.status == PlanStatus.SUBMITTED
                else [],
                "changes_since_previous_submission": _changes(plan) if plan.status == PlanStatus.SUBMITTED else None,
            }
        )
    return {"teryt": teryt, "plans": plans}
