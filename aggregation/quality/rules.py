"""The validation rules in force, as the checks read them."""

from __future__ import annotations

from django.conf import settings

from aggregation.models import QualityRule
from aggregation.quality.checks import RuleSpec


def quality_rules() -> list[RuleSpec]:
    """The active rules, as the checks apply them."""
    return [
        RuleSpec(r.code, r.kind, r.left_standard, r.right_standard, r.factor, r.severity, r.minimum, r.maximum)
        for r in QualityRule.objects.filter(active=True)
    ]


def quality_rules_listed() -> list[QualityRule]:
    """Every rule, active or not, by code."""
    return list(QualityRule.objects.order_by("code"))


def report_due() -> tuple[int, int]:
    """(month, day) of the year after by which a year's report and values are due."""
    month, day = settings.REPORT_DUE_MONTH_DAY
    return int(month), int(day)
