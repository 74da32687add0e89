"""Documents added to a plan after the fact: its text, a report, an annex, a resolution. Each is
recorded pending and archived in the background after commit (`document.uploaded`); a
correction is a new document linked to the one it corrects, which stays as it was."""

from __future__ import annotations

from django.db import transaction

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import NotFound
from tenants.plans.documents.intake import ReceivedDocument, discarded_on_failure, document_record
from tenants.plans.events import DOCUMENT_UPLOADED
from tenants.plans.lifecycle.review import plan_event, plan_locked
from tenants.plans.models import DocumentKind, PlanDocument


def document_upload(
    *, teryt: str, plan_id: int, kind: DocumentKind, received: ReceivedDocument, corrects: int | None, actor: Actor
) -> PlanDocument:
    with discarded_on_failure(received), transaction.atomic():
        plan = plan_locked(teryt=teryt, plan_id=plan_id)
        corrected = None
        if corrects is not None:
            corrected = PlanDocument.objects.filter(pk=corrects, plan=plan).first()
            if corrected is None:
                raise NotFound(f"Document {corrects} (to be corrected) does not exist in plan {plan_id}.")
        document = document_record(plan=plan, received=received, kind=kind, uploaded_by=actor.name,
                                   corrects=corrected)  # fmt: skip
        summary = {"id": document.pk, "kind": kind, "sha256": document.sha256, "corrects": corrects}
        plan_event(plan, type=DOCUMENT_UPLOADED, teryt=teryt, actor=actor,
                   payload={"plan_id": plan.pk, "documents": [summary]})  # fmt: skip
        changes: dict[str, list[object]] = {"kind": [None, kind], "sha256": [None, document.sha256],
                                            "corrects": [None, corrects]}  # fmt: skip
        audit_record(actor=actor, action="document.upload", object_type="document", object_id=document.pk,
                     teryt=teryt, changes=changes)  # fmt: skip
    return document
