"""Authentication for the API: `Authorization: Bearer <token or client secret>`, rate limited
per credential."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from mozaika.identity.gate import admitted_principal
from mozaika.identity.principal import Principal


def principal_of(request: HttpRequest) -> Principal:
    """Who the API authenticated for this request, typed (ninja keeps it in `request.auth`)."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise TypeError("no authenticated principal on this request: the operation must require auth")
    return principal


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return admitted_principal(token)
