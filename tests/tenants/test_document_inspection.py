"""A document's type comes from its bytes: each accepted format is recognised; executables,
foreign ZIPs, decompression bombs, unsigned or entity-laden XML and lying headers are refused."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mozaika.errors import UnsupportedMediaType, ValidationFailed
from tenants.plans.documents.inspection import DocumentType, document_type
from tenants.plans.documents.intake import document_name
from tests.samples import DOCX, ODT, XADES, XLSX, zipped
from tests.support import MINIMAL_PDF, TRZEBIEL, Api

# Both namespaces mentioned, no signature: what the namespace test once took for a signed file.
NAMESPACES_ONLY = (
    b'<?xml version="1.0"?><doc xmlns:ds="http://www.w3.org/2000/09/xmldsig#" '
    b'xmlns:xades="http://uri.etsi.org/01903/v1.3.2#"><ds:Note>not signed</ds:Note></doc>'
)
XHTML_WITH_SCRIPT = (
    b'<html xmlns="http://www.w3.org/1999/xhtml"><!-- http://uri.etsi.org/01903/ '
    b"http://www.w3.org/2000/09/xmldsig# --><body><script>alert(1)</script></body></html>"
)
ENTITY_AFTER_70_KB = b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b'--><!DOCTYPE r [<!ENTITY e "e">]>' + XADES[38:]
PDF_OPEN_ACTION_JS = MINIMAL_PDF.replace(
    b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
)
PDF_ESCAPED_LAUNCH = MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/AA<</O<</S/L#61unch/F(cmd.exe)>>>>")
_HIDDEN = zlib.compress(b"<</S/JavaScript/JS(app.alert(1))>>")
PDF_JS_IN_OBJECT_STREAM = MINIMAL_PDF.replace(
    b"trailer", b"4 0 obj<</Type/ObjStm/Filter/FlateDecode/Length %d>>stream\n" % len(_HIDDEN) + _HIDDEN
    + b"\nendstream endobj\ntrailer"
)  # fmt: skip
BOMB = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (64 * 1024 * 1024)})


def kind_of(data: bytes, declared: str | None = None) -> DocumentType:
    return document_type(io.BytesIO(data), field="file", declared=declared)


@pytest.mark.parametrize(
    ("data", "expected"),
    [(MINIMAL_PDF, DocumentType.PDF), (DOCX, DocumentType.DOCX), (XLSX, DocumentType.XLSX), (ODT, DocumentType.ODT),
     (XADES, DocumentType.XADES), (b"\xef\xbb\xbf" + XADES, DocumentType.XADES)],
    ids=["pdf", "docx", "xlsx", "odt", "xades", "xades-with-bom"],
)  # fmt: skip
def test_accepted_types_are_recognised_by_content(data: bytes, expected: DocumentType) -> None:
    assert kind_of(data) is expected
    assert kind_of(data, "application/octet-stream") is expected


def test_a_scanned_page_whose_image_bytes_spell_names_is_accepted() -> None:
    """Bytes inside a stream body are an image's, not the file's syntax: `/JS` or `/Launch`
    there (any bytes can appear in a scan) must not refuse a resolution."""
    image = b"\xff\xd8 /JS /Launch /JavaScript " + bytes(range(256)) * 4096 + b" stream\n /JS"
    scanned = MINIMAL_PDF.replace(
        b"trailer", b"4 0 obj<</Type/XObject/Subtype/Image/Length %d>>stream\n" % len(image) + image
        + b"\nendstream endobj\ntrailer"
    )  # fmt: skip
    assert kind_of(scanned) is DocumentType.PDF


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"MZ\x90\x00\x03 an executable renamed .pdf", "none of the accepted types"),
        (b"\x7fELF\x02\x01\x01", "none of the accepted types"),
        (zipped({"payload.exe": b"MZ"}), "not a DOCX, XLSX or ODT"),
        (b"PK\x03\x04 not really a zip", "damaged ZIP"),
        (BOMB, "decompression bomb"),
        (zipped({"../../evil": b"x", "[Content_Types].xml": b"", "word/document.xml": b""}), "outside the container"),
        (b"<?xml version='1.0'?><root/>", "without a XAdES signature"),
        (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>' + XADES[38:], "DOCTYPE or entities"),
        (NAMESPACES_ONLY, "without a XAdES signature"),
        (XHTML_WITH_SCRIPT, "without a XAdES signature"),
        (ENTITY_AFTER_70_KB, "DOCTYPE or entities"),
        (XADES[:-10], "not well-formed"),
        (PDF_OPEN_ACTION_JS, "a PDF with JavaScript"),
        (PDF_ESCAPED_LAUNCH, "a PDF with a launch action"),
        (PDF_JS_IN_OBJECT_STREAM, "a PDF with JavaScript"),
    ],
    ids=[
        "exe",
        "elf",
        "foreign-zip",
        "damaged-zip",
        "zip-bomb",
        "zip-slip",
        "unsigned-xml",
        "xml-entities",
        "namespaces-only",
        "xhtml-script",
        "entity-after-70kb",
        "truncated-xml",
        "pdf-openaction-js",
        "pdf-escaped-launch",
        "pdf-js-in-object-stream",
    ],
)
def test_other_content_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        kind_of(data)
    assert reason in refused.value.errors[0].message
    assert refused.value.errors[0].path == "file"


def test_a_declared_type_that_contradicts_the_content_is_refused() -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        kind_of(DOCX, "application/pdf")
    assert "declared as application/pdf" in refused.value.errors[0].message
    assert kind_of(XADES, "text/xml") is DocumentType.XADES


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a\0b.pdf", "control characters"), ("../u.pdf", "bare name"), ("u" * 300 + ".pdf", "longer than 255")],
    ids=["nul", "path", "300-chars"],
)
def test_a_name_that_is_not_a_bare_readable_name_is_refused(name: str, reason: str) -> None:
    # What reaches `document_name` from another entry point than Django's multipart parser.
    with pytest.raises(ValidationFailed) as refused:
        document_name(name, field="file")
    assert reason in refused.value.errors[0].message
    assert document_name("Uchwała Nr XII.pdf", field="file") == "Uchwała Nr XII.pdf"


def test_an_empty_file_is_422() -> None:
    with pytest.raises(ValidationFailed):
        kind_of(b"")


def adopt(api: Api, plan_id: int, upload: SimpleUploadedFile) -> Any:
    return api.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/adoption",
        {"act_number": "XII/84/2024", "act_date": "2024-06-27", "resolution": upload},
    )


@pytest.mark.parametrize(
    ("upload", "status", "message"),
    [
        (SimpleUploadedFile("uchwala.pdf", b"", "application/pdf"), 422, "no content"),
        (SimpleUploadedFile("uchwala.pdf", b"MZ\x90\x00 exe", "application/pdf"), 415, "none of the accepted"),
        (SimpleUploadedFile("uchwala.docx", BOMB, "application/octet-stream"), 415, "decompression bomb"),
        (SimpleUploadedFile("uchwala.pdf", MINIMAL_PDF, "image/png"), 415, "declared as image/png"),
    ],
    ids=["empty", "exe-as-pdf", "zip-bomb-as-docx", "wrong-content-type"],
)
def test_a_refused_resolution_changes_nothing(
    accepted_plan: dict[str, Any], trzebiel_admin: Api, local_archive: Any, upload: Any, status: int, message: str
) -> None:
    response = adopt(trzebiel_admin, accepted_plan["id"], upload)

    assert response.status_code == status, response.content
    problem = response.json()
    assert problem["errors"][0]["path"] == "resolution"
    assert message in problem["errors"][0]["message"]
    assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}").json()["status"] == "accepted"
    assert not (local_archive / "staging").exists() or not any((local_archive / "staging").iterdir())


@pytest.mark.parametrize(
    ("name", "reason"),
    [("../../etc/uchwała.pdf", "bare name"), ("uchwała\0.pdf", "control characters"),
     ("u" * 300 + ".pdf", "longer than 255")],
    ids=["path", "nul", "300-chars"],
)  # fmt: skip
def test_a_name_the_parser_would_have_to_fix_is_refused(
    accepted_plan: dict[str, Any], trzebiel_admin: Api, local_archive: Any, name: str, reason: str
) -> None:
    # Django's multipart parser would reduce these to a bare, shortened, printable name; the body
    # is written by hand because Django's test client would too.
    boundary = "mozaika-boundary"
    fields = [("act_number", "XII/84/2024"), ("act_date", "2024-06-27")]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="resolution"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + MINIMAL_PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = trzebiel_admin.client.generic(
        "POST",
        f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}/adoption",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {trzebiel_admin.token}"},
    )

    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["path"] == "resolution"
    assert reason in response.json()["errors"][0]["message"]
    assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{accepted_plan['id']}").json()["status"] == "accepted"
    assert not (local_archive / "staging").exists() or not any((local_archive / "staging").iterdir())


def test_a_polish_name_is_kept(accepted_plan: dict[str, Any], trzebiel_admin: Api) -> None:
    upload = SimpleUploadedFile("Uchwała Nr XII-84-2024.pdf", MINIMAL_PDF, "application/pdf")
    response = adopt(trzebiel_admin, accepted_plan["id"], upload)

    assert response.status_code == 200, response.content
    assert response.json()["documents"][0]["original_name"] == "Uchwała Nr XII-84-2024.pdf"


def test_a_docx_resolution_is_accepted_with_its_type(accepted_plan: dict[str, Any], trzebiel_admin: Api) -> None:
    response = adopt(trzebiel_admin, accepted_plan["id"], SimpleUploadedFile("uchwała.docx", DOCX, DocumentType.DOCX))

    assert response.status_code == 200, response.content
    assert response.json()["documents"][0]["content_type"] == DocumentType.DOCX.value
