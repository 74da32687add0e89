"""The registry (`/gminas`), tenants (`/tenants`) and gmina paths (`/gminas/{teryt}/...`):
authorise, enter the gmina's schema where needed, call a service or selector."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.params.functions import File, Form, Path, Query
from pydantic import Field

from mozaika.archive import S3Archive, attachment_response, get_archive
from mozaika.audit.log import actor_for, audit_record
from mozaika.errors import FieldError, PayloadTooLarge, PreconditionRequired
from mozaika.events.history import aggregate_history
from mozaika.events.models import Event
from mozaika.exports import XLSX_CONTENT_TYPE
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, Decision, authorize_gmina, authorize_platform
from mozaika.pagination import BoundedPageNumberPagination
from mozaika.tenancy import TERYT_GMINA_PATTERN, TERYT_POWIAT_PATTERN, VOIVODESHIP_PATTERN, in_gmina
from tenants.models import Gmina, Tenant
from tenants.plans import selectors as plan_selectors
from tenants.plans.documents.intake import document_receive
from tenants.plans.documents.protection import document_legal_hold, document_retention_extend
from tenants.plans.documents.uploads import document_upload
from tenants.plans.lifecycle.review import CommentSpec, ReviewDecision, plan_review, plan_submit
from tenants.plans.lifecycle.versions import Change, structural_diff
from tenants.plans.models import DocumentKind, PlanVersion, ReportKind, ReviewComment
from tenants.plans.programme import services as plan_services
from tenants.plans.programme.completeness import Severity, blocking_findings, completeness_check
from tenants.plans.programme.values import Programme, programme_of
from tenants.plans.reporting import FigureSpec, SectionSpec, diagnosis_replace, indicator_value_report, report_file
from tenants.plans.spreadsheet import plan_workbook, workbook_plan
from tenants.registry.selectors import gmina_get, gmina_search, tenant_get
from tenants.schemas import DocumentOut, GminaOut, PlanIn, PlanOut, TenantIn, TenantOut
from tenants.tenancy.provisioning import Outcome, tenant_provision

router = Router(tags=["gminas"])

Teryt = Path(..., pattern=TERYT_GMINA_PATTERN, description="7-digit TERYT (TERC) code of the gmina")


@contextmanager
def gmina_scope(request: HttpRequest, teryt: str, action: Action) -> Iterator[tuple[Tenant, Decision]]:
    """Authorise first, then run the block in the gmina's schema; public again afterwards.
    Reads of a gmina's data by someone outside it are written to the audit log."""
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=action)
    tenant = tenant_get(code=teryt)
    if decision.audit_read:
        audit_record(
            actor=actor_for(request, decision),
            action=action.value,
            object_type="gmina",
            object_id=teryt,
            teryt=teryt,
            # The path read, of any length (an object id column has a width, a path none).
            changes={"path": [None, request.path]},
        )
    with in_gmina(tenant.code):
        yield tenant, decision


@router.get("/gminas", response=list[GminaOut], summary="Search the territorial registry")
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


@router.get("/gminas/{teryt}", response=GminaOut, summary="One registry entry with its powiat and voivodeship")
def get_gmina(request: HttpRequest, teryt: str = Teryt) -> Gmina:
    authorize_platform(principal=principal_of(request), action=Action.REGISTRY_READ)
    return gmina_get(teryt=teryt)


@router.post("/tenants", response={200: TenantOut, 201: TenantOut}, summary="Provision a gmina or powiat tenant")
def create_tenant(request: HttpRequest, payload: TenantIn) -> Status[Tenant]:
    decision = authorize_platform(principal=principal_of(request), action=Action.TENANT_MANAGE)
    tenant, outcome = tenant_provision(code=payload.code, actor=actor_for(request, decision))
    return Status(200 if outcome is Outcome.EXISTED else 201, tenant)


@router.get("/gminas/{teryt}/plans", response=list[PlanOut], summary="The gmina's plans")
def list_plans(request: HttpRequest, teryt: str = Teryt) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        return list(plan_selectors.plan_list(visibility=decision.visibility))


@router.post("/gminas/{teryt}/plans", response={201: PlanOut}, summary="Create a draft plan")
def create_plan(request: HttpRequest, payload: PlanIn, teryt: str = Teryt) -> Status[object]:
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
        return Status(201, plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt))


