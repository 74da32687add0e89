"""Reads of a gmina's plans, in the active gmina schema."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from mozaika.errors import NotFound
from tenants.plans.models import Indicator, IndicatorValue, Plan


def _plans() -> QuerySet[Plan]:
    return Plan.objects.prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("values", queryset=IndicatorValue.objects.order_by("year"))
            ),
        ),
        "documents",
    )


def plan_list() -> list[Plan]:
    return list(_plans())


def plan_get(*, plan_id: int, teryt: str) -> Plan:
    plan = _plans().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"Plan {plan_id} does not exist in gmina {teryt}.")
    return plan
