"""Writes to a gmina's plans. Each function runs in the gmina's schema (the caller activated it),
owns its transaction and records the event that the rest of the system reacts to."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mozaika.archive import ArchiveIntegrityError, get_archive
from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from tenants.plans.content_models import (
    EuProject,
    GeneralGoal,
    PlanAction,
    PlanArea,
    PlanFunding,
    PlanService,
    SpecificGoal,
)
from tenants.plans.document_protection import adopted_document_retention
from tenants.plans.documents import ReceivedDocument, discarded_on_failure
from tenants.plans.lifecycle import (
    EDITABLE,
    Transition,
    plan_at_version,
    plan_event,
    plans_supersede_others,
    transition_to,
)
from tenants.plans.models import (
    AdoptingActKind,
    ArchiveStatus,
    DocumentKind,
    Indicator,
    IndicatorDirection,
    IndicatorValue,
    InterventionArea,
    Plan,
    PlanDocument,
    PlanStatus,
)
from tenants.plans.programme import Programme
from tenants.plans.spreadsheet import ImportedPlan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndicatorSpec:
    area: InterventionArea
    name: str
    unit: str
    number: str = ""
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    target_value: Decimal | None = None
    target_year: int | None = None
    values: dict[int, Decimal] = field(default_factory=dict)
    direction: IndicatorDirection = IndicatorDirection.INCREASE
    standard_code: str = ""


def _validate_plan(
    *, period_start: int, period_end: int, areas: list[InterventionArea], indicators: list[IndicatorSpec]
) -> None:
    errors: list[FieldError] = []
    if period_end < period_start:
        errors.append(FieldError("period_end", f"must not be before period_start ({period_start})"))
    if len(set(areas)) != len(areas):
        errors.append(FieldError("areas", "each intervention area may appear once"))
    for index, spec in enumerate(indicators):
        if spec.area not in areas:
            errors.append(
                FieldError(f"indicators[{index}].area", f"{spec.area.value!r} is not one of the plan's areas")
            )
        for year in spec.values:
            if not period_start <= year <= period_end:
                errors.append(FieldError(f"indicators[{index}].values.{year}", "the year is outside the plan's period"))
    if errors:
        raise ValidationFailed("The plan is not valid.", errors=errors)


def _audited(plan: Plan) -> dict[str, object]:
    fields = ("title", "period_start", "period_end", "status", "areas", "act_kind", "act_number", "act_date")
    return {name: getattr(plan, name) for name in (*fields, "in_force_from", "version")}


def plan_create(
    *,
    teryt: str,
    title: str,
    period_start: int,
    period_end: int,
    areas: list[InterventionArea],
    indicators: list[IndicatorSpec],
    actor: Actor,
) -> Plan:
    _validate_plan(period_start=period_start, period_end=period_end, areas=areas, indicators=indicators)
    with transaction.atomic():
        plan = Plan.objects.create(
            title=title, period_start=period_start, period_end=period_end, areas=[a.value for a in areas]
        )
        PlanArea.objects.bulk_create(PlanArea(plan=plan, position=i, code=a.value) for i, a in enumerate(areas))
        for spec in indicators:
            indicator = Indicator.objects.create(
                plan=plan,
                area=spec.area,
                number=spec.number,
                name=spec.name,
                unit=spec.unit,
                baseline_value=spec.baseline_value,
                baseline_year=spec.baseline_year,
                target_value=spec.target_value,
                target_year=spec.target_year,
                direction=spec.direction,
                standard_code=spec.standard_code,
            )
            IndicatorValue.objects.bulk_create(
                IndicatorValue(indicator=indicator, year=year, value=value, reported_by=actor.name)
                for year, value in sorted(spec.values.items())
            )
        plan_event(
            plan,
            type="plan.created",
            teryt=teryt,
            actor=actor,
            payload={"plan_id": plan.pk, "period": [period_start, period_end], "areas": plan.areas},
        )
        audit_record(
            actor=actor,
            action="plan.create",
            object_type="plan",
            object_id=plan.pk,
            teryt=teryt,
            changes=changes_between({}, _audited(plan) | {"indicators": len(indicators)}),
        )
    return plan


def plan_adopt(
    *,
    teryt: str,
    plan_id: int,
    act_kind: AdoptingActKind,
    act_number: str,
    act_date: date,
    in_force_from: date | None,
    resolution: ReceivedDocument,
    actor: Actor,
) -> Plan:
    """Record the adopting act and its document; the document is archived after commit.
    A refused adoption leaves nothing behind, not even the staged bytes."""
    with discarded_on_failure(resolution):
        effective_from = in_force_from or act_date
        if effective_from < act_date:
            raise ValidationFailed(
                "The plan cannot be in force before it was adopted.",
                errors=[FieldError("in_force_from", f"must not be before act_date ({act_date.isoformat()})")],
            )
        with transaction.atomic():
            plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
            if plan is None:
                raise NotFound(f"Plan {plan_id} does not exist in gmina {teryt}.")
            target = transition_to(plan, Transition.ADOPT)
            before = _audited(plan)
            plan.status = target
            plan.act_kind = act_kind
            plan.act_number = act_number
            plan.act_date = act_date
            plan.in_force_from = effective_from
            plan.version += 1
            plan.save()
            document = PlanDocument.objects.create(
                plan=plan,
                kind=DocumentKind.RESOLUTION,
                original_name=resolution.original_name,
                content_type=resolution.content_type,
                size=resolution.size,
                sha256=resolution.sha256,
                staging_key=resolution.staging_key,
                uploaded_by=actor.name,
            )
            _record_adoption(
                plan,
                teryt=teryt,
                actor=actor,
                documents=[{"id": document.pk, "kind": document.kind, "sha256": document.sha256}],
            )
            audit_record(
                actor=actor,
                action="plan.adopt",
                object_type="plan",
                object_id=plan.pk,
                teryt=teryt,
                changes=changes_between(before, _audited(plan) | {"resolution_sha256": document.sha256}),
            )
            plans_supersede_others(plan=plan, teryt=teryt, actor=actor)
        return plan


def document_archive(*, teryt: str, document_id: int, actor: Actor) -> PlanDocument:
    """Move a pending document into the archive under its content address (idempotent)."""
    document = PlanDocument.objects.select_for_update().select_related("plan").get(pk=document_id)
    if document.status == ArchiveStatus.ARCHIVED:
        return document
    retain_until = adopted_document_retention(document.plan)
    try:
        stored = get_archive().store(
            retain_until=retain_until,
            staging_key=document.staging_key,
            teryt=teryt,
            sha256=document.sha256,
            metadata={
                "teryt": teryt,
                "plan": str(document.plan_id),
                "plan-version": str(document.plan.version),
                "kind": document.kind,
                "original-name": document.original_name,
                "uploader": document.uploaded_by,
            },
        )
    except ArchiveIntegrityError as error:
        logger.error("document %s of gmina %s failed its integrity check: %s", document_id, teryt, error)
        document.status = ArchiveStatus.FAILED
        document.failure_reason = str(error)
        document.save(update_fields=["status", "failure_reason"])
        return document
    document.status = ArchiveStatus.ARCHIVED
    document.archive_key = stored.key
    document.staging_key = ""
    document.archived_at = timezone.now()
    document.retain_until = retain_until
    document.save(update_fields=["status", "archive_key", "staging_key", "archived_at", "retain_until"])
    plan_event(
        document.plan,
        type="document.archived",
        teryt=teryt,
        actor=actor,
        payload={"document_id": document.pk, "sha256": document.sha256, "key": stored.key},
    )
    return document


def _validate_programme(programme: Programme, plan: Plan) -> None:
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for index, area in enumerate(programme.areas):
        if area.code is not None:
            if area.code in seen:
                errors.append(
                    FieldError(f"areas[{index}].code", f"{area.code.value!r} already at areas[{seen[area.code]}]")
                )
            seen.setdefault(area.code, index)
    for index, service in enumerate(programme.services):
        if service.area is not None and service.area not in seen:
            errors.append(
                FieldError(f"services[{index}].area", f"{service.area.value!r} is not one of the plan's areas")
            )
    for index, funding in enumerate(programme.funding):
        if funding.year is not None and not plan.period_start <= funding.year <= plan.period_end:
            errors.append(FieldError(f"funding[{index}].year", "the year is outside the plan's period"))
    if errors:
        raise ValidationFailed("The programme is not valid.", errors=errors)


def plan_programme_replace(
    *, teryt: str, plan_id: int, programme: Programme, expected_version: int, actor: Actor
) -> Plan:
    """Replace the programme part of a draft. `expected_version` is the version the writer read:
    if the plan changed since, the write is refused (409) and nothing is lost."""
    with transaction.atomic():
        plan = plan_at_version(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        if plan.status not in EDITABLE:
            allowed = ", ".join(sorted(s.value for s in EDITABLE))
            raise Conflict(
                f"A {plan.status} plan cannot be edited (editable: {allowed}); a new plan starts a new version.",
                errors=[FieldError("status", f"editable statuses: {allowed}")],
            )
        _validate_programme(programme, plan)
        before = {"areas": list(plan.areas), "version": plan.version}
        _programme_write(plan, programme)
        plan.areas = [area.code.value for area in programme.areas if area.code is not None]
        plan.status = PlanStatus.DRAFT  # editing a returned plan starts its next draft version
        plan.version += 1
        plan.save(update_fields=["areas", "status", "version", "updated_at"])
        plan_event(
            plan,
            type="plan.updated",
            teryt=teryt,
            actor=actor,
            payload={"plan_id": plan.pk, "areas": plan.areas},
        )
        audit_record(
            actor=actor,
            action="plan.programme.replace",
            object_type="plan",
            object_id=plan.pk,
            teryt=teryt,
            changes=changes_between(before, {"areas": plan.areas, "version": plan.version}),
        )
    return plan


def _programme_write(plan: Plan, programme: Programme) -> None:
    plan.plan_areas.all().delete()
    plan.services.all().delete()
    plan.funding.all().delete()
    plan.eu_projects.all().delete()
    for a_pos, area in enumerate(programme.areas):
        area_row = PlanArea.objects.create(
            plan=plan, position=a_pos, code=area.code.value if area.code else "", name=area.name
        )
        for g_pos, goal in enumerate(area.goals):
            goal_row = GeneralGoal.objects.create(area=area_row, position=g_pos, number=goal.number, text=goal.text)
            for s_pos, specific in enumerate(goal.specific_goals):
                specific_row = SpecificGoal.objects.create(
                    goal=goal_row, position=s_pos, number=specific.number, text=specific.text
                )
                PlanAction.objects.bulk_create(
                    PlanAction(
                        specific_goal=specific_row,
                        position=x_pos,
                        number=action.number,
                        text=action.text,
                        institutions=[i.value for i in action.institutions],
                        institutions_other=action.institutions_other,
                        timeframe=action.timeframe,
                        estimated_cost=action.estimated_cost,
                        funding_sources=[f.value for f in action.funding_sources],
                    )
                    for x_pos, action in enumerate(specific.actions)
                )
    PlanService.objects.bulk_create(
        PlanService(
            plan=plan,
            position=pos,
            type=s.type,
            name=s.name,
            area=s.area.value if s.area else "",
            capacity=s.capacity,
            unit=s.unit,
            copayment_percent=s.copayment_percent,
            exemption_groups=s.exemption_groups,
        )
        for pos, s in enumerate(programme.services)
    )
    PlanFunding.objects.bulk_create(
        PlanFunding(plan=plan, position=pos, source=f.source, description=f.description, year=f.year, amount=f.amount)
        for pos, f in enumerate(programme.funding)
    )
    EuProject.objects.bulk_create(
        EuProject(plan=plan, position=pos, call_code=p.call_code, title=p.title, value=p.value, status=p.status)
        for pos, p in enumerate(programme.eu_projects)
    )


def plan_import(*, teryt: str, imported: ImportedPlan, actor: Actor) -> Plan:
    """A checked workbook becomes a new draft plan, all or nothing."""
    with transaction.atomic():
        plan = plan_create(
            teryt=teryt,
            title=imported.title,
            period_start=imported.period_start,
            period_end=imported.period_end,
            areas=[area.code for area in imported.programme.areas if area.code is not None],
            indicators=[
                IndicatorSpec(
                    area=InterventionArea(row.area),
                    number=row.number,
                    name=row.name,
                    unit=row.unit,
                    baseline_value=row.baseline_value,
                    baseline_year=row.baseline_year,
                    target_value=row.target_value,
                    target_year=row.target_year,
                    values=row.values,
                    direction=IndicatorDirection(row.direction),
                    standard_code=row.standard_code,
                )
                for row in imported.indicators
            ],
            actor=actor,
        )
        return plan_programme_replace(
            teryt=teryt, plan_id=plan.pk, programme=imported.programme, expected_version=plan.version, actor=actor
        )


def _record_adoption(
    plan: Plan, *, teryt: str, actor: Actor, documents: list[dict[str, object]], registered: bool = False
) -> None:
    assert plan.act_date is not None
    assert plan.in_force_from is not None
    plan_event(
        plan,
        type="plan.adopted",
        teryt=teryt,
        actor=actor,
        payload={
            "plan_id": plan.pk,
            "period": [plan.period_start, plan.period_end],
            "areas": plan.areas,
            "act": {
                "kind": plan.act_kind,
                "number": plan.act_number,
                "date": plan.act_date.isoformat(),
                "in_force_from": plan.in_force_from.isoformat(),
            },
            "documents": documents,
            **({"registered": True} if registered else {}),
        },
    )


def plan_register_adopted(
    *,
    teryt: str,
    plan_id: int,
    act_kind: AdoptingActKind,
    act_number: str,
    act_date: date,
    in_force_from: date | None,
    actor: Actor,
) -> Plan:
    """Record a plan a council adopted before the gmina joined Mozaika: its review happened
    outside, so it goes from draft straight to adopted. Its document can be archived later."""
    effective_from = in_force_from or act_date
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(pk=plan_id).first()
        if plan is None:
            raise NotFound(f"Plan {plan_id} does not exist in gmina {teryt}.")
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(f"Only a draft can be registered as adopted; this plan is {plan.status}.")
        before = _audited(plan)
        plan.status = PlanStatus.ADOPTED
        plan.act_kind, plan.act_number, plan.act_date, plan.in_force_from = (
            act_kind,
            act_number,
            act_date,
            effective_from,
        )
        plan.version += 1
        plan.save()
        _record_adoption(plan, teryt=teryt, actor=actor, documents=[], registered=True)
        audit_record(
            actor=actor,
            action="plan.register_adopted",
            object_type="plan",
            object_id=plan.pk,
            teryt=teryt,
            changes=changes_between(before, _audited(plan)),
        )
        plans_supersede_others(plan=plan, teryt=teryt, actor=actor)
    return plan
