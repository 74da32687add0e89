"""The territorial register over HTTP: search it, read one entry; the standard indicators' catalogue."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Query
from pydantic import Field

from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_platform
from mozaika.pagination import BoundedPageNumberPagination
from mozaika.params import GminaTerytPath
from mozaika.tenancy import TERYT_POWIAT_PATTERN, VOIVODESHIP_PATTERN
from tenants.models import Gmina, IndicatorStandard, StandardAggregation
from tenants.registry.schemas import GminaOut
from tenants.registry.selectors import RegistryEntry, gmina_get, gmina_search

router = Router(tags=["registry"])


@router.get("/gminas", operation_id="listGminas", response=list[GminaOut], summary="Search the territorial registry")
@paginate(BoundedPageNumberPagination, page_size=50, max_page_size=500)
def list_gminas(
    request: HttpRequest,
    voivodeship: str | None = Query(None, pattern=VOIVODESHIP_PATTERN),
    powiat: str | None = Query(None, pattern=TERYT_POWIAT_PATTERN),
    q: str | None = Query(None, min_length=1, max_length=100, description="part of the name, or a code prefix"),
    include_parts: bool = Query(False, description="also towns and rural areas of urban-rural gminas, districts"),
) -> QuerySet[Gmina]:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    return gmina_search(voivodeship=voivodeship, powiat=powiat, q=q, include_parts=include_parts)


@router.get(
    "/gminas/{teryt}",
    operation_id="getGmina",
    response=GminaOut,
    summary="One registry entry with its powiat and voivodeship",
)
def get_gmina(request: HttpRequest, teryt: str = GminaTerytPath) -> RegistryEntry:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    return gmina_get(teryt=teryt)


class IndicatorStandardOut(Schema):
    code: str
    version: int = Field(description="how many times its definition changed (1: as first published)")
    edition: int = Field(description="the catalogue edition that last changed it")
    name_pl: str
    name_en: str
    definition_pl: str
    definition_en: str
    unit: str
    direction: str = Field(description="increase, decrease or maintain: which way is progress")
    areas: list[str]
    aggregation: StandardAggregation = Field(description="how regional and national figures add it up")
    retired: bool


@router.get(
    "/indicator-standards",
    operation_id="listIndicatorStandards",
    response=list[IndicatorStandardOut],
    summary="The standard indicators a gmina maps its indicators to (only mapped ones add up in rollups)",
)
def list_indicator_standards(
    request: HttpRequest,
    area: str | None = Query(None, pattern=r"^[a-z_]{1,40}$", description="only this intervention area's standards"),
    include_retired: bool = Query(False),
) -> QuerySet[IndicatorStandard]:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    standards = IndicatorStandard.objects.all()
    if area is not None:
        standards = standards.filter(areas__contains=[area])
    return standards if include_retired else standards.filter(retired=False)
