"""Polish names of the plan's codes, for text people read (reasons, exports, workbooks): one
table, built from the labels the code lists carry. Codes stay in code fields."""

from __future__ import annotations

from django.db import models

from tenants.models import GminaKind
from tenants.plans.lifecycle.validity import ActKind
from tenants.plans.models import IndicatorDirection, InterventionArea, PlanKind, PlanStatus
from tenants.plans.programme.models import EuProjectStatus, FundingSource, Institution, ServiceType


def _labels(*choices: type[models.TextChoices]) -> dict[str, dict[str, str]]:
    return {c.__name__: {str(member.value): str(member.label) for member in c} for c in choices}


LABELS_PL = _labels(
    InterventionArea,
    ServiceType,
    Institution,
    FundingSource,
    PlanKind,
    PlanStatus,
    ActKind,
    GminaKind,
    IndicatorDirection,
    EuProjectStatus,
)


def label(choices: type[models.TextChoices], code: str) -> str:
    """The Polish name of `code` in `choices`; an unknown code is shown as it is."""
    return LABELS_PL[choices.__name__].get(code, code)


def area_label(code: str) -> str:
    return label(InterventionArea, code)
