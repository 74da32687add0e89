"""Every request starts and ends in the public schema, whatever a view did or raised."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


class PublicSchemaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()  # type: ignore[attr-defined]
