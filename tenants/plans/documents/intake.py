"""Receiving an uploaded document: name checked, type decided by content, size capped, hashed while\nstaged."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from mozaika.archive import get_archive
from mozaika.errors import FieldError, PayloadTooLarge, ValidationFailed
from mozaika.uploads import file_name_problem
from tenants.plans.documents.inspection import document_type
from tenants.plans.models import Plan, PlanDocument


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


def document_name(name: str, *, field: str) -> str:
    """The uploaded file's name, kept readable (Polish letters included): a bare name of at most
    255 characters without control characters; anything else is refused, not silently fixed."""
    problem = file_name_problem(name)
    if problem:
        raise ValidationFailed("The document's file name is not acceptable.", errors=[FieldError(field, problem)])
    return unicodedata.normalize("NFC", name).strip()


@contextmanager
def discarded_on_failure(document: ReceivedDocument) -> Iterator[None]:
    """Forget the staged bytes if the block that would record the document fails."""
    try:
        yield
    except BaseException:
        get_archive().discard(document.staging_key)
        raise


def document_receive(*, source: IO[bytes], filename: str, field: str, declared_type: str | None) -> ReceivedDocument:
    """Stage an uploaded document for archiving, its type judged by its bytes
    (`tenants.plans.documents.inspection`). Raises before staging anything when it is refused."""
    name = document_name(filename, field=field)
    kind = document_type(source, field=field, declared=declared_type)
    reader = _HashingReader(source, settings.MAX_DOCUMENT_BYTES, field)
    staging_key = get_archive().stage(reader)  # type: ignore[arg-type]
    return ReceivedDocument(
        staging_key=staging_key,
        sha256=reader.digest.hexdigest(),
        size=reader.size,
        content_type=kind.value,
        original_name=name,
    )


def document_record(
    *, plan: Plan, received: ReceivedDocument, kind: str, uploaded_by: str, corrects: PlanDocument | None = None
) -> PlanDocument:
    """The row of a received document, pending until the archive consumer stores its bytes."""
    return PlanDocument.objects.create(
        plan=plan,
        kind=kind,
        original_name=received.original_name,
        content_type=received.content_type,
        size=received.size,
        sha256=received.sha256,
        staging_key=received.staging_key,
        uploaded_by=uploaded_by,
        corrects=corrects,
    )
