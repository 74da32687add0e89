"""Files sent to a browser or a client: one safe `Content-Disposition`, the document's own type
and a file name ending that matches it, whichever path serves the bytes (a document, a signed
link, an export)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header


def attachment_disposition(filename: str) -> str:
    """`Content-Disposition: attachment` for a file name built from user data (an act number, an
    uploaded name): anything but letters, digits, spaces and `.-_()` becomes `-`, then RFC
    6266/5987 encoding (`filename*=utf-8''...` for Polish letters), so no name can add a
    parameter or a header."""
    safe = re.sub(r"[^\w .()-]", "-", filename)  # \w: letters and digits of any script, and "_"
    safe = re.sub(r"-{2,}", "-", safe).strip(" .-") or "dokument"
    return content_disposition_header(True, safe) or "attachment"


# The types documents are accepted in, named explicitly: the platform's MIME tables disagree
# (one maps application/xml to .xsl).
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def extension_for(content_type: str) -> str:
    """The file name ending a download of this type gets (`.pdf`, `.xml`; `.bin` if unknown)."""
    return _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"


def attachment_response(
    chunks: Iterator[bytes], *, filename: str, content_type: str, size: int | None = None
) -> StreamingHttpResponse:
    """A download: the document's own type and a safe file name, whichever path serves it."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)
    if size is not None:
        response["Content-Length"] = str(size)
    return response
