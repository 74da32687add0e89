"""A plan's documents over HTTP: upload, download, retention and legal hold."""

from __future__ import annotations

from typing import IO, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from ninja import Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params.functions import File, Form
from pydantic import Field, StrictBool

from mozaika.archive import S3Archive, get_archive
from mozaika.audit.log import actor_for, audit_record
from mozaika.downloads import attachment_response
from mozaika.identity.authz import Action
from mozaika.params import Day, GminaTerytPath
from tenants.plans import selectors as plan_selectors
from tenants.plans.api.access import gmina_scope
from tenants.plans.api.schemas import DocumentOut
from tenants.plans.documents.intake import document_receive
from tenants.plans.documents.protection import document_legal_hold, document_retention_extend
from tenants.plans.documents.uploads import document_upload
from tenants.plans.models import DocumentKind

router = Router(tags=["plan documents"])


@router.post(
    "/gminas/{teryt}/plans/{plan_id}/documents",
    operation_id="uploadPlanDocument",
    response={201: DocumentOut},
    summary="Add a document to a plan (archived in the background; a correction names the one it corrects)",
)
def upload_document(
    request: HttpRequest,
    plan_id: int,
    teryt: str = GminaTerytPath,
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
    operation_id="downloadDocument",
    summary="Download an archived document (S3: a redirect to a short-lived presigned URL); audited",
)
def download_document(request: HttpRequest, document_id: int, teryt: str = GminaTerytPath) -> HttpResponseBase:
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
    retain_until: Day = Field(description="keep the document at least until this day (only ever extended)")


class LegalHoldIn(Schema):
    on: StrictBool  # true or false; not 0, 1 or "yes"


@router.put(
    "/gminas/{teryt}/documents/{document_id}/retention",
    operation_id="extendDocumentRetention",
    response=DocumentOut,
    summary="Extend an archived document's retention (operators)",
)
def extend_retention(
    request: HttpRequest, document_id: int, payload: RetentionIn, teryt: str = GminaTerytPath
) -> object:
    with gmina_scope(request, teryt, Action.DOCUMENT_PROTECT) as (_, decision):
        return document_retention_extend(
            teryt=teryt, document_id=document_id, until=payload.retain_until, actor=actor_for(request, decision)
        )


@router.put(
    "/gminas/{teryt}/documents/{document_id}/legal-hold",
    operation_id="setDocumentLegalHold",
    response=DocumentOut,
    summary="Set or lift a legal hold on an archived document (operators)",
)
def set_legal_hold(request: HttpRequest, document_id: int, payload: LegalHoldIn, teryt: str = GminaTerytPath) -> object:
    with gmina_scope(request, teryt, Action.DOCUMENT_PROTECT) as (_, decision):
        return document_legal_hold(
            teryt=teryt, document_id=document_id, on=payload.on, actor=actor_for(request, decision)
        )
