"""With the S3 endpoint down, an upload still succeeds as pending (its bytes wait in the local
staging folder), /readyz says the archive is down, archiving fails without losing anything, and
once the endpoint answers again the pending document is archived (as the five-minute sweep of
pending documents does). The outage is real: the endpoint is a port where nothing listens."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mozaika.audit.log import Actor
from mozaika.tenancy import in_gmina
from tenants.plans.documents.archive_check import pending_documents
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import PlanDocument
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, MotoS3, free_port


def test_uploads_wait_out_an_archive_outage(
    trzebiel_admin: Api, created_plan: dict[str, Any], moto_s3: MotoS3, settings: Any, monkeypatch: Any
) -> None:
    for name, value in moto_s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    settings.ARCHIVE_S3_BUCKET = moto_s3.create_bucket(f"outage-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")  # the outage

    uploaded = trzebiel_admin.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/documents",
        {"kind": "plan", "file": SimpleUploadedFile("plan.pdf", MINIMAL_PDF, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["status"] == "pending"
    readiness = Client().get("/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["archive"] == "unavailable"

    document_id = uploaded.json()["id"]
    with in_gmina(TRZEBIEL), pytest.raises(Exception, match="Could not connect"):
        document_archive(teryt=TRZEBIEL, document_id=document_id, actor=Actor.system("test"))
    assert [d.document_id for d in pending_documents()] == [document_id]

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_s3.url)  # the archive is back
    assert Client().get("/readyz").status_code == 200
    for pending in pending_documents():
        with in_gmina(pending.teryt):
            document_archive(teryt=pending.teryt, document_id=pending.document_id, actor=Actor.system("test"))

    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get(pk=document_id)
    assert document.status == "archived"
    stored = moto_s3.client().get_object(Bucket=settings.ARCHIVE_S3_BUCKET, Key=document.archive_key)
    assert stored["Body"].read() == MINIMAL_PDF
    assert pending_documents() == []
