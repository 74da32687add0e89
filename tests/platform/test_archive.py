"""The archive's two backends keep the same promises: content-addressed keys, hashes verified
on the way in, the same bytes stored once, staged bytes gone afterwards."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mozaika.archive import Archive, ArchiveIntegrityError, LocalArchive, S3Archive
from tests.support import MINIMAL_PDF, TRZEBIEL, MotoS3

SHA = hashlib.sha256(MINIMAL_PDF).hexdigest()


@pytest.fixture(params=["local", "s3"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Archive]:
    if request.param == "local":
        yield LocalArchive(tmp_path / "archive")
    else:
        moto: MotoS3 = request.getfixturevalue("moto_s3")
        yield S3Archive(moto.create_bucket(f"archive-{uuid.uuid4().hex[:12]}"), client=moto.client())


def test_stored_bytes_read_back_under_their_content_address(archive: Archive) -> None:
    staged = archive.stage(io.BytesIO(MINIMAL_PDF))

    stored = archive.store(staging_key=staged, teryt=TRZEBIEL, sha256=SHA, metadata={"original-name": "Uchwała.pdf"})

    assert stored.key == f"{TRZEBIEL}/{SHA}"
    assert stored.size == len(MINIMAL_PDF)
    assert b"".join(archive.open(stored.key)) == MINIMAL_PDF


def test_the_same_bytes_twice_reuse_one_object(archive: Archive) -> None:
    first = archive.store(staging_key=archive.stage(io.BytesIO(MINIMAL_PDF)), teryt=TRZEBIEL, sha256=SHA, metadata={})
    second = archive.store(staging_key=archive.stage(io.BytesIO(MINIMAL_PDF)), teryt=TRZEBIEL, sha256=SHA, metadata={})
    assert first.key == second.key


def test_bytes_that_do_not_match_their_recorded_hash_are_refused(archive: Archive) -> None:
    staged = archive.stage(io.BytesIO(MINIMAL_PDF + b"tampered"))

    with pytest.raises(ArchiveIntegrityError):
        archive.store(staging_key=staged, teryt=TRZEBIEL, sha256=SHA, metadata={})

    with pytest.raises(Exception):  # noqa: B017, PT011  (each backend raises its own "not found")
        b"".join(archive.open(f"{TRZEBIEL}/{SHA}"))


def test_s3_objects_carry_their_sha256_checksum_and_metadata(moto_s3: MotoS3) -> None:
    bucket = moto_s3.create_bucket(f"archive-{uuid.uuid4().hex[:12]}")
    archive = S3Archive(bucket, client=moto_s3.client())

    stored = archive.store(
        staging_key=archive.stage(io.BytesIO(MINIMAL_PDF)),
        teryt=TRZEBIEL,
        sha256=SHA,
        metadata={"original-name": "Uchwała.pdf", "teryt": TRZEBIEL},
    )

    head = moto_s3.client().head_object(Bucket=bucket, Key=stored.key, ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(SHA)).decode()
    assert head["Metadata"]["teryt"] == TRZEBIEL
    assert head["Metadata"]["original-name"] == "Uchwa\\u0142a.pdf"
    listed = moto_s3.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [stored.key]  # the staging object is gone


def test_a_local_key_cannot_escape_the_archive_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        b"".join(LocalArchive(tmp_path).open("../../etc/passwd"))


def test_digest_reads_the_stored_bytes_back(archive: Archive) -> None:
    stored = archive.store(staging_key=archive.stage(io.BytesIO(MINIMAL_PDF)), teryt=TRZEBIEL, sha256=SHA, metadata={})

    assert archive.digest(stored.key) == SHA
    assert archive.digest(f"{TRZEBIEL}/{'0' * 64}") is None


@pytest.mark.parametrize(
    "act_number",
    [
        pytest.param("XIII/1/2025\"; filename*=UTF-8''evil.html; x=\"", id="quote-injection"),
        pytest.param("XIV/1/2025\r\nSet-Cookie: pwn=1", id="crlf-injection"),
        pytest.param("Uchwała Nr XII/84/2024", id="polish"),
    ],
)
def test_a_links_file_name_from_an_act_number_cannot_change_the_headers(db: None, act_number: str) -> None:
    """An act number stored before numbers were validated still makes one safe header."""
    from django.test import Client

    from mozaika.archive import get_archive

    archive = get_archive()
    staged = archive.stage(io.BytesIO(MINIMAL_PDF))
    stored = archive.store(staging_key=staged, teryt=TRZEBIEL, sha256=SHA, metadata={})
    url = archive.link(stored.key, filename=f"uchwala-{act_number}.pdf", content_type="application/pdf",
                       issued_to="client:sowa", seconds=60)  # fmt: skip

    response = Client().get(url)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert disposition.count(";") == 1  # one parameter: the file name
    assert '"' not in disposition.split("filename", 1)[1].strip('="')
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert disposition.count(";") == 1  # one parameter: the file name


@pytest.mark.parametrize(
    "act_number",
    ["XIII/1/2025\"; filename*=UTF-8''evil.html; x=\"", "XIV/1/2025\r\nSet-Cookie: pwn=1", "XII/84/2024 ", ""],
)
def test_an_act_number_that_is_no_act_number_is_422(trzebiel_admin: Any, accepted_plan: Any, act_number: str) -> None:
    from tests.support import adoption_form

    response = trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption",
                                        adoption_form(act_number=act_number))  # fmt: skip
    assert response.status_code == 422, response.content
    assert [e["path"] for e in response.json()["errors"]] == ["act_number"]


def test_a_link_downloads_with_the_documents_own_type_and_a_matching_name(db: None) -> None:
    """A signed XML resolution (XAdES) is served as XML, not as the PDF every link once claimed."""
    from django.test import Client

    from mozaika.archive import get_archive
    from mozaika.downloads import extension_for

    signed_xml = b'<?xml version="1.0"?><uchwala xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>'
    archive = get_archive()
    stored = archive.store(staging_key=archive.stage(io.BytesIO(signed_xml)), teryt=TRZEBIEL,
                           sha256=hashlib.sha256(signed_xml).hexdigest(), metadata={})  # fmt: skip
    filename = f"uchwala-XII-84-2024{extension_for('application/xml')}"
    url = archive.link(stored.key, filename=filename, content_type="application/xml", issued_to="t", seconds=60)

    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="uchwala-XII-84-2024.xml"'
    assert b"".join(response.streaming_content) == signed_xml
