"""Editing a draft after its creation: its title and period, its indicators (kept by identity,
so reported values stay with theirs), and deleting a draft that was never submitted. Every edit
needs the version the clerk read (`If-Match`) and returns a returned plan to draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import Conflict, FieldError, ValidationFailed
from tenants.plans.events import PLAN_DELETED
from tenants.plans.lifecycle.review import plan_at_version, plan_editable, plan_edited, plan_event
from tenants.plans.models import Indicator, IndicatorValue, Plan, PlanStatus
from tenants.plans.programme.services import IndicatorSpec, plan_period, standard_code_errors


@dataclass(frozen=True)
class PlanDetails:
    """What a PATCH may change; None keeps the plan's own."""

    title: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class IndicatorEdit:
    """An indicator as the clerk leaves it: `id` names one the plan has, None adds one."""

    spec: IndicatorSpec
    id: int | None = None


def _values_outside(plan: Plan, start: int, end: int) -> list[FieldError]:
    outside = IndicatorValue.objects.filter(indicator__plan=plan).exclude(year__gte=start, year__lte=end)
    return [
        FieldError("period_start" if value.year < start else "period_end",
                   f"indicator {value.indicator.number or value.indicator.name!r} has a value for {value.year}")
        for value in outside.select_related("indicator").order_by("year")
    ]  # fmt: skip


def plan_details_change(*, teryt: str, plan_id: int, details: PlanDetails, expected_version: int, actor: Actor) -> Plan:
    """A draft's title and period; the period may not leave reported values outside it."""
    with transaction.atomic():
        plan = plan_editable(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        before = {"title": plan.title, "valid_from": plan.valid_from, "valid_until": plan.valid_until}
        start = details.period_start if details.period_start is not None else plan.period_start
        end = details.period_end if details.period_end is not None else plan.period_end
        begins, ends = plan_period(
            period_start=start,
            period_end=end,
            # A year that changes without a new day takes its first (or last) day; the other end
            # keeps its own day.
            valid_from=details.valid_from or (plan.valid_from if start == plan.period_start else None),
            valid_until=details.valid_until or (plan.valid_until if end == plan.period_end else None),
        )
        errors = _values_outside(plan, start, end)
        if errors:
            raise ValidationFailed("Reported values would fall outside the new period.", errors=errors)
        plan.title = details.title if details.title is not None else plan.title
        plan.period_start, plan.period_end, plan.valid_from, plan.valid_until = start, end, begins, ends
        plan_edited(plan, teryt=teryt, actor=actor, part="details",
                    fields=("title", "period_start", "period_end", "valid_from", "valid_until"))  # fmt: skip
        after = {"title": plan.title, "valid_from": plan.valid_from, "valid_until": plan.valid_until}
        audit_record(actor=actor, action="plan.details.change", object_type="plan", object_id=plan.pk, teryt=teryt,
                     changes=changes_between(before, after))  # fmt: skip
    return plan


def _indicator_errors(plan: Plan, edits: list[IndicatorEdit], known: dict[int, Indicator]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[int] = set()
    for index, edit in enumerate(edits):
        where = f"indicators[{index}]"
        if edit.id is not None and edit.id not in known:
            errors.append(FieldError(f"{where}.id", f"the plan has no indicator {edit.id}"))
        if edit.id is not None and edit.id in seen:
            errors.append(FieldError(f"{where}.id", f"indicator {edit.id} is listed twice"))
        seen.add(edit.id or 0)
        if edit.spec.area not in plan.areas:
            errors.append(FieldError(f"{where}.area", f"{edit.spec.area.value!r} is not one of the plan's areas"))
    return errors + standard_code_errors([edit.spec for edit in edits])


def plan_indicators_replace(
    *, teryt: str, plan_id: int, indicators: list[IndicatorEdit], expected_version: int, actor: Actor
) -> Plan:
    """A draft's monitoring indicators as the clerk leaves them: listed ones are kept (by id) and
    changed, new ones added, unlisted ones removed with their values."""
    with transaction.atomic():
        plan = plan_editable(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        known = {i.pk: i for i in plan.indicators.all()}
        errors = _indicator_errors(plan, indicators, known)
        if errors:
            raise ValidationFailed("The indicators are not valid.", errors=errors)
        kept: list[int] = []
        for edit in indicators:
            fields = {
                "area": edit.spec.area, "number": edit.spec.number, "name": edit.spec.name, "unit": edit.spec.unit,
                "baseline_value": edit.spec.baseline_value, "baseline_year": edit.spec.baseline_year,
                "target_value": edit.spec.target_value, "target_year": edit.spec.target_year,
                "direction": edit.spec.direction, "standard_code": edit.spec.standard_code,
            }  # fmt: skip
            if edit.id is None:
                kept.append(Indicator.objects.create(plan=plan, **fields).pk)
            else:
                Indicator.objects.filter(pk=edit.id).update(**fields)
                kept.append(edit.id)
        removed = sorted(set(known) - set(kept))
        Indicator.objects.filter(pk__in=removed).delete()
        plan_edited(plan, teryt=teryt, actor=actor, part="indicators")
        changes: dict[str, list[object]] = {"indicators": [len(known), len(kept)], "removed": [removed, None]}
        audit_record(actor=actor, action="plan.indicators.replace", object_type="plan", object_id=plan.pk,
                     teryt=teryt, changes=changes)  # fmt: skip
    return plan


def plan_delete(*, teryt: str, plan_id: int, expected_version: int, actor: Actor) -> None:
    """Delete a draft that was never submitted and holds no documents. A plan with a history
    (frozen versions, review comments, documents) stays: it is part of the gmina's record."""
    with transaction.atomic():
        plan = plan_at_version(teryt=teryt, plan_id=plan_id, expected_version=expected_version)
        reasons = []
        if plan.status != PlanStatus.DRAFT:
            reasons.append(f"it is {plan.status}; only drafts are deleted")
        if plan.versions.exists():
            reasons.append("it was submitted before: its frozen versions and comments stay on record")
        if plan.documents.exists():
            reasons.append("it holds documents")
        if reasons:
            raise Conflict(f"Plan {plan_id} cannot be deleted: {'; '.join(reasons)}.",
                           errors=[FieldError("status", reason) for reason in reasons])  # fmt: skip
        plan_event(plan, type=PLAN_DELETED, teryt=teryt, actor=actor, payload={"plan_id": plan.pk, "title": plan.title})
        audit_record(actor=actor, action="plan.delete", object_type="plan", object_id=plan.pk, teryt=teryt,
                     changes={"title": [plan.title, None], "status": [plan.status, None]})  # fmt: skip
        plan.delete()
