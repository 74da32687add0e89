"""Yearly reporting: indicator values (corrections keep history), implementation reports, and
the diagnostic part of the plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.tenancy import assert_in_gmina
from tenants.plans.events import INDICATOR_CORRECTED, INDICATOR_REPORTED, REPORT_FILED
from tenants.plans.lifecycle.review import plan_editable, plan_edited, plan_event, plan_locked
from tenants.plans.models import (
    ONCE_IN_FORCE,
    DiagnosticSection,
    ImplementationReport,
    Indicator,
    IndicatorValue,
    KeyFigure,
    Plan,
    PlanStatus,
    ReportKind,
)
from tenants.plans.selectors import current_values

# Values are reported for plans being carried out (and, for a first baseline, drafts).
REPORTABLE = frozenset({PlanStatus.DRAFT, PlanStatus.ACCEPTED, PlanStatus.ADOPTED, PlanStatus.EXPIRED})


def indicator_value_report(
    *, teryt: str, plan_id: int, indicator_id: int, year: int, value: Decimal, note: str, actor: Actor
) -> IndicatorValue:
    """Report a yearly value; reporting a year again is a correction and keeps the old value."""
    assert_in_gmina(teryt)
    with transaction.atomic():
        indicator = Indicator.objects.select_related("plan").filter(pk=indicator_id, plan_id=plan_id).first()
        if indicator is None:
            raise NotFound(f"Plan {plan_id} of gmina {teryt} has no indicator {indicator_id}.")
        plan: Plan = indicator.plan
        if plan.status not in REPORTABLE:
            raise Conflict(f"Values are not reported for a {plan.status} plan.")
        if not plan.period_start <= year <= plan.period_end:
            raise ValidationFailed(
                "The year is outside the plan's period.",
                errors=[FieldError("year", f"between {plan.period_start} and {plan.period_end}")],
            )
        previous = current_values().select_for_update().filter(indicator=indicator, year=year).first()
        if previous is not None:
            previous.superseded_at = timezone.now()
            previous.save(update_fields=["superseded_at"])
        reported = IndicatorValue.objects.create(
            indicator=indicator, year=year, value=value, reported_by=actor.name, note=note
        )
        kind = INDICATOR_CORRECTED if previous else INDICATOR_REPORTED
        plan_event(
            plan,
            type=kind,
            teryt=teryt,
            actor=actor,
            payload={
                "indicator_id": indicator.pk,
                "year": year,
                "value": str(value),
                "previous": None if previous is None else str(previous.value),
            },
        )
        audit_record(
            actor=actor,
            action=kind.name,
            object_type="indicator",
            object_id=indicator.pk,
            teryt=teryt,
            changes={f"value[{year}]": [None if previous is None else str(previous.value), str(value)]},
        )
    return reported


def report_file(
    *, teryt: str, plan_id: int, kind: ReportKind, year: int, narrative: str, actor: Actor
) -> ImplementationReport:
    """File a report; it fixes the indicator values of its year as they stand now."""
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        if plan.status not in ONCE_IN_FORCE:
            raise Conflict(f"Reports are filed for plans that were in force; this one is {plan.status}.")
        if not plan.period_start <= year <= plan.period_end:
            raise ValidationFailed(
                "The year is outside the plan's period.",
                errors=[FieldError("year", f"between {plan.period_start} and {plan.period_end}")],
            )
        if ImplementationReport.objects.filter(plan=plan, kind=kind, year=year).exists():
            raise Conflict(f"A {kind} report for {year} was filed already; reports do not change.")
        values = [
            {"indicator_id": v.indicator_id, "number": v.indicator.number, "name": v.indicator.name,
             "area": v.indicator.area, "value": str(v.value)}
            for v in current_values().filter(indicator__plan=plan, year=year).select_related("indicator")
        ]  # fmt: skip
        report = ImplementationReport.objects.create(
            plan=plan, kind=kind, year=year, narrative=narrative, indicator_values=values, filed_by=actor.name
        )
        plan_event(
            plan,
            type=REPORT_FILED,
            teryt=teryt,
            actor=actor,
            payload={"report_id": report.pk, "kind": kind.value, "year": year},
        )
        audit_record(actor=actor, action="report.file", object_type="report", object_id=report.pk, teryt=teryt)
    return report


@dataclass(frozen=True)
class SectionSpec:
    title: str
    text: str


@dataclass(frozen=True)
class FigureSpec:
    name: str
    value: Decimal
    unit: str
    year: int
    source: str


def diagnosis_replace(
    *,
    teryt: str,
    plan_id: int,
    sections: list[SectionSpec],
    figures: list[FigureSpec],
    expected_version: int,
    actor: Actor,
) -> Plan:
    with transaction.atomic():
        plan = plan_editable(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        plan.diagnostic_sections.all().delete()
        plan.key_figures.all().delete()
        DiagnosticSection.objects.bulk_create(
            DiagnosticSection(plan=plan, position=i, title=s.title, text=s.text) for i, s in enumerate(sections)
        )
        KeyFigure.objects.bulk_create(
            KeyFigure(plan=plan, position=i, name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
            for i, f in enumerate(figures)
        )
        plan_edited(plan, teryt=teryt, actor=actor, part="diagnosis")
        audit_record(
            actor=actor,
            action="plan.diagnosis.replace",
            object_type="plan",
            object_id=plan.pk,
            teryt=teryt,
            changes={"sections": [None, len(sections)], "figures": [None, len(figures)]},
        )
    return plan
