"""A received document moves from staging into the archive under its content address, once."""

from __future__ import annotations

import logging

from django.utils import timezone

from mozaika.archive import ArchiveIntegrityError, get_archive
from mozaika.audit.log import Actor
from mozaika.tenancy import assert_in_gmina
from tenants.plans.documents.protection import adopted_document_retention
from tenants.plans.events import DOCUMENT_ARCHIVED
from tenants.plans.lifecycle.review import plan_event
from tenants.plans.models import ArchiveStatus, PlanDocument

logger = logging.getLogger(__name__)


def document_archive(*, teryt: str, document_id: int, actor: Actor) -> PlanDocument:
    """Move a pending document into the archive under its content address (idempotent)."""
    assert_in_gmina(teryt)
    document = PlanDocument.objects.select_for_update().select_related("plan").get(pk=document_id)
    if document.status == ArchiveStatus.ARCHIVED:
        return document
    retain_until = adopted_document_retention(document.plan)
    try:
        stored = get_archive().store(
            retain_until=retain_until,
            staging_key=document.staging_key,
            teryt=teryt,
            sha256=document.sha256,
            metadata={
                "teryt": teryt,
                "plan": str(document.plan_id),
                "plan-version": str(document.plan.version),
                "kind": document.kind,
                "original-name": document.original_name,
                "uploader": document.uploaded_by,
            },
        )
    except ArchiveIntegrityError as error:
        logger.error("document %s of gmina %s failed its integrity check: %s", document_id, teryt, error)
        document.status = ArchiveStatus.FAILED
        document.failure_reason = str(error)
        document.save(update_fields=["status", "failure_reason"])
        return document
    document.status = ArchiveStatus.ARCHIVED
    document.archive_key = stored.key
    document.staging_key = ""
    document.archived_at = timezone.now()
    document.retain_until = retain_until
    document.save(update_fields=["status", "archive_key", "staging_key", "archived_at", "retain_until"])
    plan_event(
        document.plan,
        type=DOCUMENT_ARCHIVED,
        teryt=teryt,
        actor=actor,
        payload={"document_id": document.pk, "sha256": document.sha256, "key": stored.key},
    )
    return document
