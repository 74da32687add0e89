"""One error format everywhere: JSON problem documents (RFC 9457) with field paths.

Domain code raises `MozaikaError` subclasses with an `ErrorCode`; the API turns them, and
request validation and authentication failures, into the same document:
`{"type", "title", "status", "detail", "code", "errors": [{"path", "message"}]}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ErrorCode(StrEnum):
    VALIDATION_FAILED = "validation_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    GONE = "gone"
    PRECONDITION_REQUIRED = "precondition_required"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    LOCKED_OUT = "locked_out"
    BAD_REQUEST = "bad_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INTERNAL_ERROR = "internal_error"
    URI_TOO_LONG = "uri_too_long"
    HEADERS_TOO_LARGE = "headers_too_large"
    SERVICE_UNAVAILABLE = "service_unavailable"


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


class MozaikaError(Exception):
    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    code: ErrorCode = ErrorCode.VALIDATION_FAILED

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers: dict[str, str] = {}


class ValidationFailed(MozaikaError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    code = ErrorCode.VALIDATION_FAILED


class NotAuthenticated(MozaikaError):
    status = HTTPStatus.UNAUTHORIZED
    code = ErrorCode.NOT_AUTHENTICATED


class PermissionDenied(MozaikaError):
    status = HTTPStatus.FORBIDDEN
    code = ErrorCode.PERMISSION_DENIED


class NotFound(MozaikaError):
    status = HTTPStatus.NOT_FOUND
    code = ErrorCode.NOT_FOUND


class Conflict(MozaikaError):
    status = HTTPStatus.CONFLICT
    code = ErrorCode.CONFLICT


class Gone(MozaikaError):
    status = HTTPStatus.GONE
    code = ErrorCode.GONE


class PreconditionRequired(MozaikaError):
    status = HTTPStatus.PRECONDITION_REQUIRED
    code = ErrorCode.PRECONDITION_REQUIRED


class UnsupportedMediaType(MozaikaError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class PayloadTooLarge(MozaikaError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = ErrorCode.PAYLOAD_TOO_LARGE


class RateLimited(MozaikaError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: int, detail: str = "Too many requests for this credential.") -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class LockedOut(RateLimited):
    code = ErrorCode.LOCKED_OUT


class ServiceUnavailable(MozaikaError):
    """A part the request needs does not answer; nothing was changed, try again later."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": "5"}


def problem_response(
    *,
    status: HTTPStatus,
    code: ErrorCode,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:mozaika:problem:{code.value}",
        "title": status.phrase,
        "status": int(status),
        "code": code.value,
        "detail": detail,
        "errors": [{"path": e.path, "message": e.message} for e in errors or []],
    }
    response = JsonResponse(body, status=int(status), content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def mozaika_error_response(request: HttpRequest, exc: MozaikaError) -> HttpResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == HTTPStatus.UNAUTHORIZED else exc.headers
    return problem_response(status=exc.status, code=exc.code, detail=exc.detail, errors=exc.errors, headers=headers)


# Every endpoint names its JSON body parameter `payload`; it is not part of the client's path.
BODY_PARAMETER = "payload"


def path_from_location(location: tuple[Any, ...] | list[Any]) -> str:
    """Pydantic locations -> `payload.areas[2].name`; the transport prefix (body/query/path/file)
    and ninja's parameter wrapper names are dropped so the path names the client's field."""
    parts = list(location)
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    if parts and parts[0] == BODY_PARAMETER:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(request)"