@router.get("/gminas/{teryt}/plans/{plan_id}", response=PlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        return plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/documents",
    response={201: DocumentOut},
    summary="Add a document to a plan (archived in the background; a correction names the one it corrects)",
)
def upload_document(
    request: HttpRequest,
    plan_id: int,
    teryt: str = Teryt,
    kind: DocumentKind = Form(..., description="plan, report, annex or resolution"),
    corrects: int | None = Form(None, description="the document this one corrects (which stays as it was)"),
    file: UploadedFile = File(..., description="PDF, DOCX, XLSX, ODT, or XML signed with XAdES"),
) -> Status[object]:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        received = document_receive(source=cast(IO[bytes], file), filename=file.name or "", field="file",
                                    declared_type=file.content_type)  # fmt: skip
        document = document_upload(teryt=teryt, plan_id=plan_id, kind=kind, received=received, corrects=corrects,
                                   actor=actor_for(request, decision))  # fmt: skip
        return Status(201, document)


@router.get(
    "/gminas/{teryt}/documents/{document_id}/download",
    summary="Download an archived document (S3: a redirect to a short-lived presigned URL); audited",
)
def download_document(request: HttpRequest, document_id: int, teryt: str = Teryt) -> HttpResponseBase:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        document = plan_selectors.document_get(document_id=document_id, teryt=teryt, visibility=decision.visibility)
        audit_record(actor=actor_for(request, decision), action="document.download", object_type="document",
                     object_id=document.pk, teryt=teryt)  # fmt: skip
        archive = get_archive()
        if isinstance(archive, S3Archive):
            url = archive.link(document.archive_key, filename=document.original_name,
                               content_type=document.content_type, issued_to=decision.principal.name,
                               seconds=settings.ARCHIVE_LINK_SECONDS)  # fmt: skip
            return HttpResponseRedirect(url)
        return attachment_response(archive.open(document.archive_key), filename=document.original_name,
                                   content_type=document.content_type, size=document.size)  # fmt: skip


class RetentionIn(Schema):
    retain_until: date = Field(description="keep the document at least until this day (only ever extended)")


class LegalHoldIn(Schema):
    on: bool


@router.put(
    "/gminas/{teryt}/documents/{document_id}/retention",
    response=DocumentOut,
    summary="Extend an archived document's retention (operators)",
)
def extend_retention(request: HttpRequest, document_id: int, payload: RetentionIn, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.DOCUMENT_PROTECT) as (_, decision):
        return document_retention_extend(
            teryt=teryt, document_id=document_id, until=payload.retain_until, actor=actor_for(request, decision)
        )


@router.put(
    "/gminas/{teryt}/documents/{document_id}/legal-hold",
    response=DocumentOut,
    summary="Set or lift a legal hold on an archived document (operators)",
)
def set_legal_hold(request: HttpRequest, document_id: int, payload: LegalHoldIn, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.DOCUMENT_PROTECT) as (_, decision):
        return document_legal_hold(
            teryt=teryt, document_id=document_id, on=payload.on, actor=actor_for(request, decision)
        )


@router.get("/gminas/{teryt}/plans/{plan_id}/programme", response=Programme, summary="The plan's programme part")
def get_programme(request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = Teryt) -> Programme:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        response["ETag"] = f'"{plan.version}"'
        return programme_of(plan)


