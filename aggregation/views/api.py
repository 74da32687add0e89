"""Regional and national paths: authorise, call a selector, shape the answer.
Lists and reports answer JSON, or a CSV/XLSX file with `?format=csv|xlsx`."""

from __future__ import annotations

import functools
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.params.functions import Path, Query
from pydantic import Field

from aggregation.quality.checks import QualityFlag
from aggregation.views.exports import (
    GMINA_COLUMNS,
    REVIEW_QUEUE_COLUMNS,
    TIME_SERIES_COLUMNS,
    VOIVODESHIP_COLUMNS,
    WHITE_SPOT_COLUMNS,
)
from aggregation.views.report import region_report
from aggregation.views.report_html import report_html
from aggregation.views.report_pdf import report_pdf
from aggregation.views.rollups import RollupData, YearRow, rollup_compute
from aggregation.views.selectors import (
    GminaListQuery,
    GminaSort,
    RegionFilter,
    RollupView,
    WhiteSpot,
    gmina_list,
    review_queue,
    rollup_get,
    time_series,
    voivodeship_comparison,
    voivodeship_filter_checked,
    white_spot_report,
)
from mozaika.exports import ExportFormat, table_response
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, Decision, Visibility, authorize_region
from mozaika.pagination import MAX_OFFSET
from mozaika.params import Day
from mozaika.tenancy import TERYT_POWIAT_PATTERN, VOIVODESHIP_PATTERN
from tenants.models import TENANT_GMINA_KINDS
from tenants.plans.models import InterventionArea, PlanStatus
from tenants.plans.programme.models import ServiceType
from tenants.plans.snapshot import ChangeSnapshot, FindingSnapshot

router = Router(tags=["regions, nation"])

SORT_PATTERN = "^-?(" + "|".join(s.value for s in GminaSort) + ")$"
GMINA_KIND_PATTERN = "^(" + "|".join(k.value for k in TENANT_GMINA_KINDS) + ")$"
MAX_PAGE = 500


class RollupOut(RollupData):
    """A scope's rollup as the API gives it: the domain's figures, named and dated."""

    scope: str
    name: str
    refreshed_at: datetime | None


@functools.cache
def _empty_rollup() -> RollupData:
    return rollup_compute([])


def rollup_out(view: RollupView) -> RollupOut:
    # A rollup stored before a figure existed reads that figure as an empty scope's (computed
    # once: it is the same for every request).
    return {**_empty_rollup(), **view.data, "scope": view.scope, "name": view.name,
            "refreshed_at": view.refreshed_at}  # fmt: skip


class GminaRowOut(Schema):
    teryt: str
    name: str
    kind: str
    powiat: str
    powiat_name: str
    status: str
    in_force: bool
    period_start: int | None
    period_end: int | None
    areas_in_force: list[str]
    latest_report_year: int | None


class GminaPageOut(Schema):
    total: int
    items: list[GminaRowOut]


class VoivodeshipRowOut(Schema):
    voivodeship: str
    name: str
    gminas: int
    gminas_with_plan_in_force: int
    share_with_plan_in_force: float
    population_share_with_plan_in_force: float | None
    submitted_plans: int
    area_seniors: int
    area_disability: int
    area_mental_health: int
    area_family: int
    area_homelessness: int


class OverlapOut(Schema):
    plan_id: int
    title: str
    valid_from: str
    valid_until: str


class QueueItemOut(Schema):
    teryt: str
    gmina: str
    plan_id: int
    title: str
    submission: int | None = Field(description="which submission of the plan this is (1, 2, …)")
    version: int = Field(description="the plan's ETag (every edit moves it), not the submission")
    period_start: int
    period_end: int
    valid_from: str
    valid_until: str
    # An open set (new checks add flags), so strings, not an enum a generated client would refuse.
    flags: list[str] = Field(
        description="what a reviewer should look at first: blocking_findings, overlaps_adopted_plan, "
        "indicators_without_standard, data_quality (more may come)"
    )
    blocking_findings: int
    warnings: int
    findings: list[FindingSnapshot]
    overlaps_adopted: list[OverlapOut] = Field(description="adopted plans in force on some of the same days")
    indicators_without_standard: list[str] = Field(description="numbers of indicators mapped to no standard")
    changes_since_previous_submission: list[ChangeSnapshot] | None = Field(
        description="paths changed since the previous submission (None: the first); "
        "`GET …/versions/{a}/diff/{b}` gives the values"
    )
    changed_paths: int | None
    data_quality: list[QualityFlag] = Field(description="rule violations and outliers in the plan's values")


