"""Every request starts and ends in the public schema, whatever a view did or raised; an API
operation asked for a format it does not offer says so; every answer carries the
Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from mozaika.counters import request_versions_forget
from mozaika.exports import format_refusal

# The URL namespace of the API (`mozaika.site.api`).
API_NAMESPACE = "api-v1"


class OfferedFormatMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace != API_NAMESPACE:
            return None
        return format_refusal(request, match.url_name or "")


class PublicSchemaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()  # type: ignore[attr-defined]


class RequestVersionsMiddleware:
    """The shared versions the gate read belong to one request (`mozaika.counters`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_versions_forget()
        try:
            return self.get_response(request)
        finally:
            request_versions_forget()


class ContentSecurityPolicyMiddleware:
    """`settings.CONTENT_SECURITY_POLICY` on every answer that has none of its own, or the one
    `settings.CONTENT_SECURITY_POLICY_BY_PATH` gives for a prefix of the path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.CONTENT_SECURITY_POLICY
        self.by_path: dict[str, str] = settings.CONTENT_SECURITY_POLICY_BY_PATH

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = next((p for prefix, p in self.by_path.items() if request.path.startswith(prefix)), self.policy)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