@router.put(
    "/gminas/{teryt}/plans/{plan_id}/programme",
    response=PlanOut,
    summary="Replace a draft's programme part",
    description="Send `If-Match` with the ETag (the plan's version) you read; a plan changed since is a 409.",
)
def put_programme(request: HttpRequest, payload: Programme, plan_id: int, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        plan = plan_services.plan_programme_replace(
            teryt=teryt,
            plan_id=plan_id,
            programme=payload,
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt)


class FindingOut(Schema):
    path: str
    severity: Severity
    code: str
    message_pl: str
    message_en: str


class CompletenessOut(Schema):
    blocking: int
    warnings: int
    findings: list[FindingOut]


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/completeness",
    response=CompletenessOut,
    summary="What the guidelines ask and the plan lacks (blocking findings stop submission)",
)
def get_completeness(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> CompletenessOut:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        findings = completeness_check(plan=plan)
    return CompletenessOut(
        blocking=len(blocking_findings(findings)),
        warnings=sum(f.severity is Severity.WARNING for f in findings),
        findings=[FindingOut(**vars(f)) for f in findings],
    )


def expected_version(request: HttpRequest) -> int:
    """The plan version named by `If-Match` (an ETag, quoted or weak)."""
    header = request.headers.get("If-Match", "")
    digits = header.removeprefix("W/").strip().strip('"')
    if not digits.isdigit():
        raise PreconditionRequired(
            "Send If-Match with the plan's ETag (its version) to change it.",
            errors=[FieldError("If-Match", 'required: the ETag you read, e.g. "3"')],
        )
    return int(digits)


class VersionOut(Schema):
    number: int
    sha256: str
    submitted_by: str
    submitted_at: dt.datetime


class VersionDocumentOut(VersionOut):
    document: dict[str, Any]


class ChangeOut(Schema):
    path: str
    change: str
    before: Any = None
    after: Any = None


class CommentIn(Schema):
    path: str = Field(min_length=1, max_length=200, description="e.g. programme.areas[2].goals[0]")
    text: str = Field(min_length=1, max_length=5000)


class ReviewIn(Schema):
    decision: ReviewDecision
    comments: list[CommentIn] = Field(default_factory=list)


class CommentOut(Schema):
    version_number: int
    path: str
    text: str
    author: str
    created_at: dt.datetime


@router.post("/gminas/{teryt}/plans/{plan_id}/submission", response=VersionOut, summary="Submit for review")
def submit_plan(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.PLAN_SUBMIT) as (_, decision):
        return plan_submit(teryt=teryt, plan_id=plan_id, actor=actor_for(request, decision))


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/review",
    response=PlanOut,
    summary="Accept a submitted plan, or return it with comments (marshal's office)",
)
def review_plan(request: HttpRequest, payload: ReviewIn, plan_id: int, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.REVIEW_DECIDE) as (_, decision):
        plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)  # drafts stay unseen
        plan_review(
            teryt=teryt,
            plan_id=plan_id,
            decision=payload.decision,
            comments=[CommentSpec(path=c.path, text=c.text) for c in payload.comments],
            actor=actor_for(request, decision),
        )
        return plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)


@router.get("/gminas/{teryt}/plans/{plan_id}/versions", response=list[VersionOut], summary="Submitted versions")
def list_versions(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> list[PlanVersion]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.versions.all())


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/versions/{number}", response=VersionDocumentOut, summary="One frozen version"
)
def get_version(request: HttpRequest, plan_id: int, number: int, teryt: str = Teryt) -> VersionDocumentOut:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        version = plan_selectors.version_get(
            plan_id=plan_id, number=number, teryt=teryt, visibility=decision.visibility
        )
    return VersionDocumentOut(
        number=version.number,
        sha256=version.sha256,
        submitted_by=version.submitted_by,
        submitted_at=version.submitted_at,
        document=json.loads(version.canonical),
    )


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/versions/{number}/diff/{other}",
    response=list[ChangeOut],
    summary="What changed between two versions",
)
def diff_versions(request: HttpRequest, plan_id: int, number: int, other: int, teryt: str = Teryt) -> list[Change]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        before, after = (
            plan_selectors.version_get(plan_id=plan_id, number=n, teryt=teryt, visibility=decision.visibility)
            for n in (number, other)
        )
    return structural_diff(json.loads(before.canonical), json.loads(after.canonical))


@router.get("/gminas/{teryt}/plans/{plan_id}/comments", response=list[CommentOut], summary="Reviewers' comments")
def list_comments(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> list[ReviewComment]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.review_comments.all())


class HistoryEntryOut(Schema):
    type: str
    occurred_at: dt.datetime
    actor: str
    version: int = Field(validation_alias="aggregate_version")
    payload: dict[str, Any]


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/history",
    response=list[HistoryEntryOut],
    summary="The plan's history: every change and every review decision, oldest first",
)
def plan_history(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> list[Event]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
    return aggregate_history(teryt=teryt, aggregate="plan", aggregate_id=plan_id)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/workbook",
    response={200: None},
    summary="The plan as an XLSX workbook (one sheet per part)",
)
def export_workbook(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> HttpResponse:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        content = plan_workbook(plan)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="plan-{teryt}-{plan_id}-v{plan.version}.xlsx"'
    return response


@router.post(
    "/gminas/{teryt}/plan-workbooks",
    response={201: PlanOut},
    summary="Import an XLSX workbook as a new draft plan",
    description="Every problem is reported with its sheet, row and column; nothing is written unless all is right.",
)
def import_workbook(request: HttpRequest, teryt: str = Teryt, workbook: UploadedFile = File(...)) -> Status[object]:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        if workbook.size and workbook.size > settings.MAX_DOCUMENT_BYTES:
            raise PayloadTooLarge("The workbook is too large.", errors=[FieldError("workbook", "too large")])
        imported = workbook_plan(cast(IO[bytes], workbook))
        plan = plan_services.plan_import(teryt=teryt, imported=imported, actor=actor_for(request, decision))
        return Status(201, plan_selectors.plan_get(plan_id=plan.pk, teryt=teryt))


class ValueIn(Schema):
    year: int = Field(ge=1990, le=2100)
    value: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    note: str = Field("", max_length=500)


class ValueHistoryOut(Schema):
    year: int
    value: Decimal
    reported_by: str
    reported_at: dt.datetime
    note: str
    superseded_at: dt.datetime | None


class ReportIn(Schema):
    kind: ReportKind
    year: int = Field(ge=1990, le=2100)
    narrative: str = Field(min_length=1, max_length=100_000)


class ReportOut(Schema):
    id: int
    kind: ReportKind
    year: int
    narrative: str
    indicator_values: list[dict[str, Any]]
    filed_by: str
    filed_at: dt.datetime


class SectionIO(Schema):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=100_000)


