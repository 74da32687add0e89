"""`archive verify` re-reads every archived document and reports the missing and the altered,
against the local folder and against an S3-compatible server (moto, over HTTP)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mozaika.audit.log import Actor
from mozaika.tenancy import in_gmina
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import PlanDocument
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, MotoS3, adoption_form


def adopt_and_archive(trzebiel_admin: Api, plan_id: int) -> PlanDocument:
    adopted = trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/adoption", adoption_form())
    assert adopted.status_code == 200, adopted.content
    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get()
        return document_archive(teryt=TRZEBIEL, document_id=document.pk, actor=Actor.system("test"))


def verify(*teryts: str) -> str:
    out = io.StringIO()
    call_command("archive", "verify", *(["--teryt", *teryts] if teryts else []), stdout=out)
    return out.getvalue()


def test_an_intact_archive_verifies(trzebiel_admin: Api, accepted_plan: dict[str, Any]) -> None:
    adopt_and_archive(trzebiel_admin, accepted_plan["id"])

    assert "checked 1 archived documents: 0 problem(s)" in verify(TRZEBIEL)
    assert "checked 1 archived documents: 0 problem(s)" in verify()


def test_altered_and_missing_documents_are_reported(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], local_archive: Path
) -> None:
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])
    stored = local_archive / document.archive_key
    stored.write_bytes(MINIMAL_PDF.replace(b"595", b"596"))

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 archived document"):
        call_command("archive", "verify", stdout=out)
    assert f"ALTERED {document.archive_key}" in out.getvalue()
    assert f"recorded {document.sha256}" in out.getvalue()

    stored.unlink()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("archive", "verify", "--teryt", TRZEBIEL, stdout=out)
    assert f"MISSING {document.archive_key}" in out.getvalue()


def test_an_object_altered_on_s3_is_reported(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], moto_s3: MotoS3, settings: Any, monkeypatch: Any
) -> None:
    for name, value in moto_s3.env().items():
        monkeypatch.setenv(name, value)
    settings.ARCHIVE_S3_BUCKET = moto_s3.create_bucket(f"verify-{uuid.uuid4().hex[:8]}")
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])
    assert "0 problem(s)" in verify(TRZEBIEL)

    moto_s3.client().put_object(Bucket=settings.ARCHIVE_S3_BUCKET, Key=document.archive_key, Body=b"%PDF-1.4 forged")

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("archive", "verify", stdout=out)
    assert f"ALTERED {document.archive_key}" in out.getvalue()


def test_a_malformed_teryt_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="not a gmina TERYT"):
        call_command("archive", "verify", "--teryt", "08110")
