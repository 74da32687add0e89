"""Keeping adopted documents for the auditors: a retention date from the plan's period (art. 82
of Regulation 2021/1060 counts five years from the end of the year of the last payment, which
the archive cannot know, so operators extend it), and a legal hold. Mozaika itself never deletes
or replaces an archived document; Object Lock makes the storage refuse it too."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from mozaika.archive import get_archive
from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.tenancy import assert_in_gmina
from tenants.plans.models import ADOPTED_STATUSES, ArchiveStatus, Plan, PlanDocument


def adopted_document_retention(plan: Plan) -> date | None:
    """31 December of the plan's last year plus the configured years, for an adopted plan."""
    if plan.status not in ADOPTED_STATUSES:
        return None
    return date(plan.period_end + settings.ARCHIVE_RETENTION_YEARS, 12, 31)


def _archived(document_id: int, teryt: str) -> PlanDocument:
    assert_in_gmina(teryt)
    document = PlanDocument.objects.select_for_update().filter(pk=document_id).first()
    if document is None:
        raise NotFound(f"Document {document_id} does not exist in gmina {teryt}.")
    if document.status != ArchiveStatus.ARCHIVED:
        raise Conflict(f"Document {document_id} is not archived yet ({document.status}).")
    return document


def document_retention_extend(*, teryt: str, document_id: int, until: date, actor: Actor) -> PlanDocument:
    """Keep the document at least until `until`; a date not later than the current one is refused
    (retention is only ever extended)."""
    with transaction.atomic():
        document = _archived(document_id, teryt)
        if document.retain_until is not None and until <= document.retain_until:
            raise ValidationFailed(
                "Retention can only be extended.",
                errors=[FieldError("retain_until", f"must be after {document.retain_until.isoformat()}")],
            )
        get_archive().retain(document.archive_key, until)
        change = [document.retain_until and document.retain_until.isoformat(), until.isoformat()]
        document.retain_until = until
        document.save(update_fields=["retain_until"])
        audit_record(actor=actor, action="document.retention_extend", object_type="document", object_id=document.pk,
                     teryt=teryt, changes={"retain_until": change})  # fmt: skip
    return document


def document_legal_hold(*, teryt: str, document_id: int, on: bool, actor: Actor) -> PlanDocument:
    with transaction.atomic():
        document = _archived(document_id, teryt)
        get_archive().hold(document.archive_key, on)
        before = document.legal_hold
        document.legal_hold = on
        document.save(update_fields=["legal_hold"])
        audit_record(actor=actor, action="document.legal_hold", object_type="document", object_id=document.pk,
                     teryt=teryt, changes={"legal_hold": [before, on]})  # fmt: skip
    return document