def _region(request: HttpRequest, voivodeship: str | None, action: Action = Action.ROLLUP_READ) -> Decision:
    return authorize_region(principal=principal_of(request), voivodeship=voivodeship or "", action=action)


Voivodeship = Path(..., pattern=VOIVODESHIP_PATTERN, description="two-digit TERC code, e.g. 08")
Powiat = Query(None, pattern=TERYT_POWIAT_PATTERN, description="four-digit TERC code, e.g. 0811")
Kind = Query(None, pattern=GMINA_KIND_PATTERN, description="gmina kind: urban, rural, urban_rural")
Format = Query(ExportFormat.JSON, alias="format", description="json, or a csv/xlsx file")


# Rollups


@router.get(
    "/regions/{voivodeship}/rollup",
    operation_id="getRegionRollup",
    response=RollupOut,
    summary="A voivodeship's rollup",
)
def region_rollup(
    request: HttpRequest, voivodeship: str = Voivodeship, powiat: str | None = Powiat, kind: str | None = Kind
) -> RollupOut:
    _region(request, voivodeship)
    return rollup_out(rollup_get(RegionFilter(voivodeship, powiat, kind)))


@router.get("/national/rollup", operation_id="getNationalRollup", response=RollupOut, summary="The national rollup")
def national_rollup(request: HttpRequest, kind: str | None = Kind) -> RollupOut:
    _region(request, None)
    return rollup_out(rollup_get(RegionFilter(None, None, kind)))


# Gmina lists


class GminaListParams(Schema):
    """The gmina lists' filters, order and page (the same regionally and nationally)."""

    status: PlanStatus | None = Field(None, description="the current plan's status")
    in_force: bool | None = None
    area: InterventionArea | None = Field(None, description="covered by the plan in force")
    sort: str = Field("teryt", pattern=SORT_PATTERN, description="a column, '-' for descending")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def query(self) -> GminaListQuery:
        return GminaListQuery(
            self.status, self.in_force, self.area, GminaSort(self.sort.lstrip("-")), self.sort.startswith("-")
        )


def _gmina_page(
    where: RegionFilter, params: GminaListParams, export: ExportFormat, name: str, visibility: Visibility
) -> Any:
    if export is ExportFormat.JSON:
        total, rows = gmina_list(where, params.query(), limit=params.limit, offset=params.offset, visibility=visibility)
        return {"total": total, "items": rows}
    _, rows = gmina_list(where, params.query(), limit=None, visibility=visibility)
    return table_response(GMINA_COLUMNS, rows, export=export, name=name)


@router.get(
    "/regions/{voivodeship}/gminas",
    operation_id="listRegionGminas",
    response=GminaPageOut,
    summary="The voivodeship's gminas with their plan's state (filter, sort, page; CSV/XLSX)",
)
def region_gminas(
    request: HttpRequest,
    voivodeship: str = Voivodeship,
    powiat: str | None = Powiat,
    kind: str | None = Kind,
    params: GminaListParams = Query(...),
    export: ExportFormat = Format,
) -> Any:
    decision = _region(request, voivodeship)
    where = RegionFilter(voivodeship, powiat, kind)
    return _gmina_page(where, params, export, f"gminy-{voivodeship}", decision.visibility)


@router.get(
    "/national/gminas",
    operation_id="listNationalGminas",
    response=GminaPageOut,
    summary="Every gmina with its plan's state (filter, sort, page; CSV/XLSX)",
)
def national_gminas(
    request: HttpRequest,
    voivodeship: str | None = Query(None, pattern=VOIVODESHIP_PATTERN),
    kind: str | None = Kind,
    params: GminaListParams = Query(...),
    export: ExportFormat = Format,
) -> Any:
    decision = _region(request, None)
    voivodeship_filter_checked(voivodeship)
    return _gmina_page(RegionFilter(voivodeship, None, kind), params, export, "gminy-polska", decision.visibility)


# White spots


def _white_spots(where: RegionFilter, service_type: ServiceType | None, export: ExportFormat, name: str) -> Any:
    spots = white_spot_report(where, service_type=service_type)
    if export is ExportFormat.JSON:
        return spots
    return table_response(WHITE_SPOT_COLUMNS, [vars(s) for s in spots], export=export, name=name)


@router.get(
    "/regions/{voivodeship}/white-spots",
    operation_id="listRegionWhiteSpots",
    response=list[WhiteSpot],
    summary="Powiats and gminas with no planned service of a type (CSV/XLSX)",
)
def region_white_spots(
    request: HttpRequest,
    voivodeship: str = Voivodeship,
    service_type: ServiceType | None = Query(None),
    powiat: str | None = Powiat,
    kind: str | None = Kind,
    export: ExportFormat = Format,
) -> Any:
    _region(request, voivodeship)
    return _white_spots(RegionFilter(voivodeship, powiat, kind), service_type, export, f"biale-plamy-{voivodeship}")


