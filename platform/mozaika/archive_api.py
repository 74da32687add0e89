"""Download links to archived documents. A link is the credential (signed, short-lived, issued
only to a caller allowed to see the document), so this path takes no bearer token; every use is
audited with the name the link was issued to."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router
from ninja.params.functions import Path

from mozaika.archive import get_archive, link_target
from mozaika.audit.log import Actor, audit_record
from mozaika.downloads import attachment_response
from mozaika.errors import Gone, NotFound

router = Router(tags=["archive"])


@router.get(
    "/archive/links/{token}",
    operation_id="downloadArchiveLink",
    auth=None,
    summary="Download an archived document through a short-lived link",
)
def download(request: HttpRequest, token: str = Path(..., max_length=2000)) -> StreamingHttpResponse:
    try:
        target = link_target(token, max_age=settings.ARCHIVE_LINK_SECONDS)
    except signing.SignatureExpired as expired:
        raise Gone("This download link has expired; ask for a new answer.") from expired
    except signing.BadSignature as forged:
        raise NotFound("No such download link.") from forged
    teryt, sha256 = target.key.split("/", 1)
    audit_record(
        actor=Actor(
            name=target.issued_to, kind="link", role="download link", ip=request.META.get("REMOTE_ADDR") or None
        ),
        action="document.download",
        object_type="archived_document",
        object_id=sha256,
        teryt=teryt,
    )
    return attachment_response(get_archive().open(target.key), filename=target.filename,
                               content_type=target.content_type)  # fmt: skip
