"""Documents as users send them, in bytes: the accepted formats (office files are ZIPs, a
signed resolution is XAdES XML), shared by the tests of inspection and of uploads."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from tenants.plans.spreadsheet.layout import PLAN_SHEET


def zipped(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
             stored_first="mimetype")  # fmt: skip
XADES = (
    b'<?xml version="1.0" encoding="UTF-8"?><uchwala><tresc>Uchwala Nr XII/84/2024</tresc>'
    b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="sig">'
    b'<ds:SignedInfo><ds:Reference URI=""><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>'
    b"<ds:SignatureValue>BBBB</ds:SignatureValue><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>"
    b'<ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#sig"/>'
    b"</ds:Object></ds:Signature></uchwala>"
)


def hostile_workbook(*, far_row: int = 100_000_000, padding: bytes = b"") -> bytes:
    """A 15 KB workbook whose plan sheet declares `A1:G100000000` and has one cell on that row."""
    book = Workbook()
    assert book.active is not None
    book.active.title = PLAN_SHEET
    book.active["A1"] = "title"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1"/>', f'<dimension ref="A1:G{far_row}"/>'.encode())
                far = f'<row r="{far_row}"><c r="A{far_row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            target.writestr(item, data)
        if padding:
            target.writestr("xl/media/padding.bin", padding)
    return out.getvalue()
