"""Receiving an uploaded document: type decided by content, size capped, hashed while staged."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from mozaika.archive import get_archive
from mozaika.errors import FieldError, PayloadTooLarge, UnsupportedMediaType

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ReceivedDocument:
    staging_key: str
    sha256: str
    size: int
    content_type: str
    original_name: str


class _HashingReader:
    """Reads through to the source, hashing and counting; refuses to read past `limit`."""

    def __init__(self, source: IO[bytes], limit: int, field: str) -> None:
        self.source = source
        self.limit = limit
        self.field = field
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(
                f"The document is larger than {self.limit} bytes.",
                errors=[FieldError(self.field, f"at most {self.limit} bytes")],
            )
        self.digest.update(chunk)
        return chunk


def sanitize_filename(name: str) -> str:
    """Keep a readable base name (Polish letters included), drop paths and control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip(" .")
    return base[:255] or "document"


@contextmanager
def discarded_on_failure(document: ReceivedDocument) -> Iterator[None]:
    """Forget the staged bytes if the block that would record the document fails."""
    try:
        yield
    except BaseException:
        get_archive().discard(document.staging_key)
        raise


def pdf_receive(*, source: IO[bytes], filename: str, field: str) -> ReceivedDocument:
    """Stage an uploaded PDF for archiving. Raises before staging anything when it is not one."""
    head = source.read(len(PDF_MAGIC))
    if head != PDF_MAGIC:
        raise UnsupportedMediaType(
            "The document must be a PDF file.",
            errors=[FieldError(field, "the content is not a PDF (no %PDF- header)")],
        )
    source.seek(0)
    reader = _HashingReader(source, settings.MAX_DOCUMENT_BYTES, field)
    staging_key = get_archive().stage(reader)  # type: ignore[arg-type]
    return ReceivedDocument(
        staging_key=staging_key,
        sha256=reader.digest.hexdigest(),
        size=reader.size,
        content_type="application/pdf",
        original_name=sanitize_filename(filename),
    )
