"""Adopted documents under Object Lock on an S3-compatible server (moto, over HTTP): retained
until the plan's last year plus the configured years, not deletable, retention extended (never
shortened) and legal holds set and lifted by an operator; the local folder records the same."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from mozaika.archive import LocalArchive, get_archive
from mozaika.audit.log import Actor
from mozaika.audit.models import AuditEntry
from mozaika.tenancy import in_gmina
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import PlanDocument
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, MotoS3, adoption_form

RETAINED = date(2027 + 10, 12, 31)  # plan_body's period ends in 2027; ARCHIVE_RETENTION_YEARS = 10


def adopt_and_archive(trzebiel_admin: Api, plan_id: int) -> PlanDocument:
    adopted = trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/adoption", adoption_form())
    assert adopted.status_code == 200, adopted.content
    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get()
        return document_archive(teryt=TRZEBIEL, document_id=document.pk, actor=Actor.system("test"))


@pytest.fixture
def locked_bucket(moto_s3: MotoS3, settings: Any, monkeypatch: Any) -> str:
    for name, value in moto_s3.env().items():
        monkeypatch.setenv(name, value)
    bucket = f"locked-{uuid.uuid4().hex[:8]}"
    moto_s3.client().create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        ObjectLockEnabledForBucket=True,
    )
    settings.ARCHIVE_S3_BUCKET = bucket
    settings.ARCHIVE_OBJECT_LOCK_MODE = "COMPLIANCE"
    settings.ARCHIVE_RETENTION_YEARS = 10
    return bucket


def protection(moto_s3: MotoS3, bucket: str, key: str) -> tuple[str | None, datetime | None, str | None]:
    head = moto_s3.client().head_object(Bucket=bucket, Key=key)
    return head.get("ObjectLockMode"), head.get("ObjectLockRetainUntilDate"), head.get("ObjectLockLegalHoldStatus")


def test_an_adopted_resolution_is_locked_until_its_retention_date(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], moto_s3: MotoS3, locked_bucket: str
) -> None:
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])

    assert document.retain_until == RETAINED
    mode, until, _ = protection(moto_s3, locked_bucket, document.archive_key)
    assert mode == "COMPLIANCE"
    assert until == datetime(2038, 1, 1, tzinfo=UTC)
    s3 = moto_s3.client()
    version = s3.list_object_versions(Bucket=locked_bucket, Prefix=document.archive_key)["Versions"][0]["VersionId"]
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=locked_bucket, Key=document.archive_key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert b"".join(get_archive().open(document.archive_key)).startswith(b"%PDF-")


def test_an_operator_extends_retention_and_sets_and_lifts_a_legal_hold(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api, moto_s3: MotoS3, locked_bucket: str
) -> None:
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])
    path = f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}"

    extended = operator.put_json(f"{path}/retention", {"retain_until": "2045-12-31"})
    assert extended.status_code == 200, extended.content
    assert extended.json()["retain_until"] == "2045-12-31"
    assert protection(moto_s3, locked_bucket, document.archive_key)[1] == datetime(2046, 1, 1, tzinfo=UTC)

    shortened = operator.put_json(f"{path}/retention", {"retain_until": "2040-12-31"})
    assert shortened.status_code == 422
    assert shortened.json()["errors"][0]["path"] == "retain_until"
    assert protection(moto_s3, locked_bucket, document.archive_key)[1] == datetime(2046, 1, 1, tzinfo=UTC)

    assert operator.put_json(f"{path}/legal-hold", {"on": True}).json()["legal_hold"] is True
    assert protection(moto_s3, locked_bucket, document.archive_key)[2] == "ON"
    assert operator.put_json(f"{path}/legal-hold", {"on": False}).json()["legal_hold"] is False
    assert protection(moto_s3, locked_bucket, document.archive_key)[2] == "OFF"

    assert trzebiel_admin.put_json(f"{path}/legal-hold", {"on": False}).status_code == 403


def test_the_local_folder_records_retention_and_hold(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api, settings: Any
) -> None:
    settings.ARCHIVE_RETENTION_YEARS = 10
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])
    archive = get_archive()
    assert isinstance(archive, LocalArchive)
    assert archive.lock_state(document.archive_key) == {"retain_until": RETAINED.isoformat(), "legal_hold": False}

    path = f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}"
    assert operator.put_json(f"{path}/retention", {"retain_until": "2050-12-31"}).status_code == 200
    assert operator.put_json(f"{path}/legal-hold", {"on": True}).status_code == 200
    assert archive.lock_state(document.archive_key) == {"retain_until": "2050-12-31", "legal_hold": True}


def test_a_pending_document_cannot_be_protected_yet(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], operator: Api
) -> None:
    trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption", adoption_form())
    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get()

    response = operator.put_json(f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}/legal-hold", {"on": True})

    assert response.status_code == 409
    assert operator.put_json(f"/api/v1/gminas/{TRZEBIEL}/documents/999/legal-hold", {"on": True}).status_code == 404


def test_a_download_streams_the_local_file_and_is_audited(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], krakow_viewer: Api
) -> None:
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])

    response = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.filter(action="document.download").latest("id")
    assert (entry.actor_name, entry.teryt, entry.object_id) == ("demo-trzebiel-admin", TRZEBIEL, str(document.pk))
    assert krakow_viewer.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}/download").status_code == 403


def test_a_download_from_s3_redirects_to_a_presigned_url_with_the_same_bytes(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], locked_bucket: str
) -> None:
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])

    response = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}/download")

    assert response.status_code == 302
    assert httpx.get(response["Location"], timeout=10).content == MINIMAL_PDF


def test_a_pending_document_is_not_downloadable_yet(trzebiel_admin: Api, accepted_plan: dict[str, Any]) -> None:
    trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption", adoption_form())
    with in_gmina(TRZEBIEL):
        document = PlanDocument.objects.get()

    assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{document.pk}/download").status_code == 409


def test_server_side_encryption_when_configured(
    trzebiel_admin: Api, accepted_plan: dict[str, Any], moto_s3: MotoS3, locked_bucket: str, settings: Any
) -> None:
    settings.ARCHIVE_SSE = "AES256"
    document = adopt_and_archive(trzebiel_admin, accepted_plan["id"])

    head = moto_s3.client().head_object(Bucket=locked_bucket, Key=document.archive_key)

    assert head["ServerSideEncryption"] == "AES256"
