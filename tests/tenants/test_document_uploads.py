"""Documents added to a plan: recorded pending, archived in the background (the consumer of
`document.uploaded`, run here), typed by content; a correction links to the document it
corrects, which stays archived and unchanged; refused uploads store nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mozaika.audit.log import Actor
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import PlanDocument
from tests.samples import DOCX
from tests.support import MINIMAL_PDF, TRZEBIEL, Api


def upload(api: Api, plan_id: int, data: bytes, **fields: Any) -> Any:
    content_type = "application/pdf" if data.startswith(b"%PDF") else "application/octet-stream"
    return api.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/documents",
        {"kind": "report", "file": SimpleUploadedFile("sprawozdanie.pdf", data, content_type), **fields},
    )


def archive(document_id: int) -> PlanDocument:
    """What the worker does for `document.uploaded`."""
    with in_gmina(TRZEBIEL):
        return document_archive(teryt=TRZEBIEL, document_id=document_id, actor=Actor.system("test"))


def test_an_uploaded_document_is_pending_then_archived(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    response = upload(trzebiel_admin, created_plan["id"], MINIMAL_PDF)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["kind"], body["content_type"]) == ("pending", "report", "application/pdf")
    event = Event.objects.get(type="document.uploaded", teryt=TRZEBIEL)
    assert event.payload["documents"][0]["id"] == body["id"]
    assert archive(body["id"]).status == "archived"
    download = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{body['id']}/download")
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_a_correction_is_a_new_document_linked_to_the_old(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    first = upload(trzebiel_admin, created_plan["id"], MINIMAL_PDF).json()
    archive(first["id"])

    corrected = upload(trzebiel_admin, created_plan["id"], DOCX, corrects=str(first["id"]))

    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["corrects_id"] == first["id"]
    with in_gmina(TRZEBIEL):
        old = PlanDocument.objects.get(pk=first["id"])
    assert (old.status, old.sha256, old.corrects_id) == ("archived", first["sha256"], None)


def test_refused_uploads_store_nothing(
    trzebiel_admin: Api, created_plan: dict[str, Any], local_archive: Any, krakow_viewer: Api
) -> None:
    plan_id = created_plan["id"]
    assert upload(trzebiel_admin, plan_id, MINIMAL_PDF, corrects="999").status_code == 404
    assert upload(trzebiel_admin, plan_id, b"MZ\x90\x00").status_code == 415
    assert upload(trzebiel_admin, plan_id, MINIMAL_PDF, kind="selfie").status_code == 422
    assert upload(trzebiel_admin, 999, MINIMAL_PDF).status_code == 404
    assert upload(krakow_viewer, plan_id, MINIMAL_PDF).status_code == 403
    with in_gmina(TRZEBIEL):
        assert not PlanDocument.objects.exists()
    assert not (local_archive / "staging").exists() or not any((local_archive / "staging").iterdir())


def test_an_oversize_upload_is_refused_while_it_streams(
    trzebiel_admin: Api, created_plan: dict[str, Any], settings: Any, local_archive: Any
) -> None:
    settings.MAX_DOCUMENT_BYTES = 1024 * 1024
    big = MINIMAL_PDF + b"0" * (3 * 1024 * 1024)

    response = upload(trzebiel_admin, created_plan["id"], big)

    assert response.status_code == 413, response.content
    assert response.json()["errors"][0]["path"] == "body"  # the declared length already says so
    with in_gmina(TRZEBIEL):
        assert not PlanDocument.objects.exists()


def test_a_file_crossing_the_limit_mid_stream_is_refused_naming_its_field(
    trzebiel_admin: Api, created_plan: dict[str, Any], settings: Any
) -> None:
    # Within the body allowance (64 KB), so the size check happens as the file's bytes arrive.
    settings.MAX_DOCUMENT_BYTES = 200 * 1024
    big = MINIMAL_PDF + b"0" * (230 * 1024)

    response = upload(trzebiel_admin, created_plan["id"], big)

    assert response.status_code == 413, response.content
    assert response.json()["errors"][0]["path"] == "file"
