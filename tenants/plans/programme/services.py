"""Writes to a gmina's plans. Each function runs in the gmina's schema (the caller activated it),
owns its transaction and records the event that the rest of the system reacts to."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import FieldError, ValidationFailed
from mozaika.tenancy import assert_in_gmina
from tenants.plans.events import PLAN_CREATED
from tenants.plans.lifecycle.review import plan_editable, plan_edited, plan_event
from tenants.plans.models import (
    Indicator,
    IndicatorDirection,
    IndicatorValue,
    InterventionArea,
    Plan,
    PlanKind,
)
from tenants.plans.programme.models import (
    EuProject,
    GeneralGoal,
    PlanAction,
    PlanArea,
    PlanFunding,
    PlanService,
    SpecificGoal,
)
from tenants.plans.programme.values import Programme
from tenants.plans.reporting import FigureSpec, SectionSpec, diagnosis_replace
from tenants.plans.spreadsheet.reader import ImportedPlan
from tenants.registry.standards import standard_code_problems

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


def plan_period(
    *, period_start: int, period_end: int, valid_from: date | None, valid_until: date | None
) -> tuple[date, date]:
    """The programme period by the day: as given, else 1 January of the first year to 31 December
    of the last (how "na lata 2024-2029" reads). Given days must fall in the given years."""
    errors: list[FieldError] = []
    if period_end < period_start:
        errors.append(FieldError("period_end", f"must not be before period_start ({period_start})"))
    begins, ends = valid_from or date(period_start, 1, 1), valid_until or date(period_end, 12, 31)
    if begins.year != period_start:
        errors.append(FieldError("valid_from", f"must be a day of period_start ({period_start})"))
    if ends.year != period_end:
        errors.append(FieldError("valid_until", f"must be a day of period_end ({period_end})"))
    if ends < begins and not errors:
        errors.append(FieldError("valid_until", f"must not be before valid_from ({begins.isoformat()})"))
    if errors:
        raise ValidationFailed("The plan's period is not valid.", errors=errors)
    return begins, ends


def standard_code_errors(indicators: list[IndicatorSpec]) -> list[FieldError]:
    """A mapping names a standard of the catalogue (`GET /indicator-standards`), or none."""
    problems = standard_code_problems([spec.standard_code for spec in indicators])
    return [FieldError(f"indicators[{i}].standard_code", problem) for i, problem in problems.items()]


def _validate_plan(
    *, period_start: int, period_end: int, areas: list[InterventionArea], indicators: list[IndicatorSpec]
) -> None:
    errors: list[FieldError] = []
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
    errors += standard_code_errors(indicators)
    if errors:
        raise ValidationFailed("The plan is not valid.", errors=errors)


def _audited(plan: Plan) -> dict[str, object]:
    fields = ("title", "kind", "valid_from", "valid_until", "status", "areas", "act_kind", "act_number", "act_date")
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
    kind: PlanKind = PlanKind.LPRUSID,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Plan:
    assert_in_gmina(teryt)
    begins, ends = plan_period(
        period_start=period_start, period_end=period_end, valid_from=valid_from, valid_until=valid_until
    )
    _validate_plan(period_start=period_start, period_end=period_end, areas=areas, indicators=indicators)
    with transaction.atomic():
        plan = Plan.objects.create(
            title=title,
            kind=kind,
            valid_from=begins,
            valid_until=ends,
            period_start=period_start,
            period_end=period_end,
            areas=[a.value for a in areas],
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
            type=PLAN_CREATED,
            teryt=teryt,
            actor=actor,
            payload={
                "plan_id": plan.pk,
                "kind": plan.kind,
                "period": [period_start, period_end],
                "valid_from": begins.isoformat(),
                "valid_until": ends.isoformat(),
                "areas": plan.areas,
            },
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
    # An area dropped from the programme must not leave its indicators behind.
    orphaned = sorted(set(plan.indicators.exclude(area__in=list(seen)).values_list("area", flat=True)))
    if orphaned:
        errors.append(FieldError("areas", f"the plan's indicators of {', '.join(orphaned)} need their area; "
                                          "remove them first (PUT .../indicators)"))  # fmt: skip
    if errors:
        raise ValidationFailed("The programme is not valid.", errors=errors)


def plan_programme_replace(
    *, teryt: str, plan_id: int, programme: Programme, expected_version: int, actor: Actor
) -> Plan:
    """Replace the programme part of a draft. `expected_version` is the version the writer read:
    if the plan changed since, the write is refused (409) and nothing is lost."""
    with transaction.atomic():
        plan = plan_editable(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        _validate_programme(programme, plan)
        before = {"areas": list(plan.areas), "version": plan.version}
        _programme_write(plan, programme)
        plan.areas = [area.code.value for area in programme.areas if area.code is not None]
        plan_edited(plan, teryt=teryt, actor=actor, part="programme", fields=("areas",))
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
    assert_in_gmina(teryt)
    with transaction.atomic():
        plan = plan_create(
            teryt=teryt,
            title=imported.title,
            period_start=imported.period_start,
            period_end=imported.period_end,
            valid_from=imported.valid_from,
            valid_until=imported.valid_until,
            kind=PlanKind(imported.kind),
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
        plan = plan_programme_replace(
            teryt=teryt, plan_id=plan.pk, programme=imported.programme, expected_version=plan.version, actor=actor
        )
        if imported.sections or imported.figures:
            plan = diagnosis_replace(
                teryt=teryt,
                plan_id=plan.pk,
                sections=[SectionSpec(title=s.title, text=s.text) for s in imported.sections],
                figures=[FigureSpec(name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
                         for f in imported.figures],
                expected_version=plan.version,
                actor=actor,
            )  # fmt: skip
        return plan
