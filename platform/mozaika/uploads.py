"""Upload size, enforced while the request body streams in: a file larger than
`MAX_DOCUMENT_BYTES` is refused (413, naming its field) as soon as it crosses the limit, or before
anything is read when the request says it is larger, so an oversize upload never fills the disk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from mozaika.errors import FieldError, PayloadTooLarge

# Room for the multipart boundaries and the form fields next to the file.
MULTIPART_ALLOWANCE = 64 * 1024


def _too_large(field: str) -> PayloadTooLarge:
    limit = settings.MAX_DOCUMENT_BYTES
    return PayloadTooLarge(
        f"The document is larger than {limit} bytes.", errors=[FieldError(field, f"at most {limit} bytes")]
    )


class DocumentSizeLimit(FileUploadHandler):
    """First in `FILE_UPLOAD_HANDLERS`: counts each file's bytes and passes them on."""

    received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        if content_length > settings.MAX_DOCUMENT_BYTES + MULTIPART_ALLOWANCE:
            raise _too_large("body")

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.MAX_DOCUMENT_BYTES:
            raise _too_large(self.field_name)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
