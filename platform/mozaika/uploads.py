"""Uploads checked while the request body streams in. Size: a file larger than
`MAX_DOCUMENT_BYTES` is refused (413, naming its field) as soon as it crosses the limit, or before
anything is read when the request says it is larger, so an oversize upload never fills the disk.
Names: Django's multipart parser would quietly reduce `../x.pdf` to `x.pdf`, drop NUL bytes and
shorten long names; a name that needs any of that is refused (422) instead, through the parser
below, which the handler runs itself (`handle_raw_input` may parse the body in Django's place)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, load_handler
from django.http.multipartparser import MultiPartParser

from mozaika.errors import FieldError, PayloadTooLarge, ValidationFailed

# Room for the multipart boundaries and the form fields next to the file.
MULTIPART_ALLOWANCE = 64 * 1024


def _too_large(field: str) -> PayloadTooLarge:
    limit = settings.MAX_DOCUMENT_BYTES
    return PayloadTooLarge(
        f"The document is larger than {limit} bytes.", errors=[FieldError(field, f"at most {limit} bytes")]
    )


MAX_NAME_LENGTH = 255


def file_name_problem(name: str) -> str | None:
    if any(not char.isprintable() for char in name):
        return "the file name contains control characters (NUL included)"
    if "/" in name or "\\" in name or name.strip(" .") in {"", ".."}:
        return "the file name must be a bare name, not a path"
    if len(name) > MAX_NAME_LENGTH:
        return f"the file name is longer than {MAX_NAME_LENGTH} characters"
    return None


class _NameKeepingParser(MultiPartParser):
    """Django's parser, remembering each file's name as the client sent it."""

    raw_name = ""

    def sanitize_file_name(self, file_name: str) -> str | None:
        self.raw_name = file_name
        return super().sanitize_file_name(file_name)


class DocumentSizeLimit(FileUploadHandler):
    """First in `FILE_UPLOAD_HANDLERS`: parses the body itself (so that it sees each file's name as
    sent), counts each file's bytes and passes them on to the other handlers."""

    received = 0
    parser: _NameKeepingParser | None = None

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> Any:
        if self.parser is not None:
            return None  # called again by our own parser: let it parse
        if content_length > settings.MAX_DOCUMENT_BYTES + MULTIPART_ALLOWANCE:
            raise _too_large("body")
        others = [load_handler(path, self.request) for path in settings.FILE_UPLOAD_HANDLERS[1:]]
        self.parser = _NameKeepingParser(META, input_data, [self, *others], encoding)
        return self.parser.parse()

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        problem = file_name_problem(self.parser.raw_name if self.parser else file_name)
        if problem:
            raise ValidationFailed("The file name is not acceptable.", errors=[FieldError(field_name, problem)])

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.MAX_DOCUMENT_BYTES:
            raise _too_large(self.field_name)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
