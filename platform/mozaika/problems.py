"""Every answer a client can get from Mozaika is a problem document, not only those the API's
handlers build: an unrouted path (404), a method a path does not take (405), a request Django
refuses before any view (400, a disallowed host, a body or form over its limits: 413) and a
crash (500, with a correlation id to quote and nothing internal). The Django admin keeps its
HTML pages."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse

from mozaika.errors import PROBLEM_CONTENT_TYPE, ErrorCode, problem_response
from mozaika.logs import request_id_bound

logger = logging.getLogger("mozaika.errors")
REQUEST_ID_HEADER = "X-Request-Id"
_CODES = {
    HTTPStatus.BAD_REQUEST: ErrorCode.BAD_REQUEST,
    HTTPStatus.UNAUTHORIZED: ErrorCode.NOT_AUTHENTICATED,
    HTTPStatus.FORBIDDEN: ErrorCode.PERMISSION_DENIED,
    HTTPStatus.NOT_FOUND: ErrorCode.NOT_FOUND,
    HTTPStatus.METHOD_NOT_ALLOWED: ErrorCode.METHOD_NOT_ALLOWED,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
    HTTPStatus.INTERNAL_SERVER_ERROR: ErrorCode.INTERNAL_ERROR,
}
_DETAILS = {
    HTTPStatus.NOT_FOUND: "No such resource; the API's paths are listed at /api/v1/docs.",
    HTTPStatus.METHOD_NOT_ALLOWED: "This path does not take this method (see the Allow header).",
}


def request_id(request: HttpRequest) -> str:
    rid: str = getattr(request, "request_id", "") or uuid.uuid4().hex
    request.request_id = rid  # type: ignore[attr-defined]
    return rid


def problem_for_status(request: HttpRequest, status: HTTPStatus, detail: str | None = None) -> HttpResponse:
    code = _CODES.get(status, ErrorCode.BAD_REQUEST if status < 500 else ErrorCode.INTERNAL_ERROR)
    return problem_response(status=status, code=code, detail=detail or _DETAILS.get(status, status.description))


class ProblemMiddleware:
    """Outermost: gives each request a correlation id and turns any non-JSON error answer into
    a problem document with the same status (and headers such as Allow)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id(request)
        with request_id_bound(rid):
            response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        is_json = content_type.startswith((PROBLEM_CONTENT_TYPE, "application/json"))
        if response.status_code >= 400 and not is_json and not request.path.startswith("/admin/"):
            problem = problem_for_status(request, HTTPStatus(response.status_code))
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    problem[header] = response[header]
            response = problem
        response[REQUEST_ID_HEADER] = rid
        return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: what Django refuses before a view, a body or form over its limits included."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return problem_for_status(request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The request body is too large.")
    return problem_for_status(request, HTTPStatus.BAD_REQUEST, "The request cannot be processed.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_for_status(request, HTTPStatus.FORBIDDEN, "Not allowed.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_for_status(request, HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the correlation id to quote, nothing internal (the traceback is logged)."""
    rid = request_id(request)
    logger.error("internal error, request id %s", rid)
    response = problem_for_status(
        request, HTTPStatus.INTERNAL_SERVER_ERROR, f"An internal error occurred; quote request id {rid}."
    )
    response[REQUEST_ID_HEADER] = rid
    return response
