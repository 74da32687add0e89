"""Data quality over HTTP: a gmina's flags (the gmina sees its own), a voivodeship's summary per
gmina and powiat. Both read the flags stored with each snapshot, of the plans the caller may see.
The validation rules themselves: listed for whoever reads a region's data quality, created and
changed by operators (`aggregation.quality.services`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.params.functions import Path
from pydantic import ConfigDict, Field, StrictBool

from aggregation.models import GminaSnapshot, QualityRule, QualityRuleKind, QualityRuleSeverity
from aggregation.quality.checks import QualityFlag
from aggregation.quality.peers import ExplainedPeerOutlier, explained, peer_outliers
from aggregation.quality.rules import quality_rules_listed, report_due
from aggregation.quality.selectors import (
    GminaQuality,
    ReportingRates,
    flag_counts,
    gminas_quality,
    is_flagged,
    quality_totals,
    summary_of,
    visible_flags,
    visible_plans,
)
from aggregation.quality.services import (
    RULE_CODE_PATH_PATTERN,
    RULE_CODE_PATTERN,
    RuleDefinition,
    quality_rule_change,
    quality_rule_create,
)
from aggregation.views.selectors import _region_name
from mozaika.audit.log import actor_for
from mozaika.errors import NotFound
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_platform, authorize_region
from mozaika.params import GminaTerytPath
from mozaika.tenancy import VOIVODESHIP_PATTERN

router = Router(tags=["data quality"])


REPORTING_DESCRIPTION = (
    "reporting completeness and timeliness, from filing days: of the yearly reports and the "
    "indicators' yearly values due by a past due day (31 March of the following year by default), "
    "how many were filed and how many by the due day; what was due before the plan was entered in "
    "Mozaika (`due_before_entry`) counts for completeness, not for the on-time rate"
)


PEERS_DESCRIPTION = (
    "values per 1 000 residents that stand out from the gminas of the same kind and size class in "
    "the country (needs populations: `registry populations`), with the gmina's explanation"
)


class GminaQualityOut(Schema):
    teryt: str
    refreshed_at: datetime
    counts: dict[str, int]
    reporting: ReportingRates = Field(description=REPORTING_DESCRIPTION)
    flags: list[QualityFlag]
    peer_outliers: list[ExplainedPeerOutlier] = Field(description=PEERS_DESCRIPTION)


class GminaQualityRow(Schema):
    teryt: str
    name: str
    powiat: str
    counts: dict[str, int]
    reporting: ReportingRates


class RegionQualityOut(Schema):
    voivodeship: str
    name: str
    gminas_with_snapshot: int
    gminas_flagged: int
    counts: dict[str, int]
    reporting: ReportingRates = Field(description=REPORTING_DESCRIPTION)
    powiats: dict[str, dict[str, int]]
    powiat_reporting: dict[str, ReportingRates]
    gminas: list[GminaQualityRow] = Field(description="the gminas with a flag (a report or value missing or late too)")
    peer_outliers: list[ExplainedPeerOutlier] = Field(description=PEERS_DESCRIPTION)


@router.get(
    "/gminas/{teryt}/data-quality",
    operation_id="getGminaDataQuality",
    response=GminaQualityOut,
    summary="What the data-quality checks find in the gmina's plans: missing reports and values, rule "
    "violations, outliers, each with its reason",
)
def gmina_data_quality(request: HttpRequest, teryt: str = GminaTerytPath) -> dict[str, Any]:
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.GMINA_READ)
    snapshot = GminaSnapshot.objects.filter(gmina_id=teryt).first()
    if snapshot is None:
        raise NotFound(f"No data of gmina {teryt} has been read yet.")
    flags = visible_flags(snapshot, decision.visibility)
    return {
        "teryt": teryt,
        "refreshed_at": snapshot.refreshed_at,
        "counts": flag_counts(flags),
        "reporting": summary_of(snapshot, today=timezone.localdate(), due=report_due())["reporting"],
        "flags": flags,
        "peer_outliers": [
            explained(o, visible_plans(snapshot, decision.visibility)) for o in peer_outliers(teryt=teryt)
        ],
    }


@router.get(
    "/regions/{voivodeship}/data-quality",
    operation_id="getRegionDataQuality",
    response=RegionQualityOut,
    summary="The voivodeship's data quality per gmina and powiat: which gminas are behind with reports "
    "and values, which numbers to question",
)
def region_data_quality(
    request: HttpRequest, voivodeship: str = Path(..., pattern=VOIVODESHIP_PATTERN)
) -> dict[str, Any]:
    decision = authorize_region(principal=principal_of(request), voivodeship=voivodeship, action=Action.ROLLUP_READ)
    name = _region_name(voivodeship)
    gminas = gminas_quality(voivodeship, decision.visibility, today=timezone.localdate(), due=report_due())
    region = quality_totals(gminas)
    by_powiat: dict[str, list[GminaQuality]] = {}
    for gmina in gminas:
        by_powiat.setdefault(gmina.powiat, []).append(gmina)
    powiats = {code: quality_totals(members) for code, members in sorted(by_powiat.items())}
    outliers = peer_outliers(voivodeship=voivodeship)
    # Only the gminas with an outlier are read whole, for their explanations.
    snapshots = GminaSnapshot.objects.filter(gmina_id__in={o["teryt"] for o in outliers}).only("gmina_id", "data")
    plans = {s.gmina_id: visible_plans(s, decision.visibility) for s in snapshots}
    return {
        "voivodeship": voivodeship,
        "name": name,
        "gminas_with_snapshot": len(gminas),
        "gminas_flagged": region.flagged,
        "counts": region.counts,
        "reporting": region.reporting,
        "powiats": {code: totals.counts for code, totals in powiats.items()},
        "powiat_reporting": {code: totals.reporting for code, totals in powiats.items()},
        "gminas": [
            GminaQualityRow(teryt=g.teryt, name=g.name, powiat=g.powiat, counts=g.counts, reporting=g.reporting)
            for g in gminas
            if is_flagged(g)
        ],
        "peer_outliers": [explained(o, plans.get(o["teryt"], [])) for o in outliers],
    }


# Validation rules

STANDARD_PATTERN = r"^[A-Za-z0-9_.\-]*$"  # as an indicator's standard_code
# As wide as their columns (a bound as a reported value).
Factor = Annotated[
    Decimal | None, Field(max_digits=12, decimal_places=4, description="at_most_ratio: left <= factor x right (> 0)")
]
Minimum = Annotated[
    Decimal | None, Field(max_digits=14, decimal_places=2, description="within_range: the lowest value allowed")
]
Maximum = Annotated[
    Decimal | None, Field(max_digits=14, decimal_places=2, description="within_range: the highest value allowed")
]


class QualityRuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=RULE_CODE_PATTERN, max_length=40, description="e.g. share_at_most_100")
    kind: QualityRuleKind
    name_pl: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    left_standard: str = Field(
        "", max_length=40, pattern=STANDARD_PATTERN, description="at_most_ratio, within_range: the standard checked"
    )
    right_standard: str = Field(
        "", max_length=40, pattern=STANDARD_PATTERN, description="at_most_ratio: the standard it is compared with"
    )
    factor: Factor = None
    minimum: Minimum = None
    maximum: Maximum = None
    severity: QualityRuleSeverity = QualityRuleSeverity.WARNING
    active: StrictBool = True  # true or false; not 0, 1 or "yes"

    def definition(self) -> RuleDefinition:
        return RuleDefinition(**self.model_dump())


class QualityRuleChangeIn(Schema):
    """Only the fields given change; `null` removes a factor or a bound. A rule's code, kind and
    standards stay what they are: make a new rule and deactivate this one instead."""

    model_config = ConfigDict(extra="forbid")

    # Absent: unchanged. A null name, severity or active is refused by the rule's validation.
    name_pl: str | None = Field(None, min_length=1, max_length=300)
    name_en: str | None = Field(None, min_length=1, max_length=300)
    factor: Factor = None
    minimum: Minimum = None
    maximum: Maximum = None
    severity: QualityRuleSeverity | None = None
    active: StrictBool | None = Field(None, description="false: the checks stop applying it (rules are never deleted)")


class QualityRuleOut(Schema):
    code: str
    kind: QualityRuleKind
    name_pl: str
    name_en: str
    left_standard: str | None
    right_standard: str | None
    factor: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    severity: QualityRuleSeverity
    active: bool
    version: int = Field(description="moves with every change")


def _rule_out(rule: QualityRule) -> dict[str, Any]:
    answer = RuleDefinition.of(rule).stored() | {"version": rule.version}
    return answer | {"left_standard": rule.left_standard or None, "right_standard": rule.right_standard or None}


RuleCode = Path(..., pattern=RULE_CODE_PATH_PATTERN)


@router.get(
    "/quality-rules",
    operation_id="listQualityRules",
    response=list[QualityRuleOut],
    summary="The data-quality validation rules, active and not: what a flag of kind `rule` means by its `code`",
)
def list_quality_rules(request: HttpRequest) -> list[dict[str, Any]]:
    authorize_platform(principal=principal_of(request), action=Action.QUALITY_RULES_READ)
    return [_rule_out(rule) for rule in quality_rules_listed()]


@router.post(
    "/quality-rules",
    operation_id="createQualityRule",
    response={201: QualityRuleOut},
    summary="Make a validation rule (operators); every stored snapshot's flags follow in the background",
)
def create_quality_rule(request: HttpRequest, payload: QualityRuleIn) -> Status[dict[str, Any]]:
    decision = authorize_platform(principal=principal_of(request), action=Action.REGISTRY_MANAGE)
    rule = quality_rule_create(definition=payload.definition(), actor=actor_for(request, decision))
    return Status(201, _rule_out(rule))


@router.patch(
    "/quality-rules/{code}",
    operation_id="updateQualityRule",
    response=QualityRuleOut,
    summary="Change a validation rule's names, factor, bounds or severity, or (de)activate it (operators); "
    "every stored snapshot's flags follow in the background",
)
def change_quality_rule(request: HttpRequest, payload: QualityRuleChangeIn, code: str = RuleCode) -> dict[str, Any]:
    decision = authorize_platform(principal=principal_of(request), action=Action.REGISTRY_MANAGE)
    rule = quality_rule_change(
        code=code, changes=payload.model_dump(exclude_unset=True), actor=actor_for(request, decision)
    )
    return _rule_out(rule)
