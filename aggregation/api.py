"""Regional, national and eligibility paths: authorise, call a selector, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Path, Query

from aggregation.eligibility import EligibilityAnswer, eligibility_check
from aggregation.selectors import RollupView, rollup_get
from mozaika.identity.authz import Action, authorize_gmina, authorize_region
from mozaika.tenancy import TERYT_GMINA_PATTERN, VOIVODESHIP_PATTERN
from tenants.plans.models import InterventionArea

router = Router(tags=["regions, nation, eligibility"])


class AreaCountsOut(Schema):
    gminas_with_adopted_plan: int


class RollupOut(Schema):
    scope: str
    name: str
    gminas: int
    gminas_with_snapshot: int
    gminas_with_adopted_plan: int
    adopted_plans: int
    draft_plans: int
    areas: dict[str, AreaCountsOut]
    refreshed_at: Any

    @staticmethod
    def from_view(view: RollupView) -> RollupOut:
        return RollupOut.model_validate(
            {"scope": view.scope, "name": view.name, "refreshed_at": view.refreshed_at, **view.data}
        )


class EvidenceOut(Schema):
    plan_id: int
    plan_title: str
    period_start: int
    period_end: int
    act: dict[str, str]
    document_sha256: str | None
    document_status: str | None
    document_key: str | None


class EligibilityOut(Schema):
    teryt: str
    area: InterventionArea
    on: date
    eligible: bool
    reasons: list[str]
    evidence: EvidenceOut | None


@router.get("/regions/{voivodeship}/rollup", response=RollupOut, summary="A voivodeship's rollup")
def region_rollup(request: HttpRequest, voivodeship: str = Path(..., pattern=VOIVODESHIP_PATTERN)) -> RollupOut:
    authorize_region(principal=request.auth, voivodeship=voivodeship, action=Action.ROLLUP_READ)  # type: ignore[attr-defined]
    return RollupOut.from_view(rollup_get(voivodeship=voivodeship))


@router.get("/national/rollup", response=RollupOut, summary="The national rollup")
def national_rollup(request: HttpRequest) -> RollupOut:
    authorize_region(principal=request.auth, voivodeship="", action=Action.ROLLUP_READ)  # type: ignore[attr-defined]
    return RollupOut.from_view(rollup_get(voivodeship=None))


@router.get(
    "/eligibility/{teryt}",
    response=EligibilityOut,
    summary="Has the gmina an adopted plan in force on a date, covering an area?",
)
def eligibility(
    request: HttpRequest,
    teryt: str = Path(..., pattern=TERYT_GMINA_PATTERN),
    area: InterventionArea = Query(...),
    on: date = Query(..., description="YYYY-MM-DD"),
) -> EligibilityAnswer:
    authorize_gmina(principal=request.auth, teryt=teryt, action=Action.ELIGIBILITY_READ)  # type: ignore[attr-defined]
    return eligibility_check(teryt=teryt, area=area, on=on)
