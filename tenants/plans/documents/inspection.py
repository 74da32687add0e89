"""What an uploaded document is, decided by its bytes: PDF, DOCX, XLSX, ODT or a XAdES-signed
XML. The name and the declared content type decide nothing; an executable renamed `.pdf`, a
ZIP that is none of the office formats, a ZIP that inflates out of proportion, a PDF with
JavaScript or launch actions (`pdf_actions`), an XML without a XAdES signature structure or
with a DTD or entities anywhere (`signed_xml`) is refused."""

from __future__ import annotations

import zipfile
from enum import StrEnum
from typing import IO

from mozaika.errors import FieldError, UnsupportedMediaType, ValidationFailed
from tenants.plans.documents.pdf_actions import pdf_active_content
from tenants.plans.documents.signed_xml import NotSignedXml, xades_checked

# A document that inflates to more than this, or whose entries inflate more than RATIO times,
# is a decompression bomb (office files compress XML about 5-20 times).
MAX_INFLATED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 10_000
# A plan's workbook holds a few hundred rows: tens of kilobytes of XML.
MAX_WORKBOOK_INFLATED = 32 * 1024 * 1024
SNIFF_BYTES = 64 * 1024


class DocumentType(StrEnum):
    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ODT = "application/vnd.oasis.opendocument.text"
    XADES = "application/xml"


# Declared types that say nothing about the content (browsers send them for unknown files).
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}
# What else a client may declare for each type.
DECLARED_ALIASES = {DocumentType.XADES: {"text/xml", "application/xades+xml"}}


def _refuse(field: str, reason: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        "The document must be a PDF, DOCX, XLSX or ODT file, or an XML signed with XAdES.",
        errors=[FieldError(field, reason)],
    )


def _zip_type(source: IO[bytes], field: str, max_inflated: int = MAX_INFLATED_BYTES) -> DocumentType:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise _refuse(field, "a damaged ZIP container") from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise _refuse(field, f"a ZIP container with {len(entries)} entries")
        inflated = 0
        for entry in entries:
            if entry.filename.startswith("/") or ".." in entry.filename.split("/"):
                raise _refuse(field, f"a ZIP entry with a path outside the container: {entry.filename!r}")
            # Inflate for real, counting: the sizes a ZIP declares may lie.
            entry_inflated = 0
            with archive.open(entry) as content:
                while chunk := content.read(1024 * 1024):
                    entry_inflated += len(chunk)
                    if inflated + entry_inflated > max_inflated:
                        raise _refuse(field, f"a ZIP container that inflates beyond {max_inflated >> 20} MB "
                                             "(a decompression bomb)")  # fmt: skip
                    if entry_inflated > 1 << 20 and entry_inflated > MAX_RATIO * max(entry.compress_size, 1):
                        raise _refuse(field, f"a ZIP entry inflating over {MAX_RATIO} times (a decompression bomb)")
            inflated += entry_inflated
        names = {entry.filename for entry in entries}
        if "mimetype" in names and archive.read("mimetype").strip() == DocumentType.ODT.value.encode():
            return DocumentType.ODT
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DocumentType.DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return DocumentType.XLSX
    raise _refuse(field, "a ZIP container that is not a DOCX, XLSX or ODT document")


def _xml_type(source: IO[bytes], field: str) -> DocumentType:
    source.seek(0)
    try:
        xades_checked(source)
    except NotSignedXml as refused:
        raise _refuse(field, str(refused)) from refused
    finally:
        source.seek(0)
    return DocumentType.XADES


def _pdf_type(source: IO[bytes], field: str) -> DocumentType:
    active = pdf_active_content(source)
    if active is not None:
        # Refused, not quarantined: an archived document is handed out by signed links to
        # funding systems, and a resolution has no use for scripts or launch actions.
        raise _refuse(field, f"a PDF with {active}, which a resolution or plan does not need")
    return DocumentType.PDF


def workbook_checked(source: IO[bytes], *, field: str) -> None:
    """A plan workbook must be an XLSX file that inflates to at most `MAX_WORKBOOK_INFLATED`
    (checked entry by entry, for real, before a spreadsheet library reads it); else a 415."""
    source.seek(0)
    try:
        if not source.read(4).startswith(b"PK\x03\x04"):
            raise _refuse(field, "the file is not an XLSX workbook")
        if _zip_type(source, field, max_inflated=MAX_WORKBOOK_INFLATED) is not DocumentType.XLSX:
            raise _refuse(field, "the file is not an XLSX workbook")
    except UnsupportedMediaType as refused:
        raise UnsupportedMediaType("The plan workbook must be an XLSX file.", errors=refused.errors) from refused
    finally:
        source.seek(0)


def document_type(source: IO[bytes], *, field: str, declared: str | None = None) -> DocumentType:
    """The type of the seekable `source` (left at its start); raises a 415 naming `field` when it
    is none of the accepted ones or disagrees with a `declared` content type, a 422 when empty."""
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    source.seek(0)
    if not head:
        raise ValidationFailed("The document is empty.", errors=[FieldError(field, "the file has no content")])
    if head.startswith(b"%PDF-"):
        kind = _pdf_type(source, field)
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_type(source, field)
        source.seek(0)
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        kind = _xml_type(source, field)
    else:
        raise _refuse(field, "the content is none of the accepted types (judged by its bytes, not its name)")
    said = (declared or "").split(";")[0].strip().lower()
    if said not in UNDECLARED and said != kind.value and said not in DECLARED_ALIASES.get(kind, set()):
        raise _refuse(field, f"declared as {said}, but the content is {kind.value}")
    return kind
