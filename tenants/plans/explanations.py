"""A gmina's explanations of the values the data-quality checks question: kept with the plan,
each new one superseding the last, and carried in the snapshot to the flags they explain."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import FieldError, ValidationFailed
from tenants.plans.events import INDICATOR_EXPLAINED
from tenants.plans.lifecycle.review import plan_event, plan_locked
from tenants.plans.models import Indicator, Plan, ValueExplanation


def _years_explainable(plan: Plan, indicator: Indicator | None) -> set[int]:
    """The years a flag can name: the plan's period, and an indicator's baseline and target years."""
    years = set(range(plan.period_start, plan.period_end + 1))
    if indicator is not None:
        years |= {year for year in (indicator.baseline_year, indicator.target_year) if year is not None}
    return years


def value_explain(
    *, teryt: str, plan_id: int, indicator_id: int | None, year: int, text: str, actor: Actor
) -> ValueExplanation:
    """Explain a year's value of an indicator (or, with no indicator, the year's reporting)."""
    with transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        indicator = None
        if indicator_id is not None:
            indicator = Indicator.objects.filter(pk=indicator_id, plan=plan).first()
            if indicator is None:
                raise ValidationFailed(
                    "The plan has no such indicator.",
                    errors=[FieldError("indicator_id", f"not an indicator of plan {plan_id}")],
                )
        years = _years_explainable(plan, indicator)
        if year not in years:
            raise ValidationFailed(
                "Nothing of that year can be questioned.",
                errors=[FieldError("year", f"one of the plan's years, {min(years)} to {max(years)}")],
            )
        previous = (
            ValueExplanation.objects.select_for_update()
            .filter(plan=plan, indicator=indicator, year=year, superseded_at__isnull=True)
            .first()
        )
        if previous is not None:
            previous.superseded_at = timezone.now()
            previous.save(update_fields=["superseded_at"])
        explanation = ValueExplanation.objects.create(
            plan=plan, indicator=indicator, year=year, text=text, explained_by=actor.name
        )
        plan_event(
            plan,
            type=INDICATOR_EXPLAINED,
            teryt=teryt,
            actor=actor,
            payload={"plan_id": plan.pk, "indicator_id": indicator_id, "year": year, "explanation_id": explanation.pk},
        )
        audit_record(
            actor=actor,
            action=INDICATOR_EXPLAINED.name,
            object_type="plan",
            object_id=plan.pk,
            teryt=teryt,
            changes={f"explanation[{indicator_id or '-'}][{year}]": [previous.text if previous else None, text]},
        )
    return explanation