class FigureIO(Schema):
    name: str = Field(min_length=1, max_length=300)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    unit: str = Field(min_length=1, max_length=50)
    year: int = Field(ge=1990, le=2100)
    source: str = Field("", max_length=300)


class DiagnosisIO(Schema):
    sections: list[SectionIO] = Field(default_factory=list)
    figures: list[FigureIO] = Field(default_factory=list)


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values",
    response={201: ValueHistoryOut},
    summary="Report an indicator's yearly value (again: a correction; the old value stays in history)",
)
def report_value(
    request: HttpRequest, payload: ValueIn, plan_id: int, indicator_id: int, teryt: str = Teryt
) -> Status[object]:
    with gmina_scope(request, teryt, Action.INDICATOR_REPORT) as (_, decision):
        reported = indicator_value_report(
            teryt=teryt,
            plan_id=plan_id,
            indicator_id=indicator_id,
            year=payload.year,
            value=payload.value,
            note=payload.note,
            actor=actor_for(request, decision),
        )
        return Status(201, reported)


@router.get(
    "/gminas/{teryt}/plans/{plan_id}/indicators/{indicator_id}/values",
    response=list[ValueHistoryOut],
    summary="Every value reported for an indicator, corrections included",
)
def value_history(request: HttpRequest, plan_id: int, indicator_id: int, teryt: str = Teryt) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan_selectors.indicator_value_history(plan=plan, indicator_id=indicator_id))


@router.post("/gminas/{teryt}/plans/{plan_id}/reports", response={201: ReportOut}, summary="File a report")
def file_report(request: HttpRequest, payload: ReportIn, plan_id: int, teryt: str = Teryt) -> Status[object]:
    with gmina_scope(request, teryt, Action.INDICATOR_REPORT) as (_, decision):
        report = report_file(
            teryt=teryt,
            plan_id=plan_id,
            kind=payload.kind,
            year=payload.year,
            narrative=payload.narrative,
            actor=actor_for(request, decision),
        )
        return Status(201, report)


@router.get("/gminas/{teryt}/plans/{plan_id}/reports", response=list[ReportOut], summary="Implementation reports")
def list_reports(request: HttpRequest, plan_id: int, teryt: str = Teryt) -> list[object]:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        return list(plan.reports.all())


@router.get("/gminas/{teryt}/plans/{plan_id}/diagnosis", response=DiagnosisIO, summary="The diagnostic part")
def get_diagnosis(request: HttpRequest, response: HttpResponse, plan_id: int, teryt: str = Teryt) -> DiagnosisIO:
    with gmina_scope(request, teryt, Action.GMINA_READ) as (_, decision):
        plan = plan_selectors.plan_get(plan_id=plan_id, teryt=teryt, visibility=decision.visibility)
        response["ETag"] = f'"{plan.version}"'
        return DiagnosisIO(
            sections=[SectionIO(title=s.title, text=s.text) for s in plan.diagnostic_sections.all()],
            figures=[
                FigureIO(name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
                for f in plan.key_figures.all()
            ],
        )


@router.put("/gminas/{teryt}/plans/{plan_id}/diagnosis", response=PlanOut, summary="Replace a draft's diagnosis")
def put_diagnosis(request: HttpRequest, payload: DiagnosisIO, plan_id: int, teryt: str = Teryt) -> object:
    with gmina_scope(request, teryt, Action.PLAN_EDIT) as (_, decision):
        diagnosis_replace(
            teryt=teryt,
            plan_id=plan_id,
            sections=[SectionSpec(title=s.title, text=s.text) for s in payload.sections],
            figures=[
                FigureSpec(name=f.name, value=f.value, unit=f.unit, year=f.year, source=f.source)
                for f in payload.figures
            ],
            expected_version=expected_version(request),
            actor=actor_for(request, decision),
        )
        return plan_selectors.plan_get(plan_id=plan_id, teryt=teryt)
