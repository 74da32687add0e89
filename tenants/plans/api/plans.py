"""A gmina's plans over HTTP: list, create, read; the programme part, its completeness check and
the plan workbook."""

from __future__ import annotations

from typing import IO, cast

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params.functions import File, Query

from mozaika.audit.log import Actor, actor_for
from mozaika.downloads import attachment_disposition
from mozaika.errors import FieldError, PayloadTooLarge
from mozaika.exports import XLSX_CONTENT_TYPE
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_platform
from mozaika.params import GminaTerytPath
from tenants.models import IndicatorStandard
from tenants.plans import selectors as plan_selectors
from tenants.plans.api.access import IF_MATCH_HEADER, expected_version, gmina_scope, tagged
from tenants.plans.api.schemas import IndicatorEditIn, PlanDetailsIn, PlanIn, PlanOut
from tenants.plans.programme import services as plan_services
from tenants.plans.programme.completeness import Finding, completeness_check, finding_counts
from tenants.plans.programme.editing import (
    IndicatorEdit,
    PlanDetails,
    plan_delete,
    plan_details_change,
    plan_indicators_replace,
)
from tenants.plans.programme.values import Programme, programme_of
from tenants.plans.spreadsheet.reader import ImportedPlan, workbook_plan
from tenants.plans.spreadsheet.writer import plan_workbook
from tenants.registry.standards import standard_suggested

router = Router(tags=["plans"])


@router.get("/gminas/{teryt}/plans", operation_id="listPlans", response=list[PlanOut], summary="The gmina's plans")
def list_plans(request: HttpRequest, teryt: str = GminaTerytPath) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        return list(plan_selectors.plan_list(visibility=decision.visibility))


@router.post("/gminas/{teryt}/plans", operation_id="createPlan", response={201: PlanOut}, summary="Create a draft plan")
def create_plan(
    request: HttpRequest, response: HttpResponse, payload: PlanIn, teryt: str = GminaTerytPath
) -> Status[object]:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        plan = plan_services.plan_create(
            teryt=teryt,
            title=payload.title,
            kind=payload.kind,
            period_start=payload.period_start,
            period_end=payload.period_end,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            areas=payload.areas,
            indicators=[plan_services.IndicatorSpec(**indicator.dict()) for indicator in payload.indicators],
            actor=actor_for(request, decision),
        )
        return Status(201, tagged(response, plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt)))


@router.get(
    "/gminas/{teryt}/plans/{plan_id}",
    operation_id="getPlan",
    response=PlanOut,
    summary="One plan (its version is the ETag)",
)
def get_plan(request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = GminaTerytPath) -> object:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility))


_IF_MATCH = "Send `If-Match` with the ETag (the plan's version) you read; a plan changed since is a 409."


@router.patch("/gminas/{teryt}/plans/{plan_id}", operation_id="updatePlan", response=PlanOut,
              summary="Change a draft's title or period", description=_IF_MATCH,
              openapi_extra=IF_MATCH_HEADER)  # fmt: skip