@router.get(
    "/national/white-spots",
    operation_id="listNationalWhiteSpots",
    response=list[WhiteSpot],
    summary="Powiats and gminas with no planned service of a type, nationwide (CSV/XLSX)",
)
def national_white_spots(
    request: HttpRequest,
    service_type: ServiceType | None = Query(None),
    kind: str | None = Kind,
    export: ExportFormat = Format,
) -> Any:
    _region(request, None)
    return _white_spots(RegionFilter(None, None, kind), service_type, export, "biale-plamy-polska")


# Time series and comparison


def _time_series(where: RegionFilter, export: ExportFormat, name: str) -> Any:
    rows = time_series(where)
    if export is ExportFormat.JSON:
        return rows
    return table_response(TIME_SERIES_COLUMNS, rows, export=export, name=name)


@router.get(
    "/regions/{voivodeship}/time-series",
    operation_id="getRegionTimeSeries",
    response=list[YearRow],
    summary="The voivodeship by year (CSV/XLSX)",
)
def region_time_series(
    request: HttpRequest,
    voivodeship: str = Voivodeship,
    powiat: str | None = Powiat,
    kind: str | None = Kind,
    export: ExportFormat = Format,
) -> Any:
    _region(request, voivodeship)
    return _time_series(RegionFilter(voivodeship, powiat, kind), export, f"szereg-czasowy-{voivodeship}")


@router.get(
    "/national/time-series",
    operation_id="getNationalTimeSeries",
    response=list[YearRow],
    summary="The nation by year (CSV/XLSX)",
)
def national_time_series(request: HttpRequest, kind: str | None = Kind, export: ExportFormat = Format) -> Any:
    _region(request, None)
    return _time_series(RegionFilter(None, None, kind), export, "szereg-czasowy-polska")


@router.get(
    "/national/voivodeships",
    operation_id="compareVoivodeships",
    response=list[VoivodeshipRowOut],
    summary="The 16 voivodeships side by side (CSV/XLSX)",
)
def national_comparison(request: HttpRequest, export: ExportFormat = Format) -> Any:
    _region(request, None)
    rows = voivodeship_comparison()
    if export is ExportFormat.JSON:
        return rows
    return table_response(VOIVODESHIP_COLUMNS, rows, export=export, name="wojewodztwa")


# Review


@router.get(
    "/regions/{voivodeship}/review-queue",
    operation_id="getRegionReviewQueue",
    response=list[QueueItemOut],
    summary="Submitted plans awaiting review, with their completeness findings (CSV/XLSX)",
)
def region_review_queue(request: HttpRequest, voivodeship: str = Voivodeship, export: ExportFormat = Format) -> Any:
    _region(request, voivodeship, Action.REVIEW_DECIDE)
    queue = review_queue(voivodeship=voivodeship)
    if export is ExportFormat.JSON:
        return queue
    return table_response(REVIEW_QUEUE_COLUMNS, queue, export=export, name=f"kolejka-ocen-{voivodeship}")


# Report


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


_REPORT_CONTENT = {
    "text/html": {"schema": {"type": "string"}, "description": "`format=html` (the default): a page to read or print"},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}, "description": "`format=pdf`: A4"},
}


@router.get(
    "/regions/{voivodeship}/report",
    operation_id="getRegionReport",
    summary="The voivodeship's report on a day, in Polish, with charts (HTML or an A4 PDF)",
    description="Plans in force over time, coverage per intervention area and per powiat, white spots, standard "
    "indicators with progress to targets and a data-quality summary, on `on` (default today).",
    openapi_extra={"responses": {200: {"description": "The report", "content": _REPORT_CONTENT}}},
)
def region_report_view(
    request: HttpRequest,
    voivodeship: str = Voivodeship,
    on: Day | None = Query(None, description="the day the report describes, YYYY-MM-DD (default today)"),
    # Named `export` like the lists' parameter: the site then lets `format` through to it.
    export: ReportFormat = Query(ReportFormat.HTML, alias="format", description="html or pdf"),
) -> HttpResponse:
    _region(request, voivodeship)
    report = region_report(voivodeship=voivodeship, on=on)
    if export is ReportFormat.PDF:
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="raport-{voivodeship}-{report.on.isoformat()}.pdf"'
        return response
    return HttpResponse(report_html(report), content_type="text/html; charset=utf-8")
