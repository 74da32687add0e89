"""Reads of a gmina's plans, in the active gmina schema."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from mozaika.errors import Conflict, NotFound
from mozaika.identity.authz import Visibility
from mozaika.tenancy import assert_in_gmina
from tenants.plans.models import (
    ADOPTED_STATUSES,
    ArchiveStatus,
    Indicator,
    IndicatorValue,
    Plan,
    PlanDocument,
    PlanStatus,
    PlanVersion,
)


def current_values() -> QuerySet[IndicatorValue]:
    """Reported values as they stand: corrections replace, history keeps the rest."""
    return IndicatorValue.objects.filter(superseded_at__isnull=True)


def _plans() -> QuerySet[Plan]:
    return Plan.objects.prefetch_related(
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(Prefetch("values", queryset=current_values().order_by("year"))),
        ),
        "documents",
        "acts",
    )


def statuses_visible(visibility: Visibility) -> frozenset[str] | None:
    """Which plans a party may see, by status (None: all). The rule, in one place: a gmina's own
    people and operators see every plan; a regional reviewer its voivodeship's plans once
    submitted; outsiders (national analysts, API clients) adopted plans only, and counts."""
    if visibility is Visibility.SUBMITTED:
        return frozenset(PlanStatus.values) - {PlanStatus.DRAFT.value}
    if visibility is Visibility.ADOPTED:
        return frozenset(str(s) for s in ADOPTED_STATUSES)
    return None


def _visible(visibility: Visibility) -> QuerySet[Plan]:
    plans = _plans()
    statuses = statuses_visible(visibility)
    return plans if statuses is None else plans.filter(status__in=statuses)


def plan_list(*, visibility: Visibility = Visibility.ALL) -> list[Plan]:
    return list(_visible(visibility))


def plan_get(*, plan_id: int, teryt: str, visibility: Visibility = Visibility.ALL) -> Plan:
    """A plan the caller may see; one it may not see is as absent as one that does not exist."""
    assert_in_gmina(teryt)
    plan = _visible(visibility).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"Plan {plan_id} does not exist in gmina {teryt}.")
    return plan


def document_get(*, document_id: int, teryt: str, visibility: Visibility = Visibility.ALL) -> PlanDocument:
    """An archived document of a plan the caller may see."""
    assert_in_gmina(teryt)
    document = PlanDocument.objects.filter(pk=document_id, plan__in=_visible(visibility)).first()
    if document is None:
        raise NotFound(f"Document {document_id} does not exist in gmina {teryt}.")
    if document.status != ArchiveStatus.ARCHIVED:
        raise Conflict(f"Document {document_id} is not archived yet ({document.status}); try again later.")
    return document


def version_get(*, plan_id: int, number: int, teryt: str, visibility: Visibility = Visibility.ALL) -> PlanVersion:
    assert_in_gmina(teryt)
    plan = plan_get(plan_id=plan_id, teryt=teryt, visibility=visibility)
    version: PlanVersion | None = plan.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"Plan {plan_id} has no version {number}.")
    return version


def indicator_value_history(*, plan: Plan, indicator_id: int) -> list[IndicatorValue]:
    """Every value reported for the indicator, superseded ones included, oldest first."""
    if not Indicator.objects.filter(pk=indicator_id, plan=plan).exists():
        raise NotFound(f"Plan {plan.pk} has no indicator {indicator_id}.")
    # A fresh query: the plan's prefetched values hold current values only.
    return list(IndicatorValue.objects.filter(indicator_id=indicator_id).order_by("year", "id"))