def patch_plan(
    request: HttpRequest, response: HttpResponse, payload: PlanDetailsIn, plan_id: int, teryt: str = GminaTerytPath
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        plan_details_change(
            teryt=teryt,
            plan_id=plan_id,
            details=PlanDetails(**payload.dict()),
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.put(
    "/gminas/{teryt}/plans/{plan_id}/indicators",
    operation_id="replacePlanIndicators",
    response=PlanOut,
    summary="Replace a draft's indicators (kept by id; unlisted ones are removed)",
    description=_IF_MATCH,
    openapi_extra=IF_MATCH_HEADER,
)
def put_indicators(
    request: HttpRequest,
    response: HttpResponse,
    payload: list[IndicatorEditIn],
    plan_id: int,
    teryt: str = GminaTerytPath,
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        edits = [
            IndicatorEdit(plan_services.IndicatorSpec(**item.dict(exclude={"id"})), id=item.id) for item in payload
        ]
        plan_indicators_replace(
            teryt=teryt,
            plan_id=plan_id,
            indicators=edits,
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return tagged(response, plan_selectors.plan_get(plan_id=plan_id, teryt=teryt))


@router.delete("/gminas/{teryt}/plans/{plan_id}", operation_id="deletePlan", response={204: None},
               summary="Delete a draft that was never submitted", description=_IF_MATCH,
               openapi_extra=IF_MATCH_HEADER)  # fmt: skip
def delete_plan(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> Status[None]:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        plan_delete(teryt=teryt, plan_id=plan_id, expected_version=expected_version(request),
                    actor=actor_for(request, decision))  # fmt: skip
    return Status(204, None)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/programme",
    operation_id="getPlanProgramme",
    response=Programme,
    summary="The plan's programme part",
)
def get_programme(request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = GminaTerytPath) -> Programme:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        response["ETag"] = f'"{plan.version}"'
        return programme_of(plan)


@router.put(
    "/gminas/{teryt}/plans/{plan_id}/programme",
    operation_id="replacePlanProgramme",
    response=PlanOut,
    summary="Replace a draft's programme part",
    description=_IF_MATCH,
    openapi_extra=IF_MATCH_HEADER,
)
def put_programme(
    request: HttpRequest, response: HttpResponse, payload: Programme, plan_id: int, teryt: str = GminaTerytPath
) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        plan = plan_services.plan_programme_replace(
            teryt=teryt,
            plan_id=plan_id,
            programme=payload,
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return tagged(response, plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt))


class CompletenessOut(Schema):
    blocking: int
    warnings: int
    findings: list[Finding]


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/completeness",
    operation_id="getPlanCompleteness",
    response=CompletenessOut,
    summary="What the guidelines ask and the plan lacks (blocking findings stop submission)",
)
def get_completeness(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> CompletenessOut:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        findings = completeness_check(plan=plan)
    blocking, warnings = finding_counts(f.severity for f in findings)
    return CompletenessOut(blocking=blocking, warnings=warnings, findings=findings)


class SuggestionOut(Schema):
    code: str
    name_pl: str
    score: float
    reason: str


class StandardSuggestionOut(Schema):
    indicator_id: int
    number: str
    name: str
    unit: str
    suggestion: SuggestionOut | None


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/standard-suggestions",
    operation_id="suggestIndicatorStandards",
    response=list[StandardSuggestionOut],
    summary="For each indicator mapped to no standard, the standard its name and unit suggest (never applied)",
    description="Only mapped indicators count in regional and national sums. A suggestion is shown, "
    "not applied: the gmina maps an indicator by giving its `standard_code` (`PUT …/indicators`).",
)
def suggest_standards(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> list[StandardSuggestionOut]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        unmapped = [i for i in plan.indicators.all() if not i.standard_code]
    standards = list(IndicatorStandard.objects.filter(retired=False))
    answers = []
    for indicator in unmapped:
        suggested = standard_suggested(indicator.name, indicator.unit, standards)
        answers.append(StandardSuggestionOut(
            indicator_id=indicator.pk, number=indicator.number, name=indicator.name, unit=indicator.unit,
            suggestion=SuggestionOut(**vars(suggested)) if suggested else None,
        ))  # fmt: skip
    return answers


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/workbook",
    operation_id="exportPlanWorkbook",
    response={200: None},
    summary="The plan as an XLSX workbook (one sheet per part)",
)
def export_workbook(request: HttpRequest, plan_id: int, teryt: str = GminaTerytPath) -> HttpResponse:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        content = plan_workbook(plan)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(f"plan-{teryt}-{plan_id}-v{plan.version}.xlsx")
    return response


@router.get(
    "/plan-template.xlsx",
    operation_id="getPlanTemplateWorkbook",
    summary="A blank plan workbook to fill in Excel or LibreOffice (Polish headers, lists, instructions)",
)
def plan_template(request: HttpRequest) -> HttpResponse:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    response = HttpResponse(plan_workbook(None), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition("plan-szablon.xlsx")
    return response


class DryRunOut(Schema):
    """What an import would give, written nowhere: the plan's completeness as it would stand."""

    valid: bool
    title: str
    completeness: CompletenessOut


class _DryRun(Exception):
    """Rolls the trial import back."""


@router.post(
    "/gminas/{teryt}/plan-workbooks",
    operation_id="importPlanWorkbook",
    response={201: PlanOut, 200: DryRunOut},
    summary="Import an XLSX workbook as a new draft plan (or only check it: dry_run=true)",
    description="Every problem of every row is reported with its sheet, row and the header as the clerk sees it; "
    "nothing is written unless all is right. With `dry_run=true` nothing is written at all: the answer is "
    "the completeness check the new draft would have.",
)
def import_workbook(
    request: HttpRequest,
    response: HttpResponse,
    teryt: str = GminaTerytPath,
    workbook: UploadedFile = File(...),
    dry_run: bool = Query(False, description="check the workbook and the plan's completeness, write nothing"),
) -> Status[object]:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        if workbook.size and workbook.size > settings.MAX_DOCUMENT_BYTES:
            raise PayloadTooLarge("The workbook is too large.", errors=[FieldError("workbook", "too large")])
        imported = workbook_plan(cast(IO[bytes], workbook))
        if dry_run:
            return Status(200, _trial_import(teryt, imported, actor_for(request, decision)))
        plan = plan_services.plan_import(teryt=teryt, imported=imported, actor=actor_for(request, decision))
        return Status(201, tagged(response, plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt)))


def _trial_import(teryt: str, imported: ImportedPlan, actor: Actor) -> DryRunOut:
    """The import in a transaction rolled back: its events and audit rows go with it."""
    outcome: list[DryRunOut] = []
    try:
        with transaction.atomic():
            plan = plan_services.plan_import(teryt=teryt, imported=imported, actor=actor)
            findings = completeness_check(plan=plan)
            blocking, warnings = finding_counts(f.severity for f in findings)
            completeness = CompletenessOut(blocking=blocking, warnings=warnings, findings=findings)
            outcome.append(DryRunOut(valid=True, title=plan.title, completeness=completeness))
            raise _DryRun
    except _DryRun:
        pass
    return outcome[0]
